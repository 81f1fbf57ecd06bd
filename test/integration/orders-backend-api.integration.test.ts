// The fulfilment API over HTTP: API keys (hashed, scoped, revocable), shipments, delivery,
// cancellation, Idempotency-Key, and clear JSON errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { createApiKey, hashApiKey, revokeApiKey } from "../../server/domain/apikeys/apikeys.ts";
import { createOrder, createStaff, TEST_PASSWORD } from "../factories/index.ts";
import { startTestApp } from "../setup/app.ts";

let app: Rapport;
let adminId: string;
let writeKey: string;
let readKey: string;

beforeAll(async () => {
  app = await startTestApp();
  adminId = (await createStaff(db(), { role: "ADMIN" })).id;
  writeKey = (await createApiKey(db(), { id: adminId }, { name: "Warehouse", scopes: ["orders:read", "orders:write"] })).key;
  readKey = (await createApiKey(db(), { id: adminId }, { name: "Reporting", scopes: ["orders:read"] })).key;
});
afterAll(async () => {
  await app?.stop();
});

function call(method: string, path: string, opts: { key?: string | null; body?: unknown; idem?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const key = opts.key === undefined ? writeKey : opts.key;
  if (key) headers.authorization = `Bearer ${key}`;
  if (opts.idem) headers["idempotency-key"] = opts.idem;
  return fetch(`${app.url}/api/v1${path}`, { method, headers, body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
}

const shipment = { carrier: "UPS", tracking_number: "1Z999AA10123456784", tracking_url: "https://www.ups.com/track?tracknum=1Z999AA10123456784" };

describe("API keys", () => {
  it("stores only a hash of the key, shown once, with a display prefix", async () => {
    const created = await createApiKey(db(), { id: adminId }, { name: "Once", scopes: ["orders:write"] });
    expect(created.key).toMatch(/^rpk_[a-z0-9]{8}_[\w-]{32}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretHash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(await db().auditLog.count({ where: { action: "apikey.created", targetId: created.id, actorId: adminId } })).toBe(1);
  });

  it("answers 401 without a key or with a wrong one, 403 for a missing scope or a revoked key", async () => {
    const order = await createOrder(db(), { status: "PAID" });
    expect((await call("GET", `/orders/${order.number}`, { key: null })).status).toBe(401);
    const wrong = await call("GET", `/orders/${order.number}`, { key: writeKey.slice(0, -4) + "AAAA" });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.message).toBe("Invalid API key");

    const readOnly = await call("PUT", `/orders/${order.number}/shipments`, { key: readKey, body: shipment });
    expect(readOnly.status).toBe(403);
    expect((await readOnly.json()).error.message).toMatch(/orders:write/);
    expect(await db().shipment.count({ where: { orderId: order.id } })).toBe(0);

    const k = await createApiKey(db(), { id: adminId }, { name: "Old", scopes: ["orders:read", "orders:write"] });
    expect((await call("GET", `/orders/${order.number}`, { key: k.key })).status).toBe(200);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: k.id } })).lastUsedAt).not.toBeNull();
    await revokeApiKey(db(), { id: adminId }, k.id);
    const revoked = await call("GET", `/orders/${order.number}`, { key: k.key });
    expect(revoked.status).toBe(403);
    expect((await revoked.json()).error.message).toMatch(/revoked/);
    expect(await db().auditLog.count({ where: { action: "apikey.revoked", targetId: k.id } })).toBe(1);
  });
});

