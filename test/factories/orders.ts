// Orders with items and a consistent status timeline:
// placedAt ≤ paidAt ≤ shippedAt ≤ deliveredAt (each present exactly when the status implies it),
// all ≤ ctx.now, with an OrderEvent per step.
import type { Order, OrderEvent, OrderItem, OrderStatus, Prisma } from "../../server/db/generated/client.ts";
import { ORDER_EVENT } from "../../server/domain/orders/lifecycle.ts";
import { addMs, DAY, factoryContext, HOUR, MINUTE, type FactoryContext } from "./random.ts";
import { createCustomer } from "./users.ts";
import { inTransaction, refId, type DbClient, type Ref } from "./types.ts";

/** OrderEvent.type values (the timeline): the app's own names, so factory orders look like real ones. */
export { ORDER_EVENT };

export interface OrderItemInput {
  sku?: string | null;
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

/** A small catalog; prices in USD cents (EUR uses the same figures, CNY ×7 rounded to ¥1). */
export const CATALOG: readonly { sku: string; name: string; usdMinor: number }[] = [
  { sku: "MUG-CER-01", name: "Ceramic mug, speckled white", usdMinor: 1800 },
  { sku: "POUR-SET-02", name: "Pour-over coffee set", usdMinor: 4600 },
  { sku: "BEAN-ETH-250", name: "Ethiopia Yirgacheffe beans, 250 g", usdMinor: 1650 },
  { sku: "BEAN-COL-1K", name: "Colombia Huila beans, 1 kg", usdMinor: 4200 },
  { sku: "TEA-OOL-100", name: "Tieguanyin oolong tea, 100 g", usdMinor: 2400 },
  { sku: "KETTLE-GN-1", name: "Gooseneck kettle, matte black", usdMinor: 7900 },
  { sku: "GRIND-HND-3", name: "Hand grinder with ceramic burrs", usdMinor: 6500 },
  { sku: "TOTE-CAN-01", name: "Canvas tote bag", usdMinor: 2200 },
  { sku: "FILTER-100", name: "Paper filters (100)", usdMinor: 800 },
  { sku: "SCALE-DIG-2", name: "Digital brew scale", usdMinor: 3900 },
  { sku: "CUP-TRV-35", name: "Travel cup, 350 ml", usdMinor: 2800 },
  { sku: "GIFT-CARD-50", name: "Gift card", usdMinor: 5000 },
];

export function priceIn(currency: string, usdMinor: number): number {
  if (currency === "CNY") return Math.round((usdMinor * 7) / 100) * 100;
  return usdMinor;
}

const FREE_SHIPPING_USD = 7500;
const SHIPPING_USD = 599;

export function defaultShipping(currency: string, subtotalMinor: number): number {
  return subtotalMinor >= priceIn(currency, FREE_SHIPPING_USD) ? 0 : priceIn(currency, SHIPPING_USD);
}
/** US sales tax (7%) on USD orders; EUR/CNY prices include VAT. */
export function defaultTax(currency: string, subtotalMinor: number): number {
  return currency === "USD" ? Math.round(subtotalMinor * 0.07) : 0;
}

export const CARRIERS: Record<"USD" | "EUR" | "CNY", readonly { carrier: string; url: string }[]> = {
  USD: [{ carrier: "UPS", url: "https://www.ups.com/track?tracknum=" }, { carrier: "USPS", url: "https://tools.usps.com/go/TrackConfirmAction?tLabels=" }],
  EUR: [{ carrier: "DHL", url: "https://www.dhl.com/en/express/tracking.html?AWB=" }, { carrier: "DPD", url: "https://tracking.dpd.de/status/en_US/parcel/" }],
  CNY: [{ carrier: "SF Express", url: "https://www.sf-express.com/chn/sc/waybill/waybill-detail/" }, { carrier: "ZTO", url: "https://www.zto.com/?num=" }],
};

export interface OrderOverrides {
  /** Owner; created (no login) when neither is given. */
  customer?: Ref;
  customerId?: string;
  status?: OrderStatus;
  currency?: string;
  number?: string;
  items?: OrderItemInput[];
  shippingMinor?: number;
  taxMinor?: number;
  discountMinor?: number;
  placedAt?: Date;
  paidAt?: Date | null;
  shippedAt?: Date | null;
  deliveredAt?: Date | null;
  cancelledAt?: Date | null;
  /** REFUNDED: when the refund happened (default a few days after the last step). */
  refundedAt?: Date;
  /** REFUNDED: default the whole total. */
  refundedMinor?: number;
  /** DELIVERED/REFUNDED: add a "return_requested" event. REFUNDED after delivery always has one. */
  returnRequested?: boolean;
  carrier?: string;
  trackingNumber?: string;
  /** A shipped order gets its Shipment (carrier, tracking, carrier events) unless this is false. */
  shipment?: boolean;
  source?: string;
  stripeCheckoutSessionId?: string | null;
  stripePaymentIntentId?: string | null;
}

export type OrderWithDetails = Order & { items: OrderItem[]; events: OrderEvent[] };

/** Typical age (days before now) of an order in each status, used when placedAt is not given. */
const DEFAULT_AGE_DAYS: Record<OrderStatus, [number, number]> = {
  PLACED: [0, 0.5],
  PAID: [0.2, 2],
  SHIPPED: [2, 5],
  DELIVERED: [10, 300],
  CANCELLED: [2, 300],
  REFUNDED: [20, 300],
};

interface Timeline {
  paidAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
  returnRequestedAt: Date | null;
  refundedAt: Date | null;
}

/**
 * Fills in the timestamps a status implies, after placedAt and not after now. Planned gaps are
 * scaled down when the order is too recent for them. Explicit values win but must be ordered.
 */
export function orderTimeline(
  status: OrderStatus,
  placedAt: Date,
  now: Date,
  rng: FactoryContext["rng"],
  given: Partial<Pick<OrderOverrides, "paidAt" | "shippedAt" | "deliveredAt" | "cancelledAt" | "refundedAt" | "returnRequested">> = {},
): Timeline {
  const paid = status === "PAID" || status === "SHIPPED" || status === "DELIVERED" || status === "REFUNDED";
  // A refund may come before shipping (20%) or after delivery; explicit values decide.
  const refundAfterShipping = given.shippedAt instanceof Date ? true : given.shippedAt === null ? false : rng.chance(0.8);
  const shipped = status === "SHIPPED" || status === "DELIVERED" || (status === "REFUNDED" && refundAfterShipping);
  const delivered = status === "DELIVERED" || (status === "REFUNDED" && shipped && given.deliveredAt !== null);
  const cancelled = status === "CANCELLED";
  const refunded = status === "REFUNDED";
  const returnRequested = (delivered && (refunded || given.returnRequested === true)) || false;

  // Planned steps (name, gap from the previous step in ms)
  const steps: [keyof Timeline, number][] = [];
  if (paid) steps.push(["paidAt", rng.int(1, 45) * MINUTE]);
  if (cancelled) steps.push(["cancelledAt", rng.int(1, 48) * HOUR]);
  if (shipped) steps.push(["shippedAt", rng.int(18, 72) * HOUR]);
  if (delivered) steps.push(["deliveredAt", rng.int(2, 6) * DAY]);
  if (returnRequested) steps.push(["returnRequestedAt", rng.int(1, 14) * DAY]);
  if (refunded) steps.push(["refundedAt", rng.int(1, 4) * DAY]);

  const total = steps.reduce((s, [, g]) => s + g, 0);
  const room = Math.max(0, now.getTime() - placedAt.getTime());
  const scale = total > room ? room / total : 1;

  const out: Timeline = { paidAt: null, shippedAt: null, deliveredAt: null, cancelledAt: null, returnRequestedAt: null, refundedAt: null };
  let t = placedAt;
  for (const [key, gap] of steps) {
    const explicit = given[key as keyof typeof given];
    t = explicit instanceof Date ? explicit : addMs(t, Math.floor(gap * scale));
    out[key] = t;
  }
  // Validate order of explicit values.
  const seq = [placedAt, out.paidAt, out.cancelledAt, out.shippedAt, out.deliveredAt, out.returnRequestedAt, out.refundedAt].filter((d): d is Date => d !== null);
  for (let i = 1; i < seq.length; i++) {
    if (seq[i]!.getTime() < seq[i - 1]!.getTime()) throw new Error(`createOrder: timestamps out of order for status ${status}: ${seq.map((d) => d.toISOString()).join(" → ")}`);
  }
  return out;
}

export function randomItems(currency: string, rng: FactoryContext["rng"]): OrderItemInput[] {
  const n = rng.weighted([[1, 5], [2, 3], [3, 2], [4, 1]] as const);
  return rng.sample(CATALOG, n).map((p) => ({
    sku: p.sku,
    name: p.name,
    quantity: rng.weighted([[1, 8], [2, 2], [3, 1]] as const),
    unitPriceMinor: priceIn(currency, p.usdMinor),
  }));
}

/**
 * An order with items, timeline events and, once shipped, its shipment with carrier events. Totals: subtotal = Σ quantity × unit price,
 * total = subtotal + shipping + tax − discount. Default: DELIVERED, USD, 1–4 catalog items.
 */
export async function createOrder(db: DbClient, overrides: OrderOverrides = {}, ctx: FactoryContext = factoryContext()): Promise<OrderWithDetails> {
  const { rng } = ctx;
  const now = ctx.now;
  const status: OrderStatus = overrides.status ?? "DELIVERED";
  const currency = overrides.currency ?? "USD";
  const [minAge, maxAge] = DEFAULT_AGE_DAYS[status];
  const placedAt = overrides.placedAt ?? new Date(now.getTime() - Math.floor((minAge + rng.float() * (maxAge - minAge)) * DAY));
  if (placedAt.getTime() > now.getTime()) throw new Error("createOrder: placedAt is in the future");
  const tl = orderTimeline(status, placedAt, now, rng, overrides);

  const items = overrides.items ?? randomItems(currency, rng);
  if (items.length === 0) throw new Error("createOrder: an order needs at least one item");
  const subtotalMinor = items.reduce((s, i) => s + i.quantity * i.unitPriceMinor, 0);
  const shippingMinor = overrides.shippingMinor ?? defaultShipping(currency, subtotalMinor);
  const taxMinor = overrides.taxMinor ?? defaultTax(currency, subtotalMinor);
  const discountMinor = overrides.discountMinor ?? 0;
  const totalMinor = subtotalMinor + shippingMinor + taxMinor - discountMinor;
  if (totalMinor < 0) throw new Error("createOrder: discount larger than the order");
  const refundedMinor = status === "REFUNDED" ? (overrides.refundedMinor ?? totalMinor) : 0;

  const carrierInfo = rng.pick(CARRIERS[currency as keyof typeof CARRIERS] ?? CARRIERS.USD);
  const carrier = overrides.carrier ?? carrierInfo.carrier;
  const trackingNumber = overrides.trackingNumber ?? `${carrier.replace(/\W/g, "").slice(0, 3).toUpperCase()}${rng.token(10).toUpperCase()}`;

  const events: Prisma.OrderEventCreateWithoutOrderInput[] = [{ type: ORDER_EVENT.placed, occurredAt: placedAt, data: { totalMinor, currency } }];
  if (tl.paidAt) events.push({ type: ORDER_EVENT.paid, occurredAt: tl.paidAt, data: { amountMinor: totalMinor, currency } });
  if (tl.cancelledAt) events.push({ type: ORDER_EVENT.cancelled, occurredAt: tl.cancelledAt, data: { reason: "customer_request" } });
  if (tl.shippedAt) events.push({ type: ORDER_EVENT.shipped, occurredAt: tl.shippedAt, data: { carrier, trackingNumber, trackingUrl: `${carrierInfo.url}${trackingNumber}` } });
  if (tl.deliveredAt) events.push({ type: ORDER_EVENT.delivered, occurredAt: tl.deliveredAt, data: { carrier } });
  if (tl.returnRequestedAt) events.push({ type: ORDER_EVENT.returnRequested, occurredAt: tl.returnRequestedAt, data: { reason: "does_not_fit" } });
  if (tl.refundedAt) events.push({ type: ORDER_EVENT.refunded, occurredAt: tl.refundedAt, data: { amountMinor: refundedMinor, currency } });

  const customerId = overrides.customerId ?? (overrides.customer ? refId(overrides.customer) : undefined);
  return inTransaction(db, async (tx) => {
    const ownerId = customerId ?? (await createCustomer(tx, { createdAt: placedAt }, ctx)).id;
    const lastStep = events[events.length - 1]!.occurredAt as Date;
    return tx.order.create({
      data: {
        number: overrides.number ?? ctx.nextOrderNumber(),
        customerId: ownerId,
        status,
        currency,
        subtotalMinor,
        shippingMinor,
        taxMinor,
        discountMinor,
        totalMinor,
        refundedMinor,
        placedAt,
        paidAt: tl.paidAt,
        shippedAt: tl.shippedAt,
        deliveredAt: tl.deliveredAt,
        cancelledAt: tl.cancelledAt,
        source: overrides.source ?? "manual",
        stripeCheckoutSessionId: overrides.stripeCheckoutSessionId ?? null,
        stripePaymentIntentId: overrides.stripePaymentIntentId ?? null,
        createdAt: placedAt,
        updatedAt: lastStep,
        items: { create: items.map((i) => ({ sku: i.sku ?? null, name: i.name, quantity: i.quantity, unitPriceMinor: i.unitPriceMinor })) },
        events: { create: events },
        ...(tl.shippedAt && overrides.shipment !== false
          ? {
              shipments: {
                create: [
                  {
                    carrier,
                    trackingNumber,
                    trackingUrl: `${carrierInfo.url}${trackingNumber}`,
                    status: tl.deliveredAt ? ("DELIVERED" as const) : ("IN_TRANSIT" as const),
                    shippedAt: tl.shippedAt,
                    deliveredAt: tl.deliveredAt,
                    createdAt: tl.shippedAt,
                    events: {
                      create: [
                        { status: "IN_TRANSIT" as const, description: "Picked up by the carrier", occurredAt: tl.shippedAt },
                        ...(tl.deliveredAt ? [{ status: "DELIVERED" as const, description: "Delivered", occurredAt: tl.deliveredAt }] : []),
                      ],
                    },
                  },
                ],
              },
            }
          : {}),
      },
      include: { items: true, events: { orderBy: { occurredAt: "asc" } } },
    });
  });
}

/** When the order's refund happened (from its events), if refunded. */
export function refundedAt(order: OrderWithDetails): Date | null {
  return order.events.find((e) => e.type === ORDER_EVENT.refunded)?.occurredAt ?? null;
}
