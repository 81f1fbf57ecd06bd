// The points ledger on a real PostgreSQL: concurrency, idempotency, earning from order events,
// proportional reversal (pending first, then available, then debt) and debt repayment.
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { AppError } from "../../server/domain/errors.ts";
import { ledgerCheck, postEntry } from "../../server/domain/loyalty/ledger.ts";
import { releaseDuePoints } from "../../server/domain/loyalty/maintenance.ts";
import { applyLoyaltyForOrderEvent } from "../../server/domain/loyalty/order-events.ts";
import { markCodeUsed, redeemReward } from "../../server/domain/loyalty/rewards.ts";
import { createCustomer, createOrder } from "../factories/index.ts";

const DAY = 86_400_000;

async function customerWith(points: number) {
  const c = await createCustomer(db(), {});
  if (points > 0) {
    await db().$transaction((tx) => postEntry(tx, { customerId: c.id, type: "ADJUST", points, how: { op: "credit" }, reason: "test credit", idempotencyKey: `test:${c.id}:seed` }));
  }
  return c;
}

async function balances(customerId: string) {
  const c = await db().customer.findUniqueOrThrow({ where: { id: customerId } });
  return { available: c.pointsAvailable, pending: c.pointsPending, debt: c.pointsDebt };
}

async function expectConsistent(customerId: string) {
  const { sums, cached } = await db().$transaction((tx) => ledgerCheck(tx, customerId));
  expect({ available: sums.available, pending: sums.pending, debt: sums.debt }).toEqual(cached);
  expect(sums.lots).toBe(cached.available);
  expect(cached.available).toBeGreaterThanOrEqual(0);
  expect(cached.pending).toBeGreaterThanOrEqual(0);
  expect(cached.debt).toBeGreaterThanOrEqual(0);
}

/** A paid USD order of `dollars` (no shipping/tax): earns `dollars` points at Bronze. */
async function paidOrder(customerId: string, dollars: number) {
  return createOrder(db(), { customerId, status: "PAID", currency: "USD", items: [{ name: "Mug", quantity: 1, unitPriceMinor: dollars * 100 }], shippingMinor: 0, taxMinor: 0, discountMinor: 0, paidAt: new Date() });
}

const event = (e: Parameters<typeof applyLoyaltyForOrderEvent>[1]) => db().$transaction((tx) => applyLoyaltyForOrderEvent(tx, e));

