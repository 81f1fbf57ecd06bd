// Applying stored Stripe events in batches, with plain SQL on one pg connection (issue #14).
//
// The webhook (server/api/stripe-webhook.ts) verifies the signature and stores the event with one
// INSERT … ON CONFLICT DO NOTHING (storeStripeEvent); from then on the event is durable. The applier
// below claims stored, never-tried events (FOR UPDATE SKIP LOCKED, oldest first) and applies a batch
// of them in ONE transaction: each event's effects, its `appliedAt` and the events it releases
// (payments that arrived before their checkout session) commit together, so an event is applied
// exactly once however often it is delivered or claimed. A batch that fails is rolled back and its
// events are applied one per transaction, so one bad event cannot hold back the others; an event
// that breaks a rule (AppError) keeps the reason in `error` and waits for the retry job
// (orders.stripe-retry, applyPendingStripeEvents) like any event that cannot be applied yet.
//
// The effects are those of the Prisma code path they replace (lifecycle.ts transitionOrder /
// recordRefund / placeOrder, loyalty/order-events.ts, tiers.ts, referrals.ts, rewards.ts
// markCodeUsed), statement for statement: the same rows, timeline events, touchpoints, outbox mail
// and ledger entries (test/integration/stripe-apply.integration.test.ts compares them). Why plain
// SQL: every Prisma model query cost ~0.7 ms of Node CPU (query compiler + result mapping) and a
// checkout → payment → refund sequence made ~60 of them, which capped webhooks at ~30 events/s.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { AppError } from "../errors.ts";
import { enqueueMailRaw } from "../../mail/outbox.ts";
import { rewardsUrl } from "../loyalty/config.ts";
import { postEntryOnClient, type PostInput } from "../loyalty/ledger.ts";
import { bestCampaignMultiplier } from "../loyalty/order-events.ts";
import { DAY_MS, pointsForOrder, pointsToReverse, tierDef, tierForSpend, tierRank, toBaseMinor } from "../loyalty/rules.ts";
import { SETTINGS_KEY, settingsFromDocument, type ProgramSettings } from "../loyalty/settings.ts";
import { fromDbLocale } from "../locale.ts";
import { ORDER_EVENT, orderUrl, type OrderEventType } from "./lifecycle.ts";
import { HANDLED_EVENTS, lineItemsFromMetadata, stripeEventRefs, type LineItemInput, type ReceiveResult, type StripeDeps, type StripeEventLike } from "./stripe-events.ts";

type Obj = Record<string, unknown>;
const str = (x: unknown): string | null => (typeof x === "string" && x !== "" ? x : null);
const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const obj = (x: unknown): Obj | null => (x && typeof x === "object" && !Array.isArray(x) ? (x as Obj) : null);
const idOf = (x: unknown): string | null => str(x) ?? str(obj(x)?.id);
const iso = (d: Date) => d.toISOString();
/** A timestamp parameter stored as UTC in a `timestamp(3)` column, as Prisma stores DateTime. */
const TS = (n: number) => `($${n}::timestamptz AT TIME ZONE 'UTC')`;

let idCounter = 0;
/** A collision-resistant id that sorts by creation time (like Prisma's cuid, so items keep their order by id). */
export function newId(): string {
  idCounter = (idCounter + 1) % 1679616;
  return `c${Date.now().toString(36).padStart(9, "0")}${idCounter.toString(36).padStart(4, "0")}${randomBytes(6).toString("hex")}`;
}

/** One transaction's statements (named, so each pooled connection plans each of them once). */
class Sql {
  private static names = new Map<string, string>();
  constructor(readonly client: pg.PoolClient) {}
  async q<R = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
    let name = Sql.names.get(text);
    if (!name) Sql.names.set(text, (name = `sa${Sql.names.size}`));
    return (await this.client.query({ name, text, values })).rows as R[];
  }
}

/** An order with what the mails need of its customer (the columns the handlers read). */
interface OrderRow {
  id: string;
  number: string;
  customerId: string;
  status: "PLACED" | "PAID" | "SHIPPED" | "DELIVERED" | "CANCELLED" | "REFUNDED";
  currency: string;
  subtotalMinor: number;
  shippingMinor: number;
  taxMinor: number;
  discountMinor: number;
  totalMinor: number;
  refundedMinor: number;
  paid: boolean;
  disputed: boolean;
  stripeCheckoutSessionId: string | null;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  source: string;
  email: string;
  name: string | null;
  locale: "en" | "zh_CN";
  anonymized: boolean;
}

const ORDER_SELECT = `SELECT o."id", o."number", o."customerId", o."status"::text AS "status", o."currency", o."subtotalMinor", o."shippingMinor", o."taxMinor",
  o."discountMinor", o."totalMinor", o."refundedMinor", o."paidAt" IS NOT NULL AS "paid", o."disputedAt" IS NOT NULL AS "disputed",
  o."stripeCheckoutSessionId", o."stripePaymentIntentId", o."stripeChargeId", o."source",
  c."email", c."name", c."locale"::text AS "locale", c."anonymizedAt" IS NOT NULL AS "anonymized"
  FROM "Order" o JOIN "Customer" c ON c."id" = o."customerId"`;

/** What one batch transaction shares: its connection, the settings read once, the events it applied. */
interface Ctx {
  sql: Sql;
  deps: StripeDeps;
  settings?: ProgramSettings;
  /** Events applied in this transaction (including ones released by a checkout session) → their order. */
  applied: Map<string, string>;
  /** Those of `applied` whose StripeEvent row is not updated yet (written in one statement, flushMarks). */
  unflushed: Set<string>;
  /** Advisory lock keys this transaction holds. */
  locked: Set<string>;
}

const newCtx = (client: pg.PoolClient, deps: StripeDeps): Ctx => ({ sql: new Sql(client), deps, applied: new Map(), unflushed: new Set(), locked: new Set() });

async function settingsOf(ctx: Ctx): Promise<ProgramSettings> {
  if (!ctx.settings) {
    const rows = await ctx.sql.q<{ value: unknown }>(`SELECT "value" FROM "Setting" WHERE "key" = $1`, [SETTINGS_KEY]);
    ctx.settings = settingsFromDocument(rows[0] ? rows[0].value : null);
  }
  return ctx.settings;
}

const mayMail = (o: OrderRow) => o.source !== "csv" && o.source !== "seed" && !o.anonymized;

type MailRow = { to: string; template: string; locale: "en" | "zh_CN"; props: unknown; customerId: string };

/**
 * lifecycle.ts appendEvent: the timeline event and its `order.<type>` touchpoint — and the email
 * the change sends (outbox.ts enqueueMail), when there is one — in one statement.
 */
async function appendEvent(ctx: Ctx, o: Pick<OrderRow, "id" | "customerId" | "number">, type: OrderEventType, at: Date, data: Obj, mail?: MailRow) {
  const values: unknown[] = [newId(), o.id, type, iso(at), JSON.stringify({ ...data, actor: "stripe" }), o.customerId, `order.${type}`, JSON.stringify({ number: o.number, ...data })];
  if (mail) values.push(mail.to, mail.template, mail.locale, JSON.stringify(mail.props), mail.customerId);
  await ctx.sql.q(
    `WITH e AS (INSERT INTO "OrderEvent" ("id", "orderId", "type", "occurredAt", "data") VALUES ($1, $2, $3, ${TS(4)}, $5::jsonb))` +
      (mail
        ? `, m AS (INSERT INTO "MailOutbox" ("id", "to", "template", "locale", "props", "customerId") VALUES ('m' || replace(gen_random_uuid()::text, '-', ''), $9, $10, $11::"Locale", $12::jsonb, $13))`
        : "") +
      ` INSERT INTO "Touchpoint" ("customerId", "type", "channel", "actorUserId", "subjectType", "subjectId", "metadata", "occurredAt")
     VALUES ($6, $7, 'system', NULL, 'order', $2, $8::jsonb, ${TS(4)})`,
    values,
  );
}

