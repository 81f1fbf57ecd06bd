// Segments against the real database: every rule kind's SQL on crafted customers, a fast-check
// property that segmentSql and the in-memory evaluator select exactly the same customers for random
// rule trees over random customers, and the tRPC procedures (access, validation, snapshots, audit,
// delete refused while a campaign uses the segment).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { Prisma } from "../../server/db/generated/client.ts";
import { evaluateRules, segmentRulesSchema, segmentSql, type SegmentRules } from "../../server/domain/campaigns/segment-rules.ts";
import { countSegment, loadCustomerFacts, segmentCustomerIds, snapshotAllSegments } from "../../server/domain/campaigns/segments.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { startTestApp } from "../setup/app.ts";
import { callerAs } from "../setup/harness.ts";
import { createStaff, factoryContext, mulberry32 } from "../factories/index.ts";

const AS_OF = new Date("2025-06-15T12:00:00Z");
const DAY = 86_400_000;
const ago = (days: number) => new Date(AS_OF.getTime() - days * DAY);
const ctx = factoryContext();

interface Spec {
  tier?: string;
  locale?: "en" | "zh_CN";
  points?: number;
  createdAt?: Date;
  birthday?: Date | null;
  consent?: { email?: boolean; sms?: boolean; push?: boolean };
  anonymized?: boolean;
  score?: { rfm: string; stage: string; pAlive: number; clv: number } | null;
  orders?: { daysAgo: number; status: "PLACED" | "PAID" | "SHIPPED" | "DELIVERED" | "CANCELLED" | "REFUNDED"; totalMinor: number; refundedMinor?: number }[];
  tickets?: { status: "NEW" | "OPEN" | "PENDING" | "SOLVED" | "CLOSED"; csat?: number; ratedDaysAgo?: number | null }[];
}

async function makeCustomer(s: Spec): Promise<string> {
  const c = await db().customer.create({
    data: {
      email: ctx.uniqueEmail("seg"),
      name: "Segment Test",
      tier: s.tier ?? "BRONZE",
      locale: s.locale ?? "en",
      pointsAvailable: s.points ?? 0,
      createdAt: s.createdAt ?? new Date("2024-01-01T00:00:00Z"),
      birthday: s.birthday ?? null,
      consentEmail: s.consent?.email ?? false,
      consentSms: s.consent?.sms ?? false,
      consentPush: s.consent?.push ?? false,
      anonymizedAt: s.anonymized ? ago(1) : null,
    },
  });
  if (s.score) {
    await db().customerScore.create({
      data: { customerId: c.id, asOf: AS_OF, recency: 1, frequency: 1, monetary: 1, rScore: 3, fScore: 3, mScore: 3, rfmSegment: s.score.rfm, pAlive: s.score.pAlive, expectedPurchases90d: 1, predictedClv12m: s.score.clv, lifecycleStage: s.score.stage },
    });
  }
  for (const o of s.orders ?? []) {
    await db().order.create({ data: { number: `SEG-${ctx.unique()}`, customerId: c.id, status: o.status, currency: "USD", subtotalMinor: o.totalMinor, totalMinor: o.totalMinor, refundedMinor: o.refundedMinor ?? 0, placedAt: ago(o.daysAgo) } });
  }
  for (const t of s.tickets ?? []) {
    await db().ticket.create({ data: { customerId: c.id, subject: "Help", status: t.status, csatScore: t.csat ?? null, csatRatedAt: t.csat !== undefined && t.ratedDaysAgo !== null ? ago(t.ratedDaysAgo ?? 1) : null } });
  }
  return c.id;
}

async function sqlIds(rules: SegmentRules, ids: string[]): Promise<string[]> {
  const rows = await db().$queryRaw<{ customerId: string }[]>`SELECT x."customerId" FROM (${segmentSql(rules, AS_OF)}) x WHERE x."customerId" IN (${Prisma.join(ids)})`;
  return rows.map((r) => r.customerId).sort();
}

const root = (...rules: unknown[]) => segmentRulesSchema.parse({ kind: "group", combinator: "and", rules });

