// The points ledger: the one place that writes LoyaltyLedgerEntry rows and moves the cached
// balances. Every write locks the customer row (SELECT … FOR UPDATE), checks the idempotency key,
// appends the entry, moves the balances with a conditional UPDATE (never below zero; the database
// trigger from the loyalty migration refuses a negative balance too), keeps the FIFO expiry lots
// in step and records a touchpoint, all in the caller's transaction.
import { randomUUID } from "node:crypto";
import type { Tx } from "../../db/client.ts";
import type { LedgerEntryType, LoyaltyLedgerEntry } from "../../db/generated/client.ts";
import { AppError } from "../errors.ts";
import { recordTouchpoint, type Channel } from "../touchpoints/record.ts";
import { addMonths, splitCredit, splitReversal, type Balances } from "./rules.ts";
import { getSettings } from "./settings.ts";

/**
 * What an entry does with its points:
 * - credit: to available (repaying debt first); creates an expiry lot.
 * - pending: to pending (an order's earn).
 * - release: pending → available (repaying debt first); creates an expiry lot.
 * - debit: from available, oldest lots first; refused when not enough is available.
 * - reverse: from the order's pending first (`orderPending`), then available, the rest becomes debt.
 * - dropPending: from pending only (capped at what is pending).
 */
export type EntryOp = { op: "credit" } | { op: "pending" } | { op: "release" } | { op: "debit" } | { op: "reverse"; orderPending: number } | { op: "dropPending" };

export interface PostInput {
  customerId: string;
  type: LedgerEntryType;
  points: number;
  how: EntryOp;
  reason: string;
  sourceType?: string | null;
  sourceId?: string | null;
  idempotencyKey: string;
  actorUserId?: string | null;
  channel?: Channel;
  occurredAt?: Date;
  /** Expiry of the lot a credit creates (default: now + the program's expiry months). */
  lotExpiresAt?: Date;
}

export interface LockedCustomer extends Balances {
  id: string;
  email: string;
  name: string | null;
  locale: string;
  tier: string;
  anonymizedAt: Date | null;
}

export interface PostResult {
  entry: LoyaltyLedgerEntry;
  /** True when the idempotency key had been used: nothing was written. */
  duplicate: boolean;
  customer: LockedCustomer;
  balances: Balances;
}

/** Locks the customer row for the rest of the transaction and returns its balances. */
export async function lockCustomer(tx: Tx, customerId: string): Promise<LockedCustomer> {
  const rows = await tx.$queryRaw<LockedCustomer[]>`
    SELECT "id", "email", "name", "locale"::text AS "locale", "tier", "anonymizedAt",
           "pointsAvailable" AS "available", "pointsPending" AS "pending", "pointsDebt" AS "debt"
    FROM "Customer" WHERE "id" = ${customerId} FOR UPDATE`;
  const c = rows[0];
  if (!c) throw new AppError("NOT_FOUND", "No such customer.");
  return c;
}

function deltasFor(how: EntryOp, points: number, c: Balances) {
  switch (how.op) {
    case "credit": {
      const { repay, toAvailable } = splitCredit(points, c);
      return { available: toAvailable, pending: 0, debt: -repay };
    }
    case "pending":
      return { available: 0, pending: points, debt: 0 };
    case "release": {
      const moved = Math.min(points, c.pending);
      const { repay, toAvailable } = splitCredit(moved, c);
      return { available: toAvailable, pending: -moved, debt: -repay };
    }
    case "debit":
      if (c.available < points) throw new AppError("BAD_REQUEST", "Not enough points.", { form: { key: "rewards.errNotEnoughPoints", params: { available: c.available, needed: points } } });
      return { available: -points, pending: 0, debt: 0 };
    case "reverse": {
      const s = splitReversal(points, how.orderPending, c);
      return { available: -s.fromAvailable, pending: -s.fromPending, debt: s.toDebt };
    }
    case "dropPending":
      return { available: 0, pending: -Math.min(points, c.pending), debt: 0 };
  }
}

