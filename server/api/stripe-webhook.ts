// POST /webhooks/stripe: verifies Stripe's signature over the raw body, stores the event (one
// INSERT … ON CONFLICT DO NOTHING) and lets the applier apply it in a batch
// (server/domain/orders/stripe-apply.ts), answering with the result when it comes within
// STRIPE_WEBHOOK_WAIT_MS. Mounted in server/http.ts with express.raw, before
// any JSON parsing, because the signature covers the exact bytes Stripe sent.
import express, { Router } from "express";
import Stripe from "stripe";
import type { Env } from "../env.ts";
import type { Services } from "../trpc/context.ts";
import { pgPool } from "../db/client.ts";
import { StripeEventApplier, storeStripeEvent } from "../domain/orders/stripe-apply.ts";
import { HANDLED_EVENTS, type LineItemInput, type StripeDeps, type StripeEventLike } from "../domain/orders/stripe-events.ts";
import { errorBody } from "./errors.ts";
import { DB_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "../db/unavailable.ts";
import { jsonTextProblem } from "../http-limits.ts";

/** A Stripe client for API calls, when STRIPE_SECRET_KEY is set (host/port for a local stand-in in tests). */
export function stripeClient(secretKey: string, opts: { host?: string; port?: number; protocol?: "http" | "https" } = {}) {
  return new Stripe(secretKey, { maxNetworkRetries: 1, timeout: 10_000, ...opts });
}

export function stripeDeps(env: Pick<Env, "STRIPE_SECRET_KEY" | "APP_URL">, client?: Stripe): StripeDeps {
  const key = env.STRIPE_SECRET_KEY;
  const stripe = client ?? (key ? stripeClient(key) : undefined);
  return {
    appUrl: env.APP_URL,
    fetchLineItems: stripe
      ? async (sessionId: string): Promise<LineItemInput[]> => {
          const items: LineItemInput[] = [];
          for await (const li of stripe.checkout.sessions.listLineItems(sessionId, { limit: 100, expand: ["data.price.product"] })) {
            const product = typeof li.price?.product === "object" && li.price.product && !("deleted" in li.price.product && li.price.product.deleted) ? li.price.product : null;
            const quantity = li.quantity ?? 1;
            items.push({
              sku: (product && "metadata" in product ? product.metadata?.sku : undefined) ?? (typeof li.price?.product === "string" ? li.price.product : (product?.id ?? null)),
              name: li.description ?? (product && "name" in product ? product.name : null) ?? "Item",
              quantity,
              unitPriceMinor: li.price?.unit_amount ?? Math.round(li.amount_subtotal / quantity),
            });
          }
          return items;
        }
      : undefined,
  };
}

export function stripeWebhookRouter(services: Services, deps: StripeDeps = stripeDeps(services.env)) {
  const r = Router();
  // One applier per app: stored events are applied in batches from the database (stripe-apply.ts).
  const applier = new StripeEventApplier(pgPool, deps, { onApplied: services.mailQueued, log: (m) => console.warn(m) });
  r.post("/", express.raw({ type: () => true, limit: "1mb" }), async (req, res) => {
    const secret = services.env.STRIPE_WEBHOOK_SECRET;
    if (!secret) {
      res.status(503).json(errorBody("not_configured", "Stripe webhooks are not configured on this server: set STRIPE_WEBHOOK_SECRET (whsec_…) to the signing secret of the endpoint."));
      return;
    }
    const signature = req.get("stripe-signature");
    if (!signature) {
      res.status(400).json(errorBody("missing_signature", "Missing Stripe-Signature header"));
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let event: StripeEventLike;
    try {
      event = Stripe.webhooks.constructEvent(raw, signature, secret) as unknown as StripeEventLike;
    } catch (e) {
      res.status(400).json(errorBody("bad_signature", `Webhook signature verification failed: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    // Signed, but the processing walks the object recursively: no real event nests this deep.
    const shape = jsonTextProblem(raw.toString("utf8"));
    if (shape) {
      res.status(400).json(errorBody("bad_event", `Not a Stripe event: ${shape}`));
      return;
    }
    if (!event || typeof event.id !== "string" || typeof event.type !== "string" || !event.data?.object) {
      res.status(400).json(errorBody("bad_event", "Not a Stripe event"));
      return;
    }
    let stored: boolean;
    try {
      // Durable from here on: one INSERT … ON CONFLICT DO NOTHING of the signed body.
      stored = await storeStripeEvent(pgPool(), event, raw.toString("utf8"));
    } catch (e) {
      if (isDatabaseUnavailable(e)) {
        // Nothing was stored; Stripe retries non-2xx answers.
        res.status(503).set("Retry-After", String(DB_RETRY_AFTER_SECONDS)).json(errorBody("unavailable", "The database is not available right now; the event was not stored and will be retried."));
        return;
      }
      console.warn(`[stripe] event ${event.id} (${event.type}) could not be stored, Stripe will retry: ${e instanceof Error ? e.message : String(e)}`);
      res.status(500).json(errorBody("internal", "The event could not be stored; it will be retried."));
      return;
    }
    if (!stored) {
      res.status(200).json({ received: true, status: "duplicate" });
      return;
    }
    if (!(HANDLED_EVENTS as readonly string[]).includes(event.type)) {
      res.status(200).json({ received: true, status: "ignored" });
      return;
    }
    const waitMs = services.env.STRIPE_WEBHOOK_WAIT_MS;
    const result = waitMs > 0 ? applier.wait(event.id, waitMs) : null;
    applier.kick();
    // Applied (or waiting for its order) within the wait: the result; otherwise "queued" — stored,
    // and applied by the next batch (or the retry job), so Stripe need not send it again.
    res.status(200).json({ received: true, ...((await result) ?? { status: "queued" }) });
  });
  // The raw-body reader's refusals (over 1 MB, cut off) as JSON, like every other answer here.
  r.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    void _next;
    const e = err as { status?: number; type?: string };
    if (e.type === "entity.too.large" || e.status === 413) res.status(413).json(errorBody("too_large", "The event body is too large: at most 1 MB."));
    else res.status(400).json(errorBody("bad_body", "The request body could not be read."));
  });
  return r;
}