describe("fulfilment endpoints", () => {
  it("GET /orders/:number returns the order, 404 for an unknown number", async () => {
    const order = await createOrder(db(), { status: "PAID", currency: "EUR" });
    const res = await call("GET", `/orders/${order.number}`, { key: readKey });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.order).toMatchObject({ number: order.number, status: "paid", currency: "EUR", total: order.totalMinor });
    expect(body.order.items).toHaveLength(order.items.length);
    const missing = await call("GET", "/orders/R-NOPE-1", { key: readKey });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: "not_found", message: "Order R-NOPE-1 not found" });
  });

  it("PUT shipments ships a paid order (timeline, email with tracking link, touchpoint), then updates it", async () => {
    const order = await createOrder(db(), { status: "PAID", source: "stripe" });
    const res = await call("PUT", `/orders/${order.number}/shipments`, { body: shipment });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.order.status).toBe("shipped");
    expect(body.order.shipments).toEqual([expect.objectContaining({ carrier: "UPS", tracking_number: shipment.tracking_number, tracking_url: shipment.tracking_url, status: "in_transit" })]);
    const after = await db().order.findUniqueOrThrow({ where: { id: order.id }, include: { customer: true, events: true } });
    expect(after.shippedAt).not.toBeNull();
    expect(after.events.map((e) => e.type)).toContain("shipped");
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { customerId: after.customerId, template: "order-shipped" } });
    expect(mail.props).toMatchObject({ orderNumber: order.number, trackingUrl: shipment.tracking_url, carrier: "UPS" });
    expect(await db().touchpoint.count({ where: { subjectId: order.id, type: "order.shipped", channel: "api" } })).toBe(1);

    // Same carrier + tracking number: an update, not a second shipment.
    const upd = await call("PUT", `/orders/${order.number}/shipments`, { body: { ...shipment, tracking_url: "https://www.ups.com/track?tracknum=NEW" } });
    expect(upd.status).toBe(200);
    expect(await db().shipment.count({ where: { orderId: order.id } })).toBe(1);
    expect((await db().shipment.findFirstOrThrow({ where: { orderId: order.id } })).trackingUrl).toBe("https://www.ups.com/track?tracknum=NEW");
    expect(await db().mailOutbox.count({ where: { customerId: after.customerId, template: "order-shipped" } })).toBe(1);
  });

  it("answers 422 with field messages for a bad body, and for malformed JSON", async () => {
    const order = await createOrder(db(), { status: "PAID" });
    const res = await call("PUT", `/orders/${order.number}/shipments`, { body: { carrier: "", tracking_url: "ftp://x", status: "lost" } });
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.code).toBe("validation_failed");
    expect(Object.keys(error.fields).sort()).toEqual(["carrier", "status", "tracking_number", "tracking_url"]);
    expect(error.fields.status).toMatch(/in_transit/);
    const bad = await call("PUT", `/orders/${order.number}/shipments`, { raw: "{not json" });
    expect(bad.status).toBe(422);
    expect(await db().shipment.count({ where: { orderId: order.id } })).toBe(0);
  });

  it("deliver marks the shipment and the order delivered; 409 for an order that cannot be delivered", async () => {
    const order = await createOrder(db(), { status: "PAID" });
    await call("PUT", `/orders/${order.number}/shipments`, { body: shipment });
    const res = await call("POST", `/orders/${order.number}/deliver`, { body: {} });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.order.status).toBe("delivered");
    expect(body.order.shipments[0].status).toBe("delivered");
    // Delivered again: idempotent, no second event.
    expect((await call("POST", `/orders/${order.number}/deliver`)).status).toBe(200);
    expect(await db().orderEvent.count({ where: { orderId: order.id, type: "delivered" } })).toBe(1);

    const placed = await createOrder(db(), { status: "PLACED" });
    const conflict = await call("POST", `/orders/${placed.number}/deliver`);
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).error.message).toMatch(/placed and cannot become delivered/);
    expect((await db().order.findUniqueOrThrow({ where: { id: placed.id } })).status).toBe("PLACED");
  });

  it("cancel cancels a placed or paid order, 409 once shipped", async () => {
    const order = await createOrder(db(), { status: "PLACED" });
    const res = await call("POST", `/orders/${order.number}/cancel`, { body: { reason: "out of stock" } });
    expect(res.status).toBe(200);
    expect((await res.json()).order.status).toBe("cancelled");
    const ev = await db().orderEvent.findFirstOrThrow({ where: { orderId: order.id, type: "cancelled" } });
    expect(ev.data).toMatchObject({ reason: "out of stock", actor: "api" });

    const shipped = await createOrder(db(), { status: "SHIPPED" });
    const conflict = await call("POST", `/orders/${shipped.number}/cancel`, { body: {} });
    expect(conflict.status).toBe(409);
    expect((await db().order.findUniqueOrThrow({ where: { id: shipped.id } })).status).toBe("SHIPPED");
  });

  it("honours Idempotency-Key: same request replays the response, a different body is refused with 422", async () => {
    const order = await createOrder(db(), { status: "PAID" });
    const key = `ship-${order.number}`;
    const first = await call("PUT", `/orders/${order.number}/shipments`, { body: shipment, idem: key });
    expect(first.status).toBe(201);
    const firstBody = await first.json();
    const again = await call("PUT", `/orders/${order.number}/shipments`, { body: shipment, idem: key });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(firstBody);
    expect(await db().shipmentEvent.count({ where: { shipment: { orderId: order.id } } })).toBe(1);

    const other = await call("PUT", `/orders/${order.number}/shipments`, { body: { ...shipment, carrier: "DHL" }, idem: key });
    expect(other.status).toBe(422);
    expect((await other.json()).error.message).toMatch(/already used with a different request/);
    expect(await db().shipment.count({ where: { orderId: order.id } })).toBe(1);

    // A refused request replays its refusal with the same key.
    const placed = await createOrder(db(), { status: "PLACED" });
    const c1 = await call("POST", `/orders/${placed.number}/deliver`, { idem: "deliver-1" });
    const c2 = await call("POST", `/orders/${placed.number}/deliver`, { idem: "deliver-1" });
    expect([c1.status, c2.status]).toEqual([409, 409]);
  });
});

