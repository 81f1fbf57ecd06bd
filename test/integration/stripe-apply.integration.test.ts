// The batching Stripe event applier (server/domain/orders/stripe-apply.ts): stored events applied in
// one transaction from the database, exactly once under concurrency (the same event delivered twice
// at once, appliers racing over the same stored events, the retry job alongside), out-of-order
// events inside one batch, a failing event not holding back the rest of its batch, and the webhook
// acknowledging on store (STRIPE_WEBHOOK_WAIT_MS=0) with the effects following from durable state.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rapport } from "../../server/app.ts";
import { db, pgPool } from "../../server/db/client.ts";
import { applyStoredStripeEvents, storeStripeEvent, StripeEventApplier } from "../../server/domain/orders/stripe-apply.ts";
import { applyPendingStripeEvents, receiveStripeEvent, type StripeEventLike } from "../../server/domain/orders/stripe-events.ts";
import { placeOrder, transitionOrder } from "../../server/domain/orders/lifecycle.ts";
import { startTestApp } from "../setup/app.ts";
import { checkoutSession, dispute, newPayment, paymentIntent, postEvent, refund, refundedCharge, stripeEvent, WEBHOOK_SECRET, type PaymentRefs } from "./orders-backend-fixtures.ts";

let app: Rapport;
beforeAll(async () => {
  app = await startTestApp({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
});
afterAll(async () => {
  await app?.stop();
});

/** Everything a payment's events did, without ids and times (comparable between payments). */
async function effects(p: PaymentRefs) {
  const o = await db().order.findUniqueOrThrow({ where: { number: p.orderNumber }, include: { items: true, refunds: true, events: true, customer: true } });
  const tps = await db().touchpoint.findMany({ where: { customerId: o.customerId }, select: { type: true } });
  const mails = await db().mailOutbox.findMany({ where: { customerId: o.customerId }, select: { template: true, props: true, locale: true } });
  const ledger = await db().loyaltyLedgerEntry.findMany({ where: { customerId: o.customerId }, select: { type: true, availableDelta: true, pendingDelta: true, debtDelta: true } });
  const lop = await db().loyaltyOrderPoints.findUnique({ where: { orderId: o.id } });
  const strip = (x: unknown) => JSON.parse(JSON.stringify(x).replaceAll(p.orderNumber, "<number>").replace(/"(stripeEventId|refundId|stripeRefundId|disputeId)":"[^"]*"/g, '"$1":"<id>"'));
  return {
    order: { status: o.status, totalMinor: o.totalMinor, refundedMinor: o.refundedMinor, paid: o.paidAt !== null, disputed: o.disputedAt !== null, failure: o.paymentFailureMessage, charge: o.stripeChargeId === p.chargeId },
    items: o.items.map((i) => [i.sku, i.name, i.quantity, i.unitPriceMinor]),
    refunds: o.refunds.map((r) => r.amountMinor).sort(),
    timeline: o.events.map((e) => [e.type, strip(e.data)]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    touchpoints: tps.map((t) => t.type).sort(),
    mails: mails.map((m) => [m.template, m.locale, strip(m.props)]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ledger: ledger.map((l) => [l.type, l.availableDelta, l.pendingDelta, l.debtDelta]).sort(),
    points: lop && { earned: lop.earned, pending: lop.pending, reversed: lop.reversed, refundedMinor: lop.refundedMinor },
    balance: { available: o.customer.pointsAvailable, pending: o.customer.pointsPending, debt: o.customer.pointsDebt },
  };
}

function eventsOf(p: PaymentRefs) {
  return {
    checkout: stripeEvent("checkout.session.completed", checkoutSession(p, { payment_status: "unpaid" })),
    failed: stripeEvent("payment_intent.payment_failed", paymentIntent(p, "requires_payment_method")),
    paid: stripeEvent("payment_intent.succeeded", paymentIntent(p)),
    refunded: stripeEvent("charge.refunded", refundedCharge(p, [refund(p, 700)])),
    disputed: stripeEvent("charge.dispute.created", dispute(p)),
  };
}

const store = (e: { id: string }) => storeStripeEvent(pgPool(), e as StripeEventLike);
const appliedCount = async (ids: string[]) => db().stripeEvent.count({ where: { id: { in: ids }, appliedAt: { not: null } } });

describe("the Stripe event applier", () => {
  it("applies the same event delivered twice at the same moment once", async () => {
    const p = newPayment();
    const event = stripeEvent("checkout.session.completed", checkoutSession(p));
    const answers = await Promise.all([postEvent(app.url, event), postEvent(app.url, event)]);
    const statuses = (await Promise.all(answers.map((r) => r.json() as Promise<{ status: string }>))).map((b) => b.status).sort();
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(statuses).toEqual(["applied", "duplicate"]);
    const e = await effects(p);
    expect(e.order).toMatchObject({ status: "PAID", paid: true });
    expect(e.mails.map((m) => m[0])).toEqual(["order-confirmation"]);
    expect(e.touchpoints.filter((t) => t.startsWith("order."))).toEqual(["order.paid", "order.placed"]);
    expect(e.ledger).toEqual([["EARN", 0, 46, 0]]);
    expect(e.points).toMatchObject({ earned: 46, pending: 46 });
  });

  it("reaches the same effects in one batch, in any delivery order, as one event at a time", async () => {
    // One at a time, in order, through receiveStripeEvent (each event its own transaction).
    const a = newPayment();
    const ea = eventsOf(a);
    for (const e of [ea.checkout, ea.failed, ea.paid, ea.refunded, ea.disputed]) expect((await receiveStripeEvent(db(), e)).status).toBe("applied");

    // Stored first, then applied as ONE batch: b in order, c backwards (the refund before its order).
    const b = newPayment();
    const c = newPayment();
    const eb = eventsOf(b);
    const ec = eventsOf(c);
    const batch = [eb.checkout, eb.failed, eb.paid, eb.refunded, eb.disputed, ec.disputed, ec.refunded, ec.paid, ec.failed, ec.checkout];
    for (const e of batch) expect(await store(e)).toBe(true);
    const r = await applyStoredStripeEvents(pgPool(), {}, { ids: batch.map((e) => e.id) });
    expect(r.claimed).toBe(batch.length);
    expect(await appliedCount(batch.map((e) => e.id))).toBe(batch.length);
    for (const e of batch) expect(r.results.get(e.id)?.status).toBe("applied");

    const [fa, fb, fc] = [await effects(a), await effects(b), await effects(c)];
    expect(fa.order).toMatchObject({ status: "PAID", refundedMinor: 700, paid: true, disputed: true, failure: null, charge: true });
    expect(fa.timeline.map((t) => t[0])).toEqual(["disputed", "paid", "payment_failed", "placed", "refunded"]);
    expect(fa.mails.map((m) => m[0])).toEqual(["order-confirmation", "order-refund"]);
    expect(fa.ledger).toEqual([["EARN", 0, 46, 0], ["REVERSE", 0, -6, 0]]);
    expect(fb).toEqual(fa);
    // Delivered backwards: the events waiting for the order are applied oldest first once it exists.
    expect(fc).toEqual(fa);

    // Delivered again (stored ids): nothing happens.
    for (const e of batch) expect(await store(e)).toBe(false);
    expect(await effects(b)).toEqual(fb);
  });

  it("applies each event once when appliers and the retry job race over the same stored events", async () => {
    const payments = Array.from({ length: 6 }, () => newPayment());
    const events = payments.flatMap((p) => {
      const e = eventsOf(p);
      return [e.refunded, e.checkout, e.paid];
    });
    for (const e of events) await store(e);
    const ids = events.map((e) => e.id);
    await Promise.all([
      applyStoredStripeEvents(pgPool(), {}, { ids }),
      applyStoredStripeEvents(pgPool(), {}, { ids: [...ids].reverse() }),
      applyStoredStripeEvents(pgPool(), {}, { ids }),
      applyPendingStripeEvents(db()),
    ]);
    // Whatever a racer skipped (claimed by another) the others applied; a last pass finds nothing left.
    await applyStoredStripeEvents(pgPool(), {}, { ids });
    expect(await appliedCount(ids)).toBe(ids.length);
    for (const p of payments) {
      const e = await effects(p);
      expect(e.order).toMatchObject({ status: "PAID", refundedMinor: 700, paid: true });
      expect(e.refunds).toEqual([700]);
      expect(e.timeline.map((t) => t[0])).toEqual(["paid", "placed", "refunded"]);
      expect(e.mails.map((m) => m[0])).toEqual(["order-confirmation", "order-refund"]);
      expect(e.ledger).toEqual([["EARN", 0, 46, 0], ["REVERSE", 0, -6, 0]]);
      expect(e.balance).toEqual({ available: 0, pending: 40, debt: 0 });
    }
  });

  it("answers a wait when another process's applier applied the event (several processes on one database)", async () => {
    const e = eventsOf(newPayment());
    await store(e.checkout);
    // This process's applier is never kicked: like a second process whose applier lost the claim.
    const mine = new StripeEventApplier(() => pgPool(), {}, { pollMs: 50 });
    const waiting = mine.wait(e.checkout.id, 150_000);
    const other = await applyStoredStripeEvents(pgPool(), {}, { ids: [e.checkout.id] });
    expect(other.applied).toBe(1);
    const orderId = (await db().stripeEvent.findUniqueOrThrow({ where: { id: e.checkout.id } })).orderId;
    expect(orderId).toEqual(expect.any(String));
    // Without reading the stored state it would wait the full 150 s and answer null ("queued").
    await expect(waiting).resolves.toEqual({ status: "applied", orderId });
  });

  it("keeps an event that breaks a rule with its reason, and applies the rest of its batch", async () => {
    const bad = newPayment();
    const good = newPayment();
    const eb = eventsOf(bad);
    const eg = eventsOf(good);
    const tooMuch = stripeEvent("charge.refunded", refundedCharge(bad, [refund(bad, bad.amount + 1)]));
    const batch = [eb.checkout, eb.paid, tooMuch, eg.checkout, eg.paid, eg.refunded];
    for (const e of batch) await store(e);
    const r = await applyStoredStripeEvents(pgPool(), {}, { ids: batch.map((e) => e.id) });
    expect(r.results.get(tooMuch.id)).toEqual({ status: "pending", reason: expect.stringContaining("exceeds") });
    const row = await db().stripeEvent.findUniqueOrThrow({ where: { id: tooMuch.id } });
    expect(row.appliedAt).toBeNull();
    expect(row.error).toContain(`exceeds the ${bad.amount} left to refund`);
    expect(await appliedCount([eb.checkout.id, eb.paid.id, eg.checkout.id, eg.paid.id, eg.refunded.id])).toBe(5);
    expect((await effects(bad)).order).toMatchObject({ status: "PAID", refundedMinor: 0 });
    expect((await effects(good)).order).toMatchObject({ status: "PAID", refundedMinor: 700 });
    // The same bad refund stored BEFORE its order's events: the order is still created and paid.
    const early = newPayment();
    const ee = eventsOf(early);
    const earlyBad = stripeEvent("charge.refunded", refundedCharge(early, [refund(early, early.amount + 1)]));
    const batch2 = [earlyBad, ee.checkout, ee.paid];
    for (const e of batch2) await store(e);
    const r2 = await applyStoredStripeEvents(pgPool(), {}, { ids: batch2.map((e) => e.id) });
    expect(r2.results.get(ee.checkout.id)?.status).toBe("applied");
    expect(r2.results.get(ee.paid.id)?.status).toBe("applied");
    expect((await db().stripeEvent.findUniqueOrThrow({ where: { id: earlyBad.id } })).error).toContain("exceeds");
    expect((await effects(early)).order).toMatchObject({ status: "PAID", refundedMinor: 0, paid: true });

    // The retry job tries it again and keeps the reason; nothing else changes.
    await applyPendingStripeEvents(db());
    expect((await db().stripeEvent.findUniqueOrThrow({ where: { id: tooMuch.id } })).appliedAt).toBeNull();
    expect((await effects(bad)).refunds).toEqual([]);
  });
});

describe("loyalty through the Stripe applier and through lifecycle.ts", () => {
  it("earns, upgrades the tier and mails the same as the Prisma order lifecycle", async () => {
    // Eight paid orders of 51.99 USD each: the eighth crosses Silver's 400 USD threshold.
    const tag = newPayment().orderNumber.toLowerCase();
    const viaStripe = `tier-stripe-${tag}@example.com`;
    for (let i = 0; i < 8; i++) {
      const p = newPayment({ email: viaStripe });
      expect((await receiveStripeEvent(db(), stripeEvent("checkout.session.completed", checkoutSession(p)))).status).toBe("applied");
    }
    const viaLifecycle = `tier-lifecycle-${tag}@example.com`;
    const c = await db().customer.create({ data: { email: viaLifecycle, name: "Wen Buyer" } });
    for (let i = 0; i < 8; i++) {
      await db().$transaction(async (tx) => {
        const o = await placeOrder(tx, {
          number: `L-${tag}-${i}`,
          customerId: c.id,
          currency: "USD",
          items: [{ sku: "POUR-SET-02", name: "Pour-over coffee set", quantity: 1, unitPriceMinor: 4600 }],
          subtotalMinor: 4600,
          shippingMinor: 599,
          totalMinor: 5199,
          placedAt: new Date(),
          source: "stripe",
          actor: { kind: "stripe" },
        });
        await transitionOrder(tx, { orderId: o.id, to: "PAID", at: new Date(), actor: { kind: "stripe" } });
      });
    }
    async function loyalty(email: string) {
      const cust = await db().customer.findUniqueOrThrow({ where: { email } });
      const ledger = await db().loyaltyLedgerEntry.findMany({ where: { customerId: cust.id }, orderBy: { createdAt: "asc" }, select: { type: true, pendingDelta: true, reason: true } });
      const tiers = await db().tierHistory.findMany({ where: { customerId: cust.id }, select: { fromTier: true, toTier: true, spendMinor: true } });
      const mails = await db().mailOutbox.findMany({ where: { customerId: cust.id, template: "loyalty-tier-changed" }, select: { props: true } });
      const tps = await db().touchpoint.count({ where: { customerId: cust.id, type: "loyalty.tier_upgraded" } });
      return {
        tier: cust.tier,
        pending: cust.pointsPending,
        ledger: ledger.map((l) => [l.type, l.pendingDelta, l.reason.replace(/Order \S+/, "Order <n>")]).sort(),
        tiers,
        mails: mails.map((m) => m.props),
        tps,
      };
    }
    const a = await loyalty(viaStripe);
    expect(a.tier).toBe("SILVER");
    expect(a.tiers).toEqual([{ fromTier: "BRONZE", toTier: "SILVER", spendMinor: 8 * 5199 }]);
    expect(a.pending).toBe(7 * 46 + 57);
    expect(a.mails).toHaveLength(1);
    expect(a.tps).toBe(1);
    expect(a).toEqual(await loyalty(viaLifecycle));
  });
});

describe("POST /webhooks/stripe with STRIPE_WEBHOOK_WAIT_MS=0", () => {
  let fast: Rapport;
  beforeAll(async () => {
    fast = await startTestApp({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_WEBHOOK_WAIT_MS: "0" });
  });
  afterAll(async () => {
    await fast?.stop();
  });

  it("acknowledges once the event is stored, then applies it from the database", async () => {
    const p = newPayment();
    const e = eventsOf(p);
    const sequence = [e.refunded, e.paid, e.checkout];
    const answers = [];
    for (const ev of sequence) answers.push(((await (await postEvent(fast.url, ev)).json()) as { status: string }).status);
    expect(answers).toEqual(["queued", "queued", "queued"]);
    // A replay while (or after) it is applied is a duplicate.
    expect(((await (await postEvent(fast.url, e.checkout)).json()) as { status: string }).status).toBe("duplicate");
    const ids = sequence.map((x) => x.id);
    for (let i = 0; i < 200 && (await appliedCount(ids)) < ids.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await appliedCount(ids)).toBe(ids.length);
    expect((await effects(p)).order).toMatchObject({ status: "PAID", refundedMinor: 700, paid: true });
  });
});
