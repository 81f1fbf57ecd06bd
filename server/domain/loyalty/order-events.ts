// The loyalty program's reaction to order events. The order domain calls this inside the same
// transaction as the order change, so points can never drift from orders. Every effect carries an
// idempotency key, so a replayed event changes nothing.
//
// paid       → tier upgrade (at once), then EARN (pending) = points × tier × campaign multiplier;
//              a pending referral qualifies (the new customer's bonus, pending too).
// delivered  → the return window starts; points are released (job) when it closes.
// refunded   → proportional REVERSE: the order's pending points first, then available, the rest
//              becomes debt (repaid from later credits).
// cancelled  → REVERSE of everything the order still holds.
import { z } from "zod";
import type { Tx } from "../../db/client.ts";
import { lockCustomer, postEntry } from "./ledger.ts";
import { markCodeUsed } from "./rewards.ts";
import { onReferralOrderPaid, onReferralOrderVoided, releaseReferralForOrder } from "./referrals.ts";
import { DAY_MS, pointsForOrder, pointsToReverse, tierDef } from "./rules.ts";
import { getSettings, type ProgramSettings } from "./settings.ts";
import { applyTier, qualifyingSpend } from "./tiers.ts";

export type OrderLoyaltyEvent =
  | { type: "paid"; orderId: string; occurredAt: Date }
  | { type: "delivered"; orderId: string; occurredAt: Date }
  | { type: "refunded"; orderId: string; refundId: string; amountMinor: number; occurredAt: Date }
  | { type: "cancelled"; orderId: string; occurredAt: Date };

export async function applyLoyaltyForOrderEvent(tx: Tx, event: OrderLoyaltyEvent): Promise<void> {
  switch (event.type) {
    case "paid":
      return onPaid(tx, event.orderId, event.occurredAt);
    case "delivered":
      return onDelivered(tx, event.orderId, event.occurredAt);
    case "refunded":
      return onReversal(tx, event.orderId, { kind: "refund", refundId: event.refundId, amountMinor: event.amountMinor }, event.occurredAt);
    case "cancelled":
      return onReversal(tx, event.orderId, { kind: "cancel" }, event.occurredAt);
  }
}

const campaignConfig = z.object({ multiplier: z.coerce.number().min(1).max(10) }).loose();

/**
 * The highest multiplier of the RUNNING points-multiplier campaigns whose window contains `at` and
 * that entered this customer outside the holdout group (held-out customers get nothing).
 */
export async function campaignMultiplier(tx: Tx, customerId: string, at: Date): Promise<number> {
  const campaigns = await tx.campaign.findMany({
    where: {
      kind: "POINTS_MULTIPLIER",
      status: "RUNNING",
      AND: [{ OR: [{ startedAt: null }, { startedAt: { lte: at } }] }, { OR: [{ endsAt: null }, { endsAt: { gt: at } }] }],
      recipients: { some: { customerId, holdout: false, status: "CREDITED" } },
    },
    select: { config: true },
  });
  return bestCampaignMultiplier(campaigns.map((c) => c.config));
}

/** The highest valid multiplier among campaign configs (1 when none). */
export function bestCampaignMultiplier(configs: unknown[]): number {
  let best = 1;
  for (const config of configs) {
    const parsed = campaignConfig.safeParse(config);
    if (parsed.success) best = Math.max(best, parsed.data.multiplier);
  }
  return best;
}

async function onPaid(tx: Tx, orderId: string, at: Date) {
  const order = await tx.order.findUnique({ where: { id: orderId } });
  if (!order) return;
  // The customer row lock serialises this with any other loyalty write (and a concurrent replay).
  await lockCustomer(tx, order.customerId);
  const already = await tx.loyaltyOrderPoints.findUnique({ where: { orderId } });
  if (already) return;
  const s = await getSettings(tx);
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: order.customerId } });

  // Upgrade first, so the order already earns at the new tier's rate.
  const spend = await qualifyingSpend(tx, customer.id, s, at, { orderId, amountMinor: order.totalMinor - order.refundedMinor, currency: order.currency });
  const change = await applyTier(tx, customer, spend, s, "upgrade", `Order ${order.number} paid`);
  const tier = tierDef(change?.to ?? customer.tier, s.tiers);
  const multiplier = tier.multiplier * (await campaignMultiplier(tx, customer.id, at));
  const points = pointsForOrder(order, s, multiplier);

  await tx.loyaltyOrderPoints.create({
    data: { orderId, customerId: customer.id, earned: points, pending: points, baseMinor: Math.max(0, order.totalMinor), paidAt: at },
  });
  if (points > 0) {
    await postEntry(tx, {
      customerId: customer.id,
      type: "EARN",
      points,
      how: { op: "pending" },
      reason: `Order ${order.number}` + (multiplier !== 1 ? ` (×${Math.round(multiplier * 100) / 100})` : ""),
      sourceType: "order",
      sourceId: orderId,
      idempotencyKey: `earn:order:${orderId}`,
      occurredAt: at,
    });
  }
  await onReferralOrderPaid(tx, { customerId: customer.id, orderId, at }, s);
  await markStripeCodesUsed(tx, orderId);
}

/**
 * A paid Stripe order that applied one of our promotion codes marks that reward code used (the
 * order domain may also call markCodeUsed with a code it knows, e.g. from the fulfilment API).
 */