async function touchpoint(ctx: Ctx, t: { customerId: string | null; type: string; subjectType: string; subjectId: string; metadata?: Obj }) {
  await ctx.sql.q(
    `INSERT INTO "Touchpoint" ("customerId", "type", "channel", "actorUserId", "subjectType", "subjectId", "metadata", "occurredAt")
     VALUES ($1, $2, 'system', NULL, $3, $4, $5::jsonb, ${TS(6)})`,
    [t.customerId, t.type, t.subjectType, t.subjectId, t.metadata === undefined ? null : JSON.stringify(t.metadata), iso(new Date())],
  );
}

async function orderById(ctx: Ctx, id: string): Promise<OrderRow> {
  const [o] = await ctx.sql.q<OrderRow>(`${ORDER_SELECT} WHERE o."id" = $1`, [id]);
  if (!o) throw new AppError("NOT_FOUND", `Order ${id} not found`);
  return o;
}

async function orderByPayment(ctx: Ctx, paymentIntentId: string | null, chargeId: string | null): Promise<OrderRow | null> {
  if (paymentIntentId) {
    const [o] = await ctx.sql.q<OrderRow>(`${ORDER_SELECT} WHERE o."stripePaymentIntentId" = $1`, [paymentIntentId]);
    if (o) return o;
  }
  if (chargeId) return (await ctx.sql.q<OrderRow>(`${ORDER_SELECT} WHERE o."stripeChargeId" = $1`, [chargeId]))[0] ?? null;
  return null;
}

// ----------------------------------------------------------------------------------------------
// Loyalty (order-events.ts onPaid / onReversal, tiers.ts applyTier, referrals.ts, rewards.ts)
// ----------------------------------------------------------------------------------------------

interface LockedRow {
  id: string;
  email: string;
  name: string | null;
  locale: "en" | "zh_CN";
  tier: string;
  anonymized: boolean;
}

async function lockCustomer(ctx: Ctx, id: string): Promise<LockedRow> {
  const [c] = await ctx.sql.q<LockedRow>(
    `SELECT "id", "email", "name", "locale"::text AS "locale", "tier", "anonymizedAt" IS NOT NULL AS "anonymized" FROM "Customer" WHERE "id" = $1 FOR UPDATE`,
    [id],
  );
  if (!c) throw new AppError("NOT_FOUND", "No such customer.");
  return c;
}

const postEntry = (ctx: Ctx, input: PostInput) => postEntryOnClient(ctx.sql.client, input);

async function onPaid(ctx: Ctx, order: OrderRow, at: Date) {
  const customer = await lockCustomer(ctx, order.customerId);
  // Promotion codes are read from the order's applied events (StripeEvent.orderId).
  await flushMarksOf(ctx, order.id);
  // Everything onPaid reads, in one statement under the customer lock: whether the order already
  // earned, the rolling 12-month spend (tiers.ts qualifyingSpend, without this order), the running
  // points-multiplier campaigns the customer is in (campaignMultiplier), the customer's referral
  // (referrals.ts) and the order's Stripe promotion codes (markStripeCodesUsed). None of them is
  // changed by what onPaid writes before it would have read them.
  const since = new Date(at.getTime() - 365 * DAY_MS);
  const [read] = await ctx.sql.q<{
    has: boolean;
    spend: { currency: string; amount: number }[];
    campaigns: unknown[];
    referral: { id: string; status: string; referrerId: string } | null;
    promos: string[];
  }>(
    `SELECT EXISTS (SELECT 1 FROM "LoyaltyOrderPoints" WHERE "orderId" = $4) AS "has",
       (SELECT COALESCE(json_agg(json_build_object('currency', x."currency", 'amount', x."amount")), '[]'::json) FROM (
          SELECT "currency", COALESCE(SUM("totalMinor" - "refundedMinor"), 0)::float8 AS "amount" FROM "Order"
          WHERE "customerId" = $1 AND "paidAt" IS NOT NULL AND "paidAt" >= ${TS(2)} AND "paidAt" <= ${TS(3)}
            AND "status" NOT IN ('CANCELLED', 'REFUNDED', 'PLACED') AND "id" <> $4 GROUP BY "currency") x) AS "spend",
       (SELECT COALESCE(json_agg(c."config"), '[]'::json) FROM "Campaign" c
          WHERE c."kind" = 'POINTS_MULTIPLIER' AND c."status" = 'RUNNING' AND (c."startedAt" IS NULL OR c."startedAt" <= ${TS(3)}) AND (c."endsAt" IS NULL OR c."endsAt" > ${TS(3)})
            AND EXISTS (SELECT 1 FROM "CampaignRecipient" r WHERE r."campaignId" = c."id" AND r."customerId" = $1 AND r."holdout" = false AND r."status" = 'CREDITED')) AS "campaigns",
       (SELECT json_build_object('id', r."id", 'status', r."status"::text, 'referrerId', r."referrerId") FROM "Referral" r WHERE r."referredCustomerId" = $1) AS "referral",
       (SELECT COALESCE(json_agg(DISTINCT p #>> '{}'), '[]'::json) FROM "StripeEvent" e, jsonb_path_query(e."payload", 'strict $.**.promotion_code') p
          WHERE e."orderId" = $4 AND jsonb_typeof(p) = 'string') AS "promos"`,
    [customer.id, iso(since), iso(at), order.id],
  );
  if (read!.has) return;
  const s = await settingsOf(ctx);
  let spend = 0;
  for (const r of read!.spend) spend += toBaseMinor(Math.max(0, r.amount), r.currency.trim(), s);
  spend += toBaseMinor(Math.max(0, order.totalMinor - order.refundedMinor), order.currency, s);
  const change = await applyTierUpgrade(ctx, customer, spend, s, `Order ${order.number} paid`);
  const tier = tierDef(change ?? customer.tier, s.tiers);
  const multiplier = tier.multiplier * bestCampaignMultiplier(read!.campaigns);
  const points = pointsForOrder(order, s, multiplier);
  await ctx.sql.q(
    `INSERT INTO "LoyaltyOrderPoints" ("orderId", "customerId", "earned", "pending", "baseMinor", "paidAt") VALUES ($1, $2, $3, $3, $4, ${TS(5)})`,
    [order.id, customer.id, points, Math.max(0, order.totalMinor), iso(at)],
  );
  if (points > 0) {
    await postEntry(ctx, {
      customerId: customer.id,
      type: "EARN",
      points,
      how: { op: "pending" },
      reason: `Order ${order.number}` + (multiplier !== 1 ? ` (×${Math.round(multiplier * 100) / 100})` : ""),
      sourceType: "order",
      sourceId: order.id,
      idempotencyKey: `earn:order:${order.id}`,
      occurredAt: at,
    });
  }
  await onReferralOrderPaid(ctx, read!.referral, customer.id, order.id, at, s);
  await markStripeCodesUsed(ctx, read!.promos, order.id);
}

