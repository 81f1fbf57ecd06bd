// Applying Stripe webhook events to orders. The HTTP layer (server/api/stripe-webhook.ts) verifies
// the signature; here each event is stored once (StripeEvent.id) and applied in one transaction.
// Events arrive twice and out of order: an event about a payment with no order yet stays unapplied
// (appliedAt null) and is applied when its order is created, or by the retry job; every handler is
// idempotent, so any delivery order converges to the same state.
import type { Db, Tx } from "../../db/client.ts";
import type { Order, Prisma } from "../../db/generated/client.ts";
import { AppError } from "../errors.ts";
import { noteOrderEvent, ORDER_EVENT, placeOrder, recordRefund, transitionOrder, type OrderActor, type OrderForMail } from "./lifecycle.ts";

/** The part of a Stripe Event we rely on (https://docs.stripe.com/api/events/object). */
export interface StripeEventLike {
  id: string;
  type: string;
  created: number;
  data: { object: Record<string, unknown> };
}

export interface LineItemInput {
  sku?: string | null;
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface StripeDeps {
  /** Line items of a Checkout Session from Stripe's API (when STRIPE_SECRET_KEY is set). May throw (no network). */
  fetchLineItems?: (sessionId: string) => Promise<LineItemInput[]>;
  appUrl?: string;
}

export const HANDLED_EVENTS = ["checkout.session.completed", "payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded", "charge.dispute.created"] as const;

const actor: OrderActor = { kind: "stripe" };

type Obj = Record<string, unknown>;
const str = (x: unknown): string | null => (typeof x === "string" && x !== "" ? x : null);
const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const obj = (x: unknown): Obj | null => (x && typeof x === "object" && !Array.isArray(x) ? (x as Obj) : null);
/** An expandable field: an id string or an object with an id. */
const idOf = (x: unknown): string | null => str(x) ?? str(obj(x)?.id);

/** The payment intent and checkout session an event is about (for ordering and re-application). */
export function stripeEventRefs(event: StripeEventLike): { paymentIntentId: string | null; checkoutSessionId: string | null } {
  const o = event.data.object;
  switch (event.type) {
    case "checkout.session.completed":
      return { paymentIntentId: idOf(o.payment_intent), checkoutSessionId: str(o.id) };
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed":
      return { paymentIntentId: str(o.id), checkoutSessionId: null };
    case "charge.refunded":
    case "charge.dispute.created":
      return { paymentIntentId: idOf(o.payment_intent), checkoutSessionId: null };
    default:
      return { paymentIntentId: null, checkoutSessionId: null };
  }
}

export type ReceiveResult = { status: "duplicate" } | { status: "applied"; orderId: string | null } | { status: "pending"; reason: string } | { status: "ignored" };

/**
 * Stores the (verified) event once and applies it. A replay of a stored event id is a no-op
 * ("duplicate"). When the event cannot be applied yet (no order, or Stripe's API unreachable for
 * line items) it is stored unapplied with the reason and retried later (applyPendingStripeEvents).
 */
export async function receiveStripeEvent(db: Db, event: StripeEventLike, deps: StripeDeps = {}): Promise<ReceiveResult> {
  const refs = stripeEventRefs(event);
  const handled = (HANDLED_EVENTS as readonly string[]).includes(event.type);
  // Plain SQL: the cheapest statement for the replay path (a Prisma model query costs ~2 ms of CPU).
  const exists = await db.$queryRaw<{ one: number }[]>`SELECT 1 AS "one" FROM "StripeEvent" WHERE "id" = ${event.id}`;
  if (exists.length > 0) return { status: "duplicate" };

  // Network first, outside any transaction: Checkout Session line items from Stripe's API.
  let lineItems: LineItemInput[] | null = null;
  let fetchError: string | null = null;
  if (event.type === "checkout.session.completed" && deps.fetchLineItems) {
    const sessionId = str(event.data.object.id);
    const known = sessionId ? await db.order.findUnique({ where: { stripeCheckoutSessionId: sessionId }, select: { id: true } }) : null;
    if (sessionId && !known) {
      try {
        lineItems = await deps.fetchLineItems(sessionId);
      } catch (e) {
        fetchError = `Stripe API unavailable for line items: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  }

  try {
    return await db.$transaction(
      async (tx) => {
        const inserted = await tx.$executeRaw`
          INSERT INTO "StripeEvent" ("id", "type", "paymentIntentId", "checkoutSessionId", "payload", "error")
          VALUES (${event.id}, ${event.type}, ${refs.paymentIntentId}, ${refs.checkoutSessionId}, ${JSON.stringify(event)}::jsonb, ${fetchError})
          ON CONFLICT ("id") DO NOTHING`;
        if (inserted === 0) return { status: "duplicate" } as const;
        if (!handled) {
          await tx.stripeEvent.update({ where: { id: event.id }, data: { appliedAt: new Date() } });
          return { status: "ignored" } as const;
        }
        if (fetchError) return { status: "pending", reason: fetchError } as const;
        await lockRefs(tx, refs);
        return applyAndMark(tx, event, { ...deps, lineItems });
      },
      { timeout: 20_000 },
    );
  } catch (e) {
    // A rule broken by this event (e.g. a refund larger than the order): keep the event, with the
    // reason, for staff to see; answering 5xx would only make Stripe retry the same thing.
    const reason = e instanceof AppError ? e.message : null;
    if (!reason) throw e;
    await db.stripeEvent.createMany({ data: [{ id: event.id, type: event.type, ...refs, payload: event as unknown as Prisma.InputJsonValue, error: reason }], skipDuplicates: true });
    return { status: "pending", reason };
  }
}

/** Serialises events about the same payment (two deliveries racing for one order). */
async function lockRefs(tx: Tx, refs: { paymentIntentId: string | null; checkoutSessionId: string | null }) {
  // One round trip for both locks (taken in the same order as before: session, then payment intent).
  if (refs.checkoutSessionId && refs.paymentIntentId) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`stripe:${refs.checkoutSessionId}`})), pg_advisory_xact_lock(hashtext(${`stripe:${refs.paymentIntentId}`}))`;
  } else if (refs.checkoutSessionId) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`stripe:${refs.checkoutSessionId}`}))`;
  else if (refs.paymentIntentId) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`stripe:${refs.paymentIntentId}`}))`;
}

