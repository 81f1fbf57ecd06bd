// Stripe webhooks over HTTP to the real app: real signed payloads (Stripe's own signing helper),
// shaped as in Stripe's API reference. Signature checks, once-only processing, and convergence when
// events arrive twice or out of order.
import net from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { stripeWebhookRouter } from "../../server/api/stripe-webhook.ts";
import { applyPendingStripeEvents, receiveStripeEvent } from "../../server/domain/orders/stripe-events.ts";
import { testServices } from "../setup/harness.ts";
import { startTestApp } from "../setup/app.ts";
import { checkoutSession, dispute, newPayment, paymentIntent, postEvent, refund, refundedCharge, stripeEvent, WEBHOOK_SECRET, type PaymentRefs } from "./orders-backend-fixtures.ts";

let app: Rapport;

beforeAll(async () => {
  app = await startTestApp({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
});
afterAll(async () => {
  await app?.stop();
});

async function send(event: object) {
  const res = await postEvent(app.url, event);
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string };
}

async function orderState(number: string) {
  const o = await db().order.findUniqueOrThrow({ where: { number }, include: { refunds: { orderBy: { amountMinor: "asc" } }, events: true, items: true } });
  return {
    status: o.status,
    totalMinor: o.totalMinor,
    refundedMinor: o.refundedMinor,
    paid: o.paidAt !== null,
    refunds: o.refunds.map((r) => [r.amountMinor, r.stripeRefundId]),
    events: o.events.map((e) => e.type).sort(),
    items: o.items.length,
  };
}

describe("POST /webhooks/stripe", () => {
  it("answers 400 to a bad or missing signature and stores nothing", async () => {
    const p = newPayment();
    const event = stripeEvent("checkout.session.completed", checkoutSession(p));
    const forged = await postEvent(app.url, event, { secret: "whsec_someone_else" });
    expect(forged.status).toBe(400);
    expect((await forged.json()).error.code).toBe("bad_signature");
    const missing = await postEvent(app.url, event, { header: null });
    expect(missing.status).toBe(400);
    // A valid header for a different body (tampered payload).
    const tampered = await fetch(`${app.url}/webhooks/stripe`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": (await import("./orders-backend-fixtures.ts")).signed(event).header },
      body: JSON.stringify({ ...event, data: { object: { ...checkoutSession(p), amount_total: 1 } } }),
    });
    expect(tampered.status).toBe(400);
    expect(await db().stripeEvent.count({ where: { id: event.id } })).toBe(0);
    expect(await db().order.count({ where: { number: p.orderNumber } })).toBe(0);
    expect(await db().customer.count({ where: { email: p.email } })).toBe(0);
  });

  it("processes the same event once: a replay is acknowledged and ignored", async () => {
    const p = newPayment();
    const event = stripeEvent("checkout.session.completed", checkoutSession(p));
    expect((await send(event)).status).toBe("applied");
    expect((await send(event)).status).toBe("duplicate");
    expect(await db().order.count({ where: { number: p.orderNumber } })).toBe(1);
    expect(await db().stripeEvent.count({ where: { id: event.id } })).toBe(1);

    const order = await db().order.findUniqueOrThrow({ where: { number: p.orderNumber }, include: { items: true, customer: true } });
    expect(order).toMatchObject({ status: "PAID", currency: "USD", totalMinor: p.amount, shippingMinor: 599, source: "stripe", stripeCheckoutSessionId: p.sessionId, stripePaymentIntentId: p.paymentIntentId });
    expect(order.items).toEqual([expect.objectContaining({ sku: "POUR-SET-02", name: "Pour-over coffee set", quantity: 1, unitPriceMinor: p.amount - 599 })]);
    // The customer was created by email, without a login.
    expect(order.customer).toMatchObject({ email: p.email, name: "Wen Buyer", userId: null });
    // One confirmation email through the outbox, and touchpoints for placed + paid.
    expect(await db().mailOutbox.count({ where: { to: p.email, template: "order-confirmation" } })).toBe(1);
    const tps = await db().touchpoint.findMany({ where: { subjectId: order.id, type: { startsWith: "order." } }, select: { type: true } });
    expect(tps.map((t) => t.type).sort()).toEqual(["order.paid", "order.placed"]);

    // The same session in a new event (Stripe re-sent it) still makes one order.
    expect((await send(stripeEvent("checkout.session.completed", checkoutSession(p)))).status).toBe("applied");
    expect(await db().order.count({ where: { stripeCheckoutSessionId: p.sessionId } })).toBe(1);
    expect(await db().mailOutbox.count({ where: { to: p.email, template: "order-confirmation" } })).toBe(1);
  });

  it("uses an existing customer with that email", async () => {
    const p = newPayment();
    const existing = await db().customer.create({ data: { email: p.email, name: "Known", locale: "zh_CN" } });
    await send(stripeEvent("checkout.session.completed", checkoutSession(p, { customer_details: { email: p.email.toUpperCase(), name: "Other" } })));
    const order = await db().order.findUniqueOrThrow({ where: { number: p.orderNumber } });
    expect(order.customerId).toBe(existing.id);
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { to: p.email, template: "order-confirmation" } });
    expect(mail.locale).toBe("zh_CN");
  });

  it("reaches the same state when the refund arrives before the payment event (and before the order)", async () => {
    async function deliver(order: "payment-first" | "refund-first" | "refund-before-order") {
      const p = newPayment();
      const session = stripeEvent("checkout.session.completed", checkoutSession(p, { payment_status: "unpaid" }));
      const paid = stripeEvent("payment_intent.succeeded", paymentIntent(p));
      const refunded = stripeEvent("charge.refunded", refundedCharge(p, [refund(p, p.amount)]));
      const sequence = order === "payment-first" ? [session, paid, refunded] : order === "refund-first" ? [session, refunded, paid] : [refunded, paid, session];
      for (const e of sequence) await send(e);
      // …and every event delivered a second time changes nothing.
      for (const e of sequence) expect((await send(e)).status).toBe("duplicate");
      return { p, state: await orderState(p.orderNumber) };
    }
    const a = await deliver("payment-first");
    const b = await deliver("refund-first");
    const c = await deliver("refund-before-order");
    const strip = (s: Awaited<ReturnType<typeof orderState>>) => ({ ...s, refunds: s.refunds.map(([amount]) => amount) });
    expect(a.state).toMatchObject({ status: "REFUNDED", paid: true, refundedMinor: a.p.amount });
    expect(strip(b.state)).toEqual(strip(a.state));
    expect(strip(c.state)).toEqual(strip(a.state));
    expect(await db().stripeEvent.count({ where: { paymentIntentId: c.p.paymentIntentId, appliedAt: null } })).toBe(0);
  });

  it("records a partial refund, then the full refund, each refund once", async () => {
    const p = newPayment();
    await send(stripeEvent("checkout.session.completed", checkoutSession(p)));
    const r1 = refund(p, 1000);
    const first = stripeEvent("charge.refunded", refundedCharge(p, [r1]));
    await send(first);
    let state = await orderState(p.orderNumber);
    expect(state).toMatchObject({ status: "PAID", refundedMinor: 1000, refunds: [[1000, r1.id]] });
    const partialMail = await db().mailOutbox.findFirstOrThrow({ where: { to: p.email, template: "order-refund" } });
    expect(partialMail.props).toMatchObject({ amountMinor: 1000, full: false });

    const r2 = refund(p, p.amount - 1000);
    await send(stripeEvent("charge.refunded", refundedCharge(p, [r1, r2])));
    // The first charge state re-sent as a new event (Stripe retried with a new id) adds nothing.
    await send(stripeEvent("charge.refunded", refundedCharge(p, [r1])));
    state = await orderState(p.orderNumber);
    expect(state.status).toBe("REFUNDED");
    expect(state.refundedMinor).toBe(p.amount);
    expect(state.refunds).toHaveLength(2);
    expect(await db().mailOutbox.count({ where: { to: p.email, template: "order-refund" } })).toBe(2);
    const order = await db().order.findUniqueOrThrow({ where: { number: p.orderNumber } });
    expect(order.stripeReceiptUrl).toBe(`https://pay.stripe.com/receipts/payment/${p.chargeId}`);
  });

  it("records a payment failure, clears it on success, and notes a dispute", async () => {
    const p = newPayment();
    await send(stripeEvent("checkout.session.completed", checkoutSession(p, { payment_status: "unpaid" })));
    await send(stripeEvent("payment_intent.payment_failed", paymentIntent(p, "requires_payment_method")));
    let order = await db().order.findUniqueOrThrow({ where: { number: p.orderNumber } });
    expect(order).toMatchObject({ status: "PLACED", paymentFailureMessage: "Your card has insufficient funds." });
    await send(stripeEvent("payment_intent.succeeded", paymentIntent(p)));
    await send(stripeEvent("charge.dispute.created", dispute(p)));
    order = await db().order.findUniqueOrThrow({ where: { number: p.orderNumber } });
    expect(order.status).toBe("PAID");
    expect(order.paymentFailureMessage).toBeNull();
    expect(order.stripeChargeId).toBe(p.chargeId);
    expect(order.disputedAt).not.toBeNull();
    const types = (await db().orderEvent.findMany({ where: { orderId: order.id } })).map((e) => e.type).sort();
    expect(types).toEqual(["disputed", "paid", "payment_failed", "placed"]);
  });

  it("acknowledges event types it does not handle", async () => {
    const event = stripeEvent("customer.created", { id: "cus_123", object: "customer", email: "x@example.com" });
    expect((await send(event)).status).toBe("ignored");
    expect((await db().stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).appliedAt).not.toBeNull();
  });
});