describe("loyalty ledger on PostgreSQL", () => {
  it("100 simultaneous redemptions of a 10-point reward with 50 points: exactly 5 succeed, balance 0", async () => {
    const c = await customerWith(50);
    const reward = await db().reward.create({ data: { kind: "FREE_SHIPPING", nameEn: "Free shipping", nameZh: "免运费", pointsCost: 10 } });
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => redeemReward(db(), { customerId: c.id, rewardId: reward.id, requestId: `burst-${i}-xxxx` })));
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(5);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(AppError);
      expect((f.reason as AppError).code).toBe("BAD_REQUEST");
    }
    expect(await balances(c.id)).toEqual({ available: 0, pending: 0, debt: 0 });
    expect(await db().redemption.count({ where: { customerId: c.id } })).toBe(5);
    expect(await db().loyaltyLedgerEntry.count({ where: { customerId: c.id, type: "REDEEM" } })).toBe(5);
    await expectConsistent(c.id);
  });

  it("the database itself refuses a negative balance", async () => {
    const c = await customerWith(5);
    await expect(db().$executeRaw`UPDATE "Customer" SET "pointsAvailable" = -1 WHERE "id" = ${c.id}`).rejects.toThrow(/negative/);
    expect((await balances(c.id)).available).toBe(5);
  });

  it("a replayed idempotency key writes nothing", async () => {
    const c = await customerWith(0);
    const input = { customerId: c.id, type: "BONUS" as const, points: 30, how: { op: "credit" as const }, reason: "bonus", idempotencyKey: `bonus:${c.id}` };
    const first = await db().$transaction((tx) => postEntry(tx, input));
    const again = await db().$transaction((tx) => postEntry(tx, input));
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect((await balances(c.id)).available).toBe(30);
    expect(await db().touchpoint.count({ where: { customerId: c.id, type: "loyalty.bonus" } })).toBe(1);
  });

  it("the same order's paid event twice (even concurrently) earns once", async () => {
    const c = await customerWith(0);
    const o = await paidOrder(c.id, 120);
    await Promise.all([event({ type: "paid", orderId: o.id, occurredAt: new Date() }), event({ type: "paid", orderId: o.id, occurredAt: new Date() }).catch(() => undefined)]);
    await event({ type: "paid", orderId: o.id, occurredAt: new Date() });
    const earns = await db().loyaltyLedgerEntry.findMany({ where: { customerId: c.id, type: "EARN" } });
    expect(earns).toHaveLength(1);
    expect(earns[0]!.idempotencyKey).toBe(`earn:order:${o.id}`);
    expect(await balances(c.id)).toEqual({ available: 0, pending: 120, debt: 0 });
    await expectConsistent(c.id);
  });

  it("releases pending points after the return window, not before", async () => {
    const c = await customerWith(0);
    const o = await paidOrder(c.id, 80);
    await event({ type: "paid", orderId: o.id, occurredAt: new Date() });
    await event({ type: "delivered", orderId: o.id, occurredAt: new Date(Date.now() - 10 * DAY) });
    await releaseDuePoints(db(), new Date());
    expect(await balances(c.id)).toEqual({ available: 0, pending: 80, debt: 0 });
    await releaseDuePoints(db(), new Date(Date.now() + 21 * DAY));
    expect(await balances(c.id)).toEqual({ available: 80, pending: 0, debt: 0 });
    await releaseDuePoints(db(), new Date(Date.now() + 40 * DAY));
    expect(await balances(c.id)).toEqual({ available: 80, pending: 0, debt: 0 });
    await expectConsistent(c.id);
  });

  it("a delivered event for a paid order that never had a paid event still earns (then releases)", async () => {
    const c = await customerWith(0);
    const o = await paidOrder(c.id, 45);
    await event({ type: "delivered", orderId: o.id, occurredAt: new Date(Date.now() - 31 * DAY) });
    expect(await balances(c.id)).toEqual({ available: 45, pending: 0, debt: 0 });
    await event({ type: "paid", orderId: o.id, occurredAt: new Date() });
    expect(await db().loyaltyLedgerEntry.count({ where: { customerId: c.id, type: "EARN" } })).toBe(1);
    await expectConsistent(c.id);
  });

  it("a partial refund reverses proportionally from pending; a replay changes nothing", async () => {
    const c = await customerWith(0);
    const o = await paidOrder(c.id, 200);
    await event({ type: "paid", orderId: o.id, occurredAt: new Date() });
    await event({ type: "refunded", orderId: o.id, refundId: "re_1", amountMinor: 5000, occurredAt: new Date() });
    await event({ type: "refunded", orderId: o.id, refundId: "re_1", amountMinor: 5000, occurredAt: new Date() });
    expect(await balances(c.id)).toEqual({ available: 0, pending: 150, debt: 0 });
    await event({ type: "refunded", orderId: o.id, refundId: "re_2", amountMinor: 15000, occurredAt: new Date() });
    expect(await balances(c.id)).toEqual({ available: 0, pending: 0, debt: 0 });
    await expectConsistent(c.id);
  });

  it("reverses released points from available, spent points become debt repaid by the next release", async () => {
    const c = await customerWith(0);
    const reward = await db().reward.create({ data: { kind: "FREE_SHIPPING", nameEn: "Free shipping", nameZh: "免运费", pointsCost: 70 } });
    const o = await paidOrder(c.id, 100);
    await event({ type: "paid", orderId: o.id, occurredAt: new Date() });
    await event({ type: "delivered", orderId: o.id, occurredAt: new Date(Date.now() - 31 * DAY) });
    expect(await balances(c.id)).toEqual({ available: 100, pending: 0, debt: 0 });
    const code = await redeemReward(db(), { customerId: c.id, rewardId: reward.id });
    expect(await balances(c.id)).toEqual({ available: 30, pending: 0, debt: 0 });

    await event({ type: "refunded", orderId: o.id, refundId: "re_full", amountMinor: o.totalMinor, occurredAt: new Date() });
    expect(await balances(c.id)).toEqual({ available: 0, pending: 0, debt: 70 });

    const o2 = await paidOrder(c.id, 50);
    await event({ type: "paid", orderId: o2.id, occurredAt: new Date() });
    expect(await balances(c.id)).toEqual({ available: 0, pending: 50, debt: 70 });
    await event({ type: "delivered", orderId: o2.id, occurredAt: new Date(Date.now() - 31 * DAY) });
    expect(await balances(c.id)).toEqual({ available: 0, pending: 0, debt: 20 });
    const o3 = await paidOrder(c.id, 30);
    await event({ type: "paid", orderId: o3.id, occurredAt: new Date() });
    await event({ type: "delivered", orderId: o3.id, occurredAt: new Date(Date.now() - 31 * DAY) });
    expect(await balances(c.id)).toEqual({ available: 10, pending: 0, debt: 0 });
    await expectConsistent(c.id);

    // The code is still single-use.
    expect(await db().$transaction((tx) => markCodeUsed(tx, code.code, o3.id))).toBe(true);
    expect(await db().$transaction((tx) => markCodeUsed(tx, code.code, o2.id))).toBe(false);
    expect((await db().redemption.findUniqueOrThrow({ where: { id: code.id } })).status).toBe("USED");
  });

  it("cancelling a paid order reverses what it still holds", async () => {
    const c = await customerWith(0);
    const o = await paidOrder(c.id, 60);
    await event({ type: "paid", orderId: o.id, occurredAt: new Date() });
    await event({ type: "refunded", orderId: o.id, refundId: "re_part", amountMinor: 1500, occurredAt: new Date() });
    await event({ type: "cancelled", orderId: o.id, occurredAt: new Date() });
    expect(await balances(c.id)).toEqual({ available: 0, pending: 0, debt: 0 });
    const reversed = await db().loyaltyLedgerEntry.findMany({ where: { customerId: c.id, type: "REVERSE" }, orderBy: { createdAt: "asc" } });
    expect(reversed.map((e) => e.pendingDelta)).toEqual([-15, -45]);
    await expectConsistent(c.id);
  });

  it("a paid order upgrades the tier at once and earns at the new multiplier", async () => {
    const c = await customerWith(0);
    const o = await paidOrder(c.id, 500); // $500 ≥ Silver's $400
    await event({ type: "paid", orderId: o.id, occurredAt: new Date() });
    const after = await db().customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.tier).toBe("SILVER");
    expect(after.pointsPending).toBe(625); // 500 × 1.25
    expect(await db().tierHistory.count({ where: { customerId: c.id, toTier: "SILVER" } })).toBe(1);
    expect(await db().mailOutbox.count({ where: { customerId: c.id, template: "loyalty-tier-changed" } })).toBe(1);
  });

  it("a paid Stripe order that applied our promotion code marks the reward code used", async () => {
    const c = await customerWith(100);
    const reward = await db().reward.create({ data: { kind: "PERCENTAGE", nameEn: "10% off", nameZh: "九折", pointsCost: 50, percentOff: 10 } });
    const r = await redeemReward(db(), { customerId: c.id, rewardId: reward.id });
    await db().redemption.update({ where: { id: r.id }, data: { stripeStatus: "SYNCED", stripePromotionCodeId: "promo_test_123" } });
    const o = await paidOrder(c.id, 40);
    await db().stripeEvent.create({ data: { id: `evt_${o.id}`, type: "checkout.session.completed", orderId: o.id, payload: { data: { object: { discounts: [{ coupon: "co_x", promotion_code: "promo_test_123" }] } } } } });
    await event({ type: "paid", orderId: o.id, occurredAt: new Date() });
    expect(await db().redemption.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({ status: "USED", usedOrderId: o.id });
    expect(await db().touchpoint.count({ where: { customerId: c.id, type: "loyalty.code_used" } })).toBe(1);
  });

  it("a redemption writes a touchpoint and emails the code through the outbox", async () => {
    const c = await customerWith(100);
    const reward = await db().reward.create({ data: { kind: "FIXED_AMOUNT", nameEn: "$5 off", nameZh: "减 5 美元", pointsCost: 60, amountMinor: 500, currency: "USD", stock: 1 } });
    const r = await redeemReward(db(), { customerId: c.id, rewardId: reward.id });
    expect(r.code).toMatch(/^RW-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(await db().touchpoint.count({ where: { customerId: c.id, type: "loyalty.reward_redeemed" } })).toBe(1);
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { customerId: c.id, template: "loyalty-code" } });
    expect((mail.props as { code: string }).code).toBe(r.code);
    // Stock was 1: the next attempt is refused and nothing is debited.
    await expect(redeemReward(db(), { customerId: c.id, rewardId: reward.id })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await balances(c.id)).available).toBe(40);
  });
});
