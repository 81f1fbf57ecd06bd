// Return requests: only within the window after delivery, quantities checked against the order
// (a message on the item's field, nothing written), and on success the request, the timeline
// event, the touchpoint and the staff notification mail are written together; staff decisions
// are audited.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { RETURNS_NOTIFY_SETTING } from "../../server/domain/orders/returns.ts";
import { createCustomer, createOrder, createStaff, DAY, type CustomerWithUser, type OrderWithDetails } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";

let customer: CustomerWithUser;
let agentId: string;
let agentEmail: string;
let disabledAgentEmail: string;

const ITEMS = [
  { sku: "MUG", name: "Ceramic mug", quantity: 2, unitPriceMinor: 1800 },
  { sku: "TEA", name: "Oolong tea", quantity: 1, unitPriceMinor: 2400 },
];

beforeAll(async () => {
  customer = await createCustomer(db(), { login: true, name: "Ann Lee" });
  const agent = await createStaff(db(), { role: "AGENT", locale: "zh_CN" });
  agentId = agent.id;
  agentEmail = agent.email;
  disabledAgentEmail = (await createStaff(db(), { role: "AGENT", disabledAt: new Date() })).email;
});

async function delivered(daysAgo: number, overrides: Parameters<typeof createOrder>[1] = {}): Promise<OrderWithDetails> {
  const deliveredAt = new Date(Date.now() - daysAgo * DAY);
  return createOrder(db(), { customerId: customer.id, status: "DELIVERED", items: ITEMS, placedAt: new Date(deliveredAt.getTime() - 5 * DAY), deliveredAt, ...overrides });
}

async function asCustomer() {
  return (await callerAs({ userId: customer.userId })).caller;
}

async function nothingWritten(order: OrderWithDetails, outboxBefore: number) {
  expect(await db().returnRequest.count({ where: { orderId: order.id } })).toBe(0);
  expect(await db().orderEvent.count({ where: { orderId: order.id, type: "return_requested" } })).toBe(0);
  expect(await db().touchpoint.count({ where: { subjectId: order.id, type: "order.return_requested" } })).toBe(0);
  expect(await db().mailOutbox.count({ where: { template: "return-requested" } })).toBe(outboxBefore);
}

describe("orders.requestReturn refuses", () => {
  it("after the return window has closed, saying until when it was open", async () => {
    const order = await delivered(31);
    const before = await db().mailOutbox.count({ where: { template: "return-requested" } });
    const detail = await (await asCustomer()).orders.detail({ number: order.number });
    expect(detail.returns).toMatchObject({ eligible: false, reason: "window_closed", windowDays: 30 });
    const err = await (await asCustomer()).orders.requestReturn({ number: order.number, reason: "damaged", items: [{ orderItemId: order.items[0]!.id, quantity: 1 }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "PRECONDITION_FAILED", cause: { fieldErrors: { form: { key: "orders.errors.windowClosed", params: { days: 30 } } } } });
    await nothingWritten(order, before);
  });

  it("before delivery", async () => {
    const order = await createOrder(db(), { customerId: customer.id, status: "SHIPPED", items: ITEMS });
    const before = await db().mailOutbox.count({ where: { template: "return-requested" } });
    await expect((await asCustomer()).orders.requestReturn({ number: order.number, reason: "damaged", items: [{ orderItemId: order.items[0]!.id, quantity: 1 }] })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      cause: { fieldErrors: { form: "orders.errors.notReturnable" } },
    });
    await nothingWritten(order, before);
  });

  it("more than was ordered, with the message on that item's field", async () => {
    const order = await delivered(3);
    const [mug, tea] = order.items.sort((x, y) => x.name.localeCompare(y.name));
    const before = await db().mailOutbox.count({ where: { template: "return-requested" } });
    await expect(
      (await asCustomer()).orders.requestReturn({ number: order.number, reason: "damaged", items: [{ orderItemId: mug!.id, quantity: 3 }, { orderItemId: tea!.id, quantity: 1 }] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { [`items.${mug!.id}`]: { key: "orders.errors.quantityTooMany", params: { max: 2 } } } } });
    await nothingWritten(order, before);
  });

  it("no item, an unknown item, a missing reason, or 'other' without a word", async () => {
    const order = await delivered(3);
    const before = await db().mailOutbox.count({ where: { template: "return-requested" } });
    const caller = await asCustomer();
    const item = order.items[0]!.id;
    await expect(caller.orders.requestReturn({ number: order.number, reason: "damaged", items: [{ orderItemId: item, quantity: 0 }] })).rejects.toMatchObject({ cause: { fieldErrors: { items: "orders.errors.noItems" } } });
    await expect(caller.orders.requestReturn({ number: order.number, reason: "damaged", items: [{ orderItemId: "not-an-item", quantity: 1 }] })).rejects.toMatchObject({ cause: { fieldErrors: { items: "orders.errors.unknownItem" } } });
    await expect(caller.orders.requestReturn({ number: order.number, reason: "", items: [{ orderItemId: item, quantity: 1 }] })).rejects.toMatchObject({ cause: { fieldErrors: { reason: "orders.errors.reasonRequired" } } });
    await expect(caller.orders.requestReturn({ number: order.number, reason: "other", comment: "  ", items: [{ orderItemId: item, quantity: 1 }] })).rejects.toMatchObject({ cause: { fieldErrors: { comment: "orders.errors.commentRequired" } } });
    await nothingWritten(order, before);
  });
});

