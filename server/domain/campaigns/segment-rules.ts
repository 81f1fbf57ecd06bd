// Segment rules: the one zod schema (form + procedures), the SQL compiler the count, the preview and
// the campaign send all use, and an in-memory evaluator with exactly the same semantics (the
// property test in test/integration/segments.integration.test.ts holds the two together).
//
// Shape: a tree of nodes, each with a `kind`. The root is a group:
//   { kind: "group", combinator: "and" | "or", rules: Node[] }   (depth ≤ 3 counting the root, ≤ 30 leaves)
// Leaves (see LeafRule below): tier, rfmSegment, lifecycle (values: list), pAlive / clv (op below|above,
// value), spend / orderCount (op atLeast|below, value, days), lastOrder (op moreThan|fewerThan, days),
// points (op atLeast|below, value), locale (value en|zh-CN), signedUp (op before|after, date
// YYYY-MM-DD), birthdayMonth (values 1–12), consent (channel email|sms|push, value boolean),
// openTicket (value boolean), lastCsat (op atLeast|below, value 1–5).
//
// Semantics (all relative to `asOf`; SQL and evaluator agree):
// - Erased customers (anonymizedAt set) are never in a segment.
// - Score rules (rfmSegment, lifecycle, pAlive, clv) are false for a customer without a score row.
// - "below"/"above" are strict (<, >); "atLeast" is ≥.
// - spend / orderCount count "purchases": orders with status PAID, SHIPPED, DELIVERED or REFUNDED
//   placed in [asOf − days·24h, asOf]; spend = Σ(totalMinor − refundedMinor)/100 (compared in minor
//   units: the value is rounded to cents). No purchases = spend 0 and count 0 (so "below" matches).
// - lastOrder looks at every order that is not CANCELLED placed at or before asOf. "moreThan N"
//   matches customers whose last such order is older than asOf − N days, AND customers who never
//   ordered; "fewerThan N" matches customers whose last order is newer than asOf − N days (never
//   ordered does not match). An order exactly N days old matches neither.
// - signedUp: "before D" = createdAt < D 00:00 UTC; "after D" = createdAt ≥ (D + 1 day) 00:00 UTC.
// - birthdayMonth: the (UTC calendar) month of Customer.birthday; no birthday = no match.
// - openTicket: a ticket in NEW, OPEN or PENDING (not SOLVED/CLOSED), as of now (not asOf).
// - lastCsat: the score of the customer's most recent rated ticket (latest csatRatedAt, then highest
//   ticket number); no rating = no match.
import { z } from "zod";
import { Prisma } from "../../db/generated/client.ts";
import type { FieldMessage } from "../errors.ts";
import { LIFECYCLE_STAGES } from "../analytics/lifecycle.ts";
import { RFM_SEGMENTS } from "../analytics/rfm.ts";

export const MAX_RULES = 30;
export const MAX_DEPTH = 3;
export const PURCHASE_STATUSES = ["PAID", "SHIPPED", "DELIVERED", "REFUNDED"] as const;
export const OPEN_TICKET_STATUSES = ["NEW", "OPEN", "PENDING"] as const;
const DAY_MS = 86_400_000;

export const RULE_KINDS = ["tier", "rfmSegment", "lifecycle", "pAlive", "clv", "spend", "orderCount", "lastOrder", "points", "locale", "signedUp", "birthdayMonth", "consent", "openTicket", "lastCsat"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Operators offered per kind (the first is the default); kinds without `op` have none. */
export const KIND_OPS: Record<RuleKind, readonly string[]> = {
  tier: [],
  rfmSegment: [],
  lifecycle: [],
  pAlive: ["below", "above"],
  clv: ["below", "above"],
  spend: ["atLeast", "below"],
  orderCount: ["atLeast", "below"],
  lastOrder: ["moreThan", "fewerThan"],
  points: ["atLeast", "below"],
  locale: [],
  signedUp: ["before", "after"],
  birthdayMonth: [],
  consent: [],
  openTicket: [],
  lastCsat: ["atLeast", "below"],
};

/** Which inputs a kind uses (the form shows only these). */
export const KIND_FIELDS: Record<RuleKind, readonly ("op" | "value" | "values" | "days" | "date" | "channel")[]> = {
  tier: ["values"],
  rfmSegment: ["values"],
  lifecycle: ["values"],
  pAlive: ["op", "value"],
  clv: ["op", "value"],
  spend: ["op", "value", "days"],
  orderCount: ["op", "value", "days"],
  lastOrder: ["op", "days"],
  points: ["op", "value"],
  locale: ["value"],
  signedUp: ["op", "date"],
  birthdayMonth: ["values"],
  consent: ["channel", "value"],
  openTicket: ["value"],
  lastCsat: ["op", "value"],
};

const num = (msg: string) => z.number({ error: msg }).refine((n) => Number.isFinite(n), msg);
const int = (msg: string) => z.number({ error: msg }).int(msg);
const days = z.number({ error: "segments.errDays" }).int("segments.errDays").min(1, "segments.errDays").max(3650, "segments.errDays");
const tierCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,19}$/, "segments.errTier");
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: "segments.errChooseOne" }).min(1, "segments.errChooseOne").max(20, "segments.errChooseOne");
const isoDate = z
  .string({ error: "segments.errDate" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "segments.errDate")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= "1900-01-01" && s <= "2999-12-31";
  }, "segments.errDate");
