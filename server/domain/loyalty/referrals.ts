// Referrals: each customer has a personal code (and link /rewards/join?ref=CODE). A new customer
// enters a code before their first paid order; that order earns them a pending bonus, and once it
// passes the return window the referrer gets theirs. Abuse checks: self-referral (same customer or
// the same mailbox), the same card fingerprint (when Stripe events carry one), velocity limits on
// the referrer, and a rate limit on code attempts.
import { Prisma } from "../../db/generated/client.ts";
import { sqlRows } from "../../db/sql.ts";
import { randomInt } from "node:crypto";
import type { Db, Tx } from "../../db/client.ts";
import type { ReferralStatus } from "../../db/generated/enums.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { hit, tooMany } from "../auth/rate-limit.ts";
import { AppError } from "../errors.ts";
import { fromDbLocale } from "../locale.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { rewardsUrl } from "./config.ts";
import { lockCustomer, postEntry } from "./ledger.ts";
import { DAY_MS } from "./rules.ts";
import { getSettings, type ProgramSettings } from "./settings.ts";

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export function randomCode(length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** The same mailbox: case-insensitive, "+tag" ignored, and dots ignored for Gmail. */
export function normalizeEmail(email: string): string {
  const [local = "", domain = ""] = email.trim().toLowerCase().split("@");
  let l = local.split("+")[0]!;
  const d = domain === "googlemail.com" ? "gmail.com" : domain;
  if (d === "gmail.com") l = l.replaceAll(".", "");
  return `${l}@${d}`;
}

/** The customer's referral code, created on first use. */
export async function ensureReferralCode(db: Db | Tx, customerId: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { referralCode: true } });
    if (c.referralCode) return c.referralCode;
    const code = randomCode(8);
    const taken = await db.customer.findUnique({ where: { referralCode: code }, select: { id: true } });
    if (taken) continue;
    await db.customer.updateMany({ where: { id: customerId, referralCode: null }, data: { referralCode: code } });
  }
  throw new AppError("CONFLICT", "Could not create a referral code; please try again.");
}

/** A new customer enters a friend's code (before their first paid order). */
export async function attachReferral(db: Db, customerId: string, rawCode: string) {
  const code = rawCode.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (code.length < 4 || code.length > 20) throw new AppError("BAD_REQUEST", "Enter the code your friend shared.", { code: "rewards.errReferralCode" });
  return db.$transaction(async (tx) => {
    const attempts = await hit(tx, { key: `referral-attach:${customerId}`, max: 10, windowMs: 3600_000 });
    if (attempts.count > 10) throw tooMany(attempts.resetAt, "referral codes");
    const s = await getSettings(tx);
    const me = await tx.customer.findUniqueOrThrow({ where: { id: customerId }, include: { referredBy: true } });
    const referrer = await tx.customer.findUnique({ where: { referralCode: code } });
    if (!referrer || referrer.anonymizedAt) throw new AppError("BAD_REQUEST", "No such referral code.", { code: "rewards.errReferralCode" });
    if (referrer.id === me.id || normalizeEmail(referrer.email) === normalizeEmail(me.email)) throw new AppError("BAD_REQUEST", "You cannot refer yourself.", { code: "rewards.errReferralSelf" });
    if (me.referredBy) throw new AppError("BAD_REQUEST", "A referral code is already set.", { code: "rewards.errReferralAlready" });
    const paid = await tx.order.count({ where: { customerId, paidAt: { not: null } } });
    if (paid > 0 || me.createdAt.getTime() < Date.now() - s.referral.attachWithinDays * DAY_MS) throw new AppError("BAD_REQUEST", "Referral codes are for new customers.", { code: "rewards.errReferralTooLate" });
    const recent = await tx.referral.count({ where: { referrerId: referrer.id, createdAt: { gte: new Date(Date.now() - 30 * DAY_MS) }, status: { not: "REJECTED" } } });
    if (recent >= s.referral.maxPer30Days) throw new AppError("BAD_REQUEST", "This code cannot take more referrals right now.", { code: "rewards.errReferralLimit" });
    const referral = await tx.referral.create({ data: { referrerId: referrer.id, referredCustomerId: me.id, code } });
    await recordTouchpoint(tx, { customerId: me.id, type: "loyalty.referral_joined", channel: "web", subjectType: "referral", subjectId: referral.id });
    await recordTouchpoint(tx, { customerId: referrer.id, type: "loyalty.referral_signed_up", channel: "system", subjectType: "referral", subjectId: referral.id });
    return { ok: true as const };
  });
}