describe("orders.requestReturn within the window", () => {
  it("creates the request, the timeline event and the touchpoint, and mails the active agents and admins in the same transaction", async () => {
    const order = await delivered(29);
    const mug = order.items.find((i) => i.name === "Ceramic mug")!;
    const caller = await asCustomer();
    const r = await caller.orders.requestReturn({ number: order.number, reason: "does_not_fit", comment: "Too small", items: [{ orderItemId: mug.id, quantity: 1 }] });
    expect(r.status).toBe("REQUESTED");

    const request = await db().returnRequest.findUniqueOrThrow({ where: { id: r.id }, include: { items: true } });
    expect(request).toMatchObject({ orderId: order.id, customerId: customer.id, reason: "does_not_fit", comment: "Too small", status: "REQUESTED" });
    expect(request.items).toEqual([expect.objectContaining({ orderItemId: mug.id, quantity: 1 })]);
    expect(await db().orderEvent.findFirst({ where: { orderId: order.id, type: "return_requested" } })).toMatchObject({ data: { returnRequestId: r.id, reason: "does_not_fit" } });
    expect(await db().touchpoint.findFirst({ where: { subjectId: order.id, type: "order.return_requested" } })).toMatchObject({ customerId: customer.id, channel: "web", actorUserId: customer.userId });

    const mails = await db().mailOutbox.findMany({ where: { template: "return-requested", props: { path: ["orderNumber"], equals: order.number } } });
    const recipients = mails.map((m) => m.to);
    const activeStaff = await db().user.findMany({ where: { staffRole: { in: ["AGENT", "ADMIN"] }, disabledAt: null }, select: { email: true } });
    expect(recipients.sort()).toEqual(activeStaff.map((s) => s.email).sort());
    expect(recipients).toContain(agentEmail);
    expect(recipients).not.toContain(disabledAgentEmail);
    const agentMail = mails.find((m) => m.to === agentEmail)!;
    expect(agentMail.locale).toBe("zh_CN");
    expect(agentMail.props).toMatchObject({ orderNumber: order.number, customerEmail: customer.email, reason: "does_not_fit", items: [{ name: "Ceramic mug", quantity: 1 }] });
    expect((agentMail.props as { url: string }).url).toMatch(new RegExp(`/staff/orders/${order.number}$`));

    // The customer sees it, and only what is left can be asked for again.
    const detail = await caller.orders.detail({ number: order.number });
    expect(detail.returnRequests).toEqual([expect.objectContaining({ id: r.id, status: "REQUESTED", items: [{ orderItemId: mug.id, quantity: 1, name: "Ceramic mug" }] })]);
    expect(detail.items.find((i) => i.id === mug.id)!.returnable).toBe(1);
    await expect(caller.orders.requestReturn({ number: order.number, reason: "damaged", items: [{ orderItemId: mug.id, quantity: 2 }] })).rejects.toMatchObject({
      cause: { fieldErrors: { [`items.${mug.id}`]: { key: "orders.errors.quantityTooMany", params: { max: 1 } } } },
    });

    // Staff see it on the order page and in the queue of open requests.
    const { caller: agent } = await callerAs({ userId: agentId });
    expect((await agent.orders.staffDetail({ number: order.number })).returnRequests).toEqual([expect.objectContaining({ id: r.id, comment: "Too small" })]);
    expect((await agent.orders.find({})).openReturns.map((x) => x.id)).toContain(r.id);
  });

  it("sends the notification to the configured address instead, when set", async () => {
    await db().setting.upsert({ where: { key: RETURNS_NOTIFY_SETTING }, create: { key: RETURNS_NOTIFY_SETTING, value: "returns@shop.test" }, update: { value: "returns@shop.test" } });
    try {
      const order = await delivered(1);
      await (await asCustomer()).orders.requestReturn({ number: order.number, reason: "wrong_item", items: [{ orderItemId: order.items[0]!.id, quantity: 1 }] });
      const mails = await db().mailOutbox.findMany({ where: { template: "return-requested", props: { path: ["orderNumber"], equals: order.number } } });
      expect(mails.map((m) => m.to)).toEqual(["returns@shop.test"]);
    } finally {
      await db().setting.delete({ where: { key: RETURNS_NOTIFY_SETTING } });
    }
  });
});