describe("admin page /admin/api-keys", () => {
  it("creates a key shown once, lists it by prefix, and revokes it (no client JS needed)", async () => {
    const admin = await createStaff(db(), { role: "ADMIN" });
    const signIn = await fetch(`${app.url}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email: admin.email, password: TEST_PASSWORD, intent: "password" }), redirect: "manual" });
    expect(signIn.status).toBe(302);
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    const form = (body: Record<string, string | string[]>) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) for (const x of [v].flat()) p.append(k, x);
      return fetch(`${app.url}/admin/api-keys`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: p, redirect: "manual" });
    };

    const invalid = await form({ intent: "create", name: " " });
    expect(invalid.status).toBe(400);
    const invalidHtml = await invalid.text();
    expect(invalidHtml).toContain("Enter a name for the key.");
    expect(invalidHtml).toContain("Choose at least one permission.");

    const name = `Dock ${Date.now()}`;
    const created = await form({ intent: "create", name, scopes: ["orders:write"] });
    expect(created.status).toBe(200);
    const html = await created.text();
    const key = /rpk_[a-z0-9]{8}_[\w-]{32}/.exec(html)?.[0];
    expect(key).toBeDefined();
    const row = await db().apiKey.findFirstOrThrow({ where: { name } });
    expect(row.secretHash).toBe(hashApiKey(key!));
    expect(row.scopes).toEqual(["orders:write"]);

    const list = await (await fetch(`${app.url}/admin/api-keys`, { headers: { cookie } })).text();
    expect(list).toContain(name);
    expect(list).toContain(row.prefix);
    expect(list).not.toContain(key!);

    const revoked = await form({ intent: "revoke", id: row.id, name });
    expect(revoked.status).toBe(200);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).not.toBeNull();
    expect(await db().auditLog.count({ where: { targetId: row.id, actorId: admin.id } })).toBe(2);

    // Not for other staff.
    const agent = await createStaff(db(), { role: "AGENT" });
    const agentIn = await fetch(`${app.url}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email: agent.email, password: TEST_PASSWORD, intent: "password" }), redirect: "manual" });
    const agentCookie = (agentIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    const denied = await fetch(`${app.url}/admin/api-keys`, { headers: { cookie: agentCookie }, redirect: "manual" });
    expect(denied.status).not.toBe(200);
  });
});