describe("segment SQL, rule by rule", () => {
  const id: Record<string, string> = {};
  beforeAll(async () => {
    id.A = await makeCustomer({
      tier: "GOLD",
      score: { rfm: "Champions", stage: "stability", pAlive: 0.9, clv: 500 },
      orders: [
        { daysAgo: 10, status: "DELIVERED", totalMinor: 12_000 },
        { daysAgo: 20, status: "REFUNDED", totalMinor: 5000, refundedMinor: 2000 },
      ],
      points: 800,
      createdAt: new Date("2023-05-10T08:00:00Z"),
      birthday: new Date("1990-03-15T00:00:00Z"),
      consent: { email: true },
      tickets: [{ status: "OPEN" }, { status: "SOLVED", csat: 5, ratedDaysAgo: 40 }, { status: "CLOSED", csat: 2, ratedDaysAgo: 3 }],
    });
    id.B = await makeCustomer({
      tier: "SILVER",
      locale: "zh_CN",
      score: { rfm: "At risk", stage: "decline", pAlive: 0.2, clv: 40 },
      orders: [
        { daysAgo: 200, status: "DELIVERED", totalMinor: 3000 },
        { daysAgo: 5, status: "CANCELLED", totalMinor: 9000 },
      ],
      points: 100,
      createdAt: new Date("2024-06-01T00:00:00Z"),
      birthday: new Date("1985-12-01T00:00:00Z"),
      consent: { sms: true },
      tickets: [{ status: "SOLVED", csat: 4, ratedDaysAgo: 2 }],
    });
    id.C = await makeCustomer({ tier: "BRONZE", createdAt: new Date("2025-01-01T00:00:00Z"), tickets: [{ status: "PENDING" }] });
    id.D = await makeCustomer({
      tier: "GOLD",
      anonymized: true,
      score: { rfm: "Champions", stage: "stability", pAlive: 0.9, clv: 900 },
      orders: [{ daysAgo: 1, status: "DELIVERED", totalMinor: 50_000 }],
      points: 5000,
      birthday: new Date("1990-03-01T00:00:00Z"),
      consent: { email: true, sms: true, push: true },
      tickets: [{ status: "OPEN", csat: 5 }],
    });
    id.E = await makeCustomer({
      tier: "PLATINUM",
      score: { rfm: "Loyal", stage: "formation", pAlive: 0.5, clv: 120 },
      orders: [
        { daysAgo: 3, status: "PLACED", totalMinor: 7000 },
        { daysAgo: 30, status: "SHIPPED", totalMinor: 4000 },
      ],
      points: 500,
      createdAt: new Date("2024-02-29T23:59:59Z"),
      birthday: new Date("2000-02-29T00:00:00Z"),
      consent: { push: true },
      tickets: [{ status: "CLOSED", csat: 3, ratedDaysAgo: null }],
    });
  });

  const CASES: [string, unknown, string[]][] = [
    ["tier", { kind: "tier", values: ["GOLD", "SILVER"] }, ["A", "B"]],
    ["rfmSegment", { kind: "rfmSegment", values: ["Champions", "Loyal"] }, ["A", "E"]],
    ["lifecycle", { kind: "lifecycle", values: ["decline", "formation"] }, ["B", "E"]],
    ["pAlive below (strict, no score = no match)", { kind: "pAlive", op: "below", value: 0.5 }, ["B"]],
    ["pAlive above", { kind: "pAlive", op: "above", value: 0.5 }, ["A"]],
    ["clv above", { kind: "clv", op: "above", value: 100 }, ["A", "E"]],
    ["clv below", { kind: "clv", op: "below", value: 100 }, ["B"]],
    ["spend at least (net of refunds)", { kind: "spend", op: "atLeast", value: 150, days: 30 }, ["A"]],
    ["spend at least (window start inclusive)", { kind: "spend", op: "atLeast", value: 40, days: 30 }, ["A", "E"]],
    ["spend below (no orders = 0)", { kind: "spend", op: "below", value: 10, days: 365 }, ["C"]],
    ["order count at least", { kind: "orderCount", op: "atLeast", value: 2, days: 30 }, ["A"]],
    ["order count below", { kind: "orderCount", op: "below", value: 1, days: 90 }, ["B", "C"]],
    ["last order more than (never ordered included)", { kind: "lastOrder", op: "moreThan", days: 100 }, ["B", "C"]],
    ["last order fewer than", { kind: "lastOrder", op: "fewerThan", days: 5 }, ["E"]],
    ["points at least", { kind: "points", op: "atLeast", value: 500 }, ["A", "E"]],
    ["points below", { kind: "points", op: "below", value: 100 }, ["C"]],
    ["locale zh-CN", { kind: "locale", value: "zh-CN" }, ["B"]],
    ["locale en", { kind: "locale", value: "en" }, ["A", "C", "E"]],
    ["signed up before", { kind: "signedUp", op: "before", date: "2024-03-01" }, ["A", "E"]],
    ["signed up after", { kind: "signedUp", op: "after", date: "2024-02-29" }, ["B", "C"]],
    ["birthday month", { kind: "birthdayMonth", values: [2, 3] }, ["A", "E"]],
    ["consent email", { kind: "consent", channel: "email", value: true }, ["A"]],
    ["no sms consent", { kind: "consent", channel: "sms", value: false }, ["A", "C", "E"]],
    ["open ticket", { kind: "openTicket", value: true }, ["A", "C"]],
    ["no open ticket", { kind: "openTicket", value: false }, ["B", "E"]],
    ["last CSAT at least", { kind: "lastCsat", op: "atLeast", value: 3 }, ["B", "E"]],
    ["last CSAT below (the most recent rating counts)", { kind: "lastCsat", op: "below", value: 3 }, ["A"]],
  ];

  for (const [name, rule, expected] of CASES) {
    it(`${name}`, async () => {
      const rules = root(rule);
      const ids = Object.values(id);
      const want = expected.map((k) => id[k]!).sort();
      expect(await sqlIds(rules, ids)).toEqual(want);
      const facts = await loadCustomerFacts(db(), ids);
      expect(ids.filter((i) => evaluateRules(rules, facts.get(i)!, AS_OF)).sort()).toEqual(want);
    });
  }

  it("combines AND/OR groups, and count/ids use the same SQL", async () => {
    const rules = segmentRulesSchema.parse({ kind: "group", combinator: "or", rules: [{ kind: "locale", value: "zh-CN" }, { kind: "group", combinator: "and", rules: [{ kind: "tier", values: ["PLATINUM", "GOLD"] }, { kind: "points", op: "below", value: 600 }] }] });
    expect(await sqlIds(rules, Object.values(id))).toEqual([id.B, id.E].sort());
    const ids = await segmentCustomerIds(db(), rules, AS_OF);
    expect(ids).toEqual(expect.arrayContaining([id.B, id.E]));
    expect(ids).not.toContain(id.D);
    expect(await countSegment(db(), rules, AS_OF)).toBe(ids.length);
  });
});