const bool = z.boolean({ error: "segments.errBoolean" });

const tierRule = z.object({ kind: z.literal("tier"), values: list(tierCode) });
const rfmRule = z.object({ kind: z.literal("rfmSegment"), values: list(z.enum(RFM_SEGMENTS, { error: "segments.errChooseOne" })) });
const lifecycleRule = z.object({ kind: z.literal("lifecycle"), values: list(z.enum(LIFECYCLE_STAGES, { error: "segments.errChooseOne" })) });
const pAliveRule = z.object({ kind: z.literal("pAlive"), op: z.enum(["below", "above"], { error: "segments.errOp" }), value: num("segments.errProbability").min(0, "segments.errProbability").max(1, "segments.errProbability") });
const clvRule = z.object({ kind: z.literal("clv"), op: z.enum(["below", "above"], { error: "segments.errOp" }), value: num("segments.errAmount").min(0, "segments.errAmount").max(1e9, "segments.errAmount") });
const spendRule = z.object({ kind: z.literal("spend"), op: z.enum(["atLeast", "below"], { error: "segments.errOp" }), value: num("segments.errAmount").min(0, "segments.errAmount").max(1e9, "segments.errAmount"), days });
const orderCountRule = z.object({ kind: z.literal("orderCount"), op: z.enum(["atLeast", "below"], { error: "segments.errOp" }), value: int("segments.errCount").min(0, "segments.errCount").max(100_000, "segments.errCount"), days });
const lastOrderRule = z.object({ kind: z.literal("lastOrder"), op: z.enum(["moreThan", "fewerThan"], { error: "segments.errOp" }), days });
const pointsRule = z.object({ kind: z.literal("points"), op: z.enum(["atLeast", "below"], { error: "segments.errOp" }), value: int("segments.errPoints").min(0, "segments.errPoints").max(1e9, "segments.errPoints") });
const localeRule = z.object({ kind: z.literal("locale"), value: z.enum(["en", "zh-CN"], { error: "segments.errLocale" }) });
const signedUpRule = z.object({ kind: z.literal("signedUp"), op: z.enum(["before", "after"], { error: "segments.errOp" }), date: isoDate });
const birthdayRule = z.object({ kind: z.literal("birthdayMonth"), values: list(int("segments.errMonth").min(1, "segments.errMonth").max(12, "segments.errMonth")) });
const consentRule = z.object({ kind: z.literal("consent"), channel: z.enum(["email", "sms", "push"], { error: "segments.errChannel" }), value: bool });
const openTicketRule = z.object({ kind: z.literal("openTicket"), value: bool });
const lastCsatRule = z.object({ kind: z.literal("lastCsat"), op: z.enum(["atLeast", "below"], { error: "segments.errOp" }), value: int("segments.errCsat").min(1, "segments.errCsat").max(5, "segments.errCsat") });

const leafSchemas = [tierRule, rfmRule, lifecycleRule, pAliveRule, clvRule, spendRule, orderCountRule, lastOrderRule, pointsRule, localeRule, signedUpRule, birthdayRule, consentRule, openTicketRule, lastCsatRule] as const;
export const leafRuleSchema = z.discriminatedUnion("kind", leafSchemas, { error: "segments.errKind" });
export type LeafRule = z.infer<typeof leafRuleSchema>;

export interface RuleGroup {
  kind: "group";
  combinator: "and" | "or";
  rules: RuleNode[];
}
export type RuleNode = LeafRule | RuleGroup;
/** A saved rule tree: the root is always a group. */
export type SegmentRules = RuleGroup;