describe("orders.updateReturn (staff)", () => {
  it("approves, then marks received, each audited and on the timeline; a decided request cannot be decided again", async () => {
    const order = await delivered(2);
    const r = await (await asCustomer()).orders.requestReturn({ number: order.number, reason: "damaged", items: [{ orderItemId: order.items[0]!.id, quantity: 1 }] });
    const { caller: agent } = await callerAs({ userId: agentId });

    expect(await agent.orders.updateReturn({ id: r.id, action: "approve", note: "Send it back" })).toMatchObject({ status: "APPROVED" });
    await expect(agent.orders.updateReturn({ id: r.id, action: "reject" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await agent.orders.updateReturn({ id: r.id, action: "receive" })).toMatchObject({ status: "RECEIVED" });

    const audits = await db().auditLog.findMany({ where: { targetType: "returnRequest", targetId: r.id }, orderBy: { id: "asc" } });
    expect(audits.map((x) => [x.action, x.actorId])).toEqual([
      ["order.return_approved", agentId],
      ["order.return_received", agentId],
    ]);
    expect(audits[0]!.data).toMatchObject({ orderNumber: order.number, note: "Send it back" });
    const events = await db().orderEvent.findMany({ where: { orderId: order.id }, orderBy: { occurredAt: "asc" } });
    expect(events.map((e) => e.type).slice(-3)).toEqual(["return_requested", "return_approved", "return_received"]);

    // The customer sees the new state but not the staff note.
    const detail = await (await asCustomer()).orders.detail({ number: order.number });
    expect(detail.returnRequests[0]!.status).toBe("RECEIVED");
    expect(JSON.stringify(detail)).not.toContain("Send it back");

    // …and is told of each decision by email, without the internal note.
    const mails = await db().mailOutbox.findMany({ where: { template: "order-return-update", customerId: customer.id }, orderBy: { createdAt: "asc" } });
    expect(mails.map((m) => [m.to, (m.props as { status: string }).status])).toEqual([
      [customer.email, "APPROVED"],
      [customer.email, "RECEIVED"],
    ]);
    expect(JSON.stringify(mails.map((m) => m.props))).not.toContain("Send it back");
  });

  it("a rejection is emailed to the customer in their language", async () => {
    const zh = await createCustomer(db(), { login: true, name: "李雷", locale: "zh_CN" });
    const deliveredAt = new Date(Date.now() - 2 * DAY);
    const order = await createOrder(db(), { customerId: zh.id, status: "DELIVERED", items: ITEMS, placedAt: new Date(deliveredAt.getTime() - 5 * DAY), deliveredAt });
    const r = await (await callerAs({ userId: zh.userId })).caller.orders.requestReturn({ number: order.number, reason: "changed_mind", items: [{ orderItemId: order.items[0]!.id, quantity: 1 }] });
    await (await callerAs({ userId: agentId })).caller.orders.updateReturn({ id: r.id, action: "reject" });
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { template: "order-return-update", customerId: zh.id } });
    expect(mail).toMatchObject({ to: zh.email, locale: "zh_CN", props: { status: "REJECTED", orderNumber: order.number } });
  });

  it("is refused to marketers", async () => {
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const { caller } = await callerAs({ userId: marketer.id });
    await expect(caller.orders.updateReturn({ id: "x", action: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
