// Personal data inside stored Stripe event payloads (StripeEvent.payload, the verified event as
// received). The events stay — their ids make webhook delivery idempotent and their amounts and
// ids reconcile orders and refunds — but the billing and shipping identity in them goes on erasure.
import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";

/** Keys whose value identifies or contacts a person wherever they appear in a Stripe object. */
export const STRIPE_PERSONAL_KEYS = ["email", "receipt_email", "customer_email", "phone", "address", "tax_ids", "shipping_address", "billing_address"];
/** Objects that describe a person: their `name` (and everything above) is personal too. */
export const STRIPE_PERSON_CONTAINERS = ["customer_details", "billing_details", "shipping", "shipping_details", "owner", "individual", "customer"];

type Json = Prisma.JsonValue;

/** A copy of the payload with personal values set to null (Stripe's own "not provided"). */
export function redactStripePayload(value: Json, inPerson = false): { value: Json; changed: boolean } {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = redactStripePayload(v, inPerson);
      changed ||= r.changed;
      return r.value;
    });
    return { value: out, changed };
  }
  if (value === null || typeof value !== "object") return { value, changed: false };
  let changed = false;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    const personal = STRIPE_PERSONAL_KEYS.includes(k) || (inPerson && k === "name");
    if (personal) {
      if (v !== null && v !== undefined) changed = true;
      out[k] = null;
      continue;
    }
    const r = redactStripePayload(v ?? null, STRIPE_PERSON_CONTAINERS.includes(k));
    changed ||= r.changed;
    out[k] = r.value;
  }
  return { value: out, changed };
}

/** Redacts the stored events of these orders (linked by order id, payment intent or checkout session). */
export async function redactStripeEventsOfOrders(tx: Tx, customerId: string) {
  const orders = await tx.order.findMany({ where: { customerId }, select: { id: true, stripePaymentIntentId: true, stripeCheckoutSessionId: true } });
  if (orders.length === 0) return 0;
  const pis = orders.map((o) => o.stripePaymentIntentId).filter((x): x is string => Boolean(x));
  const sessions = orders.map((o) => o.stripeCheckoutSessionId).filter((x): x is string => Boolean(x));
  const or: Prisma.StripeEventWhereInput[] = [{ orderId: { in: orders.map((o) => o.id) } }];
  if (pis.length) or.push({ paymentIntentId: { in: pis } });
  if (sessions.length) or.push({ checkoutSessionId: { in: sessions } });
  const events = await tx.stripeEvent.findMany({ where: { OR: or }, select: { id: true, payload: true } });
  let redacted = 0;
  for (const e of events) {
    const r = redactStripePayload(e.payload);
    if (!r.changed) continue;
    await tx.stripeEvent.update({ where: { id: e.id }, data: { payload: r.value as Prisma.InputJsonValue } });
    redacted++;
  }
  return redacted;
}