/** Card fingerprints Stripe reported for the given customer's orders (charges / payment intents). */
async function cardFingerprints(tx: Tx, where: { customerId: string } | { orderId: string }): Promise<Set<string>> {
  const rows =
    "orderId" in where
      ? await sqlRows<{ fp: string | null }[]>(tx, Prisma.sql`
          SELECT DISTINCT COALESCE(e."payload" #>> '{data,object,payment_method_details,card,fingerprint}',
                                   e."payload" #>> '{data,object,latest_charge,payment_method_details,card,fingerprint}',
                                   e."payload" #>> '{data,object,charges,data,0,payment_method_details,card,fingerprint}') AS "fp"
          FROM "StripeEvent" e WHERE e."orderId" = ${where.orderId}`)
      : await sqlRows<{ fp: string | null }[]>(tx, Prisma.sql`
          SELECT DISTINCT COALESCE(e."payload" #>> '{data,object,payment_method_details,card,fingerprint}',
                                   e."payload" #>> '{data,object,latest_charge,payment_method_details,card,fingerprint}',
                                   e."payload" #>> '{data,object,charges,data,0,payment_method_details,card,fingerprint}') AS "fp"
          FROM "StripeEvent" e JOIN "Order" o ON o."id" = e."orderId" WHERE o."customerId" = ${where.customerId}`);
  return new Set(rows.map((r) => r.fp).filter((x): x is string => Boolean(x)));
}

async function reject(tx: Tx, referralId: string, reason: string) {
  await tx.referral.update({ where: { id: referralId }, data: { status: "REJECTED", rejectReason: reason } });
  await recordTouchpoint(tx, { customerId: null, type: "loyalty.referral_rejected", channel: "system", subjectType: "referral", subjectId: referralId, metadata: { reason } });
}

/** The referred customer's first paid order: abuse checks, then their (pending) bonus. */
export async function onReferralOrderPaid(tx: Tx, e: { customerId: string; orderId: string; at: Date }, s: ProgramSettings) {
  const referral = await tx.referral.findUnique({ where: { referredCustomerId: e.customerId } });
  if (!referral || referral.status !== "PENDING") return;
  const earlier = await tx.order.count({ where: { customerId: e.customerId, paidAt: { not: null }, id: { not: e.orderId } } });
  if (earlier > 0) return reject(tx, referral.id, "not_first_order");
  const mine = await cardFingerprints(tx, { orderId: e.orderId });
  if (mine.size) {
    const theirs = await cardFingerprints(tx, { customerId: referral.referrerId });
    if ([...mine].some((fp) => theirs.has(fp))) return reject(tx, referral.id, "same_card");
  }
  const qualified = await tx.referral.count({ where: { referrerId: referral.referrerId, status: { in: ["QUALIFIED", "REWARDED"] }, qualifiedAt: { gte: new Date(e.at.getTime() - 30 * DAY_MS) } } });
  if (qualified >= s.referral.maxPer30Days) return reject(tx, referral.id, "velocity");
  await tx.referral.update({ where: { id: referral.id }, data: { status: "QUALIFIED", firstOrderId: e.orderId, qualifiedAt: e.at } });
  if (s.referral.refereeBonus > 0) {
    await postEntry(tx, {
      customerId: e.customerId,
      type: "REFERRAL",
      points: s.referral.refereeBonus,
      how: { op: "pending" },
      reason: "Welcome bonus: referred by a friend",
      sourceType: "referral",
      sourceId: referral.id,
      idempotencyKey: `referral:${referral.id}:referee`,
      occurredAt: e.at,
    });
  }
}

