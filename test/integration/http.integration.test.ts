// The HTTP host: tRPC over HTTP requires the custom header on POSTs, sessions travel in an
// httpOnly SameSite=Lax cookie, security headers are set, and pages answer in both languages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { createCustomer, TEST_PASSWORD } from "../factories/index.ts";
import { startTestApp } from "../setup/app.ts";

let app: Rapport;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

describe("HTTP host", () => {
  it("refuses a tRPC POST without the x-rapport-client header, and serves it with the header", async () => {
    const c = await createCustomer(db(), { login: true });
    const body = JSON.stringify({ email: c.email, password: TEST_PASSWORD });
    const bare = await fetch(`${app.url}/api/trpc/auth.signIn`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(bare.status).toBe(403);
    expect(await db().session.count({ where: { userId: c.userId! } })).toBe(0);

    const ok = await fetch(`${app.url}/api/trpc/auth.signIn`, { method: "POST", headers: { "content-type": "application/json", "x-rapport-client": "test" }, body });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^rapport_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);

    const me = await fetch(`${app.url}/api/trpc/auth.session`, { headers: { cookie: cookie.split(";")[0]! } });
    expect((await me.json()).result.data.email).toBe(c.email);
  });

  it("serves static files (public/ and the build's client assets) and leaves page URLs to the router", async () => {
    const robots = await fetch(`${app.url}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(await robots.text()).toMatch(/User-agent/i);
    const icon = await fetch(`${app.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/svg/);
    const login = await (await fetch(`${app.url}/login`)).text();
    const asset = /\/assets\/[\w.-]+\.js/.exec(login)?.[0];
    expect(asset).toBeTruthy();
    const js = await fetch(`${app.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toMatch(/immutable/);
    const missing = await fetch(`${app.url}/no-such-file.txt`);
    expect(missing.status).toBe(404);
  });

  it("answers UNAUTHORIZED to an anonymous call of a customer procedure", async () => {
    const res = await fetch(`${app.url}/api/trpc/portal.summary`);
    expect(res.status).toBe(401);
  });

  it("sets security headers and renders the login page in the visitor's language", async () => {
    const en = await fetch(`${app.url}/login`);
    expect(en.headers.get("x-frame-options")).toBe("DENY");
    expect(en.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await en.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toMatch(/<input[^>]*name="email"/);
    expect(html).toMatch(/<input[^>]*name="password"/);

    const zh = await (await fetch(`${app.url}/login`, { headers: { "accept-language": "zh-CN,zh;q=0.9" } })).text();
    expect(zh).toContain('<html lang="zh-CN"');
    expect(zh).toContain("登录 Rapport");
  });

  it("pages carry a nonce Content-Security-Policy that every script on the page satisfies, and a fresh nonce per response", async () => {
    const first = await fetch(`${app.url}/login`);
    const csp = first.headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const second = (await fetch(`${app.url}/login`)).headers.get("content-security-policy");
    expect(second).not.toBe(csp);
  });

  it("a sign-in form with bad input answers with the message on the field and no session", async () => {
    const res = await fetch(`${app.url}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=not-an-email&password=x&intent=password", redirect: "manual" });
    expect(res.status).toBe(400);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("Enter a valid email address");
  });

  it("sign-out is POST only: a GET of /logout changes nothing", async () => {
    const c = await createCustomer(db(), { login: true });
    const signIn = await fetch(`${app.url}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email: c.email, password: TEST_PASSWORD, intent: "password" }), redirect: "manual" });
    expect(signIn.status).toBe(302);
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    await fetch(`${app.url}/logout`, { headers: { cookie }, redirect: "manual" });
    expect(await db().session.count({ where: { userId: c.userId! } })).toBe(1);
    const out = await fetch(`${app.url}/logout`, { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(out.status).toBe(302);
    expect(await db().session.count({ where: { userId: c.userId! } })).toBe(0);
  });
});
