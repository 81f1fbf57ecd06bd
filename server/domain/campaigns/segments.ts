// Saved segments: validation, live count and preview (the very SQL the campaign send uses, see
// segment-rules.ts), save/delete (audited, a SegmentSnapshot on every save) and the nightly
// snapshot the campaigns job calls. Rules are stored as the validated JSON tree.
import type { Db, Tx } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { audit } from "../audit/audit.ts";
import { AppError, type FieldMessage } from "../errors.ts";
import { LIFECYCLE_STAGES } from "../analytics/lifecycle.ts";
import { RFM_SEGMENTS } from "../analytics/rfm.ts";
import { getSettings } from "../loyalty/settings.ts";
import { KIND_FIELDS, KIND_OPS, MAX_DEPTH, MAX_RULES, RULE_KINDS, parseSegmentRules, segmentRulesSchema, segmentSql, type CustomerFacts, type LeafRule, type RuleNode, type SegmentRules } from "./segment-rules.ts";

type Client = Db | Tx;

/** Campaign statuses in which a campaign still needs its segment (delete is refused). */
export const ACTIVE_CAMPAIGN_STATUSES = ["DRAFT", "SCHEDULED", "RUNNING", "PAUSED"] as const;
const HISTORY = 30;

/** Validated rules, or BAD_REQUEST with messages keyed by form field (rule.N.value …). */
export function parseRules(raw: unknown): SegmentRules {
  const r = parseSegmentRules(raw);
  if (!r.success) throw new AppError("BAD_REQUEST", "The segment rules are not valid.", r.fieldErrors);
  return r.data;
}

/** Rules read back from the database (validated again: an invalid stored tree matches nobody). */
export function storedRules(json: unknown): SegmentRules | null {
  const r = segmentRulesSchema.safeParse(json);
  return r.success ? r.data : null;
}