async function applyAndMark(tx: Tx, event: StripeEventLike, deps: StripeDeps & { lineItems: LineItemInput[] | null }): Promise<ReceiveResult> {
  const r = await applyStripeEventWithOrder(tx, event, deps);
  if (r.orderId === null) {
    await tx.stripeEvent.update({ where: { id: event.id }, data: { error: r.waiting } });
    return { status: "pending", reason: r.waiting };
  }
  // Plain SQL (StripeEvent has no @updatedAt): appliedAt is stored as UTC, as Prisma stores DateTime.
  await tx.$executeRaw`UPDATE "StripeEvent" SET "appliedAt" = (${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC'), "orderId" = ${r.orderId}, "error" = NULL WHERE "id" = ${event.id}`;
  if (event.type === "checkout.session.completed") await applyWaitingEvents(tx, r.order ?? (await tx.order.findUniqueOrThrow({ where: { id: r.orderId }, select: { stripePaymentIntentId: true, stripeCheckoutSessionId: true } })), deps);
  return { status: "applied", orderId: r.orderId };
}

/** Events about this order's payment that arrived before the order: apply them now, oldest first. */
async function applyWaitingEvents(tx: Tx, order: Pick<Order, "stripePaymentIntentId" | "stripeCheckoutSessionId">, deps: StripeDeps) {
  const or: Prisma.StripeEventWhereInput[] = [];
  if (order.stripePaymentIntentId) or.push({ paymentIntentId: order.stripePaymentIntentId });
  if (order.stripeCheckoutSessionId) or.push({ checkoutSessionId: order.stripeCheckoutSessionId });
  if (or.length === 0) return;
  const waiting = await tx.stripeEvent.findMany({ where: { appliedAt: null, OR: or, type: { not: "checkout.session.completed" } } });
  waiting.sort((a, b) => ((a.payload as { created?: number }).created ?? 0) - ((b.payload as { created?: number }).created ?? 0));
  for (const w of waiting) {
    const ev = w.payload as unknown as StripeEventLike;
    const r = await applyStripeEvent(tx, ev, { ...deps, lineItems: null });
    if (r.orderId) await tx.stripeEvent.update({ where: { id: w.id }, data: { appliedAt: new Date(), orderId: r.orderId, error: null } });
  }
}

