// The one place where an order's state changes. Stripe webhooks, the fulfilment API, staff actions
// and the CSV import all go through these functions (inside their own transaction), so every change
// gets the same validation, timestamp, timeline event, touchpoint, email and loyalty reaction.
// (The CSV import writes historical orders set-based and sends nothing; see server/cli/import-orders.ts.)
import type { Tx } from "../../db/client.ts";
import type { Order, OrderStatus, Prisma, Shipment, ShipmentStatus } from "../../db/generated/client.ts";
import { env } from "../../env.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { AppError } from "../errors.ts";
import { fromDbLocale } from "../locale.ts";
import { applyLoyaltyForOrderEvent } from "../loyalty/order-events.ts";
import { recordTouchpoint, type Channel } from "../touchpoints/record.ts";

/** OrderEvent.type values (the timeline); the same names as test/factories/orders.ts. */
export const ORDER_EVENT = {
  placed: "placed",
  paid: "paid",
  shipped: "shipped",
  delivered: "delivered",
  cancelled: "cancelled",
  returnRequested: "return_requested",
  refunded: "refunded",
  paymentFailed: "payment_failed",
  disputed: "disputed",
  shipmentUpdated: "shipment_updated",
} as const;
export type OrderEventType = (typeof ORDER_EVENT)[keyof typeof ORDER_EVENT];

export type OrderActorKind = "staff" | "stripe" | "api" | "import" | "system";
export interface OrderActor {
  kind: OrderActorKind;
  /** The staff user (kind "staff"). */
  userId?: string | null;
  /** The API key (kind "api"). */
  apiKeyId?: string | null;
}

/** Which statuses may follow which. Forward only; a status reached again is a no-op. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PLACED: ["PAID", "CANCELLED"],
  PAID: ["SHIPPED", "CANCELLED", "REFUNDED"],
  SHIPPED: ["DELIVERED", "REFUNDED"],
  DELIVERED: ["REFUNDED"],
  CANCELLED: [],
  REFUNDED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return from === to || ORDER_TRANSITIONS[from].includes(to);
}

/** Whether the order has already been through `status` (e.g. PAID for a SHIPPED or REFUNDED order). */
export function hasPassed(order: Pick<Order, "status" | "paidAt" | "shippedAt" | "deliveredAt" | "cancelledAt">, status: OrderStatus): boolean {
  if (order.status === status) return true;
  switch (status) {
    case "PLACED":
      return true;
    case "PAID":
      return order.paidAt !== null;
    case "SHIPPED":
      return order.shippedAt !== null;
    case "DELIVERED":
      return order.deliveredAt !== null;
    case "CANCELLED":
      return order.cancelledAt !== null;
    case "REFUNDED":
      return false;
  }
}

const channelOf: Record<OrderActorKind, Channel> = { staff: "staff", stripe: "system", api: "api", import: "system", system: "system" };

export function orderUrl(number: string, appUrl?: string) {
  return `${(appUrl ?? env().APP_URL).replace(/\/$/, "")}/orders/${encodeURIComponent(number)}`;
}

export type OrderForMail = Order & { customer: { id: string; email: string; name: string | null; locale: "en" | "zh_CN"; anonymizedAt: Date | null } };

async function loadOrder(tx: Tx, orderId: string): Promise<OrderForMail> {
  const order = await tx.order.findUnique({
    where: { id: orderId },
    include: { customer: { select: { id: true, email: true, name: true, locale: true, anonymizedAt: true } } },
  });
  if (!order) throw new AppError("NOT_FOUND", `Order ${orderId} not found`);
  return order;
}

/** Imported/seeded orders and anonymised customers get no mail. */
function mayMail(order: OrderForMail, actor: OrderActor, notify: boolean | undefined) {
  if (notify === false || actor.kind === "import") return false;
  if (order.source === "csv" || order.source === "seed") return false;
  return order.customer.anonymizedAt === null;
}

