// Segment rules: the schema (every kind, valid and invalid, with the form field each error lands
// on), the form encoding (rulesFromForm), and the in-memory evaluator's semantics.
import { describe, expect, it } from "vitest";
import { evaluateRules, parseSegmentRules, segmentRulesSchema, segmentSql, type CustomerFacts, type SegmentRules } from "../../server/domain/campaigns/segment-rules.ts";
import { applyBuilderIntent, formStateFromData, rulesFromForm, stateFromRules } from "../../app/routes/marketing/segment-form.ts";

const AS_OF = new Date("2025-06-15T12:00:00Z");
const DAY = 86_400_000;
const root = (...rules: unknown[]) => ({ kind: "group", combinator: "and", rules });

const VALID: Record<string, unknown> = {
  tier: { kind: "tier", values: ["GOLD", "SILVER"] },
  rfmSegment: { kind: "rfmSegment", values: ["Champions", "At risk"] },
  lifecycle: { kind: "lifecycle", values: ["decline"] },
  pAlive: { kind: "pAlive", op: "below", value: 0.3 },
  clv: { kind: "clv", op: "above", value: 120.5 },
  spend: { kind: "spend", op: "atLeast", value: 100, days: 90 },
  orderCount: { kind: "orderCount", op: "below", value: 2, days: 365 },
  lastOrder: { kind: "lastOrder", op: "moreThan", days: 180 },
  points: { kind: "points", op: "atLeast", value: 500 },
  locale: { kind: "locale", value: "zh-CN" },
  signedUp: { kind: "signedUp", op: "after", date: "2024-02-29" },
  birthdayMonth: { kind: "birthdayMonth", values: [1, 12] },
  consent: { kind: "consent", channel: "sms", value: true },
  openTicket: { kind: "openTicket", value: false },
  lastCsat: { kind: "lastCsat", op: "below", value: 3 },
};

const INVALID: [string, unknown, string, string][] = [
  ["tier", { kind: "tier", values: [] }, "rule.0.values", "segments.errChooseOne"],
  ["tier", { kind: "tier", values: ["gold!"] }, "rule.0.values", "segments.errTier"],
  ["rfmSegment", { kind: "rfmSegment", values: ["Whales"] }, "rule.0.values", "segments.errChooseOne"],
  ["lifecycle", { kind: "lifecycle", values: ["zombie"] }, "rule.0.values", "segments.errChooseOne"],
  ["pAlive", { kind: "pAlive", op: "below", value: 1.5 }, "rule.0.value", "segments.errProbability"],
  ["pAlive", { kind: "pAlive", op: "atLeast", value: 0.5 }, "rule.0.op", "segments.errOp"],
  ["clv", { kind: "clv", op: "above", value: -1 }, "rule.0.value", "segments.errAmount"],
  ["spend", { kind: "spend", op: "atLeast", value: 10, days: 0 }, "rule.0.days", "segments.errDays"],
  ["spend", { kind: "spend", op: "atLeast", days: 30 }, "rule.0.value", "segments.errAmount"],
  ["orderCount", { kind: "orderCount", op: "atLeast", value: 1.5, days: 30 }, "rule.0.value", "segments.errCount"],
  ["lastOrder", { kind: "lastOrder", op: "moreThan", days: 99999 }, "rule.0.days", "segments.errDays"],
  ["points", { kind: "points", op: "below", value: Number.NaN }, "rule.0.value", "segments.errPoints"],
  ["locale", { kind: "locale", value: "fr" }, "rule.0.value", "segments.errLocale"],
  ["signedUp", { kind: "signedUp", op: "before", date: "2023-02-30" }, "rule.0.date", "segments.errDate"],
  ["birthdayMonth", { kind: "birthdayMonth", values: [13] }, "rule.0.values", "segments.errMonth"],
  ["consent", { kind: "consent", channel: "fax", value: true }, "rule.0.channel", "segments.errChannel"],
  ["openTicket", { kind: "openTicket", value: "yes" }, "rule.0.value", "segments.errBoolean"],
  ["lastCsat", { kind: "lastCsat", op: "atLeast", value: 6 }, "rule.0.value", "segments.errCsat"],
  ["unknown kind", { kind: "shoeSize" }, "rule.0.kind", "segments.errKind"],
];

