// Rewards and redemption. Redeeming locks the customer row, checks the reward (active, valid,
// tier, stock with a conditional decrement, per-customer limit), debits the points and records
// the single-use code — all in one transaction, so two requests can never spend the same points.
// With STRIPE_SECRET_KEY set, the Stripe coupon + promotion code are created afterwards from this
// durable record by the loyalty-stripe job (with retries): a Stripe outage never loses a redemption.
import { z } from "zod";
import type { Db, Tx } from "../../db/client.ts";
import type { Prisma, Redemption, Reward } from "../../db/generated/client.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { audit } from "../audit/audit.ts";
import { AppError, type FieldMessage } from "../errors.ts";
import { fromDbLocale } from "../locale.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { loyaltyConfig, rewardsUrl } from "./config.ts";
import { lockCustomer, postEntry } from "./ledger.ts";
import { randomCode } from "./referrals.ts";
import { DAY_MS } from "./rules.ts";

export const rewardInput = z
  .object({
    kind: z.enum(["FIXED_AMOUNT", "PERCENTAGE", "FREE_SHIPPING", "GIFT_ITEM"]),
    nameEn: z.string().trim().min(1, "rewards.errRequired").max(80),
    nameZh: z.string().trim().min(1, "rewards.errRequired").max(80),
    descriptionEn: z.string().trim().max(500).default(""),
    descriptionZh: z.string().trim().max(500).default(""),
    pointsCost: z.number().int().min(1, "rewards.errPoints").max(10_000_000),
    amountMinor: z.number().int().min(1).max(100_000_000).nullable().default(null),
    currency: z.string().regex(/^[A-Z]{3}$/, "rewards.errCurrency").nullable().default(null),
    percentOff: z.number().int().min(1).max(100).nullable().default(null),
    giftSku: z.string().trim().max(80).nullable().default(null),
    stock: z.number().int().min(0).max(10_000_000).nullable().default(null),
    perCustomerLimit: z.number().int().min(1).max(1000).nullable().default(null),
    validFrom: z.coerce.date().nullable().default(null),
    validUntil: z.coerce.date().nullable().default(null),
    codeValidityDays: z.number().int().min(1).max(730).default(30),
    eligibleTiers: z.array(z.string().regex(/^[A-Z][A-Z0-9_]{1,19}$/)).max(8).default([]),
    active: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    if (r.kind === "FIXED_AMOUNT" && (!r.amountMinor || !r.currency)) ctx.addIssue({ code: "custom", path: ["amountMinor"], message: "rewards.errAmount" });
    if (r.kind === "PERCENTAGE" && !r.percentOff) ctx.addIssue({ code: "custom", path: ["percentOff"], message: "rewards.errPercent" });
    if (r.kind === "GIFT_ITEM" && !r.giftSku) ctx.addIssue({ code: "custom", path: ["giftSku"], message: "rewards.errGiftSku" });
    if (r.validFrom && r.validUntil && r.validUntil <= r.validFrom) ctx.addIssue({ code: "custom", path: ["validUntil"], message: "rewards.errValidity" });
  });
export type RewardInput = z.input<typeof rewardInput>;

function zodFieldErrors(error: z.ZodError): Record<string, FieldMessage> {
  const out: Record<string, FieldMessage> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "form";
    out[key] ??= issue.message.startsWith("rewards.") || issue.message.startsWith("errors.") ? issue.message : "errors.invalid";
  }
  return out;
}

export async function saveReward(db: Db, actorId: string, id: string | null, input: unknown) {
  const parsed = rewardInput.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "The reward is not valid.", zodFieldErrors(parsed.error));
  const data = parsed.data;
  return db.$transaction(async (tx) => {
    const before = id ? await tx.reward.findUnique({ where: { id } }) : null;
    if (id && !before) throw new AppError("NOT_FOUND", "No such reward.");
    const reward = id ? await tx.reward.update({ where: { id }, data }) : await tx.reward.create({ data });
    await audit(tx, { actorId, action: id ? "loyalty.reward.updated" : "loyalty.reward.created", targetType: "reward", targetId: reward.id, data: { before, after: reward } as unknown as Prisma.InputJsonValue });
    return reward;
  });
}