// --- the property --------------------------------------------------------------------------------

const TIERS = ["BRONZE", "SILVER", "GOLD", "PLATINUM"];
const RFM = ["Champions", "Loyal", "At risk", "Lost", "New"];
const STAGES = ["exploration", "formation", "stability", "decline"];
const GRID = [0.1, 0.25, 0.5, 0.75, 0.9];
const WINDOWS = [1, 7, 30, 90, 365];
const DATES = ["2023-06-30", "2024-01-01", "2024-02-29", "2024-12-31", "2025-03-15"];

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ kind: fc.constant("tier"), values: fc.uniqueArray(fc.constantFrom(...TIERS), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("rfmSegment"), values: fc.uniqueArray(fc.constantFrom(...RFM), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("lifecycle"), values: fc.uniqueArray(fc.constantFrom(...STAGES), { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant("pAlive"), op: fc.constantFrom("below", "above"), value: fc.constantFrom(...GRID) }),
  fc.record({ kind: fc.constant("clv"), op: fc.constantFrom("below", "above"), value: fc.constantFrom(0, 50, 100, 250.5) }),
  fc.record({ kind: fc.constant("spend"), op: fc.constantFrom("atLeast", "below"), value: fc.constantFrom(0, 20, 50, 100, 200), days: fc.constantFrom(...WINDOWS) }),
  fc.record({ kind: fc.constant("orderCount"), op: fc.constantFrom("atLeast", "below"), value: fc.integer({ min: 0, max: 3 }), days: fc.constantFrom(...WINDOWS) }),
  fc.record({ kind: fc.constant("lastOrder"), op: fc.constantFrom("moreThan", "fewerThan"), days: fc.constantFrom(...WINDOWS) }),
  fc.record({ kind: fc.constant("points"), op: fc.constantFrom("atLeast", "below"), value: fc.constantFrom(0, 100, 250, 500) }),
  fc.record({ kind: fc.constant("locale"), value: fc.constantFrom("en", "zh-CN") }),
  fc.record({ kind: fc.constant("signedUp"), op: fc.constantFrom("before", "after"), date: fc.constantFrom(...DATES) }),
  fc.record({ kind: fc.constant("birthdayMonth"), values: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant("consent"), channel: fc.constantFrom("email", "sms", "push"), value: fc.boolean() }),
  fc.record({ kind: fc.constant("openTicket"), value: fc.boolean() }),
  fc.record({ kind: fc.constant("lastCsat"), op: fc.constantFrom("atLeast", "below"), value: fc.integer({ min: 1, max: 5 }) }),
);
const group = (depth: number): fc.Arbitrary<unknown> =>
  fc.record({ kind: fc.constant("group"), combinator: fc.constantFrom("and", "or"), rules: fc.array(depth < 3 ? fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: group(depth + 1) }) : leaf, { minLength: 1, maxLength: 3 }) });

