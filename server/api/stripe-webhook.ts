// POST /webhooks/stripe: verifies Stripe's signature over the raw body, then stores and applies the
// event (server/domain/orders/stripe-events.ts). Mounted in server/http.ts with express.raw, before
// any JSON parsing, because the signature covers the exact bytes Stripe sent.
import express, { Router } from "express";
import Stripe from "stripe";
import type { Env } from "../env.ts";
import type { Services } from "../trpc/context.ts";
import { receiveStripeEvent, type LineItemInput, type StripeDeps, type StripeEventLike } from "../domain/orders/stripe-events.ts";
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
    try {
      const result = await receiveStripeEvent(services.db, event, deps);
      if (result.status === "applied") services.mailQueued();
      res.status(200).json({ received: true, ...result });
    } catch (e) {
      if (isDatabaseUnavailable(e)) {
        // Nothing was stored (the event's row commits with its effects); Stripe retries non-2xx answers.
        res.status(503).set("Retry-After", String(DB_RETRY_AFTER_SECONDS)).json(errorBody("unavailable", "The database is not available right now; the event was not processed and will be retried."));
        return;
      }
      console.warn(`[stripe] event ${event.id} (${event.type}) failed, Stripe will retry: ${e instanceof Error ? e.message : String(e)}`);
      res.status(500).json(errorBody("internal", "The event could not be processed; it will be retried."));
    }
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