function facts(over: Partial<CustomerFacts> = {}): CustomerFacts {
  return {
    tier: "BRONZE",
    rfmSegment: null,
    lifecycleStage: null,
    pAlive: null,
    clv: null,
    orders: [],
    pointsAvailable: 0,
    locale: "en",
    createdAt: new Date("2024-01-01T00:00:00Z"),
    birthday: null,
    consentEmail: false,
    consentSms: false,
    consentPush: false,
    openTickets: 0,
    lastCsat: null,
    anonymized: false,
    ...over,
  };
}
const one = (rule: unknown) => segmentRulesSchema.parse(root(rule));

describe("segmentRulesSchema", () => {
  for (const [kind, rule] of Object.entries(VALID)) {
    it(`accepts a ${kind} rule and compiles it`, () => {
      const parsed = parseSegmentRules(root(rule));
      expect(parsed).toMatchObject({ success: true });
      if (parsed.success) expect(segmentSql(parsed.data, AS_OF).sql).toContain(`c."anonymizedAt" IS NULL`);
    });
  }
  for (const [kind, rule, key, message] of INVALID) {
    it(`rejects a bad ${kind} rule on ${key}`, () => {
      const r = parseSegmentRules(root({ kind: "points", op: "atLeast", value: 1 }, { kind: "points", op: "atLeast", value: 1 }, rule));
      expect(r.success).toBe(false);
      if (!r.success) expect(r.fieldErrors).toEqual({ [key.replace("rule.0", "rule.2")]: message });
    });
  }
  it("keys errors inside groups by the leaf's depth-first index and the group number", () => {
    const r = parseSegmentRules({
      kind: "group",
      combinator: "or",
      rules: [VALID.tier, { kind: "group", combinator: "and", rules: [VALID.points, { kind: "points", op: "atLeast", value: -1 }] }, { kind: "group", combinator: "xor", rules: [VALID.locale] }],
    });
    expect(r).toEqual({ success: false, fieldErrors: { "rule.2.value": "segments.errPoints", "group.2.combinator": "segments.errCombinator" } });
  });
  it("limits depth to 3 and leaves to 30, and wants at least one rule", () => {
    const deep = root({ kind: "group", combinator: "or", rules: [{ kind: "group", combinator: "and", rules: [{ kind: "group", combinator: "and", rules: [VALID.points] }] }] });
    expect(parseSegmentRules(deep)).toEqual({ success: false, fieldErrors: { form: "segments.errTooDeep" } });
    const ok3 = root({ kind: "group", combinator: "or", rules: [{ kind: "group", combinator: "and", rules: [VALID.points] }] });
    expect(parseSegmentRules(ok3).success).toBe(true);
    const many = root(...Array.from({ length: 16 }, () => VALID.points), { kind: "group", combinator: "or", rules: Array.from({ length: 15 }, () => VALID.points) });
    expect(parseSegmentRules(many)).toEqual({ success: false, fieldErrors: { form: "segments.errTooMany" } });
    expect(parseSegmentRules(root())).toEqual({ success: false, fieldErrors: { form: "segments.errNoRules" } });
    expect(parseSegmentRules(null).success).toBe(false);
    expect(parseSegmentRules({ kind: "group", combinator: "nand", rules: [VALID.points] })).toEqual({ success: false, fieldErrors: { combinator: "segments.errCombinator" } });
  });
  it("puts values in parameters, never in the SQL text", () => {
    const sql = segmentSql(one({ kind: "rfmSegment", values: ["Can't lose them"] }), AS_OF);
    expect(sql.sql).not.toContain("lose");
    expect(sql.values).toContain("Can't lose them");
  });
});

