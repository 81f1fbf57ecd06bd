// The customer's order list and detail through tRPC: filters, search, pagination, ownership
// (another customer's order is NOT_FOUND), no Stripe internals, and the order.viewed touchpoint.
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { db, pgPool } from "../../server/db/client.ts";
import { TouchpointBuffer } from "../../server/domain/touchpoints/buffer.ts";
import { createCustomer, createOrder, DAY, type CustomerWithUser } from "../factories/index.ts";
import { callerAs, testServices } from "../setup/harness.ts";

let a: CustomerWithUser;
let b: CustomerWithUser;
const prefix = `T${Date.now().toString(36).toUpperCase()}`;
const numberOf = (i: number) => `${prefix}-${String(i).padStart(3, "0")}`;
const STATUS_CYCLE = ["DELIVERED", "SHIPPED", "PAID", "CANCELLED", "REFUNDED"] as const;

beforeAll(async () => {
  a = await createCustomer(db(), { login: true });
  b = await createCustomer(db(), { login: true });
  const now = Date.now();
  // 45 orders for A, one per day back from now (order i placed i days ago), statuses cycling.
  for (let i = 1; i <= 45; i++) {
    await createOrder(db(), { customerId: a.id, number: numberOf(i), status: STATUS_CYCLE[i % STATUS_CYCLE.length], placedAt: new Date(now - i * DAY - 3600_000) });
  }
  await createOrder(db(), { customerId: b.id, number: `${prefix}-B01`, status: "DELIVERED" });
});

async function asA() {
  return (await callerAs({ userId: a.userId })).caller;
}

describe("orders.list", () => {
  it("pages the customer's own orders newest first, with the total", async () => {
    const caller = await asA();
    const p1 = await caller.orders.list({});
    expect(p1.total).toBe(45);
    expect(p1.pages).toBe(3);
    expect(p1.items.map((o) => o.number)).toEqual(Array.from({ length: 20 }, (_, k) => numberOf(k + 1)));
    const p3 = await caller.orders.list({ page: 3 });
    expect(p3.items.map((o) => o.number)).toEqual(Array.from({ length: 5 }, (_, k) => numberOf(41 + k)));
    // A page past the end shows the last page rather than nothing.
    const beyond = await caller.orders.list({ page: 99 });
    expect(beyond.page).toBe(3);
    expect(beyond.items).toHaveLength(5);
    expect(p1.items[0]).toMatchObject({ currency: "USD", itemCount: expect.any(Number) });
    expect(p1.items.some((o) => o.number.endsWith("B01"))).toBe(false);
  });

  it("filters by status", async () => {
    const caller = await asA();
    const shipped = await caller.orders.list({ status: "SHIPPED" });
    // i % 5 === 1 → SHIPPED: i = 1, 6, …, 41 → 9 orders
    expect(shipped.total).toBe(9);
    expect(shipped.items.every((o) => o.status === "SHIPPED")).toBe(true);
    expect(shipped.items[0]!.number).toBe(numberOf(1));
  });

  it("searches by (part of) the order number, only among the caller's orders", async () => {
    const caller = await asA();
    const exact = await caller.orders.list({ q: numberOf(7) });
    expect(exact.items.map((o) => o.number)).toEqual([numberOf(7)]);
    const partial = await caller.orders.list({ q: `${prefix}-01`.toLowerCase() });
    expect(partial.items.map((o) => o.number).sort()).toEqual(Array.from({ length: 10 }, (_, k) => numberOf(10 + k)).sort());
    expect((await caller.orders.list({ q: `${prefix}-B01` })).total).toBe(0);
    // LIKE wildcards are not wildcards.
    expect((await caller.orders.list({ q: "%" })).total).toBe(45);
    expect((await caller.orders.list({ q: "_____" })).total).toBe(45);
    const combined = await caller.orders.list({ q: `${prefix}-00`, status: "DELIVERED" });
    expect(combined.items.map((o) => o.number)).toEqual([numberOf(5)]);
  });

  it("shows an empty list to a customer without orders", async () => {
    const c = await createCustomer(db(), { login: true });
    const { caller } = await callerAs({ userId: c.userId });
    expect(await caller.orders.list({})).toMatchObject({ total: 0, items: [], page: 1, pages: 1 });
  });
});

