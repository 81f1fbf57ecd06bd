// Turns a customer's planned demo ledger (prisma/seed.ts) into rows that follow the live rules:
// the same idempotency keys the order events use, FIFO lots for available points with expiry
// (points older than the expiry period are expired in order, as the job would have), and one
// LoyaltyOrderPoints row per paid order, so later order events and jobs continue seamlessly.
import { randomUUID } from "node:crypto";
import type { LedgerEntryType, Prisma } from "../../db/generated/client.ts";
import { addMonths, DAY_MS } from "./rules.ts";

export interface PlannedEntry {
  type: LedgerEntryType;
  availableDelta: number;
  pendingDelta: number;
  reason: string;
  idempotencyKey: string;
  createdAt: Date;
  sourceType: string | null;
  sourceId: string | null;
}

export interface SeedOrder {
  id: string;
  totalMinor: number;
  refundedMinor: number;
  paidAt: Date | null;
  deliveredAt: Date | null;
}

/** The live key for an order entry planned by the test factories (`order:<id>:earn` → `earn:order:<id>`). */
function liveKey(e: PlannedEntry): string {
  const m = /^order:(.+):(earn|release|reverse)$/.exec(e.idempotencyKey);
  if (!m) return e.idempotencyKey;
  return m[2] === "reverse" ? `reverse:order:${m[1]}:seed` : `${m[2]}:order:${m[1]}`;
}

export function planSeedLedger(customerId: string, planned: PlannedEntry[], orders: SeedOrder[], opts: { now: Date; expiryMonths: number; returnWindowDays: number }) {
  const entries: Prisma.LoyaltyLedgerEntryCreateManyInput[] = [];
  const lots: { id: string; customerId: string; entryId: string; points: number; remaining: number; createdAt: Date; expiresAt: Date }[] = [];
  let available = 0;
  let pending = 0;
  const expireDue = (at: Date) => {
    for (const lot of lots) {
      if (lot.remaining > 0 && lot.expiresAt.getTime() <= at.getTime()) {
        entries.push({ id: randomUUID(), customerId, type: "EXPIRE", availableDelta: -lot.remaining, pendingDelta: 0, reason: "Points expired", sourceType: "lot", sourceId: lot.id, idempotencyKey: `expire:lot:${lot.id}`, createdAt: lot.expiresAt });
        available -= lot.remaining;
        lot.remaining = 0;
      }
    }
  };
  const sorted = planned.filter((e) => e.createdAt.getTime() <= opts.now.getTime()).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const e of sorted) {
    expireDue(e.createdAt);
    let { availableDelta } = e;
    if (e.type === "REDEEM") {
      const redeemable = Math.min(-availableDelta, available - (available % 50));
      if (redeemable <= 0) continue;
      availableDelta = -redeemable;
    }
    if (available + availableDelta < 0 || pending + e.pendingDelta < 0) throw new Error(`seed: ledger for ${customerId} would go negative at ${e.idempotencyKey}`);
    const id = randomUUID();
    entries.push({ id, customerId, type: e.type, availableDelta, pendingDelta: e.pendingDelta, reason: e.reason, sourceType: e.sourceType, sourceId: e.sourceId, idempotencyKey: liveKey(e), createdAt: e.createdAt });
    available += availableDelta;
    pending += e.pendingDelta;
    if (availableDelta > 0) {
      lots.push({ id: randomUUID(), customerId, entryId: id, points: availableDelta, remaining: availableDelta, createdAt: e.createdAt, expiresAt: addMonths(e.createdAt, opts.expiryMonths) });
    } else if (availableDelta < 0) {
      let left = -availableDelta;
      for (const lot of [...lots].sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())) {
        const take = Math.min(left, lot.remaining);
        lot.remaining -= take;
        left -= take;
        if (left === 0) break;
      }
    }
  }
  expireDue(opts.now);

  const orderPoints: Prisma.LoyaltyOrderPointsCreateManyInput[] = [];
  for (const o of orders) {
    const mine = entries.filter((e) => e.sourceType === "order" && e.sourceId === o.id);
    const earn = mine.find((e) => e.type === "EARN");
    if (!earn || !o.paidAt) continue;
    const earned = earn.pendingDelta ?? 0;
    const release = mine.find((e) => e.type === "RELEASE");
    const reversed = -mine.filter((e) => e.type === "REVERSE").reduce((s, e) => s + (e.pendingDelta ?? 0) + (e.availableDelta ?? 0), 0);
    orderPoints.push({
      orderId: o.id,
      customerId,
      earned,
      pending: release ? 0 : earned - reversed,
      reversed,
      baseMinor: Math.max(0, o.totalMinor),
      refundedMinor: reversed > 0 ? Math.max(0, o.totalMinor) : 0,
      paidAt: o.paidAt,
      deliveredAt: o.deliveredAt,
      releaseAt: o.deliveredAt && !reversed ? new Date(o.deliveredAt.getTime() + opts.returnWindowDays * DAY_MS) : null,
      releasedAt: release ? (release.createdAt as Date) : null,
    });
  }
  return { entries, lots, orderPoints, balances: { available, pending } };
}