/** tiers.ts applyTier in "upgrade" mode; returns the new tier code, if it changed. */
async function applyTierUpgrade(ctx: Ctx, c: LockedRow, spend: number, s: ProgramSettings, reason: string): Promise<string | null> {
  const target = tierForSpend(spend, s.tiers);
  const from = tierRank(c.tier, s.tiers);
  const to = tierRank(target.code, s.tiers);
  const known = s.tiers.some((t) => t.code === c.tier);
  if (known && to <= from) return null;
  await ctx.sql.q(`UPDATE "Customer" SET "tier" = $2, "updatedAt" = ${TS(3)} WHERE "id" = $1`, [c.id, target.code, iso(new Date())]);
  await ctx.sql.q(`INSERT INTO "TierHistory" ("id", "customerId", "fromTier", "toTier", "spendMinor", "reason") VALUES ($1, $2, $3, $4, $5, $6)`, [
    newId(),
    c.id,
    c.tier,
    target.code,
    Math.min(spend, 2_000_000_000),
    reason,
  ]);
  const direction = to > from ? "up" : "down";
  await touchpoint(ctx, { customerId: c.id, type: direction === "up" ? "loyalty.tier_upgraded" : "loyalty.tier_downgraded", subjectType: "customer", subjectId: c.id, metadata: { from: c.tier, to: target.code, spendMinor: spend } });
  if (!c.anonymized) {
    const locale = fromDbLocale(c.locale);
    const prev = tierDef(c.tier, s.tiers);
    await enqueueMailRaw(ctx.sql.client, {
      to: c.email,
      template: "loyalty-tier-changed",
      locale: c.locale,
      customerId: c.id,
      props: {
        url: rewardsUrl(),
        name: c.name,
        direction,
        fromTier: locale === "zh-CN" ? prev.nameZh : prev.nameEn,
        toTier: locale === "zh-CN" ? target.nameZh : target.nameEn,
        benefits: locale === "zh-CN" ? target.benefitsZh : target.benefitsEn,
        multiplier: target.multiplier,
      },
    });
  }
  return target.code;
}

const FINGERPRINT = `COALESCE(e."payload" #>> '{data,object,payment_method_details,card,fingerprint}',
  e."payload" #>> '{data,object,latest_charge,payment_method_details,card,fingerprint}',
  e."payload" #>> '{data,object,charges,data,0,payment_method_details,card,fingerprint}')`;

async function rejectReferral(ctx: Ctx, referralId: string, reason: string) {
  await ctx.sql.q(`UPDATE "Referral" SET "status" = 'REJECTED', "rejectReason" = $2 WHERE "id" = $1`, [referralId, reason]);
  await touchpoint(ctx, { customerId: null, type: "loyalty.referral_rejected", subjectType: "referral", subjectId: referralId, metadata: { reason } });
}

/** referrals.ts onReferralOrderPaid. */
async function onReferralOrderPaid(ctx: Ctx, referral: { id: string; status: string; referrerId: string } | null, customerId: string, orderId: string, at: Date, s: ProgramSettings) {
  if (!referral || referral.status !== "PENDING") return;
  await flushMarks(ctx);
  const [earlier] = await ctx.sql.q<{ n: number }>(`SELECT count(*)::int AS "n" FROM "Order" WHERE "customerId" = $1 AND "paidAt" IS NOT NULL AND "id" <> $2`, [customerId, orderId]);
  if (earlier!.n > 0) return rejectReferral(ctx, referral.id, "not_first_order");
  const mine = await ctx.sql.q<{ fp: string | null }>(`SELECT DISTINCT ${FINGERPRINT} AS "fp" FROM "StripeEvent" e WHERE e."orderId" = $1`, [orderId]);
  const mineSet = new Set(mine.map((r) => r.fp).filter((x): x is string => Boolean(x)));
  if (mineSet.size) {
    const theirs = await ctx.sql.q<{ fp: string | null }>(`SELECT DISTINCT ${FINGERPRINT} AS "fp" FROM "StripeEvent" e JOIN "Order" o ON o."id" = e."orderId" WHERE o."customerId" = $1`, [referral.referrerId]);
    if (theirs.some((r) => r.fp && mineSet.has(r.fp))) return rejectReferral(ctx, referral.id, "same_card");
  }
  const [qualified] = await ctx.sql.q<{ n: number }>(`SELECT count(*)::int AS "n" FROM "Referral" WHERE "referrerId" = $1 AND "status" IN ('QUALIFIED', 'REWARDED') AND "qualifiedAt" >= ${TS(2)}`, [
    referral.referrerId,
    iso(new Date(at.getTime() - 30 * DAY_MS)),
  ]);
  if (qualified!.n >= s.referral.maxPer30Days) return rejectReferral(ctx, referral.id, "velocity");
  await ctx.sql.q(`UPDATE "Referral" SET "status" = 'QUALIFIED', "firstOrderId" = $2, "qualifiedAt" = ${TS(3)} WHERE "id" = $1`, [referral.id, orderId, iso(at)]);
  if (s.referral.refereeBonus > 0) {
    await postEntry(ctx, {
      customerId,
      type: "REFERRAL",
      points: s.referral.refereeBonus,
      how: { op: "pending" },
      reason: "Welcome bonus: referred by a friend",
      sourceType: "referral",
      sourceId: referral.id,
      idempotencyKey: `referral:${referral.id}:referee`,
      occurredAt: at,
    });
  }
}

/** referrals.ts onReferralOrderVoided. */
async function onReferralOrderVoided(ctx: Ctx, orderId: string, at: Date) {
  const [referral] = await ctx.sql.q<{ id: string; referredCustomerId: string }>(`SELECT "id", "referredCustomerId" FROM "Referral" WHERE "firstOrderId" = $1 AND "status" = 'QUALIFIED' LIMIT 1`, [orderId]);
  if (!referral) return;
  const [bonus] = await ctx.sql.q<{ pendingDelta: number }>(`SELECT "pendingDelta" FROM "LoyaltyLedgerEntry" WHERE "idempotencyKey" = $1`, [`referral:${referral.id}:referee`]);
  if (bonus && bonus.pendingDelta > 0) {
    await lockCustomer(ctx, referral.referredCustomerId);
    await postEntry(ctx, {
      customerId: referral.referredCustomerId,
      type: "REVERSE",
      points: bonus.pendingDelta,
      how: { op: "dropPending" },
      reason: "Welcome bonus withdrawn: first order refunded",
      sourceType: "referral",
      sourceId: referral.id,
      idempotencyKey: `reverse:referral:${referral.id}`,
      occurredAt: at,
    });
  }
  await rejectReferral(ctx, referral.id, "order_refunded");
}

/** order-events.ts markStripeCodesUsed with rewards.ts markCodeUsed. */
async function markStripeCodesUsed(ctx: Ctx, promos: string[], orderId: string) {
  if (promos.length === 0) return;
  const codes = await ctx.sql.q<{ code: string }>(`SELECT "code" FROM "Redemption" WHERE "stripePromotionCodeId" = ANY($1::text[])`, [promos]);
  for (const { code } of codes) {
    const normalized = code.trim().toUpperCase();
    const [r] = await ctx.sql.q<{ id: string; customerId: string; status: string }>(`SELECT "id", "customerId", "status"::text AS "status" FROM "Redemption" WHERE "code" = $1`, [normalized]);
    if (!r || r.status === "USED") continue;
    const now = iso(new Date());
    const done = await ctx.sql.q(
      `UPDATE "Redemption" SET "status" = 'USED', "usedAt" = ${TS(2)}, "usedOrderId" = $3 WHERE "id" = $1 AND "status" = 'ISSUED' AND "expiresAt" > ${TS(2)} RETURNING 1`,
      [r.id, now, orderId],
    );
    if (done.length !== 1) continue;
    await touchpoint(ctx, { customerId: r.customerId, type: "loyalty.code_used", subjectType: "redemption", subjectId: r.id, metadata: { orderId, code: normalized } });
  }
}

