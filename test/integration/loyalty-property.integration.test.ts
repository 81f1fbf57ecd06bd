// Property-based test against the real database: for random sequences of earn, release, redeem,
// refund, cancel, expire and adjust, after every step the cached balances equal the sums of the
// customer's ledger entries, the FIFO lots hold exactly the available points, and nothing is
// negative. A refused step (not enough points) changes nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { AppError } from "../../server/domain/errors.ts";
import { ledgerCheck, postEntry } from "../../server/domain/loyalty/ledger.ts";
import { expireDueLots } from "../../server/domain/loyalty/maintenance.ts";
import { applyLoyaltyForOrderEvent } from "../../server/domain/loyalty/order-events.ts";
import { createCustomer, createOrder } from "../factories/index.ts";

const DAY = 86_400_000;

type Op =
  | { kind: "earn"; dollars: number }
  | { kind: "release"; pick: number }
  | { kind: "redeem"; points: number }
  | { kind: "refund"; pick: number; percent: number }
  | { kind: "cancel"; pick: number }
  | { kind: "expire"; months: number }
  | { kind: "adjust"; points: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("earn" as const), dollars: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("redeem" as const), points: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant("refund" as const), pick: fc.nat(), percent: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("expire" as const), months: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant("adjust" as const), points: fc.integer({ min: -150, max: 150 }).filter((n) => n !== 0) }),
);

async function snapshot(customerId: string) {
  const { sums, cached } = await db().$transaction((tx) => ledgerCheck(tx, customerId));
  return { sums, cached };
}

describe("loyalty ledger properties (fast-check, real PostgreSQL)", () => {
  it("balance = sum of entries ≥ 0 after every step of any sequence", { timeout: 300_000 }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
        run++;
        const c = await createCustomer(db(), {});
        const orders: { id: string; totalMinor: number }[] = [];
        const event = (e: Parameters<typeof applyLoyaltyForOrderEvent>[1]) => db().$transaction((tx) => applyLoyaltyForOrderEvent(tx, e));
        for (const [i, o] of ops.entries()) {
          const before = await snapshot(c.id);
          let refused = false;
          try {
            switch (o.kind) {
              case "earn": {
                const order = await createOrder(db(), { customerId: c.id, status: "PAID", currency: "USD", items: [{ name: "Mug", quantity: 1, unitPriceMinor: o.dollars * 100 }], shippingMinor: 0, taxMinor: 0, discountMinor: 0, paidAt: new Date() });
                orders.push(order);
                await event({ type: "paid", orderId: order.id, occurredAt: new Date() });
                break;
              }
              case "release": {
                const order = orders[o.pick % Math.max(1, orders.length)];
                if (order) await event({ type: "delivered", orderId: order.id, occurredAt: new Date(Date.now() - 40 * DAY) });
                break;
              }
              case "redeem":
                await db().$transaction((tx) => postEntry(tx, { customerId: c.id, type: "REDEEM", points: o.points, how: { op: "debit" }, reason: "property redeem", idempotencyKey: `prop:${run}:${i}:redeem:${c.id}` }));
                break;
              case "refund": {
                const order = orders[o.pick % Math.max(1, orders.length)];
                if (order) await event({ type: "refunded", orderId: order.id, refundId: `re_${run}_${i}`, amountMinor: Math.ceil((order.totalMinor * o.percent) / 100), occurredAt: new Date() });
                break;
              }
              case "cancel": {
                const order = orders[o.pick % Math.max(1, orders.length)];
                if (order) await event({ type: "cancelled", orderId: order.id, occurredAt: new Date() });
                break;
              }
              case "expire":
                await expireDueLots(db(), new Date(Date.now() + o.months * 31 * DAY), { customerIds: [c.id] });
                break;
              case "adjust":
                await db().$transaction((tx) =>
                  postEntry(tx, { customerId: c.id, type: "ADJUST", points: Math.abs(o.points), how: o.points > 0 ? { op: "credit" } : { op: "debit" }, reason: "property adjust", idempotencyKey: `prop:${run}:${i}:adjust:${c.id}` }),
                );
                break;
            }
          } catch (e) {
            if (!(e instanceof AppError) || e.code !== "BAD_REQUEST") throw e;
            refused = true;
          }
          const after = await snapshot(c.id);
          expect({ available: after.sums.available, pending: after.sums.pending, debt: after.sums.debt }, `step ${i} ${JSON.stringify(o)}`).toEqual(after.cached);
          expect(after.sums.lots, `lots at step ${i}`).toBe(after.cached.available);
          expect(after.cached.available).toBeGreaterThanOrEqual(0);
          expect(after.cached.pending).toBeGreaterThanOrEqual(0);
          expect(after.cached.debt).toBeGreaterThanOrEqual(0);
          if (refused) expect(after).toEqual(before);
        }
      }),
      { numRuns: 30 },
    );
  });
});