async function appendEvent(tx: Tx, order: Pick<Order, "id" | "customerId" | "number">, type: OrderEventType, at: Date, actor: OrderActor, data: Record<string, unknown> = {}) {
  const payload = { ...data, actor: actor.kind, ...(actor.userId ? { actorUserId: actor.userId } : {}), ...(actor.apiKeyId ? { apiKeyId: actor.apiKeyId } : {}) } as Prisma.InputJsonValue;
  await tx.orderEvent.create({ data: { orderId: order.id, type, occurredAt: at, data: payload } });
  await recordTouchpoint(tx, {
    customerId: order.customerId,
    type: `order.${type}`,
    channel: channelOf[actor.kind],
    actorUserId: actor.userId ?? null,
    subjectType: "order",
    subjectId: order.id,
    metadata: { number: order.number, ...data } as Prisma.InputJsonValue,
    occurredAt: at,
  });
}

export interface TransitionInput {
  orderId: string;
  to: OrderStatus;
  at: Date;
  actor: OrderActor;
  reason?: string | null;
  /** Extra data for the timeline event (e.g. the Stripe event id). */
  data?: Record<string, unknown>;
  /** false: no email (default: email unless the order was imported/seeded). */
  notify?: boolean;
  /**
   * A target the order has already been through (a late `payment_intent.succeeded` for a shipped
   * order) is a no-op instead of a CONFLICT. Webhooks arrive out of order; people don't.
   */
  ignoreIfPassed?: boolean;
  /** Base URL for links in emails (default APP_URL). */
  appUrl?: string;
  /**
   * The order with its customer as just written in this transaction (e.g. by placeOrder), so it
   * need not be read again. Only pass rows that are current.
   */
  loaded?: OrderForMail;
  /** The order's items in id order, when the caller just wrote them (for the confirmation email). */
  loadedItems?: { name: string; quantity: number; unitPriceMinor: number }[];
}

export interface TransitionResult {
  order: Order;
  changed: boolean;
}

/**
 * Moves an order to `to`: validates the transition (CONFLICT when not allowed; no-op when already
 * there), sets the timestamp, appends the timeline event, records the `order.<event>` touchpoint,
 * enqueues the email and lets the loyalty program react — all in the caller's transaction.
 * REFUNDED refunds whatever is not refunded yet (see recordRefund for amounts).
 */
export async function transitionOrder(tx: Tx, input: TransitionInput): Promise<TransitionResult> {
  const order = input.loaded && input.loaded.id === input.orderId ? input.loaded : await loadOrder(tx, input.orderId);
  const { to, at, actor } = input;
  if (order.status === to) return { order, changed: false };
  if (input.ignoreIfPassed && hasPassed(order, to)) return { order, changed: false };
  if (!ORDER_TRANSITIONS[order.status].includes(to)) {
    throw new AppError("CONFLICT", `Order ${order.number} is ${order.status.toLowerCase()} and cannot become ${to.toLowerCase()}`, {
      status: { key: "orders.errors.invalidTransition", params: { from: order.status, to } },
    });
  }
  if (to === "REFUNDED") {
    const remaining = order.totalMinor - order.refundedMinor;
    const r = await recordRefund(tx, { orderId: order.id, amountMinor: remaining, at, actor, reason: input.reason ?? null, source: actor.kind, notify: input.notify, appUrl: input.appUrl });
    return { order: r.order, changed: true };
  }

  const stamp: Prisma.OrderUpdateInput =
    to === "PAID" ? { paidAt: at, paymentFailureMessage: null } : to === "SHIPPED" ? { shippedAt: at } : to === "DELIVERED" ? { deliveredAt: at } : to === "CANCELLED" ? { cancelledAt: at } : {};
  const updated = await tx.order.update({ where: { id: order.id }, data: { status: to, ...stamp } });
  const eventType = ORDER_EVENT[to.toLowerCase() as "paid" | "shipped" | "delivered" | "cancelled"];
  const data: Record<string, unknown> = { ...(input.data ?? {}), ...(input.reason ? { reason: input.reason } : {}) };
  if (to === "PAID") Object.assign(data, { amountMinor: order.totalMinor, currency: order.currency });

  let shipment: Shipment | null = null;
  if (to === "SHIPPED" || to === "DELIVERED") {
    shipment = await tx.shipment.findFirst({ where: { orderId: order.id }, orderBy: { updatedAt: "desc" } });
    if (shipment) Object.assign(data, { carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, trackingUrl: shipment.trackingUrl });
  }
  await appendEvent(tx, order, eventType, at, actor, data);

  if (mayMail(order, actor, input.notify)) {
    const base = { to: order.customer.email, locale: fromDbLocale(order.customer.locale), customerId: order.customerId };
    const common = { name: order.customer.name, orderNumber: order.number, url: orderUrl(order.number, input.appUrl) };
    if (to === "PAID") {
      const items = input.loaded === order && input.loadedItems ? input.loadedItems : await tx.orderItem.findMany({ where: { orderId: order.id }, orderBy: { id: "asc" } });
      await enqueueMail(tx, {
        ...base,
        template: "order-confirmation",
        props: {
          ...common,
          currency: order.currency,
          items: items.map((i) => ({ name: i.name, quantity: i.quantity, unitPriceMinor: i.unitPriceMinor })),
          subtotalMinor: order.subtotalMinor,
          shippingMinor: order.shippingMinor,
          taxMinor: order.taxMinor,
          discountMinor: order.discountMinor,
          totalMinor: order.totalMinor,
        },
      });
    } else if (to === "SHIPPED") {
      await enqueueMail(tx, {
        ...base,
        template: "order-shipped",
        props: { ...common, carrier: shipment?.carrier ?? null, trackingNumber: shipment?.trackingNumber ?? null, trackingUrl: shipment?.trackingUrl ?? null },
      });
    } else if (to === "DELIVERED") {
      await enqueueMail(tx, { ...base, template: "order-delivered", props: common });
    }
  }

  if (to === "PAID" || to === "DELIVERED" || to === "CANCELLED") {
    await applyLoyaltyForOrderEvent(tx, { type: to === "PAID" ? "paid" : to === "DELIVERED" ? "delivered" : "cancelled", orderId: order.id, occurredAt: at });
  }
  return { order: updated, changed: true };
}

