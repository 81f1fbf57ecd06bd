// Stripe webhook events: what we read of them, storing once (StripeEvent.id) and retrying. The HTTP
// layer (server/api/stripe-webhook.ts) verifies the signature and stores the event; the effects are
// applied by stripe-apply.ts (plain SQL, in batches). Events arrive twice and out of order: an event
// about a payment with no order yet stays unapplied (appliedAt null, the reason in `error`) and is
// applied when its order is created, or by the retry job; every handler is idempotent, so any
// delivery order converges to the same state.
import { pgPool, type Db } from "../../db/client.ts";
import { applyStripeEventsByIds, storeStripeEvent } from "./stripe-apply.ts";

/** The part of a Stripe Event we rely on (https://docs.stripe.com/api/events/object). */
export interface StripeEventLike {
  id: string;
  type: string;
  created: number;
  data: { object: Record<string, unknown> };
}

export interface LineItemInput {
  sku?: string | null;
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface StripeDeps {
  /** Line items of a Checkout Session from Stripe's API (when STRIPE_SECRET_KEY is set). May throw (no network). */
  fetchLineItems?: (sessionId: string) => Promise<LineItemInput[]>;
  appUrl?: string;
}

export const HANDLED_EVENTS = ["checkout.session.completed", "payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded", "charge.dispute.created"] as const;

type Obj = Record<string, unknown>;
const str = (x: unknown): string | null => (typeof x === "string" && x !== "" ? x : null);
const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const obj = (x: unknown): Obj | null => (x && typeof x === "object" && !Array.isArray(x) ? (x as Obj) : null);
/** An expandable field: an id string or an object with an id. */
const idOf = (x: unknown): string | null => str(x) ?? str(obj(x)?.id);

/** The payment intent and checkout session an event is about (for ordering and re-application). */
export function stripeEventRefs(event: StripeEventLike): { paymentIntentId: string | null; checkoutSessionId: string | null } {
  const o = event.data.object;
  switch (event.type) {
    case "checkout.session.completed":
      return { paymentIntentId: idOf(o.payment_intent), checkoutSessionId: str(o.id) };
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed":
      return { paymentIntentId: str(o.id), checkoutSessionId: null };
    case "charge.refunded":
    case "charge.dispute.created":
      return { paymentIntentId: idOf(o.payment_intent), checkoutSessionId: null };
    default:
      return { paymentIntentId: null, checkoutSessionId: null };
  }
}

export type ReceiveResult = { status: "duplicate" } | { status: "applied"; orderId: string | null } | { status: "pending"; reason: string } | { status: "ignored" };

/**
 * Stores the (verified) event once and applies it now, in its own transaction (the batching
 * applier in stripe-apply.ts does the same for the webhook). A replay of a stored event id is a
 * no-op ("duplicate"). When the event cannot be applied yet (no order, or Stripe's API unreachable
 * for line items) it stays stored unapplied with the reason and is retried (applyPendingStripeEvents).
 */
export async function receiveStripeEvent(_db: Db, event: StripeEventLike, deps: StripeDeps = {}): Promise<ReceiveResult> {
  if (!(await storeStripeEvent(pgPool(), event))) return { status: "duplicate" };
  if (!(HANDLED_EVENTS as readonly string[]).includes(event.type)) return { status: "ignored" };
  const r = await applyStripeEventsByIds(pgPool(), [event.id], deps);
  return r.results.get(event.id) ?? { status: "duplicate" };
}

/**
 * Retries stored events that are not applied yet (their order appeared later, Stripe's API was
 * unreachable, a rule failed, or the process stopped before applying them). Run by the
 * `orders.stripe-retry` job; returns how many were applied (including events they released).
 */
export async function applyPendingStripeEvents(_db: Db, deps: StripeDeps = {}, opts: { limit?: number; olderThanMs?: number } = {}): Promise<number> {
  const before = new Date(Date.now() - (opts.olderThanMs ?? 0));
  const rows = (
    await pgPool().query(
      `SELECT "id", "type" FROM "StripeEvent"
       WHERE "appliedAt" IS NULL AND "receivedAt" <= ($1::timestamptz AT TIME ZONE 'UTC') AND "receivedAt" >= ($2::timestamptz AT TIME ZONE 'UTC')
       ORDER BY "receivedAt" LIMIT $3`,
      [before.toISOString(), new Date(Date.now() - 30 * 86400_000).toISOString(), opts.limit ?? 200],
    )
  ).rows as { id: string; type: string }[];
  // Checkout sessions first: they create the orders the other events wait for.
  rows.sort((a, b) => Number(b.type === "checkout.session.completed") - Number(a.type === "checkout.session.completed"));
  const r = await applyStripeEventsByIds(pgPool(), rows.map((x) => x.id), deps);
  return [...r.results.values()].filter((x) => x.status === "applied").length;
}

/** Line items from metadata.items: a JSON array of {sku?, name, quantity, unit_amount} (documented in the README). */
export function lineItemsFromMetadata(metadata: Obj | null): LineItemInput[] | null {
  const raw = str(metadata?.items);
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return null;
    const items = parsed.map(obj).map((i) => ({
      sku: str(i?.sku),
      name: str(i?.name) ?? "",
      quantity: num(i?.quantity) ?? 0,
      unitPriceMinor: num(i?.unit_amount) ?? -1,
    }));
    return items.every((i) => i.name && Number.isInteger(i.quantity) && i.quantity > 0 && Number.isInteger(i.unitPriceMinor) && i.unitPriceMinor >= 0) && items.length > 0 ? items : null;
  } catch {
    return null;
  }
}
