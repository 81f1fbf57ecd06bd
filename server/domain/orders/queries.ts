// Read side of orders: the customer's order list and detail (always scoped to the caller's own
// customer id, so another customer's order is NOT_FOUND, never FORBIDDEN), and the staff search
// and detail. Status changes live in lifecycle.ts; return requests in returns.ts.
import { sqlRows } from "../../db/sql.ts";
import type { Db } from "../../db/client.ts";
import { Prisma, type OrderStatus, type ReturnStatus } from "../../db/generated/client.ts";
import { AppError } from "../errors.ts";
import { ORDER_TRANSITIONS } from "./lifecycle.ts";
import { returnableQuantities, returnEligibility, returnWindow } from "./returns.ts";

export const ORDER_STATUSES = ["PLACED", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"] as const satisfies readonly OrderStatus[];
export const RETURN_STATUSES = ["REQUESTED", "APPROVED", "REJECTED", "RECEIVED", "REFUNDED"] as const satisfies readonly ReturnStatus[];

/** Orders per page of the customer's list. */
export const ORDER_PAGE_SIZE = 20;

/**
 * Order numbers are letters, digits and a few separators. Anything else is dropped from a search
 * term, which also keeps LIKE wildcards (`%`, `_`) out of the pattern.
 */
export function orderNumberTerm(q: string): string {
  return q.replace(/[^A-Za-z0-9\-./#]/g, "").slice(0, 64);
}

/**
 * The customer's orders, newest first, one page at a time with the total. Every query starts with
 * `customerId = ?` and sorts by placedAt desc, which is exactly the index
 * `Order(customerId, placedAt DESC)`: the cost depends on this customer's orders only, not on the
 * size of the table (see test/bench/order-list.ts).
 */
interface CustomerOrderRow {
  number: string;
  status: OrderStatus;
  currency: string;
  totalMinor: number;
  refundedMinor: number;
  placedAt: Date;
  deliveredAt: Date | null;
  itemCount: number;
  firstItem: string | null;
  lines: number;
}

export async function listCustomerOrders(db: Db, customerId: string, opts: { status?: OrderStatus; q?: string; page?: number; pageSize?: number }) {
  const pageSize = Math.min(Math.max(opts.pageSize ?? ORDER_PAGE_SIZE, 1), 100);
  const term = orderNumberTerm(opts.q ?? "");
  // Raw SQL (two statements) rather than Prisma count + findMany with nested items, which were
  // three queries plus their compilation per page view (issue #14). Same filters: `contains` +
  // insensitive is ILIKE, and `term` cannot hold LIKE wildcards (orderNumberTerm).
  const where = Prisma.sql`o."customerId" = ${customerId}${opts.status ? Prisma.sql` AND o.status = ${opts.status}::"OrderStatus"` : Prisma.empty}${term ? Prisma.sql` AND o.number ILIKE ${`%${term}%`}` : Prisma.empty}`;
  const [{ total }] = await sqlRows<[{ total: number }]>(db, Prisma.sql`SELECT count(*)::int AS total FROM "Order" o WHERE ${where}`);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(opts.page ?? 1, 1), pages);
  const rows = await sqlRows<CustomerOrderRow[]>(db, Prisma.sql`
    SELECT o.number, o.status::text AS status, o.currency, o."totalMinor", o."refundedMinor", o."placedAt", o."deliveredAt",
           coalesce(i."itemCount", 0)::int AS "itemCount", i."firstItem", coalesce(i.lines, 0)::int AS lines
    FROM "Order" o
    LEFT JOIN LATERAL (
      SELECT sum(quantity) AS "itemCount", count(*) AS lines, (array_agg(name ORDER BY id))[1] AS "firstItem" FROM "OrderItem" WHERE "orderId" = o.id
    ) i ON true
    WHERE ${where}
    ORDER BY o."placedAt" DESC, o.id DESC
    OFFSET ${(page - 1) * pageSize} LIMIT ${pageSize}`);
  return {
    items: rows.map(({ lines, firstItem, ...o }) => ({
      ...o,
      firstItem: firstItem ?? null,
      otherItems: Math.max(0, lines - 1),
    })),
    total,
    page,
    pages,
    pageSize,
    filters: { status: opts.status ?? null, q: term },
  };
}

/** Fields of an OrderEvent's data a customer may see (staff notes, Stripe ids and actors stay out). */
const CUSTOMER_EVENT_FIELDS = ["carrier", "trackingNumber", "trackingUrl", "amountMinor", "currency", "status", "from", "to"] as const;

function pickEventData(data: Prisma.JsonValue | null): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (!data || typeof data !== "object" || Array.isArray(data)) return out;
  for (const k of CUSTOMER_EVENT_FIELDS) {
    const v = (data as Record<string, unknown>)[k];
    if (typeof v === "string" || typeof v === "number") out[k] = v;
  }
  return out;
}

/** Only http(s) tracking links are rendered as links. */
function safeUrl(u: string | null | undefined): string | null {
  if (!u) return null;
  try {
    const url = new URL(u);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
  } catch {
    return null;
  }
}

const detailInclude = {
  items: { orderBy: { id: "asc" } },
  events: { orderBy: [{ occurredAt: "asc" }, { id: "asc" }] },
  shipments: { orderBy: { createdAt: "asc" }, include: { events: { orderBy: { occurredAt: "asc" } } } },
  refunds: { orderBy: { refundedAt: "asc" } },
  returnRequests: { orderBy: { createdAt: "asc" }, include: { items: true } },
} satisfies Prisma.OrderInclude;

/**
 * One of the customer's own orders by number, shaped for the customer: items, totals, timeline,
 * shipments with tracking links, refunds, return requests and the return window. Stripe ids,
 * payment failure details and staff notes are not included.
 */
export async function customerOrderDetail(db: Db, customerId: string, number: string, now = new Date()) {
  const o = await db.order.findFirst({ where: { number, customerId }, include: detailInclude });
  if (!o) throw new AppError("NOT_FOUND", "No such order.");
  const windowDays = await returnWindow(db);
  const returnable = returnableQuantities(o.items, o.returnRequests);
  const eligibility = returnEligibility(o, windowDays, returnable, now);
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    currency: o.currency,
    subtotalMinor: o.subtotalMinor,
    shippingMinor: o.shippingMinor,
    taxMinor: o.taxMinor,
    discountMinor: o.discountMinor,
    totalMinor: o.totalMinor,
    refundedMinor: o.refundedMinor,
    placedAt: o.placedAt,
    paidAt: o.paidAt,
    shippedAt: o.shippedAt,
    deliveredAt: o.deliveredAt,
    cancelledAt: o.cancelledAt,
    receiptUrl: safeUrl(o.stripeReceiptUrl),
    items: o.items.map((i) => ({ id: i.id, sku: i.sku, name: i.name, quantity: i.quantity, unitPriceMinor: i.unitPriceMinor, lineMinor: i.quantity * i.unitPriceMinor, returnable: returnable.get(i.id) ?? 0 })),
    events: o.events.map((e) => ({ id: e.id, type: e.type, occurredAt: e.occurredAt, data: pickEventData(e.data) })),
    shipments: o.shipments.map((s) => ({
      id: s.id,
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      trackingUrl: safeUrl(s.trackingUrl),
      status: s.status,
      shippedAt: s.shippedAt,
      deliveredAt: s.deliveredAt,
      events: s.events.map((e) => ({ id: e.id, status: e.status, description: e.description, location: e.location, occurredAt: e.occurredAt })),
    })),
    refunds: o.refunds.map((r) => ({ id: r.id, amountMinor: r.amountMinor, currency: r.currency, refundedAt: r.refundedAt })),
    returnRequests: o.returnRequests.map((r) => ({
      id: r.id,
      status: r.status,
      reason: r.reason,
      comment: r.comment,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      items: r.items.map((ri) => ({ orderItemId: ri.orderItemId, quantity: ri.quantity, name: o.items.find((i) => i.id === ri.orderItemId)?.name ?? "" })),
    })),
    returns: eligibility,
  };
}

