// One-off campaigns (email, bonus points, points multiplier): drafts, launch, pause/resume/cancel,
// test sends and progress. Launching writes every recipient — with its holdout assignment and
// skip reason — and every recipient's outbox row in ONE transaction, set-based in SQL, before any
// mail is sent; the outbox then delivers each row once (dedupe key per campaign + customer, see
// server/mail/outbox.ts). Points are credited through the loyalty ledger with one idempotency key
// per campaign and customer, so a customer is never credited twice.
import type { Db, Tx } from "../../db/client.ts";
import { Prisma, type Campaign } from "../../db/generated/client.ts";
import { toEmailLocale, type EmailLocale } from "../../../emails/i18n.ts";
import { audit } from "../audit/audit.ts";
import { AppError } from "../errors.ts";
import { postEntry } from "../loyalty/ledger.ts";
import { segmentSql } from "./segment-rules.ts";
import { segmentRulesSchema } from "./segment-rules.ts";
import { holdoutSql, isHoldout } from "./holdout.ts";
import { campaignInputSchema, emailContentSchema, type CampaignConfig, type EmailContent } from "./schemas.ts";
import { getFrequencyCap, zodFieldErrors } from "./settings.ts";

export interface Actor {
  id: string;
  ip?: string | null;
}

const EDITABLE = new Set(["DRAFT"]);

export function campaignConfig(c: Pick<Campaign, "config">): CampaignConfig {
  return (c.config ?? {}) as CampaignConfig;
}

export function emailContentOf(c: Pick<Campaign, "config">): EmailContent | null {
  const parsed = emailContentSchema.safeParse(campaignConfig(c).email);
  return parsed.success ? parsed.data : null;
}

export async function listCampaigns(db: Db) {
  const rows = await db.campaign.findMany({
    where: { kind: { not: "AUTOMATION" } },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: { id: true, name: true, kind: true, status: true, holdoutPct: true, scheduledAt: true, startedAt: true, finishedAt: true, createdAt: true, segment: { select: { id: true, name: true } } },
  });
  const counts = await statusCounts(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, counts: counts.get(r.id) ?? emptyCounts() }));
}

export interface StatusCounts {
  total: number;
  queued: number;
  sent: number;
  credited: number;
  holdout: number;
  skipped: number;
  cancelled: number;
  failed: number;
}
const emptyCounts = (): StatusCounts => ({ total: 0, queued: 0, sent: 0, credited: 0, holdout: 0, skipped: 0, cancelled: 0, failed: 0 });

async function statusCounts(db: Db | Tx, ids: string[]) {
  const out = new Map<string, StatusCounts>();
  if (!ids.length) return out;
  const rows = await db.$queryRaw<{ campaignId: string; status: string; n: number }[]>`
    SELECT "campaignId", "status", count(*)::int AS n FROM "CampaignRecipient" WHERE "campaignId" = ANY(${ids}) GROUP BY 1, 2`;
  for (const r of rows) {
    const c = out.get(r.campaignId) ?? emptyCounts();
    c.total += r.n;
    const k = r.status.toLowerCase() as keyof StatusCounts;
    if (k in c && k !== "total") c[k] += r.n;
    out.set(r.campaignId, c);
  }
  return out;
}

/** The campaign with its segment and delivery progress (what the detail page polls). */
export async function getCampaign(db: Db, id: string) {
  const c = await db.campaign.findUnique({ where: { id }, include: { segment: { select: { id: true, name: true } } } });
  if (!c) throw new AppError("NOT_FOUND", "No such campaign.");
  const counts = (await statusCounts(db, [id])).get(id) ?? emptyCounts();
  const [mail] = await db.$queryRaw<{ pending: number; sending: number; held: number }[]>`
    SELECT count(*) FILTER (WHERE "status" = 'PENDING' AND NOT "held")::int AS pending,
           count(*) FILTER (WHERE "status" = 'SENDING')::int AS sending,
           count(*) FILTER (WHERE "status" = 'PENDING' AND "held")::int AS held
    FROM "MailOutbox" WHERE "campaignId" = ${id}`;
  const treated = counts.queued + counts.sent + counts.credited + counts.failed + counts.cancelled;
  const done = counts.sent + counts.credited + counts.failed + counts.cancelled;
  return {
    ...c,
    config: campaignConfig(c),
    counts,
    mail: mail ?? { pending: 0, sending: 0, held: 0 },
    progress: { done, of: treated, pct: treated ? Math.round((1000 * done) / treated) / 10 : c.status === "COMPLETED" ? 100 : 0 },
  };
}