describe("rulesFromForm", () => {
  it("builds the tree from plain form fields and the schema's errors come back on those fields", () => {
    const form = new URLSearchParams();
    form.set("combinator", "or");
    form.set("rule.0.kind", "spend");
    form.set("rule.0.op", "atLeast");
    form.set("rule.0.value", "250.5");
    form.set("rule.0.days", "90");
    form.set("rule.1.kind", "tier");
    form.append("rule.1.values", "GOLD");
    form.append("rule.1.values", "PLATINUM");
    form.set("rule.2.kind", "pAlive");
    form.set("rule.2.op", "below");
    form.set("rule.2.value", "abc");
    form.set("rule.2.group", "1");
    form.set("rule.3.kind", "consent");
    form.set("rule.3.channel", "email");
    form.set("rule.3.value", "true");
    form.set("rule.3.group", "1");
    form.set("group.1.combinator", "and");
    const rules = rulesFromForm(form);
    expect(rules).toEqual({
      kind: "group",
      combinator: "or",
      rules: [
        { kind: "spend", op: "atLeast", value: 250.5, days: 90 },
        { kind: "tier", values: ["GOLD", "PLATINUM"] },
        { kind: "group", combinator: "and", rules: [{ kind: "pAlive", op: "below", value: Number.NaN }, { kind: "consent", channel: "email", value: true }] },
      ],
    });
    expect(parseSegmentRules(rules)).toEqual({ success: false, fieldErrors: { "rule.2.value": "segments.errProbability" } });
    form.set("rule.2.value", "0.4");
    form.set("rule.1.kind", "");
    expect(parseSegmentRules(rulesFromForm(form))).toEqual({ success: false, fieldErrors: { "rule.1.kind": "segments.errKind" } });
    form.set("rule.1.kind", "birthdayMonth");
    form.delete("rule.1.values");
    form.append("rule.1.values", "2");
    expect(parseSegmentRules(rulesFromForm(form)).success).toBe(true);
  });
  it("round-trips a saved tree through the form state, and add/remove keep rows in order", () => {
    const saved = segmentRulesSchema.parse({ kind: "group", combinator: "and", rules: [VALID.points, { kind: "group", combinator: "or", rules: [VALID.locale, VALID.lastCsat] }, VALID.signedUp] });
    const state = stateFromRules(saved)!;
    expect(state.rows.map((r) => [r.kind, r.group])).toEqual([["points", 0], ["signedUp", 0], ["locale", 1], ["lastCsat", 1]]);
    const added = applyBuilderIntent(state, "add:1")!;
    expect(added.rows.map((r) => [r.kind, r.group])).toEqual([["points", 0], ["signedUp", 0], ["locale", 1], ["lastCsat", 1], ["", 1]]);
    const removed = applyBuilderIntent(applyBuilderIntent(added, "remove:2")!, "remove:2")!;
    expect(removed.rows.map((r) => [r.kind, r.group])).toEqual([["points", 0], ["signedUp", 0], ["", 1]]);
    expect(applyBuilderIntent(applyBuilderIntent(removed, "remove:2")!, "addGroup")!.groups).toEqual(["and"]);
    expect(stateFromRules(segmentRulesSchema.parse(root({ kind: "group", combinator: "or", rules: [{ kind: "group", combinator: "and", rules: [VALID.points] }] })))).toBeNull();
    // Rows of one group that arrive apart are put together (the depth-first order of the tree).
    const f = new URLSearchParams("rule.0.kind=points&rule.0.group=1&rule.1.kind=locale&rule.2.kind=tier&rule.2.group=1&group.1.combinator=or");
    expect(formStateFromData(f).rows.map((r) => r.kind)).toEqual(["locale", "points", "tier"]);
  });
});

