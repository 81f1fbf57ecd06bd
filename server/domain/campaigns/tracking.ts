// What a campaign email's links do: the open pixel, click redirects and one-click unsubscribe.
// Each takes a signed token (tokens.ts); a forged or altered token is refused and changes nothing.
// Opens, clicks and unsubscribes are touchpoints (campaign.opened / .clicked / .unsubscribed).
import type { Db } from "../../db/client.ts";
import { toEmailLocale, type EmailLocale } from "../../../emails/i18n.ts";
import { AppError } from "../errors.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { emailContentOf } from "./campaigns.ts";
import { compileCampaign, firstNameOf } from "./render.ts";
import { verifyToken } from "./tokens.ts";

async function recipientOf(db: Db, recipientId: string) {
  return db.campaignRecipient.findUnique({
    where: { id: recipientId },
    select: { id: true, campaignId: true, customerId: true, openedAt: true, clickedAt: true, customer: { select: { locale: true, anonymizedAt: true } } },
  });
}

/** The open pixel: the first open is recorded (later ones change nothing). */
export async function trackOpen(db: Db, token: string): Promise<{ recorded: boolean }> {
  const parts = verifyToken("o", token, 1);
  if (!parts) return { recorded: false };
  const r = await recipientOf(db, parts[0]!);
  if (!r || r.customer.anonymizedAt) return { recorded: false };
  return db.$transaction(async (tx) => {
    const n = await tx.campaignRecipient.updateMany({ where: { id: r.id, openedAt: null }, data: { openedAt: new Date() } });
    if (n.count) await recordTouchpoint(tx, { customerId: r.customerId, type: "campaign.opened", channel: "email", subjectType: "campaign", subjectId: r.campaignId });
    return { recorded: n.count > 0 };
  });
}

/** A click: resolves the link index against the campaign's own body (the only targets allowed). */
export async function trackClick(db: Db, token: string): Promise<{ url: string }> {
  const parts = verifyToken("c", token, 2);
  if (!parts) throw new AppError("NOT_FOUND", "This link is not valid.");
  const r = await recipientOf(db, parts[0]!);
  if (!r) throw new AppError("NOT_FOUND", "This link is not valid.");
  const campaign = await db.campaign.findUnique({ where: { id: r.campaignId }, select: { id: true, updatedAt: true, config: true } });
  const content = campaign ? emailContentOf(campaign) : null;
  if (!campaign || !content) throw new AppError("NOT_FOUND", "This link is not valid.");
  const compiled = await compileCampaign(`${campaign.id}:${campaign.updatedAt.getTime()}`, content, toEmailLocale(r.customer.locale));
  const url = compiled.links[Number(parts[1])];
  if (!url) throw new AppError("NOT_FOUND", "This link is not valid.");
  if (!r.customer.anonymizedAt) {
    await db.$transaction(async (tx) => {
      const now = new Date();
      await tx.campaignRecipient.updateMany({ where: { id: r.id, openedAt: null }, data: { openedAt: now } });
      await tx.campaignRecipient.updateMany({ where: { id: r.id, clickedAt: null }, data: { clickedAt: now } });
      await recordTouchpoint(tx, { customerId: r.customerId, type: "campaign.clicked", channel: "email", subjectType: "campaign", subjectId: r.campaignId, metadata: { url, link: Number(parts[1]) } });
    });
  }
  return { url };
}

export interface UnsubscribeInfo {
  valid: boolean;
  locale: EmailLocale;
  subscribed: boolean;
  /** The address, masked ("a•••@example.com"): enough to recognise, not to harvest. */
  email: string | null;
  /** The subject of the email the link came from, in the customer's language, when it still exists. */
  subject: string | null;
}

/** "alice@example.com" → "a•••@example.com". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "•••";
  return `${email[0]}•••${email.slice(at)}`;
}

function parseUnsubscribe(token: string) {
  const parts = verifyToken("u", token, 2);
  return parts ? { customerId: parts[0]!, campaignId: parts[1]! } : null;
}

/** For the page a GET of the unsubscribe link shows (one button). */
export async function unsubscribeInfo(db: Db, token: string): Promise<UnsubscribeInfo> {
  const t = parseUnsubscribe(token);
  const c = t ? await db.customer.findUnique({ where: { id: t.customerId }, select: { email: true, name: true, tier: true, pointsAvailable: true, locale: true, consentEmail: true, anonymizedAt: true } }) : null;
  if (!t || !c || c.anonymizedAt) return { valid: false, locale: "en", subscribed: false, email: null, subject: null };
  const locale = toEmailLocale(c.locale);
  const campaign = await db.campaign.findUnique({ where: { id: t.campaignId }, select: { config: true } });
  const content = campaign ? emailContentOf(campaign) : null;
  const vars: Record<string, string> = { firstName: firstNameOf(c.name, c.email), name: c.name ?? "", points: String(c.pointsAvailable), tier: c.tier, code: content?.offerCode ?? "" };
  const subject = content ? (locale === "zh-CN" ? content.subjectZh : content.subjectEn).replace(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g, (m, k: string) => vars[k] ?? m) : null;
  return { valid: true, locale, subscribed: c.consentEmail, email: maskEmail(c.email), subject };
}

/**
 * One-click unsubscribe (RFC 8058 POST, or the page's button): email marketing consent off, the
 * customer's queued marketing mail cancelled, a touchpoint. No sign-in; idempotent.
 */
export async function unsubscribe(db: Db, token: string): Promise<{ unsubscribed: boolean; locale: EmailLocale }> {
  const t = parseUnsubscribe(token);
  if (!t) throw new AppError("NOT_FOUND", "This unsubscribe link is not valid.");
  return db.$transaction(async (tx) => {
    const c = await tx.customer.findUnique({ where: { id: t.customerId }, select: { id: true, locale: true, consentEmail: true, anonymizedAt: true } });
    if (!c || c.anonymizedAt) throw new AppError("NOT_FOUND", "This unsubscribe link is not valid.");
    const locale = toEmailLocale(c.locale);
    if (!c.consentEmail) return { unsubscribed: false, locale };
    await tx.customer.update({ where: { id: c.id }, data: { consentEmail: false } });
    await tx.campaignRecipient.updateMany({ where: { campaignId: t.campaignId, customerId: c.id, unsubscribedAt: null }, data: { unsubscribedAt: new Date() } });
    // Queued marketing mail to this customer is dropped (transactional campaigns keep theirs).
    const pending = await tx.$queryRaw<{ dedupeKey: string }[]>`
      UPDATE "MailOutbox" m SET "status" = 'FAILED', "lastError" = 'cancelled: unsubscribed'
      FROM "Campaign" k WHERE k."id" = m."campaignId" AND NOT k."transactional" AND m."customerId" = ${c.id} AND m."status" = 'PENDING' AND m."dedupeKey" IS NOT NULL
      RETURNING m."dedupeKey"`;
    if (pending.length) {
      await tx.$executeRaw`UPDATE "CampaignRecipient" SET "status" = 'CANCELLED', "skipReason" = 'unsubscribed' WHERE "id" = ANY(${pending.map((p) => p.dedupeKey.slice("campaign:".length))}) AND "status" = 'QUEUED'`;
    }
    await recordTouchpoint(tx, { customerId: c.id, type: "campaign.unsubscribed", channel: "email", subjectType: "campaign", subjectId: t.campaignId, metadata: { channel: "email" } });
    return { unsubscribed: true, locale };
  });
}
