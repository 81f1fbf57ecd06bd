// Read models for the loyalty pages: the customer's rewards page and the staff ledger view.
import { Prisma, type Reward } from "../../db/generated/client.ts";
import { sqlRows } from "../../db/sql.ts";
import type { Db } from "../../db/client.ts";
import type { LedgerEntryType, RedemptionStatus } from "../../db/generated/enums.ts";
import { AppError } from "../errors.ts";
import { referralSummary } from "./referrals.ts";
import { rewardAvailability } from "./rewards.ts";
import { tierDef, tierProgress } from "./rules.ts";
import { getSettings } from "./settings.ts";
import { qualifyingSpend } from "./tiers.ts";

function entryView(e: { id: string; type: string; availableDelta: number; pendingDelta: number; debtDelta: number; reason: string; sourceType: string | null; sourceId: string | null; createdAt: Date; actorUserId?: string | null }) {
  return { id: e.id, type: e.type, available: e.availableDelta, pending: e.pendingDelta, debt: e.debtDelta, reason: e.reason, sourceType: e.sourceType, sourceId: e.sourceId, createdAt: e.createdAt, actorUserId: e.actorUserId ?? null };
}

/**
 * The customer's rewards page. Most reads are raw SQL selecting just the columns the page uses
 * (same filters and order as the Prisma queries they replace): each Prisma query cost ~2 ms of
 * CPU in query compilation, and this page made ten of them per view (issue #14).
 */
export async function customerOverview(db: Db, customerId: string, opts: { historyTake?: number } = {}) {
  const [s, customers] = await Promise.all([
    getSettings(db),
    sqlRows<{ tier: string; pointsAvailable: number; pointsPending: number; pointsDebt: number; referralCode: string | null }[]>(db, Prisma.sql`
      SELECT tier, "pointsAvailable", "pointsPending", "pointsDebt", "referralCode" FROM "Customer" WHERE id = ${customerId}`),
  ]);
  // Gone in the meantime: the same error as before (findUniqueOrThrow).
  if (!customers[0]) await db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { id: true } });
  const c = customers[0]!;
  const now = new Date();
  const [spend, entries, rewards, codes, nextExpiry, referral] = await Promise.all([
    qualifyingSpend(db, customerId, s, now),
    sqlRows<{ id: string; type: LedgerEntryType; availableDelta: number; pendingDelta: number; debtDelta: number; reason: string; sourceType: string | null; sourceId: string | null; createdAt: Date; actorUserId: string | null }[]>(db, Prisma.sql`
      SELECT id, type::text AS type, "availableDelta", "pendingDelta", "debtDelta", reason, "sourceType", "sourceId", "createdAt", "actorUserId"
      FROM "LoyaltyLedgerEntry"
      WHERE "customerId" = ${customerId} AND NOT ("availableDelta" = 0 AND "pendingDelta" = 0 AND "debtDelta" = 0)
      ORDER BY "createdAt" DESC, id DESC
      LIMIT ${opts.historyTake ?? 50}`),
    // = reward.findMany(active, by cost, take 100) without Prisma's per-query CPU (issue #14).
    // A NULL scalar list is [] to Prisma.
    sqlRows<Reward[]>(
      db,
      Prisma.sql`SELECT id, kind::text AS kind, "nameEn", "nameZh", "descriptionEn", "descriptionZh", "pointsCost", "amountMinor", currency, "percentOff", "giftSku", stock, "perCustomerLimit",
                        "validFrom", "validUntil", "codeValidityDays", coalesce("eligibleTiers", '{}') AS "eligibleTiers", active, "createdAt", "updatedAt"
                 FROM "Reward" WHERE active ORDER BY "pointsCost" ASC, id ASC LIMIT 100`,
    ),
    sqlRows<{ id: string; code: string; status: RedemptionStatus; expiresAt: Date; usedAt: Date | null; pointsCost: number; createdAt: Date; stripeStatus: string; rewardNameEn: string; rewardNameZh: string }[]>(db, Prisma.sql`
      SELECT r.id, r.code, r.status::text AS status, r."expiresAt", r."usedAt", r."pointsCost", r."createdAt", r."stripeStatus", w."nameEn" AS "rewardNameEn", w."nameZh" AS "rewardNameZh"
      FROM "Redemption" r JOIN "Reward" w ON w.id = r."rewardId"
      WHERE r."customerId" = ${customerId}
      ORDER BY r."createdAt" DESC
      LIMIT 50`),
    // = loyaltyLot.groupBy(expiresAt, remaining > 0, sum, earliest first, take 1), as one raw statement.
    sqlRows<{ expiresAt: Date; remaining: number | null }[]>(db, Prisma.sql`
      SELECT "expiresAt", sum(remaining)::int AS remaining FROM "LoyaltyLot"
      WHERE "customerId" = ${customerId} AND remaining > 0
      GROUP BY "expiresAt" ORDER BY "expiresAt" ASC LIMIT 1`),
    referralSummary(db, customerId, { settings: s, referralCode: c.referralCode }),
  ]);
  const tier = tierDef(c.tier, s.tiers);
  const progress = tierProgress(spend, tier.code, s.tiers);
  return {
    balances: { available: c.pointsAvailable, pending: c.pointsPending, debt: c.pointsDebt },
    tier: { ...tier, spendMinor: spend, baseCurrency: s.baseCurrency, next: progress.next, remainingMinor: progress.remainingMinor, percent: progress.percent },
    tiers: s.tiers,
    rules: { returnWindowDays: s.returnWindowDays, expiryMonths: s.expiryMonths, earnRates: s.earnRates, basis: s.basis },
    nextExpiry: nextExpiry[0] ? { at: nextExpiry[0].expiresAt, points: nextExpiry[0].remaining ?? 0 } : null,
    history: entries.map(entryView),
    rewards: rewards
      .map((r) => {
        const availability = rewardAvailability(r, c.tier, now);
        return { id: r.id, kind: r.kind, nameEn: r.nameEn, nameZh: r.nameZh, descriptionEn: r.descriptionEn, descriptionZh: r.descriptionZh, pointsCost: r.pointsCost, amountMinor: r.amountMinor, currency: r.currency, percentOff: r.percentOff, stock: r.stock, validUntil: r.validUntil, availability, affordable: availability === "ok" && r.pointsCost <= c.pointsAvailable };
      })
      .filter((r) => r.availability !== "inactive" && r.availability !== "ended"),
    codes: codes.map((r) => ({ id: r.id, code: r.code, status: r.status, expiresAt: r.expiresAt, usedAt: r.usedAt, pointsCost: r.pointsCost, rewardNameEn: r.rewardNameEn, rewardNameZh: r.rewardNameZh, createdAt: r.createdAt, stripe: r.stripeStatus })),
    referral,
  };
}

