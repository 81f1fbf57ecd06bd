// Staff order pages through tRPC: find by number or email, the detail with Stripe ids and events,
// and manual status changes (through lifecycle.transitionOrder, reason required, audited in the
// same transaction; a refused change writes nothing).
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { createCustomer, createOrder, createStaff, type CustomerWithUser } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";

let customer: CustomerWithUser;
let agentId: string;
let marketerId: string;

beforeAll(async () => {
  customer = await createCustomer(db(), { login: true });
  agentId = (await createStaff(db(), { role: "AGENT" })).id;
  marketerId = (await createStaff(db(), { role: "MARKETER" })).id;
});

async function asAgent() {
  return (await callerAs({ userId: agentId })).caller;
}

describe("orders.find", () => {
  it("finds an order by its number and a customer's orders by email; lists the newest without a query", async () => {
    const o1 = await createOrder(db(), { customerId: customer.id, status: "PAID" });
    const o2 = await createOrder(db(), { customerId: customer.id, status: "SHIPPED" });
    const agent = await asAgent();
    expect((await agent.orders.find({ q: o1.number })).orders.map((o) => o.number)).toEqual([o1.number]);
    expect((await agent.orders.find({ q: o1.number.toLowerCase() })).orders.map((o) => o.number)).toEqual([o1.number]);
    const byEmail = await agent.orders.find({ q: customer.email.toUpperCase() });
    expect(byEmail.mode).toBe("email");
    expect(byEmail.orders.map((o) => o.number).sort()).toEqual([o1.number, o2.number].sort());
    expect(byEmail.orders[0]!.customer.email).toBe(customer.email);
    expect((await agent.orders.find({ q: "nobody@nowhere.test" })).orders).toEqual([]);
    const recent = await agent.orders.find({});
    expect(recent.mode).toBe("recent");
    expect(recent.orders.length).toBeGreaterThan(0);
    const placed = recent.orders.map((o) => new Date(o.placedAt).getTime());
    expect(placed).toEqual([...placed].sort((x, y) => y - x));
  });

  it("lets marketers read", async () => {
    const o = await createOrder(db(), { customerId: customer.id });
    const { caller } = await callerAs({ userId: marketerId });
    expect((await caller.orders.staffDetail({ number: o.number })).number).toBe(o.number);
  });
});

describe("orders.staffDetail", () => {
  it("shows Stripe ids and the Stripe events of the order", async () => {
    const o = await createOrder(db(), { customerId: customer.id, status: "PAID", stripePaymentIntentId: `pi_${Date.now()}`, stripeCheckoutSessionId: `cs_${Date.now()}` });
    await db().stripeEvent.createMany({
      data: [
        { id: `evt_a_${Date.now()}`, type: "checkout.session.completed", checkoutSessionId: o.stripeCheckoutSessionId, payload: {}, appliedAt: new Date() },
        { id: `evt_b_${Date.now()}`, type: "payment_intent.succeeded", paymentIntentId: o.stripePaymentIntentId, payload: {}, appliedAt: new Date() },
        { id: `evt_c_${Date.now()}`, type: "payment_intent.succeeded", paymentIntentId: "pi_someone_else", payload: {} },
      ],
    });
    const d = await (await asAgent()).orders.staffDetail({ number: o.number });
    expect(d).toMatchObject({ stripePaymentIntentId: o.stripePaymentIntentId, stripeCheckoutSessionId: o.stripeCheckoutSessionId, customer: { id: customer.id, email: customer.email } });
    expect(d.stripeEvents.map((e) => e.type).sort()).toEqual(["checkout.session.completed", "payment_intent.succeeded"]);
    expect(d.allowedStatuses).toEqual(["SHIPPED", "CANCELLED", "REFUNDED"]);
  });

  it("answers NOT_FOUND for an unknown number", async () => {
    await expect((await asAgent()).orders.staffDetail({ number: "NO-SUCH-ORDER" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("orders.setStatus", () => {
  it("changes the status through the lifecycle and writes the audit entry with the reason", async () => {
    const o = await createOrder(db(), { customerId: customer.id, status: "PAID" });
    const r = await (await asAgent()).orders.setStatus({ number: o.number, status: "CANCELLED", reason: "Customer called to cancel" });
    expect(r).toMatchObject({ from: "PAID", status: "CANCELLED" });
    const after = await db().order.findUniqueOrThrow({ where: { id: o.id } });
    expect(after.status).toBe("CANCELLED");
    expect(after.cancelledAt).not.toBeNull();
    const audit = await db().auditLog.findFirstOrThrow({ where: { targetType: "order", targetId: o.id, action: "order.status_changed" } });
    expect(audit).toMatchObject({ actorId: agentId, data: { number: o.number, from: "PAID", to: "CANCELLED", reason: "Customer called to cancel" } });
    const event = await db().orderEvent.findFirstOrThrow({ where: { orderId: o.id, type: "cancelled" } });
    expect(event.data).toMatchObject({ reason: "Customer called to cancel", actor: "staff" });
    // The staff reason is not shown to the customer.
    const { caller } = await callerAs({ userId: customer.userId });
    expect(JSON.stringify(await caller.orders.detail({ number: o.number }))).not.toContain("Customer called to cancel");
  });

  it("refuses without a reason, or a transition the lifecycle does not allow, and changes nothing", async () => {
    const o = await createOrder(db(), { customerId: customer.id, status: "DELIVERED" });
    const agent = await asAgent();
    await expect(agent.orders.setStatus({ number: o.number, status: "REFUNDED", reason: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { reason: "orders.errors.reasonRequiredStaff" } } });
    await expect(agent.orders.setStatus({ number: o.number, status: "PAID", reason: "oops" })).rejects.toMatchObject({ code: "CONFLICT", cause: { fieldErrors: { status: { key: "orders.errors.invalidTransition" } } } });
    expect((await db().order.findUniqueOrThrow({ where: { id: o.id } })).status).toBe("DELIVERED");
    expect(await db().auditLog.count({ where: { targetType: "order", targetId: o.id } })).toBe(0);
    expect(await db().orderEvent.count({ where: { orderId: o.id } })).toBe(o.events.length);
  });

  it("is refused to marketers and customers", async () => {
    const o = await createOrder(db(), { customerId: customer.id, status: "PAID" });
    await expect((await callerAs({ userId: marketerId })).caller.orders.setStatus({ number: o.number, status: "CANCELLED", reason: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await callerAs({ userId: customer.userId })).caller.orders.setStatus({ number: o.number, status: "CANCELLED", reason: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db().order.findUniqueOrThrow({ where: { id: o.id } })).status).toBe("PAID");
  });
});