const groupSchema = z.object({
  kind: z.literal("group"),
  combinator: z.enum(["and", "or"], { error: "segments.errCombinator" }),
  get rules(): z.ZodArray<typeof nodeSchema> {
    return z.array(nodeSchema, { error: "segments.errNoRules" }).min(1, "segments.errNoRules").max(MAX_RULES, "segments.errTooMany");
  },
});
const nodeSchema: z.ZodDiscriminatedUnion<[typeof groupSchema, ...typeof leafSchemas]> = z.discriminatedUnion("kind", [groupSchema, ...leafSchemas], { error: "segments.errKind" });

function isGroupLike(node: unknown): node is { kind: "group"; rules: unknown[] } {
  return typeof node === "object" && node !== null && (node as { kind?: unknown }).kind === "group" && Array.isArray((node as { rules?: unknown }).rules);
}

/** Leaves and depth (root = 1) of a validated or raw tree. */
export function measureRules(node: unknown, depth = 1): { leaves: number; depth: number } {
  if (!isGroupLike(node)) return { leaves: 1, depth: depth - 1 };
  let leaves = 0;
  let max = depth;
  for (const child of node.rules) {
    const m = measureRules(child, depth + 1);
    leaves += m.leaves;
    max = Math.max(max, m.depth);
  }
  return { leaves, depth: max };
}

/** The one schema of a rule tree, used by the procedures (and so by the form, whose fields become this object). */
export const segmentRulesSchema: z.ZodType<SegmentRules> = groupSchema.superRefine((g, ctx) => {
  const m = measureRules(g);
  if (m.depth > MAX_DEPTH) ctx.addIssue({ code: "custom", path: [], message: "segments.errTooDeep" });
  if (m.leaves > MAX_RULES) ctx.addIssue({ code: "custom", path: [], message: "segments.errTooMany" });
}) as z.ZodType<SegmentRules>;

// --- field errors -------------------------------------------------------------------------------
// The form encodes the tree as rows in depth-first order of its leaves: row N is leaf N
// (fields rule.N.kind, rule.N.op, rule.N.value, rule.N.values, rule.N.days, rule.N.date,
// rule.N.channel, rule.N.group). Top-level groups are numbered 1, 2, … in order (group.K.combinator).
// Errors are keyed the same way so they land on the field that caused them.

function message(m: string): FieldMessage {
  return m.startsWith("segments.") || m.startsWith("errors.") ? m : "errors.invalid";
}

/** The form key for an issue at `path` in the raw input `root`. */
export function formKeyForPath(root: unknown, path: readonly PropertyKey[]): string {
  let node: unknown = root;
  let leafOffset = 0;
  let depth = 1;
  let groupNumber = 0; // which top-level group we are in (0 = the root)
  let i = 0;
  while (isGroupLike(node)) {
    if (path[i] !== "rules") {
      if (path.length === i) return depth === 1 ? "form" : depth === 2 ? `group.${groupNumber}` : "form";
      const field = String(path[i]);
      return depth === 1 ? (field === "combinator" ? "combinator" : "form") : depth === 2 ? `group.${groupNumber}.${field === "combinator" ? "combinator" : "rules"}` : "form";
    }
    const idx = path[i + 1];
    if (typeof idx !== "number") return depth === 1 ? "form" : depth === 2 ? `group.${groupNumber}` : "form";
    const children = node.rules;
    for (let k = 0; k < idx && k < children.length; k++) leafOffset += measureRules(children[k]).leaves;
    if (depth === 1) {
      let n = 0;
      for (let k = 0; k <= idx && k < children.length; k++) if (isGroupLike(children[k])) n++;
      groupNumber = isGroupLike(children[idx]) ? n : 0;
    }
    node = children[idx];
    depth++;
    i += 2;
  }
  const field = path[i];
  return `rule.${leafOffset}.${typeof field === "string" ? field : "kind"}`;
}

export type RulesParse = { success: true; data: SegmentRules } | { success: false; fieldErrors: Record<string, FieldMessage> };

/** Validates a raw tree; errors keyed for the form (first message per field wins). */
export function parseSegmentRules(raw: unknown): RulesParse {
  const r = segmentRulesSchema.safeParse(raw);
  if (r.success) return { success: true, data: r.data };
  const fieldErrors: Record<string, FieldMessage> = {};
  for (const issue of r.error.issues) {
    const key = typeof raw === "object" && raw !== null ? formKeyForPath(raw, issue.path) : "form";
    fieldErrors[key] ??= key === "form" && !issue.message.startsWith("segments.") ? "segments.errRules" : message(issue.message);
  }
  return { success: false, fieldErrors };
}

// --- the in-memory evaluator -------------------------------------------------------------------