/** The first order passed its return window: release the new customer's bonus, reward the referrer. */
export async function releaseReferralForOrder(tx: Tx, orderId: string, at: Date, s: ProgramSettings) {
  const referral = await tx.referral.findFirst({ where: { firstOrderId: orderId, status: "QUALIFIED" } });
  if (!referral) return;
  const bonus = await tx.loyaltyLedgerEntry.findUnique({ where: { idempotencyKey: `referral:${referral.id}:referee` } });
  if (bonus && bonus.pendingDelta > 0) {
    await postEntry(tx, {
      customerId: referral.referredCustomerId,
      type: "RELEASE",
      points: bonus.pendingDelta,
      how: { op: "release" },
      reason: "Welcome bonus released",
      sourceType: "referral",
      sourceId: referral.id,
      idempotencyKey: `release:referral:${referral.id}`,
      occurredAt: at,
    });
  }
  await tx.referral.update({ where: { id: referral.id }, data: { status: "REWARDED", rewardedAt: at } });
  if (s.referral.referrerBonus > 0) {
    const r = await postEntry(tx, {
      customerId: referral.referrerId,
      type: "REFERRAL",
      points: s.referral.referrerBonus,
      how: { op: "credit" },
      reason: "Referral bonus: a friend's first order",
      sourceType: "referral",
      sourceId: referral.id,
      idempotencyKey: `referral:${referral.id}:referrer`,
      occurredAt: at,
    });
    if (!r.duplicate && !r.customer.anonymizedAt) {
      await enqueueMail(tx, {
        to: r.customer.email,
        template: "loyalty-referral-rewarded",
        locale: fromDbLocale(r.customer.locale as "en" | "zh_CN"),
        customerId: r.customer.id,
        props: { url: rewardsUrl(), name: r.customer.name, points: s.referral.referrerBonus },
      });
    }
  }
}

/** The first order was fully refunded or cancelled: the referral fails and the pending bonus goes. */
export async function onReferralOrderVoided(tx: Tx, orderId: string, at: Date) {
  const referral = await tx.referral.findFirst({ where: { firstOrderId: orderId, status: "QUALIFIED" } });
  if (!referral) return;
  const bonus = await tx.loyaltyLedgerEntry.findUnique({ where: { idempotencyKey: `referral:${referral.id}:referee` } });
  if (bonus && bonus.pendingDelta > 0) {
    await lockCustomer(tx, referral.referredCustomerId);
    await postEntry(tx, {
      customerId: referral.referredCustomerId,
      type: "REVERSE",
      points: bonus.pendingDelta,
      how: { op: "dropPending" },
      reason: "Welcome bonus withdrawn: first order refunded",
      sourceType: "referral",
      sourceId: referral.id,
      idempotencyKey: `reverse:referral:${referral.id}`,
      occurredAt: at,
    });
  }
  await reject(tx, referral.id, "order_refunded");
}

/** What the referral page shows: the code, link and the referrals made. */
/**
 * `known`: what the caller already read in this request (the program settings, the customer's
 * current referral code), so the rewards page does not read them twice.
 */
export async function referralSummary(db: Db, customerId: string, known: { settings?: ProgramSettings; referralCode?: string | null } = {}) {
  // Raw SQL for the two reads (the same as referral.groupBy by status and customer with
  // referredBy.status and the count of paid orders): Prisma compiled them into four queries on every
  // visit of /rewards (issue #14).
  const [code, made, meRows, s] = await Promise.all([
    known.referralCode ?? ensureReferralCode(db, customerId),
    sqlRows<{ status: ReferralStatus; _count: number }[]>(db, Prisma.sql`SELECT status::text AS status, count(*)::int AS "_count" FROM "Referral" WHERE "referrerId" = ${customerId} GROUP BY status`),
    sqlRows<{ createdAt: Date; referredStatus: ReferralStatus | null; paidOrders: number }[]>(db, Prisma.sql`
      SELECT c."createdAt", r.status::text AS "referredStatus",
             (SELECT count(*) FROM "Order" o WHERE o."customerId" = c.id AND o."paidAt" IS NOT NULL)::int AS "paidOrders"
      FROM "Customer" c LEFT JOIN "Referral" r ON r."referredCustomerId" = c.id
      WHERE c.id = ${customerId}`),
    known.settings ?? getSettings(db),
  ]);
  // Gone in the meantime: the same error as before (findUniqueOrThrow).
  if (!meRows[0]) await db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { id: true } });
  const row = meRows[0]!;
  const me = { createdAt: row.createdAt, referredBy: row.referredStatus === null ? null : { status: row.referredStatus }, _count: { orders: row.paidOrders } };
  const counts = Object.fromEntries(made.map((m) => [m.status, m._count])) as Partial<Record<"PENDING" | "QUALIFIED" | "REWARDED" | "REJECTED", number>>;
  const canAttach = !me.referredBy && me._count.orders === 0 && me.createdAt.getTime() >= Date.now() - s.referral.attachWithinDays * DAY_MS;
  return { code, counts, referredStatus: me.referredBy?.status ?? null, canAttach, refereeBonus: s.referral.refereeBonus, referrerBonus: s.referral.referrerBonus };
}
