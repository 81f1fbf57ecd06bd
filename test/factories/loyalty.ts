// Loyalty ledger entries that keep Customer.pointsAvailable / pointsPending equal to the sums of
// the customer's availableDelta / pendingDelta (the cached balance), and never negative.
import type { LedgerEntryType, LoyaltyLedgerEntry, Order } from "../../server/db/generated/client.ts";
import { addMs, DAY, factoryContext, type FactoryContext } from "./random.ts";
import { inTransaction, refId, type DbClient, type Ref } from "./types.ts";

export interface LedgerOverrides {
  customer?: Ref;
  customerId?: string;
  /** Default ADJUST. */
  type?: LedgerEntryType;
  availableDelta?: number;
  pendingDelta?: number;
  reason?: string;
  sourceType?: string | null;
  sourceId?: string | null;
  idempotencyKey?: string;
  createdAt?: Date;
}

/**
 * Appends one ledger entry and moves the cached balances by the same deltas, atomically.
 * Throws (and writes nothing) if either balance would go negative.
 */
export async function createLedgerEntry(db: DbClient, overrides: LedgerOverrides, ctx: FactoryContext = factoryContext()): Promise<LoyaltyLedgerEntry> {
  const customerId = overrides.customerId ?? (overrides.customer ? refId(overrides.customer) : undefined);
  if (!customerId) throw new Error("createLedgerEntry: customer or customerId is required");
  const availableDelta = overrides.availableDelta ?? 0;
  const pendingDelta = overrides.pendingDelta ?? 0;
  const type = overrides.type ?? "ADJUST";
  return inTransaction(db, async (tx) => {
    const moved = await tx.customer.updateMany({
      where: { id: customerId, pointsAvailable: { gte: Math.max(0, -availableDelta) }, pointsPending: { gte: Math.max(0, -pendingDelta) } },
      data: { pointsAvailable: { increment: availableDelta }, pointsPending: { increment: pendingDelta } },
    });
    if (moved.count !== 1) throw new Error(`createLedgerEntry: customer ${customerId} missing or ${type} (${availableDelta}/${pendingDelta}) would make a balance negative`);
    return tx.loyaltyLedgerEntry.create({
      data: {
        customerId,
        type,
        availableDelta,
        pendingDelta,
        reason: overrides.reason ?? type.toLowerCase(),
        sourceType: overrides.sourceType ?? null,
        sourceId: overrides.sourceId ?? null,
        idempotencyKey: overrides.idempotencyKey ?? ctx.unique("ledger-"),
        createdAt: overrides.createdAt ?? ctx.now,
      },
    });
  });
}

/** Points per whole unit of currency (1 per USD or EUR, 1 per ¥7). */
export const POINTS_PER_MAJOR_UNIT: Record<string, number> = { USD: 1, EUR: 1, CNY: 1 / 7 };

/** Points an order earns: on subtotal − discount (not shipping or tax), rounded down. */
export function pointsForOrder(order: Pick<Order, "subtotalMinor" | "discountMinor" | "currency">, multiplier = 1): number {
  const rate = POINTS_PER_MAJOR_UNIT[order.currency] ?? 1;
  return Math.max(0, Math.floor(((order.subtotalMinor - order.discountMinor) / 100) * rate * multiplier));
}

export interface PlannedLedgerEntry extends Required<Pick<LedgerOverrides, "type" | "availableDelta" | "pendingDelta" | "reason" | "idempotencyKey" | "createdAt">> {
  sourceType: string | null;
  sourceId: string | null;
}

/**
 * The entries a paid order produces, as of `now`: EARN (pending) when paid; REVERSE of the pending
 * points when refunded; RELEASE (pending → available) once the return window after delivery has
 * closed. Unpaid and cancelled orders earn nothing.
 */
export function orderLedgerPlan(
  order: Pick<Order, "id" | "number" | "status" | "currency" | "subtotalMinor" | "discountMinor" | "paidAt" | "deliveredAt">,
  opts: { now: Date; refundedAt?: Date | null; returnWindowDays?: number; multiplier?: number },
): PlannedLedgerEntry[] {
  if (!order.paidAt) return [];
  const points = pointsForOrder(order, opts.multiplier);
  if (points === 0) return [];
  const src = { sourceType: "order", sourceId: order.id };
  const out: PlannedLedgerEntry[] = [
    { type: "EARN", availableDelta: 0, pendingDelta: points, reason: `Order ${order.number}`, idempotencyKey: `order:${order.id}:earn`, createdAt: order.paidAt, ...src },
  ];
  if (order.status === "REFUNDED") {
    out.push({ type: "REVERSE", availableDelta: 0, pendingDelta: -points, reason: `Order ${order.number} refunded`, idempotencyKey: `order:${order.id}:reverse`, createdAt: opts.refundedAt ?? order.paidAt, ...src });
    return out;
  }
  const window = (opts.returnWindowDays ?? 30) * DAY;
  if (order.deliveredAt && order.deliveredAt.getTime() + window <= opts.now.getTime()) {
    out.push({ type: "RELEASE", availableDelta: points, pendingDelta: -points, reason: `Order ${order.number}: return window closed`, idempotencyKey: `order:${order.id}:release`, createdAt: addMs(order.deliveredAt, window), ...src });
  }
  return out;
}

/** Writes orderLedgerPlan() for one order (see there). */
export async function createOrderPoints(
  db: DbClient,
  order: Parameters<typeof orderLedgerPlan>[0] & { customerId: string },
  opts: { refundedAt?: Date | null; returnWindowDays?: number; multiplier?: number } = {},
  ctx: FactoryContext = factoryContext(),
): Promise<LoyaltyLedgerEntry[]> {
  const plan = orderLedgerPlan(order, { ...opts, now: ctx.now });
  return inTransaction(db, async (tx) => {
    const out: LoyaltyLedgerEntry[] = [];
    for (const e of plan) out.push(await createLedgerEntry(tx, { ...e, customerId: order.customerId }, ctx));
    return out;
  });
}