// ---------------------------------------------------------------------------------------------
// Staff
// ---------------------------------------------------------------------------------------------

const staffListSelect = {
  number: true,
  status: true,
  currency: true,
  totalMinor: true,
  refundedMinor: true,
  placedAt: true,
  source: true,
  customer: { select: { id: true, email: true, name: true } },
} satisfies Prisma.OrderSelect;

/**
 * Staff search: an exact order number (unique index) or a customer's email (unique index, then
 * that customer's orders through Order(customerId, placedAt DESC)). With no query: the newest
 * orders (index Order(placedAt DESC)) and the return requests waiting for staff.
 */
export async function staffFindOrders(db: Db, q: string, take = 25) {
  const term = q.trim().slice(0, 200);
  if (!term) {
    const [orders, openReturns] = await Promise.all([
      db.order.findMany({ orderBy: { placedAt: "desc" }, take, select: staffListSelect }),
      db.returnRequest.findMany({
        where: { status: "REQUESTED" },
        orderBy: { createdAt: "asc" },
        take,
        select: { id: true, createdAt: true, reason: true, order: { select: { number: true } }, customer: { select: { email: true, name: true } } },
      }),
    ]);
    return { q: "", mode: "recent" as const, orders, openReturns };
  }
  if (term.includes("@")) {
    const customer = await db.customer.findUnique({ where: { email: term.toLowerCase() }, select: { id: true } });
    const orders = customer ? await db.order.findMany({ where: { customerId: customer.id }, orderBy: { placedAt: "desc" }, take: 100, select: staffListSelect }) : [];
    return { q: term, mode: "email" as const, orders, openReturns: [] };
  }
  const exact = await db.order.findUnique({ where: { number: term }, select: staffListSelect });
  const orders = exact ? [exact] : await db.order.findMany({ where: { number: { equals: term, mode: "insensitive" } }, take, select: staffListSelect });
  return { q: term, mode: "number" as const, orders, openReturns: [] };
}

