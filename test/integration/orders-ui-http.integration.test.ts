// The customer order pages over HTTP on the production build: another customer's order by URL is a
// 404 page, the list / detail / receipt render (in the customer's language, money in the order's
// currency), and the return form works without JavaScript with the message on the field.
// Needs `npm run build` first (like test/integration/http.integration.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { createCustomer, createOrder, createStaff, DAY, TEST_PASSWORD } from "../factories/index.ts";
import { startTestApp } from "../setup/app.ts";

let app: Rapport;

async function signIn(c: { email: string }) {
  const res = await fetch(`${app.url}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email: c.email, password: TEST_PASSWORD, intent: "password" }), redirect: "manual" });
  expect(res.status).toBe(302);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

describe("customer order pages over HTTP", () => {
  it("answers 404 for another customer's order, its receipt, and an unknown number; serves the owner", async () => {
    const a = await createCustomer(db(), { login: true });
    const b = await createCustomer(db(), { login: true });
    const ofB = await createOrder(db(), { customerId: b.id, status: "DELIVERED" });
    const cookieA = await signIn(a);
    for (const path of [`/orders/${ofB.number}`, `/orders/${ofB.number}/receipt`, `/orders/NO-SUCH-ORDER`]) {
      const res = await fetch(`${app.url}${path}`, { headers: { cookie: cookieA } });
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain("Page not found");
      expect(html).not.toContain(ofB.number);
    }
    const cookieB = await signIn(b);
    const own = await fetch(`${app.url}/orders/${ofB.number}`, { headers: { cookie: cookieB } });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain(`Order ${ofB.number}`);
  });

  it("sends a visitor to sign in", async () => {
    const res = await fetch(`${app.url}/orders`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Forders");
  });

  it("renders the list, the detail with money in the order's currency, and the printable receipt", async () => {
    const c = await createCustomer(db(), { login: true });
    const order = await createOrder(db(), { customerId: c.id, status: "SHIPPED", currency: "USD", items: [{ name: "Gooseneck kettle", quantity: 1, unitPriceMinor: 7900 }], shippingMinor: 0, taxMinor: 553, shipment: false });
    await db().shipment.create({ data: { orderId: order.id, carrier: "UPS", trackingNumber: "1Z999AA1", trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA1" } });
    const cookie = await signIn(c);

    const list = await (await fetch(`${app.url}/orders`, { headers: { cookie } })).text();
    expect(list).toContain(`href="/orders/${order.number}"`);
    expect(list).toContain("$84.53");

    const detail = await (await fetch(`${app.url}/orders/${order.number}`, { headers: { cookie } })).text();
    expect(detail).toContain("Gooseneck kettle");
    expect(detail).toContain("$79.00");
    expect(detail).toContain("$84.53");
    expect(detail).toContain('href="https://www.ups.com/track?tracknum=1Z999AA1"');
    expect(detail).toContain(`href="/support/new?order=${order.number}"`);
    expect(detail).toContain(`href="/orders/${order.number}/receipt"`);
    expect(detail).toContain("Returns can be requested once the order has been delivered.");

    const receipt = await fetch(`${app.url}/orders/${order.number}/receipt`, { headers: { cookie } });
    expect(receipt.status).toBe(200);
    const html = await receipt.text();
    expect(html).toContain(`Receipt for order ${order.number}`);
    expect(html).toContain("$84.53");
    expect(html).toMatch(/<link[^>]+rel="stylesheet"[^>]+receipt[^"]*\.css"/);
  });

  it("speaks the customer's language: Chinese labels, the order's currency formatted for zh-CN", async () => {
    const c = await createCustomer(db(), { login: true, locale: "zh_CN" });
    const order = await createOrder(db(), { customerId: c.id, status: "DELIVERED", currency: "CNY", items: [{ name: "铁观音乌龙茶", quantity: 2, unitPriceMinor: 16800 }], shippingMinor: 0, taxMinor: 0 });
    const cookie = await signIn(c);
    const list = await (await fetch(`${app.url}/orders`, { headers: { cookie } })).text();
    expect(list).toContain("我的订单");
    expect(list).toContain("¥336.00");
    const detail = await (await fetch(`${app.url}/orders/${order.number}`, { headers: { cookie } })).text();
    expect(detail).toContain(`订单 ${order.number}`);
    expect(detail).toContain("已送达");
  });

  it("the return form works without JavaScript: a bad quantity gets a message on its field and nothing is created; a good one redirects", async () => {
    const c = await createCustomer(db(), { login: true });
    const order = await createOrder(db(), { customerId: c.id, status: "DELIVERED", placedAt: new Date(Date.now() - 6 * DAY), deliveredAt: new Date(Date.now() - DAY), items: [{ name: "Canvas tote bag", quantity: 1, unitPriceMinor: 2200 }] });
    const item = order.items[0]!;
    const cookie = await signIn(c);
    const post = (body: Record<string, string>) =>
      fetch(`${app.url}/orders/${order.number}`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(body), redirect: "manual" });

    const tooMany = await post({ intent: "return", reason: "damaged", comment: "", [`qty_${item.id}`]: "3" });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain("You can return at most 1 of this item.");
    const noReason = await post({ intent: "return", reason: "", comment: "", [`qty_${item.id}`]: "1" });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("Choose a reason for the return.");
    expect(await db().returnRequest.count({ where: { orderId: order.id } })).toBe(0);

    const ok = await post({ intent: "return", reason: "damaged", comment: "Torn strap", [`qty_${item.id}`]: "1" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe(`/orders/${order.number}?return=sent#returns`);
    expect(await db().returnRequest.count({ where: { orderId: order.id } })).toBe(1);
    const after = await (await fetch(`${app.url}/orders/${order.number}?return=sent`, { headers: { cookie } })).text();
    expect(after).toContain("Your return request was sent.");
    expect(after).toContain("Waiting for review");
  });

  it("staff change a status from the order page: the reason is required (message on the field), then it is audited", async () => {
    const agent = await createStaff(db(), { role: "AGENT" });
    const c = await createCustomer(db());
    const order = await createOrder(db(), { customerId: c.id, status: "PAID", stripePaymentIntentId: `pi_http_${Date.now()}` });
    const cookie = await signIn(agent);
    const page = await (await fetch(`${app.url}/staff/orders/${order.number}`, { headers: { cookie } })).text();
    expect(page).toContain(order.stripePaymentIntentId!);
    expect(page).toMatch(/<select[^>]*name="status"/);

    const post = (body: Record<string, string>) =>
      fetch(`${app.url}/staff/orders/${order.number}`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(body), redirect: "manual" });
    const noReason = await post({ intent: "status", status: "CANCELLED", reason: "" });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("Give a reason for the change.");
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAID");

    const ok = await post({ intent: "status", status: "CANCELLED", reason: "Out of stock" });
    expect(ok.status).toBe(302);
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("CANCELLED");
    expect(await db().auditLog.findFirst({ where: { targetId: order.id, action: "order.status_changed", actorId: agent.id } })).toMatchObject({ data: { reason: "Out of stock" } });
  });
});
