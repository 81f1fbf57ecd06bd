// Stripe objects shaped as in Stripe's API reference (Event, Checkout Session, PaymentIntent,
// Charge with its refunds list, Dispute), signed like Stripe signs webhooks. Used by the webhook
// tests and by test/bench/orders.ts.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

export const WEBHOOK_SECRET = "whsec_test_orders_backend_0123456789";
const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url").replace(/[^A-Za-z0-9]/g, "x")}`;

let clock = Math.floor(Date.now() / 1000) - 3600;
/** Increasing Stripe timestamps (seconds). */
export function tick(seconds = 1) {
  clock += seconds;
  return clock;
}

export function stripeEvent(type: string, object: Record<string, unknown>, created = tick()) {
  return {
    id: rid("evt"),
    object: "event",
    api_version: "2026-10-28.endive",
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: rid("req"), idempotency_key: null },
    type,
  };
}

export interface PaymentRefs {
  sessionId: string;
  paymentIntentId: string;
  chargeId: string;
  orderNumber: string;
  email: string;
  amount: number;
  currency: string;
}

export function newPayment(over: Partial<PaymentRefs> = {}): PaymentRefs {
  const n = randomBytes(4).toString("hex").toUpperCase();
  return {
    sessionId: rid("cs_test"),
    paymentIntentId: rid("pi"),
    chargeId: rid("ch"),
    orderNumber: `R-W${n}`,
    email: `buyer-${n.toLowerCase()}@example.com`,
    amount: 4600 + 599,
    currency: "usd",
    ...over,
  };
}

export function checkoutSession(p: PaymentRefs, over: Record<string, unknown> = {}) {
  return {
    id: p.sessionId,
    object: "checkout.session",
    amount_subtotal: p.amount - 599,
    amount_total: p.amount,
    created: tick(),
    currency: p.currency,
    customer: null,
    customer_details: { email: p.email, name: "Wen Buyer", phone: null, tax_exempt: "none", tax_ids: [], address: null },
    customer_email: null,
    livemode: false,
    locale: null,
    metadata: { order_number: p.orderNumber, items: JSON.stringify([{ sku: "POUR-SET-02", name: "Pour-over coffee set", quantity: 1, unit_amount: p.amount - 599 }]) },
    mode: "payment",
    payment_intent: p.paymentIntentId,
    payment_status: "paid",
    status: "complete",
    total_details: { amount_discount: 0, amount_shipping: 599, amount_tax: 0 },
    url: null,
    ...over,
  };
}

export function paymentIntent(p: PaymentRefs, status: "succeeded" | "requires_payment_method" = "succeeded") {
  return {
    id: p.paymentIntentId,
    object: "payment_intent",
    amount: p.amount,
    amount_received: status === "succeeded" ? p.amount : 0,
    capture_method: "automatic",
    created: tick(),
    currency: p.currency,
    customer: null,
    latest_charge: p.chargeId,
    last_payment_error:
      status === "succeeded" ? null : { code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds.", type: "card_error" },
    livemode: false,
    metadata: {},
    payment_method_types: ["card"],
    status,
  };
}

export function refund(p: PaymentRefs, amount: number, created = tick()) {
  return { id: rid("re"), object: "refund", amount, balance_transaction: rid("txn"), charge: p.chargeId, created, currency: p.currency, metadata: {}, payment_intent: p.paymentIntentId, reason: "requested_by_customer", status: "succeeded" };
}

/** A Charge after refunds: amount_refunded is the running total, refunds lists them newest first. */
export function refundedCharge(p: PaymentRefs, refunds: ReturnType<typeof refund>[], created = tick()) {
  const amountRefunded = refunds.reduce((s, r) => s + r.amount, 0);
  return {
    id: p.chargeId,
    object: "charge",
    amount: p.amount,
    amount_captured: p.amount,
    amount_refunded: amountRefunded,
    captured: true,
    created,
    currency: p.currency,
    customer: null,
    livemode: false,
    paid: true,
    payment_intent: p.paymentIntentId,
    receipt_url: `https://pay.stripe.com/receipts/payment/${p.chargeId}`,
    refunded: amountRefunded === p.amount,
    refunds: { object: "list", data: [...refunds].reverse(), has_more: false, total_count: refunds.length, url: `/v1/charges/${p.chargeId}/refunds` },
    status: "succeeded",
  };
}

export function dispute(p: PaymentRefs) {
  return { id: rid("dp"), object: "dispute", amount: p.amount, charge: p.chargeId, created: tick(), currency: p.currency, is_charge_refundable: false, livemode: false, metadata: {}, payment_intent: p.paymentIntentId, reason: "fraudulent", status: "needs_response" };
}

/** The body and Stripe-Signature header Stripe would send. */
export function signed(event: object, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify(event, null, 2);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return { payload, header };
}

export async function postEvent(baseUrl: string, event: object, opts: { secret?: string; header?: string | null } = {}) {
  const { payload, header } = signed(event, opts.secret);
  const headers: Record<string, string> = { "content-type": "application/json" };
  const h = opts.header === undefined ? header : opts.header;
  if (h !== null) headers["stripe-signature"] = h;
  return fetch(`${baseUrl}/webhooks/stripe`, { method: "POST", headers, body: payload });
}
