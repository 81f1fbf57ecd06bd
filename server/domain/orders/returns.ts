// Return requests: a customer asks to return items of a delivered order within the return window;
// staff approve, reject and mark them received. Each change writes the order's timeline event, a
// touchpoint (and for staff an audit entry) in the same transaction; a new request also enqueues
// the staff notification mail in that transaction, so it is never lost nor sent for nothing.
import type { Db, Tx } from "../../db/client.ts";
import type { ReturnStatus } from "../../db/generated/client.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { audit } from "../audit/audit.ts";
import { AppError, type FieldMessage } from "../errors.ts";
import { fromDbLocale } from "../locale.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import type { OrderStatus } from "../../db/generated/client.ts";

/**
 * Days after delivery during which a customer may ask for a return. Admins can override it with
 * the Setting `orders.returnWindowDays` (a whole number of days, 1–365); the loyalty program uses
 * the same 30-day default to keep points pending.
 */
export const DEFAULT_RETURN_WINDOW_DAYS = 30;
export const RETURN_WINDOW_SETTING = "orders.returnWindowDays";
/**
 * Where return requests are announced: the Setting `orders.returnsNotifyEmail` (one address), else
 * every active agent and admin.
 */
export const RETURNS_NOTIFY_SETTING = "orders.returnsNotifyEmail";

export const RETURN_REASONS = ["damaged", "wrong_item", "does_not_fit", "not_as_described", "changed_mind", "other"] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export async function returnWindow(db: Tx): Promise<number> {
  const row = await db.setting.findUnique({ where: { key: RETURN_WINDOW_SETTING } });
  const v = row?.value;
  return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 365 ? v : DEFAULT_RETURN_WINDOW_DAYS;
}

/** Per order item: ordered quantity minus what open or settled return requests already claim. */
export function returnableQuantities(items: { id: string; quantity: number }[], requests: { status: ReturnStatus; items: { orderItemId: string; quantity: number }[] }[]): Map<string, number> {
  const left = new Map(items.map((i) => [i.id, i.quantity]));
  for (const r of requests) {
    if (r.status === "REJECTED") continue;
    for (const ri of r.items) left.set(ri.orderItemId, Math.max(0, (left.get(ri.orderItemId) ?? 0) - ri.quantity));
  }
  return left;
}

export type ReturnIneligibleReason = "not_delivered" | "window_closed" | "nothing_left" | "closed";

export function returnEligibility(
  o: { status: OrderStatus; deliveredAt: Date | null },
  windowDays: number,
  returnable: Map<string, number>,
  now: Date,
): { eligible: boolean; until: Date | null; windowDays: number; reason: ReturnIneligibleReason | null } {
  const until = o.deliveredAt ? new Date(o.deliveredAt.getTime() + windowDays * 86_400_000) : null;
  let reason: ReturnIneligibleReason | null = null;
  if (o.status === "CANCELLED" || o.status === "REFUNDED") reason = "closed";
  else if (!o.deliveredAt || o.status !== "DELIVERED") reason = "not_delivered";
  else if (until && until.getTime() < now.getTime()) reason = "window_closed";
  else if (![...returnable.values()].some((q) => q > 0)) reason = "nothing_left";
  return { eligible: reason === null, until, windowDays, reason };
}

export interface ReturnRequestInput {
  number: string;
  /** One of RETURN_REASONS (anything else gets a message on the reason field). */
  reason: string;
  comment?: string | null;
  items: { orderItemId: string; quantity: number }[];
}

/**
 * Creates a return request for one of the customer's own orders. Refuses (and writes nothing) when
 * the order is not the caller's (NOT_FOUND), not delivered, past the window, or when a quantity is
 * more than is left to return (a message on that item's field: `items.<orderItemId>`).
 */