describe("Stripe without the webhook secret or the network", () => {
  it("answers 503 with a clear message when STRIPE_WEBHOOK_SECRET is unset, storing nothing", async () => {
    const services = testServices();
    const side = express().use("/webhooks/stripe", stripeWebhookRouter(services));
    const server = await new Promise<import("node:http").Server>((resolve) => {
      const s = side.listen(0, () => resolve(s));
    });
    try {
      const event = stripeEvent("checkout.session.completed", checkoutSession(newPayment()));
      const res = await postEvent(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, event);
      expect(res.status).toBe(503);
      expect((await res.json()).error.message).toMatch(/STRIPE_WEBHOOK_SECRET/);
      expect(await db().stripeEvent.count({ where: { id: event.id } })).toBe(0);
    } finally {
      server.close();
    }
  });

  it("keeps a checkout event whose line items cannot be fetched, and applies it on retry", async () => {
    const p: PaymentRefs = newPayment();
    const event = stripeEvent("checkout.session.completed", checkoutSession(p));
    let online = false;
    const fetchLineItems = async () => {
      if (!online) throw new Error("connect ECONNREFUSED api.stripe.com");
      return [{ sku: "KETTLE-GN-1", name: "Gooseneck kettle", quantity: 1, unitPriceMinor: p.amount - 599 }];
    };
    const r = await receiveStripeEvent(db(), event, { fetchLineItems });
    expect(r.status).toBe("pending");
    expect(await db().order.count({ where: { number: p.orderNumber } })).toBe(0);
    expect((await db().stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).error).toMatch(/ECONNREFUSED/);

    online = true;
    expect(await applyPendingStripeEvents(db(), { fetchLineItems })).toBeGreaterThanOrEqual(1);
    const order = await db().order.findUniqueOrThrow({ where: { number: p.orderNumber }, include: { items: true } });
    expect(order.items.map((i) => i.name)).toEqual(["Gooseneck kettle"]);
    expect((await db().stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).appliedAt).not.toBeNull();
  });
});