export interface CustomerFacts {
  tier: string;
  rfmSegment: string | null;
  lifecycleStage: string | null;
  pAlive: number | null;
  clv: number | null;
  orders: { placedAt: Date; status: string; amountMinor: number }[];
  pointsAvailable: number;
  locale: "en" | "zh-CN";
  createdAt: Date;
  birthday: Date | null;
  consentEmail: boolean;
  consentSms: boolean;
  consentPush: boolean;
  openTickets: number;
  lastCsat: number | null;
  anonymized: boolean;
}

/** Money values are compared in minor units (cents), as the SQL does. */
export function toMinor(value: number) {
  return Math.round(value * 100);
}

/** 00:00 UTC of an ISO date, plus `plusDays`. */
export function dayStart(date: string, plusDays = 0) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + plusDays * DAY_MS);
}

function windowStart(asOf: Date, days: number) {
  return new Date(asOf.getTime() - days * DAY_MS);
}

function evalLeaf(r: LeafRule, f: CustomerFacts, asOf: Date): boolean {
  const t = asOf.getTime();
  switch (r.kind) {
    case "tier":
      return r.values.includes(f.tier);
    case "rfmSegment":
      return f.rfmSegment !== null && (r.values as readonly string[]).includes(f.rfmSegment);
    case "lifecycle":
      return f.lifecycleStage !== null && (r.values as readonly string[]).includes(f.lifecycleStage);
    case "pAlive":
      return f.pAlive !== null && (r.op === "below" ? f.pAlive < r.value : f.pAlive > r.value);
    case "clv":
      return f.clv !== null && (r.op === "below" ? f.clv < r.value : f.clv > r.value);
    case "spend":
    case "orderCount": {
      const from = windowStart(asOf, r.days).getTime();
      const inWindow = f.orders.filter((o) => (PURCHASE_STATUSES as readonly string[]).includes(o.status) && o.placedAt.getTime() >= from && o.placedAt.getTime() <= t);
      const v = r.kind === "spend" ? inWindow.reduce((s, o) => s + o.amountMinor, 0) : inWindow.length;
      const bound = r.kind === "spend" ? toMinor(r.value) : r.value;
      return r.op === "atLeast" ? v >= bound : v < bound;
    }
    case "lastOrder": {
      const cutoff = windowStart(asOf, r.days).getTime();
      const times = f.orders.filter((o) => o.status !== "CANCELLED" && o.placedAt.getTime() <= t).map((o) => o.placedAt.getTime());
      const last = times.length ? Math.max(...times) : null;
      return r.op === "moreThan" ? last === null || last < cutoff : last !== null && last > cutoff;
    }
    case "points":
      return r.op === "atLeast" ? f.pointsAvailable >= r.value : f.pointsAvailable < r.value;
    case "locale":
      return f.locale === r.value;
    case "signedUp":
      return r.op === "before" ? f.createdAt.getTime() < dayStart(r.date).getTime() : f.createdAt.getTime() >= dayStart(r.date, 1).getTime();
    case "birthdayMonth":
      return f.birthday !== null && r.values.includes(f.birthday.getUTCMonth() + 1);
    case "consent":
      return (r.channel === "email" ? f.consentEmail : r.channel === "sms" ? f.consentSms : f.consentPush) === r.value;
    case "openTicket":
      return f.openTickets > 0 === r.value;
    case "lastCsat":
      return f.lastCsat !== null && (r.op === "atLeast" ? f.lastCsat >= r.value : f.lastCsat < r.value);
  }
}

function evalNode(n: RuleNode, f: CustomerFacts, asOf: Date): boolean {
  if (n.kind === "group") return n.combinator === "and" ? n.rules.every((c) => evalNode(c, f, asOf)) : n.rules.some((c) => evalNode(c, f, asOf));
  return evalLeaf(n, f, asOf);
}

/** Whether a customer with these facts is in the segment as of `asOf` (same semantics as segmentSql). */
export function evaluateRules(rules: SegmentRules, facts: CustomerFacts, asOf: Date): boolean {
  if (facts.anonymized) return false;
  return evalNode(rules, facts, asOf);
}

// --- the SQL compiler --------------------------------------------------------------------------
// Values are always parameters; Prisma.raw is used only for the fixed status lists below.

const PURCHASED = Prisma.raw(PURCHASE_STATUSES.map((s) => `'${s}'`).join(", "));
const OPEN_TICKET = Prisma.raw(OPEN_TICKET_STATUSES.map((s) => `'${s}'`).join(", "));
const CONSENT_COLUMN = { email: Prisma.raw(`c."consentEmail"`), sms: Prisma.raw(`c."consentSms"`), push: Prisma.raw(`c."consentPush"`) } as const;

