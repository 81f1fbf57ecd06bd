// The loyalty pages over HTTP (production build): the customer's /rewards page and redeeming from
// it without JS, the staff ledger with an adjustment (reason required), the admin settings hub and
// loyalty settings (bad input → message on the field, nothing saved), in English and Chinese.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { postEntry } from "../../server/domain/loyalty/ledger.ts";
import { createCustomer, createStaff } from "../factories/index.ts";
import { startTestApp } from "../setup/app.ts";
import { callerAs } from "../setup/harness.ts";

let app: Rapport;

async function cookieFor(userId: string) {
  return `${SESSION_COOKIE}=${(await createSession(db(), userId, { ip: "127.0.0.1" })).token}`;
}

const form = (o: Record<string, string>) => ({ "content-type": "application/x-www-form-urlencoded", body: new URLSearchParams(o).toString() });

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

describe("loyalty pages", () => {
  it("a customer sees balances, tier, rewards and redeems one with a plain form post", async () => {
    const c = await createCustomer(db(), { login: true });
    await db().$transaction((tx) => postEntry(tx, { customerId: c.id, type: "BONUS", points: 120, how: { op: "credit" }, reason: "Welcome bonus", idempotencyKey: `page:${c.id}` }));
    const reward = await db().reward.create({ data: { kind: "FREE_SHIPPING", nameEn: "Free shipping voucher", nameZh: "免运费券", pointsCost: 100 } });
    const cookie = await cookieFor(c.userId!);
    const page = await fetch(`${app.url}/rewards`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Available points");
    expect(html).toContain("Welcome bonus");
    expect(html).toContain("Free shipping voucher");
    expect(html).toContain("You are Bronze");

    const { body, ...h } = form({ intent: "redeem", rewardId: reward.id, requestId: "pagerequest0001" });
    const res = await fetch(`${app.url}/rewards`, { method: "POST", headers: { cookie, ...h }, body });
    expect(res.status).toBe(200);
    const after = await res.text();
    const code = (await db().redemption.findFirstOrThrow({ where: { customerId: c.id } })).code;
    expect(after).toContain(code);
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).pointsAvailable).toBe(20);

    const zh = await (await fetch(`${app.url}/rewards`, { headers: { cookie: `${cookie}; rapport_lang=zh-CN`, "accept-language": "zh-CN" } })).text();
    expect(zh).toMatch(/可用积分|积分/);
  });

  it("an anonymous visitor is sent to sign in", async () => {
    const res = await fetch(`${app.url}/rewards`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("/login");
  });

  it("a referral link's code is remembered in a cookie and attached when the new customer confirms the email (no JavaScript)", async () => {
    const referrer = await createCustomer(db(), {});
    const code = `LINK${process.pid}`.slice(0, 20);
    await db().customer.update({ where: { id: referrer.id }, data: { referralCode: code } });
    const join = await fetch(`${app.url}/rewards/join?ref=${code.toLowerCase()}`, { redirect: "manual" });
    expect(join.status).toBe(200);
    const refCookie = (join.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(refCookie).toBe(`rapport_ref=${code}`);

    const email = `joiner-${process.pid}@example.test`;
    await (await callerAs()).caller.auth.signUp({ email, password: "a sturdy passphrase", name: "Jo Joiner", locale: "en" });
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { to: email, template: "verify-email" } });
    const token = new URL((mail.props as { url: string }).url).searchParams.get("token")!;
    const { body, ...h } = form({ token });
    const res = await fetch(`${app.url}/verify-email?token=${token}`, { method: "POST", headers: { cookie: refCookie, ...h }, body });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`Your friend&#x27;s referral code ${code} is applied`);
    expect(res.headers.get("set-cookie")).toContain("rapport_ref=; Path=/; Max-Age=0");
    const joined = await db().customer.findUniqueOrThrow({ where: { email }, include: { referredBy: true } });
    expect(joined.referredBy).toMatchObject({ referrerId: referrer.id, code });
  });

  it("an agent adjusts points on the staff ledger; a missing reason is refused on the field", async () => {
    const agent = await createStaff(db(), { role: "AGENT" });
    const c = await createCustomer(db(), {});
    const cookie = await cookieFor(agent.id);
    const index = await (await fetch(`${app.url}/staff/loyalty?q=${encodeURIComponent(c.email)}`, { headers: { cookie } })).text();
    expect(index).toContain(`href="/staff/loyalty/${c.id}"`);
    expect((await fetch(`${app.url}/staff/loyalty/${c.id}`, { headers: { cookie } })).status).toBe(200);
    const bad = form({ points: "25", reason: "", requestId: "staffreq0000001" });
    const r1 = await fetch(`${app.url}/staff/loyalty/${c.id}`, { method: "POST", headers: { cookie, "content-type": bad["content-type"] }, body: bad.body });
    expect(r1.status).toBe(400);
    expect(await r1.text()).toContain("Give a reason");
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).pointsAvailable).toBe(0);
    const ok = form({ points: "25", reason: "Parcel arrived damaged", requestId: "staffreq0000002" });
    const r2 = await fetch(`${app.url}/staff/loyalty/${c.id}`, { method: "POST", headers: { cookie, "content-type": ok["content-type"] }, body: ok.body });
    expect(r2.status).toBe(200);
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).pointsAvailable).toBe(25);
    expect(await db().auditLog.count({ where: { action: "loyalty.points.adjusted", targetId: c.id } })).toBe(1);
  });

  it("an admin sees the settings hub and the loyalty settings; invalid rates are refused", async () => {
    const admin = await createStaff(db(), { role: "ADMIN" });
    const cookie = await cookieFor(admin.id);
    const hub = await (await fetch(`${app.url}/admin/settings`, { headers: { cookie } })).text();
    expect(hub).toContain('href="/admin/settings/loyalty"');
    expect(hub).toContain('href="/admin/settings/sla"');
    const page = await fetch(`${app.url}/admin/settings/loyalty`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("USD=1");
    // Other files may have saved settings before this one runs: "nothing saved" = the row is unchanged.
    const before = await db().setting.findUnique({ where: { key: "loyalty.program" } });
    const bad = form({ intent: "settings", earnRates: "dollars are great", fxToBase: "USD=1" });
    const res = await fetch(`${app.url}/admin/settings/loyalty`, { method: "POST", headers: { cookie, "content-type": bad["content-type"] }, body: bad.body });
    expect(await res.text()).toContain("Write one CURRENCY=number per line");
    expect(await db().setting.findUnique({ where: { key: "loyalty.program" } })).toEqual(before);
  });
});