function parseInput(input: unknown) {
  const parsed = campaignInputSchema.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "The campaign is not valid.", zodFieldErrors(parsed.error.issues));
  return parsed.data;
}

/** Creates a draft, or updates one (only drafts can change). */
export async function saveCampaign(db: Db, actor: Actor, input: unknown, id?: string | null) {
  const v = parseInput(input);
  return db.$transaction(async (tx) => {
    const segment = await tx.segment.findUnique({ where: { id: v.segmentId }, select: { id: true } });
    if (!segment) throw new AppError("BAD_REQUEST", "Choose a saved segment.", { segmentId: "campaigns.errSegmentRequired" });
    const config: CampaignConfig = v.kind === "EMAIL" ? { email: v.email } : v.kind === "BONUS_POINTS" ? { points: v.points } : { multiplier: v.multiplier };
    const data = {
      name: v.name,
      kind: v.kind,
      segmentId: v.segmentId,
      holdoutPct: v.holdoutPct,
      conversionDays: v.conversionDays,
      scheduledAt: v.scheduledAt,
      endsAt: v.kind === "POINTS_MULTIPLIER" ? v.endsAt : null,
      config: config as unknown as Prisma.InputJsonValue,
    };
    if (id) {
      const existing = await tx.campaign.findUnique({ where: { id } });
      if (!existing || existing.kind === "AUTOMATION") throw new AppError("NOT_FOUND", "No such campaign.");
      if (!EDITABLE.has(existing.status)) throw new AppError("CONFLICT", "Only a draft can be changed.", { form: "campaigns.errNotDraft" });
      const row = await tx.campaign.update({ where: { id }, data });
      await audit(tx, { actorId: actor.id, action: "campaign.updated", targetType: "campaign", targetId: id, data: { name: row.name, kind: row.kind }, ip: actor.ip });
      return row;
    }
    const row = await tx.campaign.create({ data: { ...data, createdById: actor.id } });
    await audit(tx, { actorId: actor.id, action: "campaign.created", targetType: "campaign", targetId: row.id, data: { name: row.name, kind: row.kind }, ip: actor.ip });
    return row;
  });
}

async function lockCampaign(tx: Tx, id: string): Promise<Campaign> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Campaign" WHERE "id" = ${id} FOR UPDATE`;
  if (!rows.length) throw new AppError("NOT_FOUND", "No such campaign.");
  return tx.campaign.findUniqueOrThrow({ where: { id } });
}