export async function requestReturn(
  db: Db,
  actor: { userId: string; customerId: string },
  input: ReturnRequestInput,
  opts: { appUrl: string; now?: Date },
) {
  const now = opts.now ?? new Date();
  const comment = input.comment?.trim() || null;
  if (!(RETURN_REASONS as readonly string[]).includes(input.reason)) throw new AppError("BAD_REQUEST", "Choose a reason for the return.", { reason: "orders.errors.reasonRequired" });
  if (input.reason === "other" && !comment) throw new AppError("BAD_REQUEST", "Tell us a little about the reason.", { comment: "orders.errors.commentRequired" });

  return db.$transaction(async (tx) => {
    const order = await tx.order.findFirst({ where: { number: input.number, customerId: actor.customerId }, select: { id: true, number: true, status: true, deliveredAt: true } });
    if (!order) throw new AppError("NOT_FOUND", "No such order.");
    // Serialise requests for one order so two at once cannot claim the same items twice.
    await tx.$executeRaw`SELECT 1 FROM "Order" WHERE "id" = ${order.id} FOR UPDATE`;
    const [items, existing, windowDays] = await Promise.all([
      tx.orderItem.findMany({ where: { orderId: order.id }, orderBy: { id: "asc" } }),
      tx.returnRequest.findMany({ where: { orderId: order.id }, select: { status: true, items: { select: { orderItemId: true, quantity: true } } } }),
      returnWindow(tx),
    ]);
    const left = returnableQuantities(items, existing);
    const eligibility = returnEligibility(order, windowDays, left, now);
    if (!eligibility.eligible) {
      const key = eligibility.reason === "window_closed" ? "orders.errors.windowClosed" : eligibility.reason === "nothing_left" ? "orders.errors.nothingLeft" : "orders.errors.notReturnable";
      const message: FieldMessage = eligibility.until ? { key, params: { date: eligibility.until.toISOString().slice(0, 10), days: windowDays } } : key;
      throw new AppError("PRECONDITION_FAILED", "This order cannot be returned.", { form: message });
    }

    const wanted = new Map<string, number>();
    const fieldErrors: Record<string, FieldMessage> = {};
    for (const line of input.items) {
      if (!left.has(line.orderItemId)) {
        fieldErrors.items = "orders.errors.unknownItem";
        continue;
      }
      wanted.set(line.orderItemId, (wanted.get(line.orderItemId) ?? 0) + line.quantity);
    }
    for (const [id, qty] of wanted) {
      const max = left.get(id) ?? 0;
      if (qty > max) fieldErrors[`items.${id}`] = { key: "orders.errors.quantityTooMany", params: { max } };
    }
    const lines = [...wanted].filter(([, q]) => q > 0);
    if (!lines.length && !fieldErrors.items) fieldErrors.items = "orders.errors.noItems";
    if (Object.keys(fieldErrors).length) throw new AppError("BAD_REQUEST", "Check the items to return.", fieldErrors);

    const request = await tx.returnRequest.create({
      data: {
        orderId: order.id,
        customerId: actor.customerId,
        reason: input.reason,
        comment,
        items: { create: lines.map(([orderItemId, quantity]) => ({ orderItemId, quantity })) },
      },
    });
    const returnedItems = lines.map(([id, quantity]) => ({ name: items.find((i) => i.id === id)!.name, quantity }));
    await tx.orderEvent.create({ data: { orderId: order.id, type: "return_requested", occurredAt: now, data: { returnRequestId: request.id, reason: input.reason } } });
    await recordTouchpoint(tx, {
      customerId: actor.customerId,
      type: "order.return_requested",
      channel: "web",
      actorUserId: actor.userId,
      subjectType: "order",
      subjectId: order.id,
      metadata: { number: order.number, returnRequestId: request.id, reason: input.reason, items: lines.length },
      occurredAt: now,
    });

    const customer = await tx.customer.findUniqueOrThrow({ where: { id: actor.customerId }, select: { email: true, name: true } });
    const recipients = await staffRecipients(tx);
    const url = `${opts.appUrl.replace(/\/$/, "")}/staff/orders/${encodeURIComponent(order.number)}`;
    for (const r of recipients) {
      await enqueueMail(tx, {
        to: r.email,
        template: "return-requested",
        locale: r.locale,
        props: { orderNumber: order.number, customerName: customer.name, customerEmail: customer.email, reason: input.reason, comment, items: returnedItems, url },
      });
    }
    return { id: request.id, status: request.status, notified: recipients.length };
  });
}

