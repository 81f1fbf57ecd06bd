// The points ledger: the one place that writes LoyaltyLedgerEntry rows and moves the cached
// balances. Every write locks the customer row (SELECT … FOR UPDATE), checks the idempotency key,
// appends the entry, moves the balances with a conditional UPDATE (never below zero; the database
// trigger from the loyalty migration refuses a negative balance too), keeps the FIFO expiry lots
// in step and records a touchpoint, all in the caller's transaction — in one statement, the SQL
// function loyalty_post_entry() (migration 20261204185000_loyalty_post_entry; issue #14: the
// several Prisma round trips per write cost ~6 ms of Node CPU per write and capped the ledger at ~70/s).
// The delta rules there are those of rules.ts (splitCredit, splitReversal).
import { randomUUID } from "node:crypto";
import { pgPool, type Tx } from "../../db/client.ts";
import type { LedgerEntryType, LoyaltyLedgerEntry } from "../../db/generated/client.ts";
import { AppError } from "../errors.ts";
import type { Channel } from "../touchpoints/record.ts";
import type { Balances } from "./rules.ts";
import { DEFAULT_SETTINGS, programSchema, SETTINGS_KEY } from "./settings.ts";

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

/** One row of the loyalty_post_entry() SQL function (migration 20261204185000_loyalty_post_entry). */
interface PostRow {
  status: "ok" | "duplicate" | "not_found" | "key_conflict" | "not_enough" | "negative" | "settings" | "bad_op";
  c_id: string;
  c_email: string;
  c_name: string | null;
  c_locale: string;
  c_tier: string;
  c_anonymized_at: number | null;
  c_available: number;
  c_pending: number;
  c_debt: number;
  b_available: number | null;
  b_pending: number | null;
  b_debt: number | null;
  settings_md5: string | null;
  settings_doc: unknown;
  e_id: string;
  e_customer_id: string;
  e_type: string;
  e_available_delta: number;
  e_pending_delta: number;
  e_debt_delta: number;
  e_reason: string;
  e_source_type: string | null;
  e_source_id: string | null;
  e_idempotency_key: string;
  e_actor_user_id: string | null;
  e_created_at: number;
}

/**
 * The expiry months of the settings document last validated, keyed by the database's md5 of the
 * document: the SQL function uses them only when the stored document still has that md5, and
 * otherwise returns the document to be validated here first (so a change applies at once, and the
 * months are exactly what getSettings() would give).
 */
let settingsMonths: { md5: string; months: number } | undefined;

function expiryMonthsOf(value: unknown): number {
  const doc = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  // As getSettings(): the document, else field by field over the defaults, else the defaults.
  const parsed = programSchema.safeParse(doc);
  if (parsed.success) return parsed.data.expiryMonths;
  const merged = programSchema.safeParse({ ...DEFAULT_SETTINGS, ...(doc as object) });
  return merged.success ? merged.data.expiryMonths : DEFAULT_SETTINGS.expiryMonths;
}

type Runner = (sql: string, params: unknown[]) => Promise<PostRow>;

const POST_SQL = `SELECT * FROM "loyalty_post_entry"($1::text, $2::text, $3::int, $4::text, $5::int, $6::text, $7::text, $8::text, $9::text, $10::text, $11::text, $12::text,
  ($13::timestamptz AT TIME ZONE 'UTC')::timestamp(3), ($14::timestamptz AT TIME ZONE 'UTC')::timestamp(3), $15::text, $16::text, $17::int, $18::int, $19::text, $20::text)`;