describe("evaluateRules", () => {
  const order = (daysAgo: number, amountMinor: number, status = "DELIVERED") => ({ placedAt: new Date(AS_OF.getTime() - daysAgo * DAY), status, amountMinor });

  it("never includes erased customers", () => {
    expect(evaluateRules(one(VALID.openTicket), facts({ anonymized: true }), AS_OF)).toBe(false);
    expect(evaluateRules(one(VALID.openTicket), facts(), AS_OF)).toBe(true);
  });
  it("score rules are false without a score", () => {
    for (const k of ["rfmSegment", "lifecycle", "pAlive", "clv"]) expect(evaluateRules(one(VALID[k]), facts(), AS_OF)).toBe(false);
    expect(evaluateRules(one({ kind: "pAlive", op: "below", value: 0.3 }), facts({ pAlive: 0.2 }), AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "pAlive", op: "below", value: 0.3 }), facts({ pAlive: 0.3 }), AS_OF)).toBe(false);
    expect(evaluateRules(one({ kind: "clv", op: "above", value: 100 }), facts({ clv: 100.01 }), AS_OF)).toBe(true);
    expect(evaluateRules(one(VALID.rfmSegment), facts({ rfmSegment: "At risk" }), AS_OF)).toBe(true);
  });
  it("spend and order count use paid orders in the window, net of refunds", () => {
    const f = facts({ orders: [order(10, 6000), order(20, 5000, "REFUNDED"), order(30, 9999, "CANCELLED"), order(40, 9999, "PLACED"), order(100, 9999), order(-1, 9999)] });
    expect(evaluateRules(one({ kind: "spend", op: "atLeast", value: 110, days: 90 }), f, AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "spend", op: "atLeast", value: 110.01, days: 90 }), f, AS_OF)).toBe(false);
    expect(evaluateRules(one({ kind: "spend", op: "below", value: 1, days: 90 }), facts(), AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "orderCount", op: "atLeast", value: 2, days: 90 }), f, AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "orderCount", op: "atLeast", value: 3, days: 90 }), f, AS_OF)).toBe(false);
  });
  it("days since last order: 'more than' includes never-ordered, 'fewer than' excludes them", () => {
    const f = facts({ orders: [order(50, 100), order(5, 100, "CANCELLED")] });
    expect(evaluateRules(one({ kind: "lastOrder", op: "moreThan", days: 40 }), f, AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "lastOrder", op: "fewerThan", days: 40 }), f, AS_OF)).toBe(false);
    expect(evaluateRules(one({ kind: "lastOrder", op: "moreThan", days: 50 }), f, AS_OF)).toBe(false);
    expect(evaluateRules(one({ kind: "lastOrder", op: "fewerThan", days: 50 }), f, AS_OF)).toBe(false);
    expect(evaluateRules(one({ kind: "lastOrder", op: "moreThan", days: 1 }), facts(), AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "lastOrder", op: "fewerThan", days: 3650 }), facts(), AS_OF)).toBe(false);
  });
  it("sign-up dates, birthdays, consent, tickets, CSAT, locale, points", () => {
    const f = facts({ createdAt: new Date("2024-03-01T00:00:00Z"), birthday: new Date("1990-12-31T00:00:00Z"), consentSms: true, openTickets: 1, lastCsat: 2, locale: "zh-CN", pointsAvailable: 500 });
    expect(evaluateRules(one({ kind: "signedUp", op: "after", date: "2024-02-29" }), f, AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "signedUp", op: "after", date: "2024-03-01" }), f, AS_OF)).toBe(false);
    expect(evaluateRules(one({ kind: "signedUp", op: "before", date: "2024-03-01" }), f, AS_OF)).toBe(false);
    expect(evaluateRules(one({ kind: "signedUp", op: "before", date: "2024-03-02" }), f, AS_OF)).toBe(true);
    expect(evaluateRules(one(VALID.birthdayMonth), f, AS_OF)).toBe(true);
    expect(evaluateRules(one(VALID.birthdayMonth), facts(), AS_OF)).toBe(false);
    expect(evaluateRules(one(VALID.consent), f, AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "consent", channel: "email", value: false }), f, AS_OF)).toBe(true);
    expect(evaluateRules(one(VALID.openTicket), f, AS_OF)).toBe(false);
    expect(evaluateRules(one(VALID.lastCsat), f, AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "lastCsat", op: "atLeast", value: 1 }), facts(), AS_OF)).toBe(false);
    expect(evaluateRules(one(VALID.locale), f, AS_OF)).toBe(true);
    expect(evaluateRules(one(VALID.points), f, AS_OF)).toBe(true);
    expect(evaluateRules(one({ kind: "points", op: "below", value: 500 }), f, AS_OF)).toBe(false);
  });
  it("combines with AND/OR in nested groups", () => {
    const rules: SegmentRules = segmentRulesSchema.parse({ kind: "group", combinator: "and", rules: [VALID.locale, { kind: "group", combinator: "or", rules: [VALID.points, VALID.consent] }] });
    expect(evaluateRules(rules, facts({ locale: "zh-CN", consentSms: true }), AS_OF)).toBe(true);
    expect(evaluateRules(rules, facts({ locale: "zh-CN" }), AS_OF)).toBe(false);
    expect(evaluateRules(rules, facts({ consentSms: true, pointsAvailable: 900 }), AS_OF)).toBe(false);
  });
});