describe("segment SQL = in-memory evaluator (fast-check)", () => {
  const ids: string[] = [];
  beforeAll(async () => {
    const rnd = mulberry32(20250615);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const chance = (p: number) => rnd() < p;
    for (let i = 0; i < 60; i++) {
      ids.push(
        await makeCustomer({
          tier: pick(TIERS),
          locale: chance(0.4) ? "zh_CN" : "en",
          points: pick([0, 50, 100, 250, 500, 900]),
          createdAt: chance(0.2) ? new Date(`${pick(DATES)}T00:00:00Z`) : new Date(Date.parse("2023-01-01T00:00:00Z") + Math.floor(rnd() * 900) * DAY + Math.floor(rnd() * DAY)),
          birthday: chance(0.7) ? new Date(Date.UTC(1970 + Math.floor(rnd() * 35), Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28))) : null,
          consent: { email: chance(0.5), sms: chance(0.5), push: chance(0.5) },
          anonymized: chance(0.1),
          score: chance(0.75) ? { rfm: pick(RFM), stage: pick(STAGES), pAlive: chance(0.3) ? pick(GRID) : Math.round(rnd() * 1000) / 1000, clv: chance(0.3) ? pick([0, 50, 100, 250.5]) : Math.round(rnd() * 30000) / 100 } : null,
          orders: Array.from({ length: Math.floor(rnd() * 5) }, () => {
            const status = pick(["PLACED", "PAID", "SHIPPED", "DELIVERED", "DELIVERED", "CANCELLED", "REFUNDED"] as const);
            const totalMinor = pick([1000, 2000, 5000, 10_000, 2550]);
            // Some orders exactly on a window boundary, some after asOf.
            const daysAgo = chance(0.2) ? pick(WINDOWS) : chance(0.1) ? -2 : Math.floor(rnd() * 400) + rnd();
            return { daysAgo, status, totalMinor, refundedMinor: status === "REFUNDED" ? pick([0, 500, totalMinor]) : 0 };
          }),
          tickets: Array.from({ length: Math.floor(rnd() * 4) }, () => {
            const status = pick(["NEW", "OPEN", "PENDING", "SOLVED", "CLOSED", "SOLVED"] as const);
            const rated = (status === "SOLVED" || status === "CLOSED") && chance(0.7);
            return { status, csat: rated ? 1 + Math.floor(rnd() * 5) : undefined, ratedDaysAgo: rated ? (chance(0.1) ? null : pick([1, 5, 5, 30, 90])) : undefined };
          }),
        }),
      );
    }
  }, 120_000);

  it("selects exactly the same customers for random rule trees", { timeout: 300_000 }, async () => {
    const facts = await loadCustomerFacts(db(), ids);
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(group(1), async (raw) => {
        const rules = segmentRulesSchema.parse(raw);
        const fromSql = await sqlIds(rules, ids);
        const fromFacts = ids.filter((i) => evaluateRules(rules, facts.get(i)!, AS_OF)).sort();
        if (fromSql.length) nonEmpty++;
        expect(fromSql).toEqual(fromFacts);
      }),
      { numRuns: 150, seed: 424242 },
    );
    expect(nonEmpty).toBeGreaterThan(10);
  });
});