export interface RefundInput {
  orderId: string;
  amountMinor: number;
  at: Date;
  actor: OrderActor;
  reason?: string | null;
  /** Deduplicates: a refund id seen before is a no-op. */
  stripeRefundId?: string | null;
  /** "stripe", "staff", "api", … (Refund.source). */
  source?: string;
  notify?: boolean;
  appUrl?: string;
  /** The current order with its customer, when the caller has it (see TransitionInput.loaded). */
  loaded?: OrderForMail;
}

/**
 * Records a full or partial refund. The refunds of an order never exceed its total (CONFLICT);
 * the order becomes REFUNDED once fully refunded (a cancelled order stays CANCELLED).
 * A refund needs a paid order. Returns created=false for a refund id already recorded.
 */
export async function recordRefund(tx: Tx, input: RefundInput): Promise<{ order: Order; created: boolean; refundId: string | null }> {
  if (input.stripeRefundId) {
    const existing = await tx.refund.findUnique({ where: { stripeRefundId: input.stripeRefundId } });
    if (existing) return { order: input.loaded?.id === input.orderId ? input.loaded : await loadOrder(tx, input.orderId), created: false, refundId: existing.id };
  }
  const order = input.loaded?.id === input.orderId ? input.loaded : await loadOrder(tx, input.orderId);
  if (!Number.isInteger(input.amountMinor) || input.amountMinor <= 0) {
    throw new AppError("BAD_REQUEST", "A refund must be a positive whole amount in minor units", { amount: "orders.errors.refundAmount" });
  }
  if (order.paidAt === null) throw new AppError("CONFLICT", `Order ${order.number} has not been paid, so it cannot be refunded`, { amount: "orders.errors.refundUnpaid" });
  const remaining = order.totalMinor - order.refundedMinor;
  if (input.amountMinor > remaining) {
    throw new AppError("CONFLICT", `Refund of ${input.amountMinor} exceeds the ${remaining} left to refund on order ${order.number}`, {
      amount: { key: "orders.errors.refundTooLarge", params: { remaining } },
    });
  }
  const refundedMinor = order.refundedMinor + input.amountMinor;
  const full = refundedMinor === order.totalMinor;
  const refund = await tx.refund.create({
    data: {
      orderId: order.id,
      amountMinor: input.amountMinor,
      currency: order.currency,
      reason: input.reason ?? null,
      stripeRefundId: input.stripeRefundId ?? null,
      source: input.source ?? input.actor.kind,
      refundedAt: input.at,
    },
  });
  const becomesRefunded = full && order.status !== "CANCELLED" && order.status !== "PLACED";
  const updated = await tx.order.update({ where: { id: order.id }, data: { refundedMinor, ...(becomesRefunded ? { status: "REFUNDED" } : {}) } });
  await appendEvent(tx, order, ORDER_EVENT.refunded, input.at, input.actor, {
    amountMinor: input.amountMinor,
    currency: order.currency,
    refundedMinor,
    full,
    refundId: refund.id,
    ...(input.stripeRefundId ? { stripeRefundId: input.stripeRefundId } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
  });
  if (mayMail(order, input.actor, input.notify)) {
    await enqueueMail(tx, {
      to: order.customer.email,
      locale: fromDbLocale(order.customer.locale),
      customerId: order.customerId,
      template: "order-refund",
      props: {
        name: order.customer.name,
        orderNumber: order.number,
        url: orderUrl(order.number, input.appUrl),
        currency: order.currency,
        amountMinor: input.amountMinor,
        refundedMinor,
        totalMinor: order.totalMinor,
        full,
      },
    });
  }
  await applyLoyaltyForOrderEvent(tx, { type: "refunded", orderId: order.id, refundId: refund.id, amountMinor: input.amountMinor, occurredAt: input.at });
  return { order: updated, created: true, refundId: refund.id };
}

export interface ShipmentInput {
  orderId: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string | null;
  /** Default IN_TRANSIT. IN_TRANSIT ships the order; DELIVERED also delivers it. */
  status?: ShipmentStatus;
  at: Date;
  actor: OrderActor;
  description?: string | null;
  location?: string | null;
  notify?: boolean;
  appUrl?: string;
}

/**
 * Creates or updates the shipment (order, carrier, tracking number) and moves the order along:
 * a shipment in transit makes a paid order SHIPPED, a delivered one makes it DELIVERED.
 * A status change of the shipment adds a ShipmentEvent.
 */
export async function upsertShipment(tx: Tx, input: ShipmentInput): Promise<{ shipment: Shipment; order: Order; created: boolean }> {
  const status = input.status ?? "IN_TRANSIT";
  const order = await loadOrder(tx, input.orderId);
  const movesOrder = status === "IN_TRANSIT" || status === "DELIVERED";
  // Validate before writing anything: shipping needs a paid (or already shipped) order.
  if (movesOrder && !hasPassed(order, "SHIPPED") && !canTransition(order.status, "SHIPPED")) {
    throw new AppError("CONFLICT", `Order ${order.number} is ${order.status.toLowerCase()} and cannot be shipped`, {
      status: { key: "orders.errors.invalidTransition", params: { from: order.status, to: "SHIPPED" } },
    });
  }
  if (status === "DELIVERED" && order.status === "REFUNDED" && order.deliveredAt === null) {
    throw new AppError("CONFLICT", `Order ${order.number} is refunded and cannot be delivered`, {
      status: { key: "orders.errors.invalidTransition", params: { from: order.status, to: "DELIVERED" } },
    });
  }
  const key = { orderId_carrier_trackingNumber: { orderId: order.id, carrier: input.carrier, trackingNumber: input.trackingNumber } };
  const existing = await tx.shipment.findUnique({ where: key });
  const shipment = existing
    ? await tx.shipment.update({
        where: { id: existing.id },
        data: {
          trackingUrl: input.trackingUrl === undefined ? existing.trackingUrl : input.trackingUrl,
          status,
          ...(status === "IN_TRANSIT" && !existing.shippedAt ? { shippedAt: input.at } : {}),
          ...(status === "DELIVERED" && !existing.deliveredAt ? { deliveredAt: input.at, shippedAt: existing.shippedAt ?? input.at } : {}),
        },
      })
    : await tx.shipment.create({
        data: {
          orderId: order.id,
          carrier: input.carrier,
          trackingNumber: input.trackingNumber,
          trackingUrl: input.trackingUrl ?? null,
          status,
          shippedAt: movesOrder ? input.at : null,
          deliveredAt: status === "DELIVERED" ? input.at : null,
        },
      });
  if (!existing || existing.status !== status) {
    await tx.shipmentEvent.create({ data: { shipmentId: shipment.id, status, occurredAt: input.at, description: input.description ?? null, location: input.location ?? null } });
  }
  let current: Order = order;
  const common = { at: input.at, actor: input.actor, notify: input.notify, appUrl: input.appUrl, ignoreIfPassed: true };
  if (movesOrder) current = (await transitionOrder(tx, { ...common, orderId: order.id, to: "SHIPPED" })).order;
  if (status === "DELIVERED") current = (await transitionOrder(tx, { ...common, orderId: order.id, to: "DELIVERED" })).order;
  if (existing && current.status === order.status && (existing.status !== status || existing.trackingUrl !== shipment.trackingUrl)) {
    await appendEvent(tx, order, ORDER_EVENT.shipmentUpdated, input.at, input.actor, { carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, trackingUrl: shipment.trackingUrl, status });
  }
  return { shipment, order: current, created: !existing };
}

export interface PlaceOrderInput {
  number: string;
  customerId: string;
  currency: string;
  items: { sku?: string | null; name: string; quantity: number; unitPriceMinor: number }[];
  /** When given (e.g. Stripe's amount_subtotal), wins over Σ quantity × unit price. */
  subtotalMinor?: number;
  shippingMinor?: number;
  taxMinor?: number;
  discountMinor?: number;
  /** When given (e.g. Stripe's amount_total), wins over the computed total. */
  totalMinor?: number;
  placedAt: Date;
  source: string;
  actor: OrderActor;
  stripeCheckoutSessionId?: string | null;
  stripePaymentIntentId?: string | null;
}

/** Creates a PLACED order with its items, the "placed" timeline event and its touchpoint. */
export async function placeOrder(tx: Tx, input: PlaceOrderInput): Promise<Order> {
  const subtotalMinor = input.subtotalMinor ?? input.items.reduce((s, i) => s + i.quantity * i.unitPriceMinor, 0);
  const shippingMinor = input.shippingMinor ?? 0;
  const taxMinor = input.taxMinor ?? 0;
  const discountMinor = input.discountMinor ?? 0;
  const totalMinor = input.totalMinor ?? subtotalMinor + shippingMinor + taxMinor - discountMinor;
  if (totalMinor < 0) throw new AppError("BAD_REQUEST", "An order total cannot be negative", { total: "orders.errors.negativeTotal" });
  const order = await tx.order.create({
    data: {
      number: input.number,
      customerId: input.customerId,
      status: "PLACED",
      currency: input.currency.toUpperCase(),
      subtotalMinor,
      shippingMinor,
      taxMinor,
      discountMinor,
      totalMinor,
      placedAt: input.placedAt,
      source: input.source,
      stripeCheckoutSessionId: input.stripeCheckoutSessionId ?? null,
      stripePaymentIntentId: input.stripePaymentIntentId ?? null,
    },
  });
  // Set-based: one INSERT for all items (a nested create would also re-read the order).
  if (input.items.length > 0) {
    await tx.orderItem.createMany({ data: input.items.map((i) => ({ orderId: order.id, sku: i.sku ?? null, name: i.name, quantity: i.quantity, unitPriceMinor: i.unitPriceMinor })) });
  }
  await appendEvent(tx, order, ORDER_EVENT.placed, input.placedAt, input.actor, { totalMinor, currency: order.currency });
  return order;
}

/** Appends a timeline event (with its touchpoint) that does not change the status, e.g. payment_failed. */
export async function noteOrderEvent(tx: Tx, input: { orderId: string; type: OrderEventType; at: Date; actor: OrderActor; data?: Record<string, unknown> }) {
  const order = await tx.order.findUnique({ where: { id: input.orderId }, select: { id: true, customerId: true, number: true } });
  if (!order) throw new AppError("NOT_FOUND", `Order ${input.orderId} not found`);
  await appendEvent(tx, order, input.type, input.at, input.actor, input.data);
}