/** order-events.ts onReversal for a refund. */
async function onRefundReversal(ctx: Ctx, order: Pick<OrderRow, "id" | "number">, refundId: string, amountMinor: number, at: Date) {
  const [first] = await ctx.sql.q<{ customerId: string }>(`SELECT "customerId" FROM "LoyaltyOrderPoints" WHERE "orderId" = $1`, [order.id]);
  if (!first) return;
  await lockCustomer(ctx, first.customerId);
  const key = `reverse:order:${order.id}:refund:${refundId}`;
  // The order's points and whether this refund was reversed already, in one read under the lock.
  const [row] = await ctx.sql.q<{ customerId: string; earned: number; pending: number; reversed: number; baseMinor: number; refundedMinor: number; done: boolean }>(
    `SELECT "customerId", "earned", "pending", "reversed", "baseMinor", "refundedMinor", EXISTS (SELECT 1 FROM "LoyaltyLedgerEntry" WHERE "idempotencyKey" = $2) AS "done"
     FROM "LoyaltyOrderPoints" WHERE "orderId" = $1`,
    [order.id, key],
  );
  if (!row) throw new Error(`LoyaltyOrderPoints of ${order.id} vanished`);
  if (row.done) return;
  const refundedMinor = Math.min(row.baseMinor, row.refundedMinor + Math.max(0, Math.floor(amountMinor)));
  const points = pointsToReverse({ earned: row.earned, reversed: row.reversed, baseMinor: row.baseMinor, refundedMinor });
  const r = await postEntry(ctx, {
    customerId: row.customerId,
    type: "REVERSE",
    points,
    how: { op: "reverse", orderPending: row.pending },
    reason: `Order ${order.number} refunded`,
    sourceType: "order",
    sourceId: order.id,
    idempotencyKey: key,
    occurredAt: at,
  });
  if (r.duplicate) return;
  await ctx.sql.q(`UPDATE "LoyaltyOrderPoints" SET "pending" = $2, "reversed" = $3, "refundedMinor" = $4 WHERE "orderId" = $1`, [
    order.id,
    row.pending + r.entry.pendingDelta,
    row.reversed + points,
    refundedMinor,
  ]);
  if (refundedMinor >= row.baseMinor) await onReferralOrderVoided(ctx, order.id, at);
}

// ----------------------------------------------------------------------------------------------
// Orders (lifecycle.ts)
// ----------------------------------------------------------------------------------------------

/** stripe-events.ts markPaid → lifecycle.ts transitionOrder(PAID, ignoreIfPassed). */
async function markPaid(ctx: Ctx, order: OrderRow, at: Date, data: Obj, loadedItems?: LineItemInput[]) {
  if (order.paid) return;
  if (order.status === "CANCELLED") {
    await ctx.sql.q(`UPDATE "Order" SET "paidAt" = ${TS(2)}, "paymentFailureMessage" = NULL, "updatedAt" = ${TS(3)} WHERE "id" = $1`, [order.id, iso(at), iso(new Date())]);
    await appendEvent(ctx, order, ORDER_EVENT.paid, at, { amountMinor: order.totalMinor, currency: order.currency, ...data });
    order.paid = true;
    return;
  }
  if (order.status === "PAID") return;
  if (order.status !== "PLACED") {
    throw new AppError("CONFLICT", `Order ${order.number} is ${order.status.toLowerCase()} and cannot become paid`, {
      status: { key: "orders.errors.invalidTransition", params: { from: order.status, to: "PAID" } },
    });
  }
  await ctx.sql.q(`UPDATE "Order" SET "status" = 'PAID', "paidAt" = ${TS(2)}, "paymentFailureMessage" = NULL, "updatedAt" = ${TS(3)} WHERE "id" = $1`, [order.id, iso(at), iso(new Date())]);
  let mail: MailRow | undefined;
  if (mayMail(order)) {
    const items = loadedItems ?? (await ctx.sql.q<LineItemInput>(`SELECT "name", "quantity", "unitPriceMinor" FROM "OrderItem" WHERE "orderId" = $1 ORDER BY "id"`, [order.id]));
    mail = {
      to: order.email,
      template: "order-confirmation",
      locale: order.locale,
      customerId: order.customerId,
      props: {
        name: order.name,
        orderNumber: order.number,
        url: orderUrl(order.number, ctx.deps.appUrl),
        currency: order.currency,
        items: items.map((i) => ({ name: i.name, quantity: i.quantity, unitPriceMinor: i.unitPriceMinor })),
        subtotalMinor: order.subtotalMinor,
        shippingMinor: order.shippingMinor,
        taxMinor: order.taxMinor,
        discountMinor: order.discountMinor,
        totalMinor: order.totalMinor,
      },
    };
  }
  await appendEvent(ctx, order, ORDER_EVENT.paid, at, { ...data, amountMinor: order.totalMinor, currency: order.currency }, mail);
  const paidOrder: OrderRow = { ...order, status: "PAID", paid: true };
  await onPaid(ctx, paidOrder, at);
  Object.assign(order, { status: "PAID", paid: true });
}

/** lifecycle.ts recordRefund (Stripe refunds: deduplicated by refund id). `order` is kept current. */
async function recordRefund(ctx: Ctx, order: OrderRow, r: { amountMinor: number; at: Date; reason: string | null; stripeRefundId: string }) {
  if ((await ctx.sql.q(`SELECT 1 FROM "Refund" WHERE "stripeRefundId" = $1`, [r.stripeRefundId])).length) return;
  if (!Number.isInteger(r.amountMinor) || r.amountMinor <= 0) {
    throw new AppError("BAD_REQUEST", "A refund must be a positive whole amount in minor units", { amount: "orders.errors.refundAmount" });
  }
  if (!order.paid) throw new AppError("CONFLICT", `Order ${order.number} has not been paid, so it cannot be refunded`, { amount: "orders.errors.refundUnpaid" });
  const remaining = order.totalMinor - order.refundedMinor;
  if (r.amountMinor > remaining) {
    throw new AppError("CONFLICT", `Refund of ${r.amountMinor} exceeds the ${remaining} left to refund on order ${order.number}`, {
      amount: { key: "orders.errors.refundTooLarge", params: { remaining } },
    });
  }
  const refundedMinor = order.refundedMinor + r.amountMinor;
  const full = refundedMinor === order.totalMinor;
  const refundId = newId();
  const becomesRefunded = full && order.status !== "CANCELLED" && order.status !== "PLACED";
  await ctx.sql.q(
    `WITH r AS (INSERT INTO "Refund" ("id", "orderId", "amountMinor", "currency", "reason", "stripeRefundId", "source", "refundedAt") VALUES ($1, $2, $3, $4, $5, $6, 'stripe', ${TS(7)}))
     UPDATE "Order" SET "refundedMinor" = $8, "status" = CASE WHEN $9 THEN 'REFUNDED'::"OrderStatus" ELSE "status" END, "updatedAt" = ${TS(10)} WHERE "id" = $2`,
    [refundId, order.id, r.amountMinor, order.currency, r.reason, r.stripeRefundId, iso(r.at), refundedMinor, becomesRefunded, iso(new Date())],
  );
  let mail: MailRow | undefined;
  if (mayMail(order)) {
    mail = {
      to: order.email,
      template: "order-refund",
      locale: order.locale,
      customerId: order.customerId,
      props: {
        name: order.name,
        orderNumber: order.number,
        url: orderUrl(order.number, ctx.deps.appUrl),
        currency: order.currency,
        amountMinor: r.amountMinor,
        refundedMinor,
        totalMinor: order.totalMinor,
        full,
      },
    };
  }
  await appendEvent(
    ctx,
    order,
    ORDER_EVENT.refunded,
    r.at,
    { amountMinor: r.amountMinor, currency: order.currency, refundedMinor, full, refundId, stripeRefundId: r.stripeRefundId, ...(r.reason ? { reason: r.reason } : {}) },
    mail,
  );
  await onRefundReversal(ctx, order, refundId, r.amountMinor, r.at);
  order.refundedMinor = refundedMinor;
  if (becomesRefunded) order.status = "REFUNDED";
}