export function rewardAvailability(r: Reward, tier: string, now = new Date()) {
  if (!r.active) return "inactive" as const;
  if (r.validFrom && r.validFrom > now) return "notYet" as const;
  if (r.validUntil && r.validUntil <= now) return "ended" as const;
  if (r.stock !== null && r.stock <= 0) return "outOfStock" as const;
  if (r.eligibleTiers.length && !r.eligibleTiers.includes(tier)) return "tier" as const;
  return "ok" as const;
}

export interface RedeemInput {
  customerId: string;
  rewardId: string;
  /** Client-generated id of this request: a double submit redeems once. */
  requestId?: string;
  actorUserId?: string | null;
}

/** Redeems a reward for a code. Throws BAD_REQUEST with a form message when it cannot. */
export async function redeemReward(db: Db, input: RedeemInput): Promise<Redemption> {
  // Generous waits: under a burst of redemptions transactions queue on the customer row lock.
  return db.$transaction(
    async (tx) => {
      const now = new Date();
      const customer = await lockCustomer(tx, input.customerId);
      const key = `redeem:${input.customerId}:${input.requestId ?? randomCode(16)}`;
      const replay = await tx.loyaltyLedgerEntry.findUnique({ where: { idempotencyKey: key } });
      if (replay?.sourceId) return tx.redemption.findUniqueOrThrow({ where: { id: replay.sourceId } });

      const reward = await tx.reward.findUnique({ where: { id: input.rewardId } });
      if (!reward) throw new AppError("NOT_FOUND", "No such reward.");
      const availability = rewardAvailability(reward, customer.tier, now);
      if (availability !== "ok") throw new AppError("BAD_REQUEST", "This reward cannot be redeemed now.", { form: `rewards.unavailable_${availability}` });
      if (reward.perCustomerLimit !== null) {
        const mine = await tx.redemption.count({ where: { customerId: customer.id, rewardId: reward.id, status: { in: ["ISSUED", "USED"] } } });
        if (mine >= reward.perCustomerLimit) throw new AppError("BAD_REQUEST", "You reached the limit for this reward.", { form: "rewards.errLimit" });
      }
      if (customer.available < reward.pointsCost) {
        throw new AppError("BAD_REQUEST", "Not enough points.", { form: { key: "rewards.errNotEnoughPoints", params: { available: customer.available, needed: reward.pointsCost } } });
      }
      if (reward.stock !== null) {
        const taken = await tx.$executeRaw`UPDATE "Reward" SET "stock" = "stock" - 1, "updatedAt" = now() WHERE "id" = ${reward.id} AND "stock" > 0`;
        if (taken !== 1) throw new AppError("BAD_REQUEST", "This reward is out of stock.", { form: "rewards.unavailable_outOfStock" });
      }
      const redemption = await createRedemption(tx, {
        customerId: customer.id,
        rewardId: reward.id,
        pointsCost: reward.pointsCost,
        expiresAt: new Date(now.getTime() + reward.codeValidityDays * DAY_MS),
        stripeStatus: loyaltyConfig().stripeSecretKey ? "PENDING" : "NONE",
      });
      await postEntry(tx, {
        customerId: customer.id,
        type: "REDEEM",
        points: reward.pointsCost,
        how: { op: "debit" },
        reason: `Reward: ${reward.nameEn}`,
        sourceType: "redemption",
        sourceId: redemption.id,
        idempotencyKey: key,
        actorUserId: input.actorUserId ?? null,
        channel: "web",
        occurredAt: now,
      });
      await recordTouchpoint(tx, { customerId: customer.id, type: "loyalty.reward_redeemed", channel: "web", actorUserId: input.actorUserId ?? null, subjectType: "redemption", subjectId: redemption.id, metadata: { rewardId: reward.id, points: reward.pointsCost } });
      if (!customer.anonymizedAt) {
        const locale = fromDbLocale(customer.locale as "en" | "zh_CN");
        await enqueueMail(tx, {
          to: customer.email,
          template: "loyalty-code",
          locale,
          customerId: customer.id,
          props: { url: rewardsUrl(), name: customer.name, rewardName: locale === "zh-CN" ? reward.nameZh : reward.nameEn, code: redemption.code, points: reward.pointsCost, expiresAt: redemption.expiresAt.toISOString() },
        });
      }
      return redemption;
    },
    { maxWait: 60_000, timeout: 60_000 },
  );
}