/** Appends one ledger entry (see the file comment). Replaying the same idempotency key is a no-op. */
export async function postEntry(tx: Tx, input: PostInput): Promise<PostResult> {
  if (!Number.isSafeInteger(input.points) || input.points < 0) throw new AppError("BAD_REQUEST", "Points must be a whole number.", { points: "rewards.errPoints" });
  const customer = await lockCustomer(tx, input.customerId);
  const existing = await tx.loyaltyLedgerEntry.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (existing) {
    if (existing.customerId !== input.customerId) throw new AppError("CONFLICT", "This idempotency key belongs to another customer.");
    return { entry: existing, duplicate: true, customer, balances: { available: customer.available, pending: customer.pending, debt: customer.debt } };
  }
  const d = deltasFor(input.how, input.points, customer);
  const occurredAt = input.occurredAt ?? new Date();
  const entry = await tx.loyaltyLedgerEntry.create({
    data: {
      id: randomUUID(),
      customerId: input.customerId,
      type: input.type,
      availableDelta: d.available,
      pendingDelta: d.pending,
      debtDelta: d.debt,
      reason: input.reason.slice(0, 500),
      sourceType: input.sourceType ?? null,
      sourceId: input.sourceId ?? null,
      idempotencyKey: input.idempotencyKey,
      actorUserId: input.actorUserId ?? null,
      createdAt: occurredAt,
    },
  });
  // The single conditional statement that moves the cached balances: it cannot take any balance
  // below zero (and the row lock above serialises writers of this customer).
  const moved = await tx.$queryRaw<Balances[]>`
    UPDATE "Customer" SET
      "pointsAvailable" = "pointsAvailable" + ${d.available}::int,
      "pointsPending" = "pointsPending" + ${d.pending}::int,
      "pointsDebt" = "pointsDebt" + ${d.debt}::int,
      "updatedAt" = now()
    WHERE "id" = ${input.customerId}
      AND "pointsAvailable" + ${d.available}::int >= 0
      AND "pointsPending" + ${d.pending}::int >= 0
      AND "pointsDebt" + ${d.debt}::int >= 0
    RETURNING "pointsAvailable" AS "available", "pointsPending" AS "pending", "pointsDebt" AS "debt"`;
  const balances = moved[0];
  if (!balances) throw new AppError("CONFLICT", "The points balance would become negative.");

  if (d.available > 0) {
    const expiresAt = input.lotExpiresAt ?? addMonths(occurredAt, (await getSettings(tx)).expiryMonths);
    await tx.loyaltyLot.create({ data: { customerId: input.customerId, entryId: entry.id, points: d.available, remaining: d.available, createdAt: occurredAt, expiresAt } });
  } else if (d.available < 0) {
    await consumeLots(tx, input.customerId, -d.available);
  }

  await recordTouchpoint(tx, {
    customerId: input.customerId,
    type: `loyalty.${input.type.toLowerCase()}`,
    channel: input.channel ?? "system",
    actorUserId: input.actorUserId ?? null,
    subjectType: input.sourceType ?? "loyalty_entry",
    subjectId: input.sourceId ?? entry.id,
    metadata: { entryId: entry.id, available: d.available, pending: d.pending, debt: d.debt, reason: entry.reason },
    occurredAt,
  });
  return { entry, duplicate: false, customer, balances };
}

/** Takes `points` from the customer's lots, soonest-expiring first (caller holds the customer lock). */
export async function consumeLots(tx: Tx, customerId: string, points: number) {
  await tx.$executeRaw`
    WITH l AS (
      SELECT "id", "remaining",
             COALESCE(SUM("remaining") OVER (ORDER BY "expiresAt", "createdAt", "id" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS "before"
      FROM "LoyaltyLot" WHERE "customerId" = ${customerId} AND "remaining" > 0)
    UPDATE "LoyaltyLot" t SET "remaining" = t."remaining" - LEAST(l."remaining", ${points}::int - l."before")::int
    FROM l WHERE t."id" = l."id" AND l."before" < ${points}::int`;
}

/** Sums of a customer's entries and their cached balances (they must be equal). */
export async function ledgerCheck(tx: Tx, customerId: string) {
  const [sums] = await tx.$queryRaw<{ available: number; pending: number; debt: number; lots: number }[]>`
    SELECT COALESCE(SUM("availableDelta"), 0)::int AS "available", COALESCE(SUM("pendingDelta"), 0)::int AS "pending",
           COALESCE(SUM("debtDelta"), 0)::int AS "debt",
           (SELECT COALESCE(SUM("remaining"), 0)::int FROM "LoyaltyLot" WHERE "customerId" = ${customerId}) AS "lots"
    FROM "LoyaltyLedgerEntry" WHERE "customerId" = ${customerId}`;
  const c = await tx.customer.findUniqueOrThrow({ where: { id: customerId }, select: { pointsAvailable: true, pointsPending: true, pointsDebt: true } });
  return { sums: sums!, cached: { available: c.pointsAvailable, pending: c.pointsPending, debt: c.pointsDebt } };
}

/** A staff adjustment (positive: credit, negative: debit), with a required reason; audited. */
export async function adjustPoints(
  tx: Tx,
  input: { customerId: string; points: number; reason: string; actorUserId: string; requestId: string; ip?: string | null },
  auditFn: (tx: Tx, e: { actorId: string; action: string; targetType: string; targetId: string; data: object; ip: string | null }) => Promise<void>,
) {
  const r = await postEntry(tx, {
    customerId: input.customerId,
    type: "ADJUST",
    points: Math.abs(input.points),
    how: input.points > 0 ? { op: "credit" } : { op: "debit" },
    reason: input.reason,
    sourceType: "staff",
    sourceId: input.actorUserId,
    idempotencyKey: `adjust:${input.customerId}:${input.requestId}`,
    actorUserId: input.actorUserId,
    channel: "staff",
  });
  if (!r.duplicate) {
    await auditFn(tx, { actorId: input.actorUserId, action: "loyalty.points.adjusted", targetType: "customer", targetId: input.customerId, data: { points: input.points, reason: input.reason, entryId: r.entry.id, balances: r.balances }, ip: input.ip ?? null });
  }
  return r;
}