async function applyCheckoutSession(ctx: Ctx, event: StripeEventLike, fetched: LineItemInput[] | null): Promise<OrderRow> {
  const s = event.data.object;
  const sessionId = str(s.id);
  if (!sessionId) throw new AppError("BAD_REQUEST", "checkout.session.completed without a session id");
  const paymentIntentId = idOf(s.payment_intent);
  const at = new Date(event.created * 1000);
  const metadata = obj(s.metadata);
  const number = str(metadata?.order_number) ?? `R-${sessionId.replace(/^cs_(test_|live_)?/, "").slice(-10).toUpperCase()}`;

  const candidates = await ctx.sql.q<OrderRow>(`${ORDER_SELECT} WHERE o."stripeCheckoutSessionId" = $1 OR o."number" = $2`, [sessionId, number]);
  let order = candidates.find((c) => c.stripeCheckoutSessionId === sessionId) ?? null;
  let items: LineItemInput[] | undefined;
  if (!order) {
    // An order with this number created earlier (fulfilment API, staff): link it to the payment.
    const byNumber = candidates.find((c) => c.number === number) ?? null;
    if (byNumber) {
      if (byNumber.stripeCheckoutSessionId && byNumber.stripeCheckoutSessionId !== sessionId) {
        throw new AppError("CONFLICT", `Order ${number} already belongs to checkout session ${byNumber.stripeCheckoutSessionId}`);
      }
      await ctx.sql.q(`UPDATE "Order" SET "stripeCheckoutSessionId" = $2, "stripePaymentIntentId" = COALESCE("stripePaymentIntentId", $3), "updatedAt" = ${TS(4)} WHERE "id" = $1`, [
        byNumber.id,
        sessionId,
        paymentIntentId,
        iso(new Date()),
      ]);
      order = await orderById(ctx, byNumber.id);
    }
  }
  if (!order) {
    const email = (str(obj(s.customer_details)?.email) ?? str(s.customer_email))?.trim().toLowerCase() || null;
    if (!email) throw new AppError("BAD_REQUEST", `Checkout session ${sessionId} has no customer email`);
    const name = str(obj(s.customer_details)?.name);
    const locale = /^zh/i.test(str(s.locale) ?? "") ? "zh_CN" : "en";
    // Find, else create (an existing customer is left as it is).
    let [customer] = await ctx.sql.q<{ id: string; email: string; name: string | null; locale: "en" | "zh_CN"; anonymized: boolean }>(
      `SELECT "id", "email", "name", "locale"::text AS "locale", "anonymizedAt" IS NOT NULL AS "anonymized" FROM "Customer" WHERE "email" = $1`,
      [email],
    );
    if (!customer) {
      const now = iso(new Date());
      customer = { id: newId(), email, name, locale, anonymized: false };
      await ctx.sql.q(`INSERT INTO "Customer" ("id", "email", "name", "locale", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4::"Locale", ${TS(5)}, ${TS(5)})`, [customer.id, email, name, locale, now]);
    }
    const currency = (str(s.currency) ?? "usd").toUpperCase();
    const totals = obj(s.total_details);
    const amountTotal = num(s.amount_total) ?? 0;
    const amountSubtotal = num(s.amount_subtotal) ?? amountTotal;
    items = fetched ?? lineItemsFromMetadata(metadata) ?? [{ sku: null, name: `Order ${number}`, quantity: 1, unitPriceMinor: amountSubtotal }];
    // lifecycle.ts placeOrder.
    const shippingMinor = num(totals?.amount_shipping) ?? 0;
    const taxMinor = num(totals?.amount_tax) ?? 0;
    const discountMinor = num(totals?.amount_discount) ?? 0;
    if (amountTotal < 0) throw new AppError("BAD_REQUEST", "An order total cannot be negative", { total: "orders.errors.negativeTotal" });
    const placedAt = num(s.created) ? new Date(num(s.created)! * 1000) : at;
    const id = newId();
    await ctx.sql.q(
      `WITH o AS (
         INSERT INTO "Order" ("id", "number", "customerId", "status", "currency", "subtotalMinor", "shippingMinor", "taxMinor", "discountMinor", "totalMinor", "placedAt", "source",
                              "stripeCheckoutSessionId", "stripePaymentIntentId", "createdAt", "updatedAt")
         VALUES ($1, $2, $3, 'PLACED', $4, $5, $6, $7, $8, $9, ${TS(10)}, 'stripe', $11, $12, ${TS(13)}, ${TS(13)}) RETURNING "id")
       INSERT INTO "OrderItem" ("id", "orderId", "sku", "name", "quantity", "unitPriceMinor")
       SELECT i.id, (SELECT "id" FROM o), i.sku, i.name, i.quantity, i.price FROM unnest($14::text[], $15::text[], $16::text[], $17::int[], $18::int[]) WITH ORDINALITY AS i(id, sku, name, quantity, price, n) ORDER BY i.n`,
      [
        id,
        number,
        customer.id,
        currency,
        amountSubtotal,
        shippingMinor,
        taxMinor,
        discountMinor,
        amountTotal,
        iso(placedAt),
        sessionId,
        paymentIntentId,
        iso(new Date()),
        items.map(() => newId()),
        items.map((i) => i.sku ?? null),
        items.map((i) => i.name),
        items.map((i) => i.quantity),
        items.map((i) => i.unitPriceMinor),
      ],
    );
    order = {
      id,
      number,
      customerId: customer.id,
      status: "PLACED",
      currency,
      subtotalMinor: amountSubtotal,
      shippingMinor,
      taxMinor,
      discountMinor,
      totalMinor: amountTotal,
      refundedMinor: 0,
      paid: false,
      disputed: false,
      stripeCheckoutSessionId: sessionId,
      stripePaymentIntentId: paymentIntentId,
      stripeChargeId: null,
      source: "stripe",
      email: customer.email,
      name: customer.name,
      locale: customer.locale,
      anonymized: customer.anonymized,
    };
    await appendEvent(ctx, order, ORDER_EVENT.placed, placedAt, { totalMinor: amountTotal, currency });
  }
  if (s.payment_status === "paid" || s.payment_status === "no_payment_required") await markPaid(ctx, order, at, { stripeEventId: event.id }, items);
  return order;
}

type Applied = { orderId: string; order?: OrderRow } | { orderId: null; waiting: string };