/**
 * Retries stored events that are not applied yet (their order appeared later, or Stripe's API was
 * unreachable). Run by the `orders.stripe-retry` job; returns how many were applied.
 */
export async function applyPendingStripeEvents(db: Db, deps: StripeDeps = {}, opts: { limit?: number; olderThanMs?: number } = {}): Promise<number> {
  const before = new Date(Date.now() - (opts.olderThanMs ?? 0));
  const pending = await db.stripeEvent.findMany({
    where: { appliedAt: null, receivedAt: { lte: before, gte: new Date(Date.now() - 30 * 86400_000) } },
    orderBy: { receivedAt: "asc" },
    take: opts.limit ?? 200,
  });
  pending.sort((a, b) => Number(b.type === "checkout.session.completed") - Number(a.type === "checkout.session.completed"));
  let applied = 0;
  for (const row of pending) {
    const event = row.payload as unknown as StripeEventLike;
    let lineItems: LineItemInput[] | null = null;
    if (event.type === "checkout.session.completed" && deps.fetchLineItems) {
      try {
        lineItems = await deps.fetchLineItems(String(event.data.object.id));
      } catch (e) {
        await db.stripeEvent.update({ where: { id: row.id }, data: { error: `Stripe API unavailable for line items: ${e instanceof Error ? e.message : String(e)}` } });
        continue;
      }
    }
    try {
      const r = await db.$transaction(async (tx) => {
        const fresh = await tx.stripeEvent.findUnique({ where: { id: row.id }, select: { appliedAt: true } });
        if (!fresh || fresh.appliedAt) return null;
        await lockRefs(tx, stripeEventRefs(event));
        return applyAndMark(tx, event, { ...deps, lineItems });
      });
      if (r?.status === "applied") applied++;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      await db.stripeEvent.update({ where: { id: row.id }, data: { error: e.message } });
    }
  }
  return applied;
}

type ApplyResult = { orderId: string; waiting?: undefined } | { orderId: null; waiting: string };

async function orderByPayment(tx: Tx, paymentIntentId: string | null, chargeId: string | null): Promise<Order | null> {
  if (paymentIntentId) {
    const o = await tx.order.findUnique({ where: { stripePaymentIntentId: paymentIntentId } });
    if (o) return o;
  }
  if (chargeId) return tx.order.findUnique({ where: { stripeChargeId: chargeId } });
  return null;
}

const customerForMail = { select: { id: true, email: true, name: true, locale: true, anonymizedAt: true } } as const;

/** orderByPayment with the order's customer (what recordRefund/transitionOrder would read again). */
async function orderByPaymentForMail(tx: Tx, paymentIntentId: string | null, chargeId: string | null): Promise<OrderForMail | null> {
  if (paymentIntentId) {
    const o = await tx.order.findUnique({ where: { stripePaymentIntentId: paymentIntentId }, include: { customer: customerForMail } });
    if (o) return o;
  }
  if (chargeId) return tx.order.findUnique({ where: { stripeChargeId: chargeId }, include: { customer: customerForMail } });
  return null;
}

