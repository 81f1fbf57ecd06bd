// The scheduled loyalty work: FIFO expiry, the reminder 30 days ahead, unused code expiry (points
// back), birthday bonus, monthly tier downgrade with email, referral bonuses after the window.
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { ledgerCheck, postEntry } from "../../server/domain/loyalty/ledger.ts";
import { evaluateTiers, expireDueLots, grantBirthdayBonuses, remindExpiringPoints } from "../../server/domain/loyalty/maintenance.ts";
import { applyLoyaltyForOrderEvent } from "../../server/domain/loyalty/order-events.ts";
import { attachReferral } from "../../server/domain/loyalty/referrals.ts";
import { expireUnusedCodes, redeemReward } from "../../server/domain/loyalty/rewards.ts";
import { syncStripeCodes, type StripeCouponApi } from "../../server/domain/loyalty/stripe-sync.ts";
import { setLoyaltyConfig } from "../../server/domain/loyalty/config.ts";
import { createCustomer, createOrder } from "../factories/index.ts";
import * as loyaltyJob from "../../server/jobs/loyalty.job.ts";
import { JOBS } from "../../server/jobs/runner.ts";

const DAY = 86_400_000;
const credit = (customerId: string, points: number, key: string, lotExpiresAt: Date) =>
  db().$transaction((tx) => postEntry(tx, { customerId, type: "BONUS", points, how: { op: "credit" }, reason: key, idempotencyKey: key, lotExpiresAt }));