async function post(run: Runner, input: PostInput): Promise<PostResult> {
  if (!Number.isSafeInteger(input.points) || input.points < 0) throw new AppError("BAD_REQUEST", "Points must be a whole number.", { points: "rewards.errPoints" });
  const occurredAt = input.occurredAt ?? new Date();
  const entryId = randomUUID();
  for (let attempt = 0; ; attempt++) {
    const known = settingsMonths;
    const row = await run(POST_SQL, [
      input.customerId,
      input.type,
      input.points,
      input.how.op,
      input.how.op === "reverse" ? input.how.orderPending : 0,
      input.reason.slice(0, 500),
      input.sourceType ?? null,
      input.sourceId ?? null,
      input.idempotencyKey,
      input.actorUserId ?? null,
      input.channel ?? "system",
      `loyalty.${input.type.toLowerCase()}`,
      occurredAt.toISOString(),
      input.lotExpiresAt ? input.lotExpiresAt.toISOString() : null,
      SETTINGS_KEY,
      known?.md5 ?? null,
      known?.months ?? null,
      DEFAULT_SETTINGS.expiryMonths,
      entryId,
      randomUUID(),
    ]);
    switch (row.status) {
      case "not_found":
        throw new AppError("NOT_FOUND", "No such customer.");
      case "key_conflict":
        throw new AppError("CONFLICT", "This idempotency key belongs to another customer.");
      case "not_enough":
        throw new AppError("BAD_REQUEST", "Not enough points.", { form: { key: "rewards.errNotEnoughPoints", params: { available: row.c_available, needed: input.points } } });
      case "negative":
        throw new AppError("CONFLICT", "The points balance would become negative.");
      case "bad_op":
        throw new AppError("BAD_REQUEST", "Unknown ledger operation.");
      case "settings":
        if (attempt >= 3) throw new Error("The loyalty settings kept changing while posting an entry.");
        settingsMonths = { md5: row.settings_md5!, months: expiryMonthsOf(row.settings_doc) };
        continue;
      case "ok":
      case "duplicate": {
        const customer: LockedCustomer = {
          id: row.c_id,
          email: row.c_email,
          name: row.c_name,
          locale: row.c_locale,
          tier: row.c_tier,
          anonymizedAt: row.c_anonymized_at === null ? null : new Date(Number(row.c_anonymized_at)),
          available: row.c_available,
          pending: row.c_pending,
          debt: row.c_debt,
        };
        const entry: LoyaltyLedgerEntry = {
          id: row.e_id,
          customerId: row.e_customer_id,
          type: row.e_type as LedgerEntryType,
          availableDelta: row.e_available_delta,
          pendingDelta: row.e_pending_delta,
          debtDelta: row.e_debt_delta,
          reason: row.e_reason,
          sourceType: row.e_source_type,
          sourceId: row.e_source_id,
          idempotencyKey: row.e_idempotency_key,
          actorUserId: row.e_actor_user_id,
          createdAt: new Date(Number(row.e_created_at)),
        };
        const duplicate = row.status === "duplicate";
        const balances = duplicate ? { available: customer.available, pending: customer.pending, debt: customer.debt } : { available: row.b_available!, pending: row.b_pending!, debt: row.b_debt! };
        return { entry, duplicate, customer, balances };
      }
    }
  }
}

/**
 * Appends one ledger entry (see the file comment) in the caller's transaction: one statement, the
 * loyalty_post_entry() SQL function. Replaying the same idempotency key is a no-op. Refusals
 * (no such customer, not enough points, a key of another customer) write nothing.
 */
export async function postEntry(tx: Tx, input: PostInput): Promise<PostResult> {
  return post(async (sql, params) => ((await tx.$queryRawUnsafe(sql, ...params)) as PostRow[])[0]!, input);
}

/**
 * postEntry as its own transaction, for a caller that writes nothing else: the function is one
 * statement, so it runs atomically on a pooled connection without an interactive transaction.
 */
export async function postEntryAlone(input: PostInput): Promise<PostResult> {
  // A named statement: each pooled connection parses and plans it once.
  return post(async (sql, params) => ((await pgPool().query({ name: "loyalty_post_entry", text: sql, values: params })).rows as PostRow[])[0]!, input);
}

/**
 * postEntry on a raw pg connection that is inside a transaction (the Stripe event applier,
 * server/domain/orders/stripe-apply.ts, which writes through the pg pool instead of Prisma).
 */
export async function postEntryOnClient(client: { query: (q: { name: string; text: string; values: unknown[] }) => Promise<{ rows: unknown[] }> }, input: PostInput): Promise<PostResult> {
  return post(async (sql, params) => ((await client.query({ name: "loyalty_post_entry", text: sql, values: params })).rows as PostRow[])[0]!, input);
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