async function createRedemption(tx: Tx, data: Omit<Prisma.RedemptionUncheckedCreateInput, "code">): Promise<Redemption> {
  for (let i = 0; i < 5; i++) {
    const code = `RW-${randomCode(4)}-${randomCode(4)}`;
    const clash = await tx.redemption.findUnique({ where: { code }, select: { id: true } });
    if (!clash) return tx.redemption.create({ data: { ...data, code } });
  }
  throw new AppError("CONFLICT", "Could not create a unique code; please try again.");
}

/**
 * Marks a reward code used by a paid order (Stripe event or the fulfilment API). Idempotent for
 * the same order; returns false for an unknown, expired or already used code.
 */
export async function markCodeUsed(tx: Tx, code: string, orderId: string): Promise<boolean> {
  const normalized = code.trim().toUpperCase();
  const r = await tx.redemption.findUnique({ where: { code: normalized } });
  if (!r) return false;
  if (r.status === "USED") return r.usedOrderId === orderId;
  const now = new Date();
  const done = await tx.redemption.updateMany({ where: { id: r.id, status: "ISSUED", expiresAt: { gt: now } }, data: { status: "USED", usedAt: now, usedOrderId: orderId } });
  if (done.count !== 1) return false;
  await recordTouchpoint(tx, { customerId: r.customerId, type: "loyalty.code_used", channel: "system", subjectType: "redemption", subjectId: r.id, metadata: { orderId, code: normalized } });
  return true;
}

/** Unused codes past their expiry: EXPIRED, points returned (a RETURN entry), stock put back. */
export async function expireUnusedCodes(db: Db, now = new Date(), limit = 500): Promise<number> {
  const due = await db.redemption.findMany({ where: { status: "ISSUED", expiresAt: { lte: now } }, select: { id: true }, take: limit, orderBy: { expiresAt: "asc" } });
  let n = 0;
  for (const { id } of due) {
    await db.$transaction(async (tx) => {
      const first = await tx.redemption.findUniqueOrThrow({ where: { id } });
      await lockCustomer(tx, first.customerId);
      const r = await tx.redemption.findUniqueOrThrow({ where: { id }, include: { reward: true } });
      if (r.status !== "ISSUED" || r.expiresAt > now) return;
      await tx.redemption.update({ where: { id }, data: { status: "EXPIRED" } });
      if (r.reward.stock !== null) await tx.reward.update({ where: { id: r.rewardId }, data: { stock: { increment: 1 } } });
      const res = await postEntry(tx, {
        customerId: r.customerId,
        type: "RETURN",
        points: r.pointsCost,
        how: { op: "credit" },
        reason: `Code ${r.code} expired unused: points returned`,
        sourceType: "redemption",
        sourceId: r.id,
        idempotencyKey: `return:redemption:${r.id}`,
        occurredAt: now,
      });
      await recordTouchpoint(tx, { customerId: r.customerId, type: "loyalty.code_expired", channel: "system", subjectType: "redemption", subjectId: r.id, metadata: { points: r.pointsCost } });
      if (!res.customer.anonymizedAt) {
        const locale = fromDbLocale(res.customer.locale as "en" | "zh_CN");
        await enqueueMail(tx, {
          to: res.customer.email,
          template: "loyalty-code-expired",
          locale,
          customerId: r.customerId,
          props: { url: rewardsUrl(), name: res.customer.name, rewardName: locale === "zh-CN" ? r.reward.nameZh : r.reward.nameEn, code: r.code, points: r.pointsCost },
        });
      }
      n++;
    });
  }
  return n;
}