function cmp(op: string) {
  return Prisma.raw(op === "below" ? "<" : op === "above" ? ">" : ">=");
}

function leafSql(r: LeafRule, asOf: Date): Prisma.Sql {
  switch (r.kind) {
    case "tier":
      return Prisma.sql`c."tier" IN (${Prisma.join(r.values)})`;
    case "rfmSegment":
      return Prisma.sql`s."rfmSegment" IN (${Prisma.join([...r.values])})`;
    case "lifecycle":
      return Prisma.sql`s."lifecycleStage" IN (${Prisma.join([...r.values])})`;
    case "pAlive":
      return Prisma.sql`s."pAlive" ${cmp(r.op)} ${r.value}::float8`;
    case "clv":
      return Prisma.sql`s."predictedClv12m" ${cmp(r.op)} ${r.value}::float8`;
    case "spend":
      return Prisma.sql`(SELECT COALESCE(SUM(o."totalMinor" - o."refundedMinor"), 0) FROM "Order" o WHERE o."customerId" = c."id" AND o."status" IN (${PURCHASED}) AND o."placedAt" >= ${windowStart(asOf, r.days)} AND o."placedAt" <= ${asOf}) ${cmp(r.op)} ${toMinor(r.value)}::bigint`;
    case "orderCount":
      return Prisma.sql`(SELECT count(*) FROM "Order" o WHERE o."customerId" = c."id" AND o."status" IN (${PURCHASED}) AND o."placedAt" >= ${windowStart(asOf, r.days)} AND o."placedAt" <= ${asOf}) ${cmp(r.op)} ${r.value}::bigint`;
    case "lastOrder": {
      const cutoff = windowStart(asOf, r.days);
      return r.op === "moreThan"
        ? Prisma.sql`NOT EXISTS (SELECT 1 FROM "Order" o WHERE o."customerId" = c."id" AND o."status" <> 'CANCELLED' AND o."placedAt" >= ${cutoff} AND o."placedAt" <= ${asOf})`
        : Prisma.sql`EXISTS (SELECT 1 FROM "Order" o WHERE o."customerId" = c."id" AND o."status" <> 'CANCELLED' AND o."placedAt" > ${cutoff} AND o."placedAt" <= ${asOf})`;
    }
    case "points":
      return Prisma.sql`c."pointsAvailable" ${cmp(r.op)} ${r.value}::int`;
    case "locale":
      return Prisma.sql`c."locale"::text = ${r.value === "zh-CN" ? "zh_CN" : "en"}`;
    case "signedUp":
      return r.op === "before" ? Prisma.sql`c."createdAt" < ${dayStart(r.date)}` : Prisma.sql`c."createdAt" >= ${dayStart(r.date, 1)}`;
    case "birthdayMonth":
      return Prisma.sql`EXTRACT(MONTH FROM c."birthday")::int IN (${Prisma.join(r.values)})`;
    case "consent":
      return Prisma.sql`${CONSENT_COLUMN[r.channel]} = ${r.value}`;
    case "openTicket": {
      const exists = Prisma.sql`EXISTS (SELECT 1 FROM "Ticket" t WHERE t."customerId" = c."id" AND t."status" IN (${OPEN_TICKET}))`;
      return r.value ? exists : Prisma.sql`NOT ${exists}`;
    }
    case "lastCsat":
      return Prisma.sql`(SELECT t."csatScore" FROM "Ticket" t WHERE t."customerId" = c."id" AND t."csatScore" IS NOT NULL ORDER BY t."csatRatedAt" DESC NULLS LAST, t."number" DESC LIMIT 1) ${cmp(r.op)} ${r.value}::int`;
  }
}

function nodeSql(n: RuleNode, asOf: Date): Prisma.Sql {
  if (n.kind === "group") return Prisma.sql`(${Prisma.join(n.rules.map((c) => nodeSql(c, asOf)), n.combinator === "and" ? " AND " : " OR ")})`;
  // NULL (no score row, no rating) counts as false, like the evaluator.
  return Prisma.sql`COALESCE((${leafSql(n, asOf)}), false)`;
}

/** The ids of the customers in the segment as of `asOf`: the one query behind count, preview and send. */
export function segmentSql(rules: SegmentRules, asOf: Date): Prisma.Sql {
  return Prisma.sql`SELECT c."id" AS "customerId" FROM "Customer" c LEFT JOIN "CustomerScore" s ON s."customerId" = c."id" WHERE c."anonymizedAt" IS NULL AND (${nodeSql(rules, asOf)})`;
}