export async function staffLedger(db: Db, customerId: string, opts: { take?: number; before?: string } = {}) {
  const c = await db.customer.findUnique({ where: { id: customerId }, select: { id: true, name: true, email: true, tier: true, pointsAvailable: true, pointsPending: true, pointsDebt: true } });
  if (!c) throw new AppError("NOT_FOUND", "No such customer.");
  const take = opts.take ?? 100;
  const [entries, redemptions, tierHistory, total] = await Promise.all([
    db.loyaltyLedgerEntry.findMany({ where: { customerId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take }),
    db.redemption.findMany({ where: { customerId }, include: { reward: { select: { nameEn: true } } }, orderBy: { createdAt: "desc" }, take: 50 }),
    db.tierHistory.findMany({ where: { customerId }, orderBy: { createdAt: "desc" }, take: 20 }),
    db.loyaltyLedgerEntry.count({ where: { customerId } }),
  ]);
  const actorIds = [...new Set(entries.map((e) => e.actorUserId).filter((x): x is string => Boolean(x)))];
  const actors = actorIds.length ? await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, email: true } }) : [];
  const names = new Map(actors.map((a) => [a.id, a.name || a.email]));
  return {
    customer: { id: c.id, name: c.name, email: c.email, tier: c.tier },
    balances: { available: c.pointsAvailable, pending: c.pointsPending, debt: c.pointsDebt },
    entries: entries.map((e) => ({ ...entryView(e), idempotencyKey: e.idempotencyKey, actorName: e.actorUserId ? (names.get(e.actorUserId) ?? null) : null })),
    total,
    redemptions: redemptions.map((r) => ({ id: r.id, code: r.code, status: r.status, pointsCost: r.pointsCost, reward: r.reward.nameEn, createdAt: r.createdAt, expiresAt: r.expiresAt, stripe: r.stripeStatus })),
    tierHistory: tierHistory.map((t) => ({ id: t.id, from: t.fromTier, to: t.toTier, reason: t.reason, createdAt: t.createdAt })),
  };
}