/** stripe-events.ts applyStripeEventWithOrder. */
async function applyOne(ctx: Ctx, event: StripeEventLike, lineItems: LineItemInput[] | null): Promise<Applied> {
  const o = event.data.object;
  const at = new Date(event.created * 1000);
  const data = { stripeEventId: event.id };
  switch (event.type) {
    case "checkout.session.completed": {
      const order = await applyCheckoutSession(ctx, event, lineItems);
      return { orderId: order.id, order };
    }
    case "payment_intent.succeeded": {
      const order = await orderByPayment(ctx, str(o.id), null);
      if (!order) return { orderId: null, waiting: `No order with payment intent ${String(o.id)} yet` };
      const chargeId = idOf(o.latest_charge);
      if (chargeId && !order.stripeChargeId) {
        await ctx.sql.q(`UPDATE "Order" SET "stripeChargeId" = $2, "updatedAt" = ${TS(3)} WHERE "id" = $1`, [order.id, chargeId, iso(new Date())]);
        order.stripeChargeId = chargeId;
      }
      await markPaid(ctx, order, at, data);
      return { orderId: order.id };
    }
    case "payment_intent.payment_failed": {
      const order = await orderByPayment(ctx, str(o.id), null);
      if (!order) return { orderId: null, waiting: `No order with payment intent ${String(o.id)} yet` };
      const message = str(obj(o.last_payment_error)?.message) ?? "Payment failed";
      if (!order.paid) await ctx.sql.q(`UPDATE "Order" SET "paymentFailureMessage" = $2, "updatedAt" = ${TS(3)} WHERE "id" = $1`, [order.id, message, iso(new Date())]);
      await appendEvent(ctx, order, ORDER_EVENT.paymentFailed, at, { message, stripeEventId: event.id });
      return { orderId: order.id };
    }
    case "charge.refunded": {
      const chargeId = str(o.id);
      const order = await orderByPayment(ctx, idOf(o.payment_intent), chargeId);
      if (!order) return { orderId: null, waiting: `No order with charge ${String(chargeId)} yet` };
      const receipt = str(o.receipt_url);
      await ctx.sql.q(`UPDATE "Order" SET "stripeChargeId" = COALESCE("stripeChargeId", $2), "stripeReceiptUrl" = COALESCE($3, "stripeReceiptUrl"), "updatedAt" = ${TS(4)} WHERE "id" = $1`, [
        order.id,
        chargeId,
        receipt,
        iso(new Date()),
      ]);
      // A refunded charge was paid: a refund seen before payment_intent.succeeded implies the payment.
      const chargeAt = num(o.created) ? new Date(num(o.created)! * 1000) : at;
      await markPaid(ctx, order, chargeAt, data);
      const list = obj(o.refunds)?.data;
      if (Array.isArray(list)) {
        const refunds = list
          .map(obj)
          .filter((r): r is Obj => r !== null && str(r.id) !== null && num(r.amount) !== null && r.status !== "failed" && r.status !== "canceled")
          .sort((a, b) => (num(a.created) ?? 0) - (num(b.created) ?? 0));
        for (const r of refunds) {
          await recordRefund(ctx, order, { amountMinor: num(r.amount)!, at: num(r.created) ? new Date(num(r.created)! * 1000) : at, reason: str(r.reason), stripeRefundId: str(r.id)! });
        }
      } else {
        // Charges without their refunds list: the running total, the difference from what is known.
        const total = num(o.amount_refunded) ?? 0;
        const missing = Math.min(total, order.totalMinor) - order.refundedMinor;
        if (missing > 0) await recordRefund(ctx, order, { amountMinor: missing, at, reason: null, stripeRefundId: `${String(o.id)}:${total}` });
      }
      return { orderId: order.id };
    }
    case "charge.dispute.created": {
      const order = await orderByPayment(ctx, idOf(o.payment_intent), idOf(o.charge));
      if (!order) return { orderId: null, waiting: `No order with charge ${String(idOf(o.charge))} yet` };
      if (!order.disputed) await ctx.sql.q(`UPDATE "Order" SET "disputedAt" = ${TS(2)}, "updatedAt" = ${TS(3)} WHERE "id" = $1`, [order.id, iso(at), iso(new Date())]);
      await appendEvent(ctx, order, ORDER_EVENT.disputed, at, { disputeId: str(o.id), amountMinor: num(o.amount), reason: str(o.reason), status: str(o.status), stripeEventId: event.id });
      return { orderId: order.id };
    }
  }
  throw new Error(`Unhandled Stripe event type ${event.type}`);
}

/** Serialises events about the same payment (the same advisory locks as the Prisma path took). */
async function lockRefs(ctx: Ctx, refs: { paymentIntentId: string | null; checkoutSessionId: string | null }[]) {
  const keys = [...new Set(refs.flatMap((r) => [r.checkoutSessionId, r.paymentIntentId]).filter((k): k is string => k !== null).map((k) => `stripe:${k}`))]
    .filter((k) => !ctx.locked.has(k))
    .sort();
  if (keys.length === 0) return;
  // In one sorted order everywhere (a batch takes all its events' locks at once), so two
  // transactions never wait for each other's locks in a cycle.
  await ctx.sql.q(`SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`, [keys]);
  for (const k of keys) ctx.locked.add(k);
}

function markApplied(ctx: Ctx, id: string, orderId: string) {
  ctx.applied.set(id, orderId);
  ctx.unflushed.add(id);
}

/** Writes appliedAt/orderId of the events applied so far, in one statement (before commit, or before a query reads StripeEvent.orderId). */
async function flushMarks(ctx: Ctx) {
  if (ctx.unflushed.size === 0) return;
  const ids = [...ctx.unflushed];
  await ctx.sql.q(
    `UPDATE "StripeEvent" e SET "appliedAt" = ${TS(1)}, "orderId" = m."orderId", "error" = NULL FROM unnest($2::text[], $3::text[]) AS m("id", "orderId") WHERE e."id" = m."id"`,
    [iso(new Date()), ids, ids.map((id) => ctx.applied.get(id)!)],
  );
  ctx.unflushed.clear();
}

/** Flushes marks when one of them is about `orderId` (queries over StripeEvent.orderId must see them). */
async function flushMarksOf(ctx: Ctx, orderId: string) {
  for (const id of ctx.unflushed) if (ctx.applied.get(id) === orderId) return flushMarks(ctx);
}

/** Applies one stored event (lock, effects, appliedAt; a checkout session also releases its waiting events). */
async function applyStored(ctx: Ctx, event: StripeEventLike, lineItems: LineItemInput[] | null): Promise<ReceiveResult> {
  await lockRefs(ctx, [stripeEventRefs(event)]);
  const r = await applyOne(ctx, event, lineItems);
  if (r.orderId === null) {
    await ctx.sql.q(`UPDATE "StripeEvent" SET "error" = $2 WHERE "id" = $1`, [event.id, r.waiting]);
    return { status: "pending", reason: r.waiting };
  }
  markApplied(ctx, event.id, r.orderId);
  if (event.type === "checkout.session.completed" && r.order) await applyWaitingEvents(ctx, r.order);
  return { status: "applied", orderId: r.orderId };
}

