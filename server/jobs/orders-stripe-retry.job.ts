// Every minute: re-applies stored Stripe events that could not be applied yet (their order did not
// exist, or Stripe's API was unreachable for line items). See server/domain/orders/stripe-events.ts.
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { env } from "../env.ts";
import { applyPendingStripeEvents } from "../domain/orders/stripe-events.ts";
import { stripeDeps } from "../api/stripe-webhook.ts";

export const name = "orders.stripe-retry";
export const cron = "* * * * *";
export const payload = z.object({}).passthrough();

export async function run(db: Db) {
  // Events younger than a minute may still be waiting for their checkout session's delivery.
  const applied = await applyPendingStripeEvents(db, stripeDeps(env()), { olderThanMs: 60_000 });
  return { applied };
}