/** "Send" on a draft: schedules it (scheduledAt in the future) or launches it now. Audited. */
export async function startCampaign(db: Db, actor: Actor, id: string, now = new Date()) {
  const result = await db.$transaction(
    async (tx) => {
      const c = await lockCampaign(tx, id);
      if (c.kind === "AUTOMATION") throw new AppError("NOT_FOUND", "No such campaign.");
      if (c.status !== "DRAFT") throw new AppError("CONFLICT", "This campaign has already been started.", { form: "campaigns.errNotDraft" });
      // A draft saved before a rule change must still be valid now.
      parseInput({ ...c, ...campaignConfig(c), email: campaignConfig(c).email });
      if (c.scheduledAt && c.scheduledAt.getTime() > now.getTime()) {
        await tx.campaign.update({ where: { id }, data: { status: "SCHEDULED" } });
        await audit(tx, { actorId: actor.id, action: "campaign.scheduled", targetType: "campaign", targetId: id, data: { scheduledAt: c.scheduledAt.toISOString() }, ip: actor.ip });
        return { status: "SCHEDULED" as const, recipients: 0 };
      }
      const recipients = await launch(tx, c, now);
      await audit(tx, { actorId: actor.id, action: "campaign.started", targetType: "campaign", targetId: id, data: { recipients }, ip: actor.ip });
      return { status: "RUNNING" as const, recipients };
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
  await refreshQueueStats(db, result.recipients);
  return result;
}

/**
 * After a big launch the planner's statistics still describe an outbox without these rows, and the
 * dispatcher's claim (ORDER BY "nextAttemptAt" LIMIT n) degrades to sorting every pending row on
 * each pass (~0.5 ms per message at 100,000); fresh statistics give the index scan back.
 */
async function refreshQueueStats(db: Db, recipients: number) {
  if (recipients < 5_000) return;
  await db.$executeRaw`ANALYZE "MailOutbox"`;
  await db.$executeRaw`ANALYZE "CampaignRecipient"`;
}

/**
 * Writes the recipients (segment as of `now`, minus erased customers), their holdout group and
 * skip reason, and — for email — one outbox row per recipient to be mailed. Runs in the caller's
 * transaction, under an advisory lock so concurrent sends see each other's frequency-cap counts.
 */
async function launch(tx: Tx, c: Campaign, now: Date): Promise<number> {
  const segment = c.segmentId ? await tx.segment.findUnique({ where: { id: c.segmentId } }) : null;
  if (!segment) throw new AppError("BAD_REQUEST", "The campaign's segment no longer exists.", { segmentId: "campaigns.errSegmentRequired" });
  const rules = segmentRulesSchema.parse(segment.rules);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('rapport:campaign-send'))`;
  const seg = segmentSql(rules, now);
  const hold = holdoutSql(c.id, Prisma.sql`c."id"`, c.holdoutPct);
  let inserted: number;
  if (c.kind === "EMAIL") {
    const cap = c.transactional ? { maxMessages: 0, windowDays: 1 } : await getFrequencyCap(tx);
    const since = new Date(now.getTime() - cap.windowDays * 86_400_000);
    inserted = await tx.$executeRaw`
      WITH seg AS (${seg}),
      recent AS (
        SELECT r."customerId", count(*)::int AS n
        FROM "CampaignRecipient" r JOIN "Campaign" k ON k."id" = r."campaignId"
        WHERE ${cap.maxMessages > 0} AND r."enteredAt" > ${since} AND r."status" IN ('QUEUED', 'SENT') AND NOT k."transactional"
          AND r."customerId" IN (SELECT "customerId" FROM seg)
        GROUP BY 1)
      INSERT INTO "CampaignRecipient" ("id", "campaignId", "customerId", "occurrence", "holdout", "status", "skipReason", "enteredAt")
      SELECT gen_random_uuid()::text, ${c.id}, c."id", '', e.eligible AND ${hold},
             CASE WHEN NOT e.eligible THEN 'SKIPPED' WHEN ${hold} THEN 'HOLDOUT' ELSE 'QUEUED' END,
             CASE WHEN NOT ${c.transactional} AND NOT c."consentEmail" THEN 'consent' WHEN NOT e.eligible THEN 'cap' END,
             ${now}
      FROM seg JOIN "Customer" c ON c."id" = seg."customerId"
      LEFT JOIN recent ON recent."customerId" = c."id"
      CROSS JOIN LATERAL (SELECT (${c.transactional} OR c."consentEmail") AND (${cap.maxMessages} = 0 OR COALESCE(recent.n, 0) < ${cap.maxMessages}) AS eligible) e
      ON CONFLICT DO NOTHING`;
    await tx.$executeRaw`
      INSERT INTO "MailOutbox" ("id", "to", "template", "locale", "props", "customerId", "campaignId", "dedupeKey", "status", "nextAttemptAt", "createdAt")
      SELECT gen_random_uuid()::text, c."email", 'campaign', c."locale",
             jsonb_build_object('recipientId', r."id", 'name', c."name", 'points', c."pointsAvailable", 'tier', c."tier"),
             c."id", r."campaignId", 'campaign:' || r."id", 'PENDING', ${now}, ${now}
      FROM "CampaignRecipient" r JOIN "Customer" c ON c."id" = r."customerId"
      WHERE r."campaignId" = ${c.id} AND r."status" = 'QUEUED'
      ON CONFLICT ("dedupeKey") DO NOTHING`;
  } else {
    // Points: the treated get status QUEUED (bonus: credited by the ticker) or CREDITED (multiplier:
    // the offer is live for them from the start of the window).
    const treated = c.kind === "BONUS_POINTS" ? "QUEUED" : "CREDITED";
    inserted = await tx.$executeRaw`
      WITH seg AS (${seg})
      INSERT INTO "CampaignRecipient" ("id", "campaignId", "customerId", "occurrence", "holdout", "status", "enteredAt", "sentAt")
      SELECT gen_random_uuid()::text, ${c.id}, c."id", '', ${hold}, CASE WHEN ${hold} THEN 'HOLDOUT' ELSE ${treated}::text END, ${now},
             CASE WHEN ${hold} OR ${treated}::text = 'QUEUED' THEN NULL ELSE ${now}::timestamp END
      FROM seg JOIN "Customer" c ON c."id" = seg."customerId"
      ON CONFLICT DO NOTHING`;
  }
  await tx.campaign.update({ where: { id: c.id }, data: { status: "RUNNING", startedAt: now } });
  return inserted;
}

async function transition(db: Db, actor: Actor, id: string, from: string[], to: "PAUSED" | "RUNNING" | "CANCELLED", action: string) {
  return db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, id);
    if (c.kind === "AUTOMATION") throw new AppError("NOT_FOUND", "No such campaign.");
    if (!from.includes(c.status)) throw new AppError("CONFLICT", `A ${c.status.toLowerCase()} campaign cannot be ${action}.`, { form: "campaigns.errState" });
    if (to === "PAUSED") await tx.mailOutbox.updateMany({ where: { campaignId: id, status: "PENDING" }, data: { held: true } });
    if (to === "RUNNING") await tx.mailOutbox.updateMany({ where: { campaignId: id, status: "PENDING" }, data: { held: false, nextAttemptAt: new Date() } });
    let cancelled = 0;
    if (to === "CANCELLED") {
      cancelled = (await tx.mailOutbox.updateMany({ where: { campaignId: id, status: "PENDING" }, data: { status: "FAILED", held: false, lastError: "cancelled: campaign cancelled" } })).count;
      await tx.campaignRecipient.updateMany({ where: { campaignId: id, status: "QUEUED" }, data: { status: "CANCELLED", skipReason: "cancelled" } });
    }
    // A resumed campaign whose start time has not come yet goes back to waiting for it.
    const next = to === "RUNNING" && !c.startedAt ? "SCHEDULED" : to;
    const row = await tx.campaign.update({ where: { id }, data: { status: next, ...(to === "CANCELLED" ? { finishedAt: new Date() } : {}) } });
    await audit(tx, { actorId: actor.id, action: `campaign.${action}`, targetType: "campaign", targetId: id, data: { from: c.status, to: next, ...(cancelled ? { mailCancelled: cancelled } : {}) }, ip: actor.ip });
    return { status: row.status };
  });
}

export const pauseCampaign = (db: Db, actor: Actor, id: string) => transition(db, actor, id, ["RUNNING", "SCHEDULED"], "PAUSED", "paused");
export const resumeCampaign = (db: Db, actor: Actor, id: string) => transition(db, actor, id, ["PAUSED"], "RUNNING", "resumed");
export const cancelCampaign = (db: Db, actor: Actor, id: string) => transition(db, actor, id, ["DRAFT", "SCHEDULED", "RUNNING", "PAUSED"], "CANCELLED", "cancelled");

/** A test of the campaign's email to the marketer themself, in the chosen language (via the outbox). */
export async function sendTestMail(db: Db, actor: Actor & { email: string; name: string | null }, id: string, locale: EmailLocale) {
  return db.$transaction(async (tx) => {
    const c = await tx.campaign.findUnique({ where: { id } });
    if (!c) throw new AppError("NOT_FOUND", "No such campaign.");
    if (!emailContentOf(c)) throw new AppError("BAD_REQUEST", "This campaign has no email to test.", { form: "campaigns.errNoEmail" });
    await tx.mailOutbox.create({
      data: {
        to: actor.email,
        template: "campaign",
        locale: locale === "zh-CN" ? "zh_CN" : "en",
        props: { test: true, name: actor.name, points: 1234, tier: "GOLD" },
        campaignId: c.id,
      },
    });
    await audit(tx, { actorId: actor.id, action: "campaign.test_sent", targetType: "campaign", targetId: id, data: { to: actor.email, locale }, ip: actor.ip });
    return { to: actor.email, locale };
  });
}

/**
 * Enters one customer into an automation for one trigger occurrence (welcome, birthday 2026, …):
 * the unique (campaign, customer, occurrence) row makes a second entry a no-op. Consent, erasure
 * and the frequency cap are checked here; the holdout is the same hash as for one-off campaigns.
 * Returns the recipient's status, or null when the customer was already entered.
 */
export async function enterAutomation(tx: Tx, c: Campaign, customerId: string, occurrence: string, now = new Date(), vars: Record<string, string> = {}) {
  const customer = await tx.customer.findUnique({ where: { id: customerId }, select: { id: true, email: true, name: true, locale: true, tier: true, pointsAvailable: true, consentEmail: true, anonymizedAt: true } });
  if (!customer || customer.anonymizedAt) return null;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('rapport:campaign-send'))`;
  let status = "QUEUED";
  let skipReason: string | null = null;
  if (!c.transactional && !customer.consentEmail) [status, skipReason] = ["SKIPPED", "consent"];
  else if (!c.transactional) {
    const cap = await getFrequencyCap(tx);
    if (cap.maxMessages > 0) {
      const [row] = await tx.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM "CampaignRecipient" r JOIN "Campaign" k ON k."id" = r."campaignId"
        WHERE r."customerId" = ${customerId} AND r."enteredAt" > ${new Date(now.getTime() - cap.windowDays * 86_400_000)} AND r."status" IN ('QUEUED', 'SENT') AND NOT k."transactional"`;
      if ((row?.n ?? 0) >= cap.maxMessages) [status, skipReason] = ["SKIPPED", "cap"];
    }
  }
  const holdout = status === "QUEUED" && isHoldout(c.id, customerId, c.holdoutPct);
  if (holdout) status = "HOLDOUT";
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "CampaignRecipient" ("id", "campaignId", "customerId", "occurrence", "holdout", "status", "skipReason", "enteredAt")
    VALUES (gen_random_uuid()::text, ${c.id}, ${customerId}, ${occurrence}, ${holdout}, ${status}, ${skipReason}, ${now})
    ON CONFLICT DO NOTHING RETURNING "id"`;
  const recipientId = rows[0]?.id;
  if (!recipientId) return null;
  if (status === "QUEUED") {
    await tx.mailOutbox.create({
      data: {
        to: customer.email,
        template: "campaign",
        locale: customer.locale,
        props: { recipientId, name: customer.name, points: customer.pointsAvailable, tier: customer.tier, vars },
        customerId,
        campaignId: c.id,
        dedupeKey: `campaign:${recipientId}`,
      },
    });
  }
  return { recipientId, status, holdout };
}

/**
 * The background part of campaigns, run every few seconds by each process (safe in several at
 * once: row locks with SKIP LOCKED): launches scheduled campaigns whose time came, credits bonus
 * points in batches, ends multiplier windows, and completes email campaigns with nothing left to send.
 */
export async function tickCampaigns(db: Db, now = new Date()) {
  let launched = 0;
  let recipients = 0;
  const due = await db.campaign.findMany({ where: { status: "SCHEDULED", kind: { not: "AUTOMATION" }, scheduledAt: { lte: now } }, select: { id: true }, take: 10 });
  for (const { id } of due) {
    await db.$transaction(
      async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Campaign" WHERE "id" = ${id} AND "status" = 'SCHEDULED' FOR UPDATE SKIP LOCKED`;
        if (!locked.length) return;
        const c = await tx.campaign.findUniqueOrThrow({ where: { id } });
        const n = await launch(tx, c, now);
        await audit(tx, { actorId: null, action: "campaign.started", targetType: "campaign", targetId: id, data: { recipients: n, scheduled: true } });
        launched++;
        recipients += n;
      },
      { timeout: 300_000, maxWait: 30_000 },
    );
  }
  await refreshQueueStats(db, recipients);
  const credited = await creditBonusPoints(db, now);
  const ended = await db.campaign.updateMany({ where: { kind: "POINTS_MULTIPLIER", status: "RUNNING", endsAt: { lte: now } }, data: { status: "COMPLETED", finishedAt: now } });
  const completed = await db.$executeRaw`
    UPDATE "Campaign" k SET "status" = 'COMPLETED', "finishedAt" = ${now}, "updatedAt" = ${now}
    WHERE k."status" = 'RUNNING' AND k."kind" IN ('EMAIL', 'BONUS_POINTS')
      AND NOT EXISTS (SELECT 1 FROM "MailOutbox" m WHERE m."campaignId" = k."id" AND m."status" IN ('PENDING', 'SENDING'))
      AND NOT EXISTS (SELECT 1 FROM "CampaignRecipient" r WHERE r."campaignId" = k."id" AND r."status" = 'QUEUED' AND k."kind" = 'BONUS_POINTS')`;
  return { launched, credited, ended: ended.count, completed };
}

/** Credits up to `limit` queued bonus-points recipients of running campaigns (one ledger entry each). */
async function creditBonusPoints(db: Db, now: Date, limit = 200) {
  const batch = await db.$queryRaw<{ id: string; campaignId: string; customerId: string; points: number; name: string }[]>`
    SELECT r."id", r."campaignId", r."customerId", (k."config"->>'points')::int AS points, k."name"
    FROM "CampaignRecipient" r JOIN "Campaign" k ON k."id" = r."campaignId"
    WHERE k."kind" = 'BONUS_POINTS' AND k."status" = 'RUNNING' AND r."status" = 'QUEUED'
    LIMIT ${limit}`;
  let n = 0;
  for (const r of batch) {
    await db.$transaction(async (tx) => {
      const claimed = await tx.$executeRaw`UPDATE "CampaignRecipient" SET "status" = 'CREDITED', "sentAt" = ${now}, "pointsAwarded" = ${r.points} WHERE "id" = ${r.id} AND "status" = 'QUEUED'`;
      if (!claimed) return;
      const customer = await tx.customer.findUnique({ where: { id: r.customerId }, select: { anonymizedAt: true } });
      if (!customer || customer.anonymizedAt) {
        await tx.campaignRecipient.update({ where: { id: r.id }, data: { status: "SKIPPED", skipReason: "erased", pointsAwarded: null, sentAt: null } });
        return;
      }
      await postEntry(tx, {
        customerId: r.customerId,
        type: "BONUS",
        points: r.points,
        how: { op: "credit" },
        reason: `Campaign: ${r.name}`,
        sourceType: "campaign",
        sourceId: r.campaignId,
        idempotencyKey: `campaign:${r.campaignId}:${r.customerId}`,
        channel: "system",
        occurredAt: now,
      });
      n++;
    });
  }
  return n;
}

export function localeOf(dbLocale: string): EmailLocale {
  return toEmailLocale(dbLocale);
}