/** Applies one event inside `tx`. Idempotent. Returns the order, or why it has to wait. */
export async function applyStripeEvent(tx: Tx, event: StripeEventLike, deps: StripeDeps & { lineItems?: LineItemInput[] | null } = {}): Promise<ApplyResult> {
  const r = await applyStripeEventWithOrder(tx, event, deps);
  return r.orderId === null ? { orderId: null, waiting: r.waiting } : { orderId: r.orderId };
}

/** applyStripeEvent, also returning the checkout session's order (its payment refs, to apply waiting events without re-reading it). */
async function applyStripeEventWithOrder(
  tx: Tx,
  event: StripeEventLike,
  deps: StripeDeps & { lineItems?: LineItemInput[] | null },
): Promise<ApplyResult & { order?: Order }> {
  const o = event.data.object;
  const at = new Date(event.created * 1000);
  const common = { actor, appUrl: deps.appUrl, ignoreIfPassed: true, data: { stripeEventId: event.id } };
  switch (event.type) {
    case "checkout.session.completed": {
      const order = await applyCheckoutSession(tx, event, deps.lineItems ?? null, deps.appUrl);
      return { orderId: order.id, order };
    }

    case "payment_intent.succeeded": {
      const order = await orderByPayment(tx, str(o.id), null);
      if (!order) return { orderId: null, waiting: `No order with payment intent ${String(o.id)} yet` };
      const chargeId = idOf(o.latest_charge);
      if (chargeId && !order.stripeChargeId) await tx.order.update({ where: { id: order.id }, data: { stripeChargeId: chargeId } });
      await markPaid(tx, order, at, common);
      return { orderId: order.id };
    }

    case "payment_intent.payment_failed": {
      const order = await orderByPayment(tx, str(o.id), null);
      if (!order) return { orderId: null, waiting: `No order with payment intent ${String(o.id)} yet` };
      const message = str(obj(o.last_payment_error)?.message) ?? "Payment failed";
      // A failure reported after the payment succeeded (late delivery) must not mark a paid order as failing.
      if (order.paidAt === null) await tx.order.update({ where: { id: order.id }, data: { paymentFailureMessage: message } });
      await noteOrderEvent(tx, { orderId: order.id, type: ORDER_EVENT.paymentFailed, at, actor, data: { message, stripeEventId: event.id } });
      return { orderId: order.id };
    }

    case "charge.refunded": {
      const chargeId = str(o.id);
      const order = await orderByPaymentForMail(tx, idOf(o.payment_intent), chargeId);
      if (!order) return { orderId: null, waiting: `No order with charge ${String(chargeId)} yet` };
      const updated = await tx.order.update({
        where: { id: order.id },
        data: { ...(order.stripeChargeId ? {} : { stripeChargeId: chargeId }), ...(str(o.receipt_url) ? { stripeReceiptUrl: str(o.receipt_url) } : {}) },
      });
      // A refunded charge was paid: a refund seen before payment_intent.succeeded implies the payment.
      const chargeAt = num(o.created) ? new Date(num(o.created)! * 1000) : at;
      await markPaid(tx, order, chargeAt, common);
      // Already paid: markPaid changed nothing, so the row just updated is current.
      await applyChargeRefunds(tx, order.id, o, at, deps.appUrl, order.paidAt ? { ...updated, customer: order.customer } : undefined);
      return { orderId: order.id };
    }

    case "charge.dispute.created": {
      const order = await orderByPayment(tx, idOf(o.payment_intent), idOf(o.charge));
      if (!order) return { orderId: null, waiting: `No order with charge ${String(idOf(o.charge))} yet` };
      if (!order.disputedAt) await tx.order.update({ where: { id: order.id }, data: { disputedAt: at } });
      await noteOrderEvent(tx, {
        orderId: order.id,
        type: ORDER_EVENT.disputed,
        at,
        actor,
        data: { disputeId: str(o.id), amountMinor: num(o.amount), reason: str(o.reason), status: str(o.status), stripeEventId: event.id },
      });
      return { orderId: order.id };
    }
  }
  throw new Error(`Unhandled Stripe event type ${event.type}`);
}