describe("line items from Stripe's API (STRIPE_SECRET_KEY set)", () => {
  it("fetches them with checkout.sessions.listLineItems (a local stand-in for api.stripe.com)", async () => {
    const { stripeClient, stripeDeps } = await import("../../server/api/stripe-webhook.ts");
    const http = await import("node:http");
    const p = newPayment();
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          object: "list",
          url: `/v1/checkout/sessions/${p.sessionId}/line_items`,
          has_more: false,
          data: [
            {
              id: "li_1",
              object: "item",
              amount_discount: 0,
              amount_subtotal: 3600,
              amount_tax: 0,
              amount_total: 3600,
              currency: "usd",
              description: "Ceramic mug, speckled white",
              quantity: 2,
              price: { id: "price_1", object: "price", currency: "usd", unit_amount: 1800, product: { id: "prod_1", object: "product", name: "Ceramic mug", metadata: { sku: "MUG-CER-01" } } },
            },
            {
              id: "li_2",
              object: "item",
              amount_discount: 0,
              amount_subtotal: 1650,
              amount_tax: 0,
              amount_total: 1650,
              currency: "usd",
              description: "Ethiopia Yirgacheffe beans, 250 g",
              quantity: 1,
              price: { id: "price_2", object: "price", currency: "usd", unit_amount: 1650, product: { id: "prod_2", object: "product", name: "Beans", metadata: {} } },
            },
          ],
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const client = stripeClient("sk_test_orders_backend", { host: "127.0.0.1", port, protocol: "http" });
      const deps = stripeDeps({ STRIPE_SECRET_KEY: "sk_test_orders_backend", APP_URL: "http://localhost:3999" }, client);
      const event = stripeEvent("checkout.session.completed", checkoutSession({ ...p, amount: 5250 + 599 }, { metadata: { order_number: p.orderNumber } }));
      expect((await receiveStripeEvent(db(), event, deps)).status).toBe("applied");
      expect(requests[0]).toMatch(new RegExp(`^GET /v1/checkout/sessions/${p.sessionId}/line_items\\?.*Bearer sk_test_orders_backend$`));
      const order = await db().order.findUniqueOrThrow({ where: { number: p.orderNumber }, include: { items: { orderBy: { unitPriceMinor: "desc" } } } });
      expect(order.items.map((i) => [i.sku, i.name, i.quantity, i.unitPriceMinor])).toEqual([
        ["MUG-CER-01", "Ceramic mug, speckled white", 2, 1800],
        ["prod_2", "Ethiopia Yirgacheffe beans, 250 g", 1, 1650],
      ]);
    } finally {
      server.close();
    }
  });
});