async function staffRecipients(tx: Tx): Promise<{ email: string; locale: "en" | "zh-CN" }[]> {
  const setting = await tx.setting.findUnique({ where: { key: RETURNS_NOTIFY_SETTING } });
  if (typeof setting?.value === "string" && setting.value.includes("@")) return [{ email: setting.value, locale: "en" }];
  const staff = await tx.user.findMany({ where: { staffRole: { in: ["AGENT", "ADMIN"] }, disabledAt: null }, orderBy: { createdAt: "asc" }, select: { email: true, locale: true } });
  return staff.map((s) => ({ email: s.email, locale: fromDbLocale(s.locale) }));
}

export const RETURN_ACTIONS = ["approve", "reject", "receive"] as const;
export type ReturnAction = (typeof RETURN_ACTIONS)[number];

const TRANSITIONS: Record<ReturnAction, { from: ReturnStatus; to: ReturnStatus; event: string }> = {
  approve: { from: "REQUESTED", to: "APPROVED", event: "return_approved" },
  reject: { from: "REQUESTED", to: "REJECTED", event: "return_rejected" },
  receive: { from: "APPROVED", to: "RECEIVED", event: "return_received" },
};

/** Staff decision on a return request; audited, on the order's timeline, and a touchpoint. */
export async function updateReturnRequest(
  db: Db,
  actor: { userId: string; ip: string | null },
  input: { id: string; action: ReturnAction; note?: string | null },
  opts: { appUrl: string },
) {
  const t = TRANSITIONS[input.action];
  const note = input.note?.trim() || null;
  return db.$transaction(async (tx) => {
    const request = await tx.returnRequest.findUnique({
      where: { id: input.id },
      include: { order: { select: { id: true, number: true } }, customer: { select: { email: true, name: true, locale: true, anonymizedAt: true } } },
    });
    if (!request) throw new AppError("NOT_FOUND", "No such return request.");
    // Conditional update: a concurrent decision on the same request loses instead of overwriting.
    const moved = await tx.returnRequest.updateMany({ where: { id: request.id, status: t.from }, data: { status: t.to } });
    if (moved.count !== 1) throw new AppError("CONFLICT", "This return request is no longer waiting for that step.", { form: { key: "orders.errors.returnState", params: { status: request.status } } });
    const now = new Date();
    await tx.orderEvent.create({ data: { orderId: request.orderId, type: t.event, occurredAt: now, data: { returnRequestId: request.id, by: actor.userId, ...(note ? { note } : {}) } } });
    await audit(tx, { actorId: actor.userId, action: `order.${t.event}`, targetType: "returnRequest", targetId: request.id, data: { orderNumber: request.order.number, from: t.from, to: t.to, note }, ip: actor.ip });
    await recordTouchpoint(tx, {
      customerId: request.customerId,
      type: `order.${t.event}`,
      channel: "staff",
      actorUserId: actor.userId,
      subjectType: "order",
      subjectId: request.orderId,
      metadata: { number: request.order.number, returnRequestId: request.id },
      occurredAt: now,
    });
    // The customer hears of the decision (never of the staff note, which stays internal).
    if (!request.customer.anonymizedAt) {
      await enqueueMail(tx, {
        to: request.customer.email,
        locale: fromDbLocale(request.customer.locale),
        customerId: request.customerId,
        template: "order-return-update",
        props: { name: request.customer.name, orderNumber: request.order.number, status: t.to as "APPROVED" | "REJECTED" | "RECEIVED", url: `${opts.appUrl.replace(/\/$/, "")}/orders/${encodeURIComponent(request.order.number)}` },
      });
    }
    return { id: request.id, status: t.to, number: request.order.number };
  });
}