/** Everything staff need about one order, including Stripe ids and the Stripe events received for it. */
export async function staffOrderDetail(db: Db, number: string) {
  const o = await db.order.findUnique({
    where: { number },
    include: { ...detailInclude, customer: { select: { id: true, email: true, name: true, locale: true, timeZone: true } } },
  });
  if (!o) throw new AppError("NOT_FOUND", "No such order.");
  // StripeEvent is indexed on paymentIntentId and checkoutSessionId: look the order's events up by those.
  const links: Prisma.StripeEventWhereInput[] = [];
  if (o.stripePaymentIntentId) links.push({ paymentIntentId: o.stripePaymentIntentId });
  if (o.stripeCheckoutSessionId) links.push({ checkoutSessionId: o.stripeCheckoutSessionId });
  const [stripeEvents, windowDays] = await Promise.all([
    links.length
      ? db.stripeEvent.findMany({ where: { OR: links }, orderBy: { receivedAt: "asc" }, take: 200, select: { id: true, type: true, receivedAt: true, appliedAt: true, error: true } })
      : Promise.resolve([]),
    returnWindow(db),
  ]);
  const returnable = returnableQuantities(o.items, o.returnRequests);
  return {
    ...o,
    events: o.events.map((e) => ({ id: e.id, type: e.type, occurredAt: e.occurredAt, data: (e.data ?? null) as Record<string, unknown> | null })),
    returnRequests: o.returnRequests.map((r) => ({
      ...r,
      items: r.items.map((ri) => ({ ...ri, name: o.items.find((i) => i.id === ri.orderItemId)?.name ?? "" })),
    })),
    stripeEvents,
    returns: returnEligibility(o, windowDays, returnable, new Date()),
    /** The statuses a manual change may move the order to (lifecycle.ts decides). */
    allowedStatuses: [...ORDER_TRANSITIONS[o.status]],
  };
}