async function markPaid(
  tx: Tx,
  order: Order,
  at: Date,
  common: { actor: OrderActor; appUrl?: string; ignoreIfPassed: boolean; data: Record<string, unknown> },
  loaded?: OrderForMail,
  loadedItems?: LineItemInput[],
) {
  if (order.paidAt) return;
  if (order.status === "CANCELLED") {
    // Paid after being cancelled (the payment completed while staff cancelled): keep CANCELLED, note the payment.
    await tx.order.update({ where: { id: order.id }, data: { paidAt: at, paymentFailureMessage: null } });
    await noteOrderEvent(tx, { orderId: order.id, type: ORDER_EVENT.paid, at, actor, data: { amountMinor: order.totalMinor, currency: order.currency, ...common.data } });
    return;
  }
  await transitionOrder(tx, { ...common, orderId: order.id, to: "PAID", at, loaded, loadedItems });
}

/** Records each refund of the charge once (by refund id); without the list, the refunded total. */
async function applyChargeRefunds(tx: Tx, orderId: string, charge: Obj, at: Date, appUrl?: string, current?: OrderForMail) {
  let loaded = current;
  const list = obj(charge.refunds)?.data;
  if (Array.isArray(list)) {
    const refunds = list
      .map(obj)
      .filter((r): r is Obj => r !== null && str(r.id) !== null && num(r.amount) !== null && r.status !== "failed" && r.status !== "canceled")
      .sort((a, b) => (num(a.created) ?? 0) - (num(b.created) ?? 0));
    for (const r of refunds) {
      const done = await recordRefund(tx, {
        orderId,
        amountMinor: num(r.amount)!,
        at: num(r.created) ? new Date(num(r.created)! * 1000) : at,
        actor,
        reason: str(r.reason),
        stripeRefundId: str(r.id),
        source: "stripe",
        appUrl,
        loaded,
      });
      // The order as it is now (the customer is unchanged by a refund), for the next one.
      loaded = loaded ? { ...done.order, customer: loaded.customer } : undefined;
    }
    return;
  }
  // Since API version 2022-11-15 charges no longer embed their refunds: use amount_refunded, the
  // running total, and record the difference from what is already known.
  const total = num(charge.amount_refunded) ?? 0;
  const order = loaded ?? (await tx.order.findUniqueOrThrow({ where: { id: orderId } }));
  const missing = Math.min(total, order.totalMinor) - order.refundedMinor;
  if (missing > 0) {
    await recordRefund(tx, { orderId, amountMinor: missing, at, actor, stripeRefundId: `${String(charge.id)}:${total}`, source: "stripe", appUrl, loaded });
  }
}

function emailOf(session: Obj): string | null {
  const e = str(obj(session.customer_details)?.email) ?? str(session.customer_email);
  return e ? e.trim().toLowerCase() : null;
}

/** Line items from metadata.items: a JSON array of {sku?, name, quantity, unit_amount} (documented in the README). */
export function lineItemsFromMetadata(metadata: Obj | null): LineItemInput[] | null {
  const raw = str(metadata?.items);
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return null;
    const items = parsed.map(obj).map((i) => ({
      sku: str(i?.sku),
      name: str(i?.name) ?? "",
      quantity: num(i?.quantity) ?? 0,
      unitPriceMinor: num(i?.unit_amount) ?? -1,
    }));
    return items.every((i) => i.name && Number.isInteger(i.quantity) && i.quantity > 0 && Number.isInteger(i.unitPriceMinor) && i.unitPriceMinor >= 0) && items.length > 0 ? items : null;
  } catch {
    return null;
  }
}