export async function countSegment(db: Client, rules: SegmentRules, asOf: Date = new Date()): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (${segmentSql(rules, asOf)}) x`;
  return rows[0]?.n ?? 0;
}

/** The customer ids in the segment (for the campaign engine). */
export async function segmentCustomerIds(db: Client, rules: SegmentRules, asOf: Date = new Date()): Promise<string[]> {
  const rows = await db.$queryRaw<{ customerId: string }[]>`SELECT x."customerId" FROM (${segmentSql(rules, asOf)}) x ORDER BY x."customerId"`;
  return rows.map((r) => r.customerId);
}

export interface PreviewRow {
  id: string;
  email: string;
  name: string | null;
  tier: string;
  locale: "en" | "zh-CN";
}

/** The first `limit` customers of the segment (by email). */
export async function previewSegment(db: Client, rules: SegmentRules, asOf: Date = new Date(), limit = 10): Promise<PreviewRow[]> {
  const rows = await db.$queryRaw<{ id: string; email: string; name: string | null; tier: string; locale: string }[]>`
    SELECT c."id", c."email", c."name", c."tier", c."locale"::text AS "locale"
    FROM "Customer" c WHERE c."id" IN (SELECT x."customerId" FROM (${segmentSql(rules, asOf)}) x)
    ORDER BY c."email" LIMIT ${limit}`;
  return rows.map((r) => ({ ...r, locale: r.locale === "zh_CN" ? "zh-CN" : "en" }));
}

/** What the rule builder offers: tiers from the loyalty settings, score names, kinds and operators. */
export async function segmentOptions(db: Client) {
  const settings = await getSettings(db);
  return {
    tiers: settings.tiers.map((t) => ({ code: t.code, nameEn: t.nameEn, nameZh: t.nameZh })),
    rfmSegments: [...RFM_SEGMENTS],
    lifecycleStages: [...LIFECYCLE_STAGES],
    kinds: [...RULE_KINDS],
    ops: KIND_OPS,
    fields: KIND_FIELDS,
    maxRules: MAX_RULES,
    maxDepth: MAX_DEPTH,
  };
}

export async function listSegments(db: Db) {
  const segments = await db.segment.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, description: true, updatedAt: true, snapshots: { orderBy: { takenAt: "desc" }, take: HISTORY, select: { size: true, takenAt: true } } },
  });
  const inUse = await db.campaign.groupBy({ by: ["segmentId"], where: { segmentId: { in: segments.map((s) => s.id) }, status: { in: [...ACTIVE_CAMPAIGN_STATUSES] } }, _count: { _all: true } });
  const uses = new Map(inUse.map((u) => [u.segmentId, u._count._all]));
  return segments.map((s) => ({
    id: s.id,
    name: s.name,
    description: s.description,
    updatedAt: s.updatedAt,
    size: s.snapshots[0]?.size ?? null,
    sizeAt: s.snapshots[0]?.takenAt ?? null,
    history: [...s.snapshots].reverse(),
    activeCampaigns: uses.get(s.id) ?? 0,
  }));
}

export async function getSegment(db: Db, id: string) {
  const s = await db.segment.findUnique({ where: { id }, select: { id: true, name: true, description: true, rules: true, createdAt: true, updatedAt: true, snapshots: { orderBy: { takenAt: "desc" }, take: HISTORY, select: { size: true, takenAt: true } } } });
  if (!s) throw new AppError("NOT_FOUND", "No such segment.");
  return { id: s.id, name: s.name, description: s.description, rules: storedRules(s.rules), createdAt: s.createdAt, updatedAt: s.updatedAt, history: [...s.snapshots].reverse() };
}

function leaves(n: RuleNode, out: LeafRule[] = []): LeafRule[] {
  if (n.kind === "group") for (const c of n.rules) leaves(c, out);
  else out.push(n);
  return out;
}

/** Tier codes must exist in the loyalty settings (checked on save; a count just matches nobody). */
async function checkTiers(db: Client, rules: SegmentRules) {
  const known = new Set((await getSettings(db)).tiers.map((t) => t.code));
  const errors: Record<string, FieldMessage> = {};
  leaves(rules).forEach((l, i) => {
    if (l.kind === "tier" && l.values.some((v) => !known.has(v))) errors[`rule.${i}.values`] = "segments.errTierUnknown";
  });
  if (Object.keys(errors).length) throw new AppError("BAD_REQUEST", "Unknown tier.", errors);
}

function validateMeta(input: { name: unknown; description?: unknown }) {
  const errors: Record<string, FieldMessage> = {};
  const name = typeof input.name === "string" ? input.name.trim() : "";
  const description = typeof input.description === "string" ? input.description.replace(/\r\n/g, "\n").trim() : "";
  if (!name) errors.name = "segments.errName";
  else if (name.length > 120) errors.name = "segments.errNameLong";
  if (description.length > 1000) errors.description = "segments.errDescriptionLong";
  return { name, description, errors };
}

export async function saveSegment(db: Db, input: { id?: string | null; name: string; description?: string | null; rules: unknown; actorId: string; ip?: string | null; at?: Date }) {
  const meta = validateMeta(input);
  const parsed = parseSegmentRules(input.rules);
  const errors = { ...meta.errors, ...(parsed.success ? {} : parsed.fieldErrors) };
  if (Object.keys(errors).length || !parsed.success) throw new AppError("BAD_REQUEST", "The segment is not valid.", errors);
  const rules = parsed.data;
  await checkTiers(db, rules);
  const at = input.at ?? new Date();
  return db.$transaction(async (tx) => {
    const data = { name: meta.name, description: meta.description, rules: rules as unknown as Prisma.InputJsonValue };
    let id: string;
    if (input.id) {
      const existing = await tx.segment.findUnique({ where: { id: input.id }, select: { id: true } });
      if (!existing) throw new AppError("NOT_FOUND", "No such segment.");
      id = (await tx.segment.update({ where: { id: input.id }, data })).id;
    } else {
      id = (await tx.segment.create({ data: { ...data, createdById: input.actorId } })).id;
    }
    const size = await countSegment(tx, rules, at);
    await tx.segmentSnapshot.create({ data: { segmentId: id, size, takenAt: at } });
    await audit(tx, { actorId: input.actorId, action: input.id ? "segment.updated" : "segment.created", targetType: "segment", targetId: id, data: { name: meta.name, size, rules: rules as unknown as Prisma.InputJsonValue }, ip: input.ip });
    return { id, size };
  });
}

export async function deleteSegment(db: Db, input: { id: string; actorId: string; ip?: string | null }) {
  return db.$transaction(async (tx) => {
    const row = await tx.segment.findUnique({ where: { id: input.id }, select: { id: true, name: true } });
    if (!row) throw new AppError("NOT_FOUND", "No such segment.");
    const using = await tx.campaign.findMany({ where: { segmentId: row.id, status: { in: [...ACTIVE_CAMPAIGN_STATUSES] } }, select: { name: true }, orderBy: { name: "asc" }, take: 5 });
    if (using.length) {
      const names = using.map((c) => c.name).join(", ");
      throw new AppError("CONFLICT", `The segment is used by campaigns: ${names}.`, { form: { key: "segments.errInUse", params: { names } } });
    }
    // Finished campaigns keep their recipients; they just lose the link to the deleted segment.
    await tx.campaign.updateMany({ where: { segmentId: row.id }, data: { segmentId: null } });
    await tx.segment.delete({ where: { id: row.id } });
    await audit(tx, { actorId: input.actorId, action: "segment.deleted", targetType: "segment", targetId: row.id, data: { name: row.name }, ip: input.ip });
    return { deleted: true as const };
  });
}

/** One snapshot per saved segment at `at` (the campaigns job calls this nightly). */
export async function snapshotAllSegments(db: Db, at: Date = new Date()) {
  const segments = await db.segment.findMany({ select: { id: true, rules: true } });
  let taken = 0;
  for (const s of segments) {
    const rules = storedRules(s.rules);
    const size = rules ? await countSegment(db, rules, at) : 0;
    await db.segmentSnapshot.create({ data: { segmentId: s.id, size, takenAt: at } });
    taken++;
  }
  return { taken };
}

/** The facts the in-memory evaluator needs, loaded for `ids` (tests and diagnostics). */
export async function loadCustomerFacts(db: Client, ids: string[]): Promise<Map<string, CustomerFacts>> {
  const [customers, orders, tickets] = await Promise.all([
    db.customer.findMany({ where: { id: { in: ids } }, include: { score: true } }),
    db.order.findMany({ where: { customerId: { in: ids } }, select: { customerId: true, placedAt: true, status: true, totalMinor: true, refundedMinor: true } }),
    db.ticket.findMany({ where: { customerId: { in: ids } }, select: { customerId: true, number: true, status: true, csatScore: true, csatRatedAt: true } }),
  ]);
  const out = new Map<string, CustomerFacts>();
  for (const c of customers) {
    const mine = tickets.filter((t) => t.customerId === c.id);
    // Most recent rating: latest csatRatedAt (unrated-at last), then the highest ticket number.
    const rated = mine.filter((t) => t.csatScore !== null).sort((a, b) => (b.csatRatedAt?.getTime() ?? -Infinity) - (a.csatRatedAt?.getTime() ?? -Infinity) || b.number - a.number);
    out.set(c.id, {
      tier: c.tier,
      rfmSegment: c.score?.rfmSegment ?? null,
      lifecycleStage: c.score?.lifecycleStage ?? null,
      pAlive: c.score?.pAlive ?? null,
      clv: c.score?.predictedClv12m ?? null,
      orders: orders.filter((o) => o.customerId === c.id).map((o) => ({ placedAt: o.placedAt, status: o.status, amountMinor: o.totalMinor - o.refundedMinor })),
      pointsAvailable: c.pointsAvailable,
      locale: c.locale === "zh_CN" ? "zh-CN" : "en",
      createdAt: c.createdAt,
      birthday: c.birthday,
      consentEmail: c.consentEmail,
      consentSms: c.consentSms,
      consentPush: c.consentPush,
      openTickets: mine.filter((t) => t.status !== "SOLVED" && t.status !== "CLOSED").length,
      lastCsat: rated[0]?.csatScore ?? null,
      anonymized: c.anonymizedAt !== null,
    });
  }
  return out;
}