/** Events about this order's payment that arrived before the order: apply them now, oldest first. */
async function applyWaitingEvents(ctx: Ctx, order: Pick<OrderRow, "stripePaymentIntentId" | "stripeCheckoutSessionId">) {
  if (!order.stripePaymentIntentId && !order.stripeCheckoutSessionId) return;
  // SKIP LOCKED: an event another transaction has claimed is applied by that transaction (it waits
  // for this one's payment lock, then finds the order).
  const waiting = await ctx.sql.q<{ id: string; payload: StripeEventLike }>(
    `SELECT "id", "payload" FROM "StripeEvent"
     WHERE "appliedAt" IS NULL AND ("paymentIntentId" = $1 OR "checkoutSessionId" = $2) AND "type" <> 'checkout.session.completed'
     FOR UPDATE SKIP LOCKED`,
    [order.stripePaymentIntentId, order.stripeCheckoutSessionId],
  );
  waiting.sort((a, b) => (a.payload.created ?? 0) - (b.payload.created ?? 0));
  for (const w of waiting) {
    if (ctx.applied.has(w.id)) continue;
    // One that breaks a rule (a refund larger than the order) keeps its reason and waits for the
    // retry job; it does not stop the order from being created.
    await ctx.sql.client.query("SAVEPOINT waiting");
    try {
      const r = await applyOne(ctx, w.payload, null);
      await ctx.sql.client.query("RELEASE SAVEPOINT waiting");
      if (r.orderId) markApplied(ctx, w.id, r.orderId);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      await ctx.sql.client.query("ROLLBACK TO SAVEPOINT waiting");
      await ctx.sql.q(`UPDATE "StripeEvent" SET "error" = $2 WHERE "id" = $1`, [w.id, e.message]);
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Storing, claiming and batches
// ----------------------------------------------------------------------------------------------

export type Queryable = { query: (q: { name?: string; text: string; values?: unknown[] }) => Promise<{ rows: unknown[]; rowCount: number | null }> };

/**
 * Stores a verified event once (by its id), in one statement; false for an id already stored.
 * `rawJson` is the body Stripe signed (the same JSON as the event). Event types the product does
 * not handle are stored as applied (nothing to do).
 */
export async function storeStripeEvent(pool: Queryable, event: StripeEventLike, rawJson?: string): Promise<boolean> {
  const refs = stripeEventRefs(event);
  const handled = (HANDLED_EVENTS as readonly string[]).includes(event.type);
  const r = await pool.query({
    name: "stripe_store_event",
    text: `INSERT INTO "StripeEvent" ("id", "type", "paymentIntentId", "checkoutSessionId", "payload", "appliedAt")
           VALUES ($1, $2, $3, $4, $5::jsonb, CASE WHEN $6 THEN NULL ELSE (now() AT TIME ZONE 'UTC') END) ON CONFLICT ("id") DO NOTHING`,
    values: [event.id, event.type, refs.paymentIntentId, refs.checkoutSessionId, rawJson ?? JSON.stringify(event), handled],
  });
  return r.rowCount === 1;
}

export interface BatchResult {
  /** Result per event id claimed or released in this batch. */
  results: Map<string, ReceiveResult>;
  claimed: number;
  applied: number;
}

type Claimed = { id: string; payload: StripeEventLike };

/** Line items from Stripe's API for checkout sessions without an order yet (outside any transaction). */
async function prefetchLineItems(pool: pg.Pool, events: Claimed[], deps: StripeDeps) {
  const items = new Map<string, LineItemInput[]>();
  const errors = new Map<string, string>();
  const sessions = events.filter((e) => e.payload.type === "checkout.session.completed" && str(e.payload.data.object.id));
  if (!deps.fetchLineItems || sessions.length === 0) return { items, errors };
  const ids = sessions.map((e) => String(e.payload.data.object.id));
  const known = new Set(
    ((await pool.query(`SELECT "stripeCheckoutSessionId" AS "s" FROM "Order" WHERE "stripeCheckoutSessionId" = ANY($1::text[])`, [ids])).rows as { s: string }[]).map((r) => r.s),
  );
  for (const e of sessions) {
    const sessionId = String(e.payload.data.object.id);
    if (known.has(sessionId)) continue;
    try {
      items.set(e.id, await deps.fetchLineItems(sessionId));
    } catch (err) {
      errors.set(e.id, `Stripe API unavailable for line items: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { items, errors };
}

async function runBatch(pool: pg.Pool, claimSql: string, claimValues: unknown[], deps: StripeDeps, prefetched: Awaited<ReturnType<typeof prefetchLineItems>>, mode: "batch" | "single"): Promise<BatchResult> {
  const client = await pool.connect();
  // A connection lost while checked out (PostgreSQL restarting) is an 'error' event on the client:
  // without a listener it would crash the process. The query in flight rejects with the same error.
  let lost: Error | undefined;
  const onLost = (e: Error) => (lost = e);
  client.on("error", onLost);
  const results = new Map<string, ReceiveResult>();
  try {
    await client.query("BEGIN");
    const ctx = newCtx(client, deps);
    const claimed = (await client.query(claimSql, claimValues)).rows as Claimed[];
    // Every claimed event's payment locks at once, in sorted order.
    await lockRefs(ctx, claimed.map((c) => stripeEventRefs(c.payload)));
    const failures: { id: string; reason: string }[] = [];
    for (const row of claimed) {
      if (ctx.applied.has(row.id)) continue;
      const fetchError = prefetched.errors.get(row.id);
      if (fetchError) {
        await ctx.sql.q(`UPDATE "StripeEvent" SET "error" = $2 WHERE "id" = $1`, [row.id, fetchError]);
        results.set(row.id, { status: "pending", reason: fetchError });
        continue;
      }
      if (mode === "single") {
        // One event per transaction: a rule it breaks is stored with it (SAVEPOINT keeps the claim).
        await client.query("SAVEPOINT ev");
        try {
          results.set(row.id, await applyStored(ctx, row.payload, prefetched.items.get(row.id) ?? null));
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          await client.query("ROLLBACK TO SAVEPOINT ev");
          failures.push({ id: row.id, reason: e.message });
          ctx.applied.clear();
          ctx.unflushed.clear();
        }
      } else {
        results.set(row.id, await applyStored(ctx, row.payload, prefetched.items.get(row.id) ?? null));
      }
    }
    await flushMarks(ctx);
    for (const f of failures) {
      await ctx.sql.q(`UPDATE "StripeEvent" SET "error" = $2 WHERE "id" = $1`, [f.id, f.reason]);
      results.set(f.id, { status: "pending", reason: f.reason });
    }
    await client.query("COMMIT");
    for (const [id, orderId] of ctx.applied) results.set(id, { status: "applied", orderId });
    return { results, claimed: claimed.length, applied: ctx.applied.size };
  } catch (e) {
    if (!lost) await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.off("error", onLost);
    // A broken connection is closed, not returned to the pool.
    client.release(lost);
  }
}

/**
 * Never-tried events of partition $2 of $3 (by payment: every event of one payment is in the same
 * partition, so parallel appliers never wait for each other's payment locks).
 */
const PARTITION = `mod(abs(hashtext(COALESCE("paymentIntentId", "checkoutSessionId", "id"))::bigint), $3::int) = $2::int`;
const CLAIM_NEW = `SELECT "id", "payload" FROM "StripeEvent" WHERE "appliedAt" IS NULL AND "error" IS NULL AND ${PARTITION} ORDER BY "receivedAt", "id" LIMIT $1 FOR UPDATE SKIP LOCKED`;
const PEEK_NEW = `SELECT "id", "payload" FROM "StripeEvent" WHERE "appliedAt" IS NULL AND "error" IS NULL AND ${PARTITION} ORDER BY "receivedAt", "id" LIMIT $1`;
const CLAIM_IDS = `SELECT "id", "payload" FROM "StripeEvent" WHERE "id" = ANY($1::text[]) AND "appliedAt" IS NULL ORDER BY array_position($1::text[], "id") FOR UPDATE SKIP LOCKED`;

/**
 * Applies up to `limit` stored events that were never tried (oldest first; of one partition when
 * several appliers share the work), or exactly `ids`, in one transaction.
 * If the batch fails, its events are applied one per transaction: a rule one event breaks is
 * stored with it (`error`), an unexpected failure is stored as "apply failed: …" and logged; those
 * events wait for the retry job. Returns the result of every event it settled.
 */
export async function applyStoredStripeEvents(
  pool: pg.Pool,
  deps: StripeDeps = {},
  opts: { limit?: number; log?: (m: string) => void; partition?: number; partitions?: number; ids?: string[] } = {},
): Promise<BatchResult> {
  const limit = opts.limit ?? 200;
  const part = [opts.partition ?? 0, opts.partitions ?? 1];
  let prefetched: Awaited<ReturnType<typeof prefetchLineItems>> = { items: new Map(), errors: new Map() };
  let claimSql = CLAIM_NEW;
  let claimValues: unknown[] = [limit, ...part];
  if (opts.ids) {
    // Exactly these events (in this order), as one batch.
    const rows = (await pool.query(`SELECT "id", "payload" FROM "StripeEvent" WHERE "id" = ANY($1::text[]) AND "appliedAt" IS NULL`, [opts.ids])).rows as Claimed[];
    prefetched = await prefetchLineItems(pool, rows, deps);
    claimSql = CLAIM_IDS;
    claimValues = [opts.ids];
  } else if (deps.fetchLineItems) {
    // Network first, outside the transaction: peek at the batch, fetch, then claim exactly those.
    const peek = (await pool.query(PEEK_NEW, [limit, ...part])).rows as Claimed[];
    if (peek.length === 0) return { results: new Map(), claimed: 0, applied: 0 };
    prefetched = await prefetchLineItems(pool, peek, deps);
    claimSql = CLAIM_IDS;
    claimValues = [peek.map((p) => p.id)];
  }
  try {
    return await runBatch(pool, claimSql, claimValues, deps, prefetched, "batch");
  } catch (e) {
    if (!(e instanceof AppError)) opts.log?.(`[stripe] batch failed, applying its events one by one: ${e instanceof Error ? e.message : String(e)}`);
  }
  const ids =
    claimSql === CLAIM_IDS
      ? (claimValues[0] as string[])
      : ((await pool.query(PEEK_NEW, [limit, ...part])).rows as { id: string }[]).map((r) => r.id);
  const out: BatchResult = { results: new Map(), claimed: 0, applied: 0 };
  for (const id of ids) {
    const r = await applyStripeEventsByIds(pool, [id], deps, prefetched, opts.log);
    for (const [k, v] of r.results) out.results.set(k, v);
    out.claimed += r.claimed;
    out.applied += r.applied;
  }
  return out;
}

/**
 * Applies the given stored, unapplied events, each in its own transaction (the retry job, and
 * receiveStripeEvent). An unexpected failure is stored on the event ("apply failed: …") and logged.
 */
export async function applyStripeEventsByIds(
  pool: pg.Pool,
  ids: string[],
  deps: StripeDeps = {},
  prefetched?: Awaited<ReturnType<typeof prefetchLineItems>>,
  log: (m: string) => void = (m) => console.warn(m),
): Promise<BatchResult> {
  const out: BatchResult = { results: new Map(), claimed: 0, applied: 0 };
  for (const id of ids) {
    let pre = prefetched;
    if (!pre) {
      const rows = (await pool.query(`SELECT "id", "payload" FROM "StripeEvent" WHERE "id" = $1 AND "appliedAt" IS NULL`, [id])).rows as Claimed[];
      if (rows.length === 0) continue;
      pre = await prefetchLineItems(pool, rows, deps);
    }
    try {
      const r = await runBatch(pool, CLAIM_IDS, [[id]], deps, pre, "single");
      for (const [k, v] of r.results) out.results.set(k, v);
      out.claimed += r.claimed;
      out.applied += r.applied;
    } catch (e) {
      const reason = `apply failed: ${e instanceof Error ? e.message : String(e)}`;
      log(`[stripe] event ${id}: ${reason}`);
      await pool.query(`UPDATE "StripeEvent" SET "error" = $2 WHERE "id" = $1 AND "appliedAt" IS NULL`, [id, reason.slice(0, 2000)]);
      out.results.set(id, { status: "pending", reason });
    }
  }
  return out;
}

/**
 * The process's applier: the webhook stores an event and kicks it; it drains stored events in
 * batches (one at a time per process) and hands each event's result to whoever waits for it.
 * Nothing is lost if the process stops: unapplied events stay in StripeEvent and the retry job
 * (orders.stripe-retry, every minute) applies those older than a minute.
 */
export class StripeEventApplier {
  private running: boolean[];
  private again: boolean[];
  private waiters = new Map<string, ((r: ReceiveResult | null) => void)[]>();

  constructor(
    private readonly pool: () => pg.Pool,
    private readonly deps: StripeDeps,
    private readonly opts: { batch?: number; workers?: number; onApplied?: () => void; log?: (m: string) => void; pollMs?: number } = {},
  ) {
    const n = Math.max(1, opts.workers ?? 4);
    this.running = Array.from({ length: n }, () => false);
    this.again = Array.from({ length: n }, () => false);
  }

  /** New events are stored: every worker (one per partition) drains its partition. */
  kick() {
    for (let k = 0; k < this.running.length; k++) {
      if (this.running[k]) {
        this.again[k] = true;
        continue;
      }
      this.running[k] = true;
      void this.drain(k);
    }
  }

  /** The result of event `id` once a batch settles it; null after `ms` (it stays stored and will be applied). */
  wait(id: string, ms: number): Promise<ReceiveResult | null> {
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      let done = false;
      const finish = (r: ReceiveResult | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        const l = this.waiters.get(id);
        if (l) {
          const rest = l.filter((f) => f !== finish);
          if (rest.length) this.waiters.set(id, rest);
          else this.waiters.delete(id);
        }
        finish(null);
      }, ms);
      list.push(finish);
      this.waiters.set(id, list);
      this.schedulePoll();
    });
  }

  private poll: ReturnType<typeof setTimeout> | null = null;

  /**
   * With several processes on one database, another process's applier may claim an event this one
   * stored (the same partition of the same event id): its own batches then never see it. While
   * anyone waits, the stored state of the awaited events is read every `pollMs` (250 ms) and
   * settles those applied (or held with a reason) elsewhere. One small read, only while waiting.
   */
  private schedulePoll() {
    if (this.poll) return;
    this.poll = setTimeout(() => void this.settleFromDatabase(), this.opts.pollMs ?? 250);
    this.poll.unref?.();
  }

  private async settleFromDatabase() {
    this.poll = null;
    const ids = [...this.waiters.keys()];
    if (!ids.length) return;
    try {
      const { rows } = await this.pool().query<{ id: string; orderId: string | null; applied: boolean; error: string | null }>(
        `SELECT "id", "orderId", "appliedAt" IS NOT NULL AS "applied", "error" FROM "StripeEvent" WHERE "id" = ANY($1::text[]) AND ("appliedAt" IS NOT NULL OR "error" IS NOT NULL)`,
        [ids],
      );
      this.settle(new Map(rows.map((r): [string, ReceiveResult] => [r.id, r.applied ? { status: "applied", orderId: r.orderId } : { status: "pending", reason: r.error ?? "" }])));
    } catch {
      // The database is away: the waits run out into "queued", which is still true.
    }
    if (this.waiters.size) this.schedulePoll();
  }

  private settle(results: Map<string, ReceiveResult>) {
    for (const [id, r] of results) {
      const list = this.waiters.get(id);
      if (!list) continue;
      this.waiters.delete(id);
      for (const f of list) f(r);
    }
  }

  private async drain(k: number) {
    try {
      for (;;) {
        this.again[k] = false;
        let r: BatchResult;
        try {
          r = await applyStoredStripeEvents(this.pool(), this.deps, { limit: this.opts.batch ?? 200, log: this.opts.log, partition: k, partitions: this.running.length });
        } catch (e) {
          this.opts.log?.(`[stripe] applying stored events failed (the retry job will pick them up): ${e instanceof Error ? e.message : String(e)}`);
          break;
        }
        this.settle(r.results);
        if (r.applied > 0) this.opts.onApplied?.();
        if (r.claimed === 0 && !this.again[k]) break;
      }
    } finally {
      this.running[k] = false;
    }
  }
}