async function applyCheckoutSession(tx: Tx, event: StripeEventLike, fetched: LineItemInput[] | null, appUrl?: string): Promise<Order> {
  const s = event.data.object;
  const sessionId = str(s.id);
  if (!sessionId) throw new AppError("BAD_REQUEST", "checkout.session.completed without a session id");
  const paymentIntentId = idOf(s.payment_intent);
  const at = new Date(event.created * 1000);
  const metadata = obj(s.metadata);
  const number = str(metadata?.order_number) ?? `R-${sessionId.replace(/^cs_(test_|live_)?/, "").slice(-10).toUpperCase()}`;

  // One read for both: the order of this session, else an order with this number.
  const candidates = await tx.order.findMany({ where: { OR: [{ stripeCheckoutSessionId: sessionId }, { number }] } });
  let order = candidates.find((c) => c.stripeCheckoutSessionId === sessionId) ?? null;
  // Set when this call created the order (with its customer): transitionOrder need not re-read them.
  let loaded: OrderForMail | undefined;
  let items: LineItemInput[] = [];
  if (!order) {
    // An order with this number created earlier (fulfilment API, staff): link it to the payment.
    const byNumber = candidates.find((c) => c.number === number) ?? null;
    if (byNumber) {
      if (byNumber.stripeCheckoutSessionId && byNumber.stripeCheckoutSessionId !== sessionId) {
        throw new AppError("CONFLICT", `Order ${number} already belongs to checkout session ${byNumber.stripeCheckoutSessionId}`);
      }
      order = await tx.order.update({ where: { id: byNumber.id }, data: { stripeCheckoutSessionId: sessionId, stripePaymentIntentId: byNumber.stripePaymentIntentId ?? paymentIntentId } });
    }
  }
  if (!order) {
    const email = emailOf(s);
    if (!email) throw new AppError("BAD_REQUEST", `Checkout session ${sessionId} has no customer email`);
    const details = obj(s.customer_details);
    const name = str(details?.name);
    const locale = /^zh/i.test(str(s.locale) ?? "") ? "zh_CN" : "en";
    // Find, else create (as the upsert it replaces: an existing customer is left as it is), in one or two statements instead of three.
    const customer = (await tx.customer.findUnique({ where: { email } })) ?? (await tx.customer.create({ data: { email, name, locale } }));

    const currency = (str(s.currency) ?? "usd").toUpperCase();
    const totals = obj(s.total_details);
    const amountTotal = num(s.amount_total) ?? 0;
    const amountSubtotal = num(s.amount_subtotal) ?? amountTotal;
    items = fetched ?? lineItemsFromMetadata(metadata) ?? [{ sku: null, name: `Order ${number}`, quantity: 1, unitPriceMinor: amountSubtotal }];
    order = await placeOrder(tx, {
      number,
      customerId: customer.id,
      currency,
      items,
      subtotalMinor: amountSubtotal,
      shippingMinor: num(totals?.amount_shipping) ?? 0,
      taxMinor: num(totals?.amount_tax) ?? 0,
      discountMinor: num(totals?.amount_discount) ?? 0,
      totalMinor: amountTotal,
      placedAt: num(s.created) ? new Date(num(s.created)! * 1000) : at,
      source: "stripe",
      actor,
      stripeCheckoutSessionId: sessionId,
      stripePaymentIntentId: paymentIntentId,
    });
    loaded = { ...order, customer: { id: customer.id, email: customer.email, name: customer.name, locale: customer.locale, anonymizedAt: customer.anonymizedAt } };
  }
  const paid = s.payment_status === "paid" || s.payment_status === "no_payment_required";
  if (paid) await markPaid(tx, order, at, { actor, appUrl, ignoreIfPassed: true, data: { stripeEventId: event.id } }, loaded, loaded ? items : undefined);
  return order;
}