async function markStripeCodesUsed(tx: Tx, orderId: string) {
  const rows = await tx.$queryRaw<{ promo: string }[]>`
    SELECT DISTINCT p #>> '{}' AS "promo"
    FROM "StripeEvent" e, jsonb_path_query(e."payload", 'strict $.**.promotion_code') p
    WHERE e."orderId" = ${orderId} AND jsonb_typeof(p) = 'string'`;
  if (rows.length === 0) return;
  const codes = await tx.redemption.findMany({ where: { stripePromotionCodeId: { in: rows.map((r) => r.promo) } }, select: { code: true } });
  for (const c of codes) await markCodeUsed(tx, c.code, orderId);
}

async function onDelivered(tx: Tx, orderId: string, at: Date) {
  let first = await tx.loyaltyOrderPoints.findUnique({ where: { orderId }, select: { customerId: true } });
  if (!first) {
    // An order that reached "delivered" without a paid event (e.g. imported or updated by the
    // fulfilment API in one step) still earns, as of when it was paid.
    const order = await tx.order.findUnique({ where: { id: orderId }, select: { paidAt: true } });
    if (!order?.paidAt) return;
    await onPaid(tx, orderId, order.paidAt);
    first = await tx.loyaltyOrderPoints.findUnique({ where: { orderId }, select: { customerId: true } });
    if (!first) return;
  }
  await lockCustomer(tx, first.customerId);
  const row = await tx.loyaltyOrderPoints.findUnique({ where: { orderId } });
  if (!row || row.deliveredAt) return;
  const s = await getSettings(tx);
  const releaseAt = new Date(at.getTime() + s.returnWindowDays * DAY_MS);
  await tx.loyaltyOrderPoints.update({ where: { orderId }, data: { deliveredAt: at, releaseAt } });
  if (releaseAt.getTime() <= Date.now()) await releaseOrderPoints(tx, orderId, releaseAt, s);
}

/** Moves an order's remaining pending points to available (after its return window). */
export async function releaseOrderPoints(tx: Tx, orderId: string, at: Date, s?: ProgramSettings) {
  const first = await tx.loyaltyOrderPoints.findUnique({ where: { orderId }, select: { customerId: true } });
  if (!first) return 0;
  await lockCustomer(tx, first.customerId);
  const row = await tx.loyaltyOrderPoints.findUnique({ where: { orderId } });
  if (!row || row.releasedAt) return 0;
  const order = await tx.order.findUnique({ where: { id: orderId }, select: { number: true } });
  let released = 0;
  if (row.pending > 0) {
    const r = await postEntry(tx, {
      customerId: row.customerId,
      type: "RELEASE",
      points: row.pending,
      how: { op: "release" },
      reason: `Order ${order?.number ?? orderId}: return window closed`,
      sourceType: "order",
      sourceId: orderId,
      idempotencyKey: `release:order:${orderId}`,
      occurredAt: at,
    });
    if (!r.duplicate) released = -r.entry.pendingDelta;
  }
  await tx.loyaltyOrderPoints.update({ where: { orderId }, data: { pending: 0, releasedAt: at } });
  await releaseReferralForOrder(tx, orderId, at, s ?? (await getSettings(tx)));
  return released;
}

async function onReversal(tx: Tx, orderId: string, what: { kind: "refund"; refundId: string; amountMinor: number } | { kind: "cancel" }, at: Date) {
  const first = await tx.loyaltyOrderPoints.findUnique({ where: { orderId }, select: { customerId: true } });
  if (!first) return;
  // Lock the customer first, then read the order's points and check the key, so concurrent
  // refunds of one order (or a replay) see each other's effects.
  await lockCustomer(tx, first.customerId);
  const row = await tx.loyaltyOrderPoints.findUniqueOrThrow({ where: { orderId } });
  const key = what.kind === "refund" ? `reverse:order:${orderId}:refund:${what.refundId}` : `reverse:order:${orderId}:cancel`;
  const existing = await tx.loyaltyLedgerEntry.findUnique({ where: { idempotencyKey: key } });
  if (existing) return;
  const order = await tx.order.findUnique({ where: { id: orderId }, select: { number: true } });
  const refundedMinor = what.kind === "refund" ? Math.min(row.baseMinor, row.refundedMinor + Math.max(0, Math.floor(what.amountMinor))) : row.baseMinor;
  const points = pointsToReverse({ earned: row.earned, reversed: row.reversed, baseMinor: row.baseMinor, refundedMinor });
  // Written even for 0 points, so the refund id is remembered (a replay is then a no-op).
  const r = await postEntry(tx, {
    customerId: row.customerId,
    type: "REVERSE",
    points,
    how: { op: "reverse", orderPending: row.pending },
    reason: what.kind === "refund" ? `Order ${order?.number ?? orderId} refunded` : `Order ${order?.number ?? orderId} cancelled`,
    sourceType: "order",
    sourceId: orderId,
    idempotencyKey: key,
    occurredAt: at,
  });
  if (r.duplicate) return;
  await tx.loyaltyOrderPoints.update({
    where: { orderId },
    data: { pending: row.pending + r.entry.pendingDelta, reversed: row.reversed + points, refundedMinor },
  });
  if (refundedMinor >= row.baseMinor) await onReferralOrderVoided(tx, orderId, at);
}