// --- procedures ----------------------------------------------------------------------------------

describe("segments procedures", () => {
  const good = { kind: "group", combinator: "and", rules: [{ kind: "points", op: "atLeast", value: 0 }] };

  it("marketers count, preview, save (snapshot + audit), update and list; agents are refused", async () => {
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const { caller } = await callerAs({ userId: marketer.id });
    const { count } = await caller.segments.count({ rules: good });
    expect(count).toBeGreaterThan(0);
    const preview = await caller.segments.preview({ rules: good });
    expect(preview.customers.length).toBeLessThanOrEqual(10);
    expect(preview.customers[0]).toMatchObject({ id: expect.any(String), email: expect.any(String), tier: expect.any(String) });

    const name = `Everyone ${ctx.unique()}`;
    const saved = await caller.segments.save({ name, description: "all of them", rules: good });
    expect(saved.size).toBeGreaterThan(0);
    expect(await db().segmentSnapshot.count({ where: { segmentId: saved.id } })).toBe(1);
    expect(await db().auditLog.findFirst({ where: { action: "segment.created", targetId: saved.id } })).toMatchObject({ actorId: marketer.id });

    await caller.segments.save({ id: saved.id, name, rules: { ...good, rules: [{ kind: "locale", value: "zh-CN" }] } });
    expect(await db().segmentSnapshot.count({ where: { segmentId: saved.id } })).toBe(2);
    expect(await db().auditLog.count({ where: { action: "segment.updated", targetId: saved.id } })).toBe(1);
    const got = await caller.segments.get({ id: saved.id });
    expect(got.rules).toEqual({ kind: "group", combinator: "and", rules: [{ kind: "locale", value: "zh-CN" }] });
    const listed = (await caller.segments.list()).find((s) => s.id === saved.id);
    expect(listed).toMatchObject({ name, history: [expect.anything(), expect.anything()] });

    const before = await db().segmentSnapshot.count({ where: { segmentId: saved.id } });
    await snapshotAllSegments(db(), new Date());
    expect(await db().segmentSnapshot.count({ where: { segmentId: saved.id } })).toBe(before + 1);

    const agent = await createStaff(db(), { role: "AGENT" });
    const asAgent = (await callerAs({ userId: agent.id })).caller;
    await expect(asAgent.segments.count({ rules: good })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asAgent.segments.save({ name: "x", rules: good })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asAgent.segments.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a bad rule is reported on its field and writes nothing", async () => {
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const { caller } = await callerAs({ userId: marketer.id });
    const name = `Bad ${ctx.unique()}`;
    const bad = { kind: "group", combinator: "and", rules: [{ kind: "points", op: "atLeast", value: 1 }, { kind: "group", combinator: "or", rules: [{ kind: "locale", value: "en" }, { kind: "pAlive", op: "below", value: 7 }] }] };
    await expect(caller.segments.save({ name, rules: bad })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { "rule.2.value": "segments.errProbability" } } });
    await expect(caller.segments.count({ rules: bad })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { "rule.2.value": "segments.errProbability" } } });
    await expect(caller.segments.save({ name: " ", rules: good })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { name: "segments.errName" } } });
    await expect(caller.segments.save({ name, rules: { ...good, rules: [{ kind: "tier", values: ["DIAMOND"] }] } })).rejects.toMatchObject({ cause: { fieldErrors: { "rule.0.values": "segments.errTierUnknown" } } });
    // @ts-expect-error an empty input is refused by input validation
    await expect(caller.segments.save({})).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await db().segment.count({ where: { name } })).toBe(0);
    expect(await db().auditLog.count({ where: { actorId: marketer.id } })).toBe(0);
  });

  it("delete is refused while an unfinished campaign uses the segment", async () => {
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const { caller } = await callerAs({ userId: marketer.id });
    const { id } = await caller.segments.save({ name: `In use ${ctx.unique()}`, rules: good });
    const campaign = await db().campaign.create({ data: { name: "Summer sale", kind: "EMAIL", status: "RUNNING", segmentId: id, config: {} } });
    await expect(caller.segments.delete({ id })).rejects.toMatchObject({ code: "CONFLICT", cause: { fieldErrors: { form: { key: "segments.errInUse", params: { names: "Summer sale" } } } } });
    expect(await db().segment.count({ where: { id } })).toBe(1);
    await db().campaign.update({ where: { id: campaign.id }, data: { status: "COMPLETED" } });
    await expect(caller.segments.delete({ id })).resolves.toEqual({ deleted: true });
    expect(await db().segment.count({ where: { id } })).toBe(0);
    expect(await db().campaign.findUnique({ where: { id: campaign.id } })).toMatchObject({ segmentId: null });
    expect(await db().auditLog.count({ where: { action: "segment.deleted", targetId: id } })).toBe(1);
    await expect(caller.segments.delete({ id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

// --- pages over HTTP (production build; `npm run build` first), without JavaScript -------------

describe("segments pages", () => {
  it("a marketer builds a segment with plain form posts: add rule, count with preview, field error, save, list", async () => {
    const app = await startTestApp();
    try {
      const marketer = await createStaff(db(), { role: "MARKETER" });
      const cookie = `${SESSION_COOKIE}=${(await createSession(db(), marketer.id, { ip: "127.0.0.1" })).token}`;
      const post = (path: string, body: URLSearchParams) => fetch(`${app.url}${path}`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body, redirect: "manual" });
      const page = await fetch(`${app.url}/marketing/segments/new`, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('name="rule.0.kind"');

      const added = await post("/marketing/segments/new", new URLSearchParams({ intent: "add", combinator: "and", "rule.0.kind": "points", "rule.0.op": "atLeast", "rule.0.value": "0" }));
      expect(await added.text()).toContain('name="rule.1.kind"');

      const bad = await post("/marketing/segments/new", new URLSearchParams({ intent: "count", combinator: "and", "rule.0.kind": "pAlive", "rule.0.op": "below", "rule.0.value": "3" }));
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain("Enter a probability between 0 and 1.");

      const counted = await post("/marketing/segments/new", new URLSearchParams({ intent: "count", combinator: "and", "rule.0.kind": "points", "rule.0.op": "atLeast", "rule.0.value": "0" }));
      const html = await counted.text();
      expect(html).toMatch(/customers match/);
      expect(html).toContain('href="/staff/customers/');

      const live = await fetch(`${app.url}/marketing/segments/count?combinator=and&rule.0.kind=points&rule.0.op=atLeast&rule.0.value=0`, { headers: { cookie } });
      expect(live.status).toBe(200);
      expect(await live.json()).toMatchObject({ ok: true, count: expect.any(Number) });

      const name = `Page segment ${ctx.unique()}`;
      const saved = await post("/marketing/segments/new", new URLSearchParams({ intent: "save", name, combinator: "and", "rule.0.kind": "locale", "rule.0.value": "zh-CN" }));
      expect(saved.status).toBe(302);
      const location = saved.headers.get("location")!;
      expect(location).toMatch(/^\/marketing\/segments\/[^/?]+\?saved=\d+$/);
      const edit = await (await fetch(`${app.url}${location}`, { headers: { cookie } })).text();
      expect(edit).toContain("The segment was saved");
      expect(edit).toContain('value="zh-CN" selected=""');
      const list = await (await fetch(`${app.url}/marketing/segments`, { headers: { cookie, "accept-language": "zh-CN" } })).text();
      expect(list).toContain(name);
      expect(list).not.toContain("coming soon");

      const agentId = (await createStaff(db(), { role: "AGENT" })).id;
      const agentCookie = `${SESSION_COOKIE}=${(await createSession(db(), agentId, { ip: "127.0.0.1" })).token}`;
      expect((await fetch(`${app.url}/marketing/segments`, { headers: { cookie: agentCookie }, redirect: "manual" })).status).toBe(403);
    } finally {
      await app.stop();
    }
  }, 120_000);
});