describe("orders.detail", () => {
  it("answers NOT_FOUND for another customer's order and for an unknown number", async () => {
    const caller = await asA();
    await expect(caller.orders.detail({ number: `${prefix}-B01` })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.orders.detail({ number: `${prefix}-NOPE` })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.orders.requestReturn({ number: `${prefix}-B01`, reason: "damaged", items: [] })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("returns items, totals, the timeline, shipments with tracking links, refunds and the Stripe receipt — and no Stripe internals", async () => {
    const order = await createOrder(db(), {
      customerId: a.id,
      number: `${prefix}-S01`,
      status: "DELIVERED",
      currency: "EUR",
      stripeCheckoutSessionId: "cs_test_secret_session",
      stripePaymentIntentId: "pi_test_secret_intent",
      shipment: false,
    });
    await db().order.update({ where: { id: order.id }, data: { stripeChargeId: "ch_test_secret_charge", stripeReceiptUrl: "https://pay.stripe.com/receipts/acct_1/rcpt_1", paymentFailureMessage: "card_declined_internal" } });
    await db().orderEvent.create({ data: { orderId: order.id, type: "refunded", occurredAt: new Date(), data: { amountMinor: 500, currency: "EUR", stripeRefundId: "re_secret_refund", actorUserId: "staff_user_secret", reason: "internal staff note" } } });
    await db().refund.create({ data: { orderId: order.id, amountMinor: 500, currency: "EUR", stripeRefundId: "re_secret_refund", reason: "internal staff note", refundedAt: new Date() } });
    await db().shipment.create({ data: { orderId: order.id, carrier: "DHL", trackingNumber: "JD0001", trackingUrl: "https://www.dhl.com/track?AWB=JD0001", status: "DELIVERED", events: { create: [{ status: "DELIVERED", occurredAt: new Date(), description: "Left at the door" }] } } });
    await db().shipment.create({ data: { orderId: order.id, carrier: "Evil", trackingNumber: "X1", trackingUrl: "javascript:alert(1)" } });

    const detail = await (await asA()).orders.detail({ number: order.number });
    expect(detail).toMatchObject({ number: order.number, status: "DELIVERED", currency: "EUR", totalMinor: order.totalMinor, receiptUrl: "https://pay.stripe.com/receipts/acct_1/rcpt_1" });
    expect(detail.items).toHaveLength(order.items.length);
    expect(detail.items[0]).toMatchObject({ lineMinor: order.items[0]!.quantity * order.items[0]!.unitPriceMinor });
    expect(detail.events.map((e) => e.type)).toEqual(expect.arrayContaining(["placed", "paid", "shipped", "delivered", "refunded"]));
    expect(detail.events.find((e) => e.type === "refunded")!.data).toEqual({ amountMinor: 500, currency: "EUR" });
    expect(detail.shipments.find((s) => s.carrier === "DHL")).toMatchObject({ trackingUrl: "https://www.dhl.com/track?AWB=JD0001", events: [expect.objectContaining({ description: "Left at the door" })] });
    expect(detail.shipments.find((s) => s.carrier === "Evil")!.trackingUrl).toBeNull();
    expect(detail.refunds).toEqual([expect.objectContaining({ amountMinor: 500, currency: "EUR" })]);

    const json = JSON.stringify(detail);
    for (const secret of ["cs_test_secret_session", "pi_test_secret_intent", "ch_test_secret_charge", "re_secret_refund", "staff_user_secret", "internal staff note", "card_declined_internal"]) {
      expect(json).not.toContain(secret);
    }
  });

  it("records an order.viewed touchpoint through the buffered writer", async () => {
    const views = new TouchpointBuffer(pgPool());
    const { caller } = await callerAs({ userId: a.userId, services: testServices({ views }) });
    const order = await db().order.findUniqueOrThrow({ where: { number: numberOf(3) } });
    await caller.orders.detail({ number: order.number });
    expect(await db().touchpoint.count({ where: { customerId: a.id, type: "order.viewed", subjectId: order.id } })).toBe(0);
    expect(views.pending).toBe(1);
    await views.flush();
    const tp = await db().touchpoint.findFirstOrThrow({ where: { customerId: a.id, type: "order.viewed", subjectId: order.id } });
    expect(tp).toMatchObject({ channel: "web", subjectType: "order", actorUserId: a.userId, metadata: { number: order.number } });
  });

  it("refuses staff and anonymous callers", async () => {
    const anon = (await callerAs()).caller;
    await expect(anon.orders.detail({ number: numberOf(1) })).rejects.toBeInstanceOf(TRPCError);
    await expect(anon.orders.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
