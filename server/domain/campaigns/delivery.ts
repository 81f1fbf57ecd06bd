// The campaign side of the mail outbox: rendering a campaign row, dropping rows whose recipient
// withdrew consent after they were queued, and recording delivery (recipient SENT + touchpoint
// campaign.delivered) in the same transaction that marks the outbox rows SENT.
import type { Db, Tx } from "../../db/client.ts";
import type { OutboxRow } from "../../mail/outbox.ts";
import { toEmailLocale } from "../../../emails/i18n.ts";
import { emailContentOf } from "./campaigns.ts";
import { compileCampaign, firstNameOf, personalize } from "./render.ts";
import { db as defaultDb } from "../../db/client.ts";

interface CachedCampaign {
  at: number;
  campaign: { id: string; updatedAt: Date; config: unknown } | null;
}
const campaignCache = new Map<string, Promise<CachedCampaign>>();

async function campaignFor(id: string) {
  let hit = campaignCache.get(id);
  if (!hit || Date.now() - (await hit).at > 5_000) {
    hit = defaultDb()
      .campaign.findUnique({ where: { id }, select: { id: true, updatedAt: true, config: true } })
      .then((campaign) => ({ at: Date.now(), campaign }));
    campaignCache.set(id, hit);
    if (campaignCache.size > 500) campaignCache.delete(campaignCache.keys().next().value!);
  }
  return (await hit).campaign;
}

export async function renderCampaignRow(row: OutboxRow) {
  if (!row.campaignId) throw Object.assign(new Error("campaign mail without a campaign"), { responseCode: 550 });
  const c = await campaignFor(row.campaignId);
  const content = c ? emailContentOf(c as never) : null;
  if (!c || !content) throw Object.assign(new Error("the campaign has no email content"), { responseCode: 550 });
  const locale = toEmailLocale(row.locale);
  const compiled = await compileCampaign(`${c.id}:${c.updatedAt.getTime()}`, content, locale);
  const p = row.props as { recipientId?: string; name?: string | null; points?: number; tier?: string; test?: boolean; code?: string; vars?: Record<string, string> };
  const m = personalize(compiled, {
    recipientId: p.recipientId ?? "test",
    customerId: row.customerId ?? "test",
    campaignId: c.id,
    firstName: firstNameOf(p.name ?? null, row.to),
    name: p.name?.trim() || firstNameOf(null, row.to),
    points: p.points ?? 0,
    tier: p.tier ?? "",
    code: p.code ?? content.offerCode,
    extra: p.vars,
  });
  if (p.test) m.subject = `${locale === "zh-CN" ? "[测试]" : "[Test]"} ${m.subject}`;
  return m;
}

/** Drops claimed campaign rows that must not go out any more; returns the rest. */
export async function checkCampaignRows(db: Db, rows: OutboxRow[]): Promise<OutboxRow[]> {
  const campaignRows = rows.filter((r) => r.campaignId && r.dedupeKey?.startsWith("campaign:"));
  if (!campaignRows.length) return rows;
  const blocked = await db.$queryRaw<{ id: string; reason: string }[]>`
    SELECT m."id", CASE WHEN k."status" IN ('PAUSED', 'SCHEDULED') THEN 'paused' WHEN k."status" = 'CANCELLED' THEN 'cancelled'
                        WHEN c."anonymizedAt" IS NOT NULL THEN 'erased' ELSE 'unsubscribed' END AS reason
    FROM "MailOutbox" m JOIN "Campaign" k ON k."id" = m."campaignId" JOIN "Customer" c ON c."id" = m."customerId"
    WHERE m."id" = ANY(${campaignRows.map((r) => r.id)})
      AND (k."status" IN ('PAUSED', 'SCHEDULED', 'CANCELLED') OR c."anonymizedAt" IS NOT NULL OR (NOT k."transactional" AND NOT c."consentEmail"))`;
  if (!blocked.length) return rows;
  const paused = blocked.filter((b) => b.reason === "paused").map((b) => b.id);
  const dropped = blocked.filter((b) => b.reason !== "paused");
  await db.$transaction(async (tx) => {
    if (paused.length) await tx.$executeRaw`UPDATE "MailOutbox" SET "status" = 'PENDING', "held" = true, "attempts" = "attempts" - 1 WHERE "id" = ANY(${paused})`;
    for (const reason of new Set(dropped.map((d) => d.reason))) {
      const ids = dropped.filter((d) => d.reason === reason).map((d) => d.id);
      const keys = await tx.$queryRaw<{ dedupeKey: string }[]>`
        UPDATE "MailOutbox" SET "status" = 'FAILED', "lastError" = ${`cancelled: ${reason}`} WHERE "id" = ANY(${ids}) RETURNING "dedupeKey"`;
      const recipientIds = keys.map((k) => k.dedupeKey.slice("campaign:".length));
      await tx.$executeRaw`UPDATE "CampaignRecipient" SET "status" = 'CANCELLED', "skipReason" = ${reason} WHERE "id" = ANY(${recipientIds}) AND "status" = 'QUEUED'`;
    }
  });
  const skip = new Set(blocked.map((b) => b.id));
  return rows.filter((r) => !skip.has(r.id));
}

/** In the transaction that marks outbox rows SENT: their recipients SENT, one touchpoint each. */
export async function afterCampaignBatch(tx: Tx, rows: { id: string; campaignId: string | null; dedupeKey: string | null; customerId: string | null }[]) {
  const recipientIds = rows.filter((r) => r.campaignId && r.dedupeKey?.startsWith("campaign:")).map((r) => r.dedupeKey!.slice("campaign:".length));
  if (!recipientIds.length) return;
  await tx.$executeRaw`
    WITH sent AS (
      UPDATE "CampaignRecipient" SET "status" = 'SENT', "sentAt" = now()
      WHERE "id" = ANY(${recipientIds}) AND "status" = 'QUEUED'
      RETURNING "id", "campaignId", "customerId")
    INSERT INTO "Touchpoint" ("customerId", "type", "channel", "subjectType", "subjectId", "metadata", "occurredAt")
    SELECT "customerId", 'campaign.delivered', 'email', 'campaign', "campaignId", jsonb_build_object('recipientId', "id"), now() FROM sent`;
}