describe("loyalty jobs", () => {
  it("expires the oldest points first and only what is due, once", async () => {
    const c = await createCustomer(db(), {});
    const now = Date.now();
    await credit(c.id, 100, `old:${c.id}`, new Date(now + 10 * DAY));
    await credit(c.id, 50, `new:${c.id}`, new Date(now + 100 * DAY));
    // Spending 30 consumes the soonest-expiring lot first: 70 of the old lot remain.
    await db().$transaction((tx) => postEntry(tx, { customerId: c.id, type: "REDEEM", points: 30, how: { op: "debit" }, reason: "spend", idempotencyKey: `spend:${c.id}` }));
    const at = new Date(now + 20 * DAY);
    expect(await expireDueLots(db(), at, { customerIds: [c.id] })).toEqual({ lots: 1, points: 70 });
    expect(await expireDueLots(db(), at, { customerIds: [c.id] })).toEqual({ lots: 0, points: 0 });
    const after = await db().customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.pointsAvailable).toBe(50);
    const { sums, cached } = await db().$transaction((tx) => ledgerCheck(tx, c.id));
    expect(sums.available).toBe(cached.available);
    expect(sums.lots).toBe(50);
    expect(await db().touchpoint.count({ where: { customerId: c.id, type: "loyalty.expire" } })).toBe(1);
  });

  it("sends one expiry reminder per customer within the reminder window", async () => {
    const c = await createCustomer(db(), { locale: "zh_CN" });
    const now = new Date();
    await credit(c.id, 40, `r1:${c.id}`, new Date(now.getTime() + 10 * DAY));
    await credit(c.id, 60, `r2:${c.id}`, new Date(now.getTime() + 20 * DAY));
    await credit(c.id, 99, `r3:${c.id}`, new Date(now.getTime() + 200 * DAY));
    await remindExpiringPoints(db(), now);
    await remindExpiringPoints(db(), now);
    const mails = await db().mailOutbox.findMany({ where: { customerId: c.id, template: "loyalty-expiry-reminder" } });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.locale).toBe("zh_CN");
    expect(mails[0]!.props).toMatchObject({ points: 100 });
  });

  it("an unused code that expires gives the points back and emails the customer", async () => {
    const c = await createCustomer(db(), {});
    await credit(c.id, 100, `code:${c.id}`, new Date(Date.now() + 365 * DAY));
    const reward = await db().reward.create({ data: { kind: "PERCENTAGE", nameEn: "10% off", nameZh: "九折", pointsCost: 80, percentOff: 10, codeValidityDays: 7, stock: 3 } });
    const r = await redeemReward(db(), { customerId: c.id, rewardId: reward.id });
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).pointsAvailable).toBe(20);
    await expireUnusedCodes(db(), new Date(Date.now() + 8 * DAY));
    await expireUnusedCodes(db(), new Date(Date.now() + 9 * DAY));
    expect((await db().redemption.findUniqueOrThrow({ where: { id: r.id } })).status).toBe("EXPIRED");
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).pointsAvailable).toBe(100);
    expect((await db().reward.findUniqueOrThrow({ where: { id: reward.id } })).stock).toBe(3);
    expect(await db().mailOutbox.count({ where: { customerId: c.id, template: "loyalty-code-expired" } })).toBe(1);
  });

  it("the loyalty job is registered and runs every step (a second run finds nothing left to do)", async () => {
    expect(JOBS.map((j) => j.name)).toContain("loyalty");
    const c = await createCustomer(db(), {});
    await credit(c.id, 30, `job:${c.id}`, new Date(Date.now() - DAY));
    const first = await loyaltyJob.run(db(), loyaltyJob.payload.parse({ evaluateTiers: true }));
    expect(first.expiredLots).toBeGreaterThanOrEqual(1);
    expect(first.tiers?.checked).toBeGreaterThanOrEqual(1);
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).pointsAvailable).toBe(0);
    const second = await loyaltyJob.run(db(), loyaltyJob.payload.parse({}));
    expect(second).toMatchObject({ expiredLots: 0, released: 0, codesExpired: 0 });
  });

  it("grants the birthday bonus once a year", async () => {
    const today = new Date();
    const c = await createCustomer(db(), { birthday: new Date(Date.UTC(1990, today.getUTCMonth(), today.getUTCDate())) });
    await grantBirthdayBonuses(db(), today);
    await grantBirthdayBonuses(db(), today);
    expect(await db().loyaltyLedgerEntry.count({ where: { customerId: c.id, type: "BIRTHDAY" } })).toBe(1);
  });

  it("the monthly evaluation downgrades a tier with history and an email", async () => {
    const c = await createCustomer(db(), { tier: "GOLD" });
    const old = await createOrder(db(), { customerId: c.id, status: "DELIVERED", currency: "USD", items: [{ name: "Kettle", quantity: 1, unitPriceMinor: 50_000 }], shippingMinor: 0, taxMinor: 0, placedAt: new Date(Date.now() - 20 * DAY), paidAt: new Date(Date.now() - 20 * DAY) });
    void old;
    await evaluateTiers(db(), new Date());
    const after = await db().customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.tier).toBe("SILVER");
    const h = await db().tierHistory.findFirstOrThrow({ where: { customerId: c.id } });
    expect([h.fromTier, h.toTier]).toEqual(["GOLD", "SILVER"]);
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { customerId: c.id, template: "loyalty-tier-changed" } });
    expect(mail.props).toMatchObject({ direction: "down" });
  });

  it("referral: refused for oneself; the new customer's first order earns their bonus, the referrer's comes after the return window", async () => {
    const referrer = await createCustomer(db(), { email: `ann.lee+shop@gmail.com` });
    await db().customer.update({ where: { id: referrer.id }, data: { referralCode: `REF${referrer.id.slice(-6).toUpperCase()}` } });
    const code = `REF${referrer.id.slice(-6).toUpperCase()}`;
    const sneaky = await createCustomer(db(), { email: `annlee@gmail.com` });
    await expect(attachReferral(db(), sneaky.id, code)).rejects.toMatchObject({ fieldErrors: { code: "rewards.errReferralSelf" } });
    await expect(attachReferral(db(), referrer.id, code)).rejects.toMatchObject({ fieldErrors: { code: "rewards.errReferralSelf" } });

    const friend = await createCustomer(db(), { createdAt: new Date() });
    await attachReferral(db(), friend.id, code.toLowerCase());
    const o = await createOrder(db(), { customerId: friend.id, status: "PAID", currency: "USD", items: [{ name: "Mug", quantity: 1, unitPriceMinor: 2_000 }], shippingMinor: 0, taxMinor: 0, paidAt: new Date() });
    const ev = (e: Parameters<typeof applyLoyaltyForOrderEvent>[1]) => db().$transaction((tx) => applyLoyaltyForOrderEvent(tx, e));
    await ev({ type: "paid", orderId: o.id, occurredAt: new Date() });
    expect((await db().customer.findUniqueOrThrow({ where: { id: friend.id } })).pointsPending).toBe(20 + 200);
    expect((await db().customer.findUniqueOrThrow({ where: { id: referrer.id } })).pointsAvailable).toBe(0);
    await ev({ type: "delivered", orderId: o.id, occurredAt: new Date(Date.now() - 31 * DAY) });
    expect((await db().customer.findUniqueOrThrow({ where: { id: friend.id } })).pointsAvailable).toBe(220);
    expect((await db().customer.findUniqueOrThrow({ where: { id: referrer.id } })).pointsAvailable).toBe(500);
    expect((await db().referral.findUniqueOrThrow({ where: { referredCustomerId: friend.id } })).status).toBe("REWARDED");
    expect(await db().mailOutbox.count({ where: { customerId: referrer.id, template: "loyalty-referral-rewarded" } })).toBe(1);
  });

  it("Stripe: the redemption is recorded first; a failed Stripe call is retried later with the same idempotency keys", async () => {
    setLoyaltyConfig({ stripeSecretKey: "sk_test_loyalty" });
    try {
      const c = await createCustomer(db(), {});
      await credit(c.id, 100, `stripe:${c.id}`, new Date(Date.now() + 365 * DAY));
      const reward = await db().reward.create({ data: { kind: "FIXED_AMOUNT", nameEn: "$5 off", nameZh: "减 5 美元", pointsCost: 50, amountMinor: 500, currency: "USD" } });
      const r = await redeemReward(db(), { customerId: c.id, rewardId: reward.id });
      expect(r.stripeStatus).toBe("PENDING");
      const keys: string[] = [];
      let fail = true;
      const client: StripeCouponApi = {
        coupons: {
          create: async (_p, o) => {
            keys.push(String(o?.idempotencyKey));
            if (fail) throw new Error("connect ECONNREFUSED");
            return { id: "co_1" };
          },
        },
        promotionCodes: {
          create: async (p, o) => {
            keys.push(String(o?.idempotencyKey));
            expect(p.code).toBe(r.code);
            return { id: "promo_1" };
          },
        },
      };
      expect(await syncStripeCodes(db(), { ids: [r.id], client })).toEqual({ synced: 0, failed: 1 });
      const failed = await db().redemption.findUniqueOrThrow({ where: { id: r.id } });
      expect(failed).toMatchObject({ stripeStatus: "PENDING", stripeAttempts: 1, status: "ISSUED" });
      fail = false;
      expect(await syncStripeCodes(db(), { ids: [r.id], client })).toEqual({ synced: 1, failed: 0 });
      expect(await db().redemption.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({ stripeStatus: "SYNCED", stripeCouponId: "co_1", stripePromotionCodeId: "promo_1" });
      expect(keys).toEqual([`rapport-coupon-${r.id}`, `rapport-coupon-${r.id}`, `rapport-promo-${r.id}`]);
    } finally {
      setLoyaltyConfig(undefined);
    }
  });
});
