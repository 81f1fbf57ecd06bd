// Stripe objects for reward codes. A redemption is committed first (stripeStatus PENDING); this
// creates the coupon (single use, expiring with the code) and a promotion code carrying the very
// same code, using idempotency keys derived from the redemption id, so a retry after a network
// failure never creates twice. Failures are recorded and retried by the loyalty job (backoff by
// attempt count); after MAX_ATTEMPTS the redemption stays usable as a local code (FAILED).
import Stripe from "stripe";
import type { Db } from "../../db/client.ts";
import { loyaltyConfig } from "./config.ts";

export const MAX_ATTEMPTS = 10;

export interface StripeCouponApi {
  coupons: { create(params: Stripe.CouponCreateParams, opts?: Stripe.RequestOptions): Promise<{ id: string }> };
  promotionCodes: { create(params: Stripe.PromotionCodeCreateParams, opts?: Stripe.RequestOptions): Promise<{ id: string }> };
}

let cached: StripeCouponApi | null | undefined;
function defaultClient(): StripeCouponApi | null {
  if (cached === undefined) {
    const key = loyaltyConfig().stripeSecretKey;
    cached = key ? new Stripe(key, { maxNetworkRetries: 1, timeout: 10_000 }) : null;
  }
  return cached;
}

export async function syncStripeCodes(db: Db, opts: { ids?: string[]; client?: StripeCouponApi | null; limit?: number } = {}) {
  const client = opts.client === undefined ? defaultClient() : opts.client;
  if (!client) return { synced: 0, failed: 0 };
  const due = await db.redemption.findMany({
    where: { stripeStatus: "PENDING", status: "ISSUED", ...(opts.ids ? { id: { in: opts.ids } } : {}) },
    include: { reward: true },
    orderBy: { createdAt: "asc" },
    take: opts.limit ?? 100,
  });
  let synced = 0;
  let failed = 0;
  for (const r of due) {
    try {
      const couponParams: Stripe.CouponCreateParams = {
        duration: "once",
        max_redemptions: 1,
        redeem_by: Math.floor(r.expiresAt.getTime() / 1000),
        name: r.reward.nameEn.slice(0, 40),
        metadata: { redemptionId: r.id, rewardId: r.rewardId, customerId: r.customerId },
      };
      if (r.reward.kind === "FIXED_AMOUNT") Object.assign(couponParams, { amount_off: r.reward.amountMinor ?? 0, currency: (r.reward.currency ?? "USD").toLowerCase() });
      else if (r.reward.kind === "PERCENTAGE") couponParams.percent_off = r.reward.percentOff ?? 0;
      // Free shipping and gift items have no Stripe discount shape: a 100%-off-nothing coupon would be
      // wrong, so they carry a zero-value marker the checkout recognises by metadata.kind.
      else Object.assign(couponParams, { amount_off: 1, currency: (r.reward.currency ?? "USD").toLowerCase(), metadata: { ...couponParams.metadata, kind: r.reward.kind } });
      const coupon = r.stripeCouponId ? { id: r.stripeCouponId } : await client.coupons.create(couponParams, { idempotencyKey: `rapport-coupon-${r.id}` });
      if (!r.stripeCouponId) await db.redemption.update({ where: { id: r.id }, data: { stripeCouponId: coupon.id } });
      const promo = await client.promotionCodes.create(
        { promotion: { type: "coupon", coupon: coupon.id }, code: r.code, max_redemptions: 1, expires_at: Math.floor(r.expiresAt.getTime() / 1000), metadata: { redemptionId: r.id } },
        { idempotencyKey: `rapport-promo-${r.id}` },
      );
      await db.redemption.update({ where: { id: r.id }, data: { stripePromotionCodeId: promo.id, stripeStatus: "SYNCED", stripeLastError: null, stripeAttempts: { increment: 1 } } });
      synced++;
    } catch (e) {
      const attempts = r.stripeAttempts + 1;
      await db.redemption.update({
        where: { id: r.id },
        data: { stripeAttempts: attempts, stripeLastError: (e instanceof Error ? e.message : String(e)).slice(0, 500), stripeStatus: attempts >= MAX_ATTEMPTS ? "FAILED" : "PENDING" },
      });
      failed++;
    }
  }
  return { synced, failed };
}
