// The campaign pages over HTTP with plain form posts (no JavaScript): a marketer drafts an email
// campaign (a field error first, nothing saved), sends it, watches progress and reads the holdout
// table; cancelling needs a ticked confirmation; the public unsubscribe link (GET in the customer's
// language, RFC 8058 one-click POST without cookie or CSRF token, forged token); agents are refused;
// an admin sets the frequency cap. Needs `npm run build` first.
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { getFrequencyCap } from "../../server/domain/campaigns/settings.ts";
import { unsubscribeToken } from "../../server/domain/campaigns/tokens.ts";
import { startTestApp } from "../setup/app.ts";
import { createCustomer, createStaff, factoryContext } from "../factories/index.ts";

const ctx = factoryContext();

async function signedIn(role: "AGENT" | "MARKETER" | "ADMIN") {
  const user = await createStaff(db(), { role });
  return { user, cookie: `${SESSION_COOKIE}=${(await createSession(db(), user.id, { ip: "127.0.0.1" })).token}` };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe("campaign pages", () => {
  it("a marketer drafts, sends and reads an email campaign; customers unsubscribe in one click; agents are refused; an admin sets the cap", async () => {
    const app = await startTestApp();
    try {
      const { user: marketer, cookie } = await signedIn("MARKETER");
      const get = (path: string, headers: Record<string, string> = { cookie }) => fetch(`${app.url}${path}`, { headers, redirect: "manual" });
      const post = (path: string, body: URLSearchParams, c = cookie) => fetch(`${app.url}${path}`, { method: "POST", headers: { cookie: c, "content-type": "application/x-www-form-urlencoded" }, body, redirect: "manual" });

      // A segment only this test's customers are in: 20 with email consent (half Chinese), 3 without.
      const threshold = 700_000_000 + Math.floor(Math.random() * 1_000_000);
      const consenting = [];
      for (let i = 0; i < 20; i++) consenting.push(await createCustomer(db(), { pointsAvailable: threshold, consentEmail: true, locale: i % 2 ? "zh_CN" : "en" }, ctx));
      for (let i = 0; i < 3; i++) await createCustomer(db(), { pointsAvailable: threshold, consentEmail: false }, ctx);
      const segment = await db().segment.create({ data: { name: `Campaign page segment ${ctx.unique()}`, rules: { kind: "group", combinator: "and", rules: [{ kind: "points", op: "atLeast", value: threshold }] }, createdById: marketer.id } });

      const blank = await get("/marketing/campaigns/new");
      expect(blank.status).toBe(200);
      const blankHtml = await blank.text();
      expect(blankHtml).toContain('name="email.subjectZh"');
      expect(blankHtml).toContain(segment.name);
      expect(blankHtml).toContain("{{firstName}}");

      // Missing Chinese subject: the error is on that field, the rest is kept, nothing is saved.
      const name = `Spring email ${ctx.unique()}`;
      const fields = {
        name,
        kind: "EMAIL",
        segmentId: segment.id,
        holdoutPct: "10",
        conversionDays: "14",
        scheduledAt: "",
        endsAt: "",
        points: "",
        multiplier: "",
        "email.subjectEn": "Hello {{firstName}}",
        "email.bodyEn": "You have **{{points}}** points.",
        "email.subjectZh": "",
        "email.bodyZh": "您有 **{{points}}** 积分。",
        "email.offerCode": "SPRING10",
      };
      const bad = await post("/marketing/campaigns/new", form(fields));
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(badHtml).toMatch(/<input[^>]*aria-invalid="true"[^>]*name="email\.subjectZh"/);
      expect(badHtml).toContain("Enter a subject.");
      expect(badHtml).not.toMatch(/<input[^>]*aria-invalid="true"[^>]*name="email\.subjectEn"/);
      expect(badHtml).toContain('value="Hello {{firstName}}"');
      expect(badHtml).toContain("SPRING10");
      expect(await db().campaign.count({ where: { name } })).toBe(0);

      const saved = await post("/marketing/campaigns/new", form({ ...fields, "email.subjectZh": "{{firstName}}，您好" }));
      expect(saved.status).toBe(302);
      const location = saved.headers.get("location")!;
      expect(location).toMatch(/^\/marketing\/campaigns\/[^/?]+\?done=saved$/);
      const campaign = await db().campaign.findFirstOrThrow({ where: { name } });
      expect(location).toContain(campaign.id);
      expect(campaign).toMatchObject({ status: "DRAFT", kind: "EMAIL", holdoutPct: 10, segmentId: segment.id });
      expect(campaign.config).toMatchObject({ email: { subjectZh: "{{firstName}}，您好", offerCode: "SPRING10" } });

      const detail = await (await get(location)).text();
      expect(detail).toContain(name);
      expect(detail).toContain("The campaign was saved.");
      expect(detail).toContain('value="start"');
      expect(detail).toContain("Send now");
      const list = await (await get("/marketing/campaigns")).text();
      expect(list).toContain(name);
      expect(list).toContain(`href="/marketing/campaigns/${campaign.id}"`);
      expect(list).not.toContain("coming soon");

      // Send: every customer of the segment is entered (consent skips recorded), progress shown.
      const started = await post(`/marketing/campaigns/${campaign.id}`, form({ intent: "start" }));
      expect(started.status).toBe(302);
      expect(started.headers.get("location")).toBe(`/marketing/campaigns/${campaign.id}?done=started&n=23`);
      expect(await db().campaignRecipient.count({ where: { campaignId: campaign.id } })).toBe(23);
      expect(await db().campaignRecipient.count({ where: { campaignId: campaign.id, status: "SKIPPED", skipReason: "consent" } })).toBe(3);
      const holdouts = await db().campaignRecipient.count({ where: { campaignId: campaign.id, holdout: true } });
      const running = await (await get(started.headers.get("location")!)).text();
      expect(running).toContain("The campaign was started: 23 customers entered.");
      expect(running).toContain(`<progress id="campaign-progress-bar" max="${Math.max(1, 20 - holdouts)}"`);
      expect(running).toContain("Treated vs holdout");
      expect(running).toMatch(/<th scope="row">Customers<\/th><td>\d+<\/td><td>(\d+)<\/td>/);
      expect(running.match(/<th scope="row">Customers<\/th><td>\d+<\/td><td>(\d+)<\/td>/)![1]).toBe(String(holdouts));
      expect(running).toContain("no email marketing consent");
      expect(running).toContain(`href="/staff/customers/${consenting[0]!.id}"`);
      // A started campaign cannot be edited: the edit page sends you back to it.
      const edit = await get(`/marketing/campaigns/${campaign.id}/edit`);
      expect(edit.status).toBe(302);
      expect(edit.headers.get("location")).toBe(`/marketing/campaigns/${campaign.id}`);

      // A test to yourself, in Chinese: the page says where it went.
      const test = await post(`/marketing/campaigns/${campaign.id}`, form({ intent: "testSend", locale: "zh-CN" }));
      expect(test.status).toBe(302);
      expect(await (await get(test.headers.get("location")!)).text()).toContain(`A test in Chinese (Simplified) is on its way to ${marketer.email}.`);
      expect(await db().mailOutbox.count({ where: { campaignId: campaign.id, to: marketer.email, locale: "zh_CN" } })).toBe(1);

      // Cancelling needs the confirmation box.
      const second = await post("/marketing/campaigns/new", form({ ...fields, name: `${name} bonus`, kind: "BONUS_POINTS", points: "50" }));
      expect(second.status).toBe(302);
      const bonus = await db().campaign.findFirstOrThrow({ where: { name: `${name} bonus` } });
      expect(bonus).toMatchObject({ kind: "BONUS_POINTS", config: { points: 50 } });
      const unconfirmed = await post(`/marketing/campaigns/${bonus.id}`, form({ intent: "cancel" }));
      expect(unconfirmed.status).toBe(400);
      expect(await unconfirmed.text()).toContain("Tick the box to confirm the cancellation.");
      expect((await db().campaign.findUniqueOrThrow({ where: { id: bonus.id } })).status).toBe("DRAFT");
      const confirmed = await post(`/marketing/campaigns/${bonus.id}`, form({ intent: "cancel", confirm: "yes" }));
      expect(confirmed.status).toBe(302);
      expect((await db().campaign.findUniqueOrThrow({ where: { id: bonus.id } })).status).toBe("CANCELLED");

      // Unsubscribe: a Chinese customer's link shows a Chinese page to a visitor whose browser asks for English.
      const zhCustomer = consenting[1]!;
      const token = unsubscribeToken(zhCustomer.id, campaign.id);
      const page = await fetch(`${app.url}/u/${token}`, { headers: { "accept-language": "en" } });
      expect(page.status).toBe(200);
      const pageHtml = await page.text();
      expect(pageHtml).toContain('<button type="submit" class="button">退订</button>');
      expect(pageHtml).toContain(`${zhCustomer.email[0]}•••${zhCustomer.email.slice(zhCustomer.email.indexOf("@"))}`);
      expect(pageHtml).not.toContain(zhCustomer.email);
      expect(pageHtml).toContain("，您好");
      expect((await db().customer.findUniqueOrThrow({ where: { id: zhCustomer.id } })).consentEmail).toBe(true);

      // RFC 8058 one-click POST, as a mail provider sends it: no cookie, no token field, a foreign Origin.
      const oneClick = await fetch(`${app.url}/u/${token}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://mail.example.net" }, body: "List-Unsubscribe=One-Click", redirect: "manual" });
      expect(oneClick.status).toBe(200);
      expect(await oneClick.text()).toContain("您已退订");
      expect((await db().customer.findUniqueOrThrow({ where: { id: zhCustomer.id } })).consentEmail).toBe(false);

      // A forged token (one character changed) changes nothing.
      const other = consenting[2]!;
      const good = unsubscribeToken(other.id, campaign.id);
      const forged = `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`;
      const forgedGet = await fetch(`${app.url}/u/${forged}`);
      expect(forgedGet.status).toBe(404);
      expect(await forgedGet.text()).toContain("This link is not valid.");
      const forgedPost = await fetch(`${app.url}/u/${forged}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
      expect(forgedPost.status).toBe(404);
      expect(await forgedPost.text()).toContain("This link is not valid.");
      expect((await db().customer.findUniqueOrThrow({ where: { id: other.id } })).consentEmail).toBe(true);

      // Agents are refused the campaign pages, and marketers the admin settings.
      const agent = await signedIn("AGENT");
      expect((await get("/marketing/campaigns", { cookie: agent.cookie })).status).toBe(403);
      expect((await get(`/marketing/campaigns/${campaign.id}`, { cookie: agent.cookie })).status).toBe(403);
      expect((await get("/marketing/campaigns/new", { cookie: agent.cookie })).status).toBe(403);
      expect((await post(`/marketing/campaigns/${bonus.id}`, form({ intent: "start" }), agent.cookie)).status).toBe(403);
      expect((await get("/admin/settings/marketing")).status).toBe(403);

      // The frequency cap: a bad value is refused on its field, a good one saved (then put back).
      const admin = await signedIn("ADMIN");
      const before = await getFrequencyCap(db());
      const settings = await get("/admin/settings/marketing", { cookie: admin.cookie });
      expect(settings.status).toBe(200);
      expect(await settings.text()).toContain(`name="maxMessages"`);
      const badCap = await post("/admin/settings/marketing", form({ maxMessages: "-1", windowDays: "7" }), admin.cookie);
      expect(badCap.status).toBe(400);
      const badCapHtml = await badCap.text();
      expect(badCapHtml).toContain("Enter a whole number from 0 to 100.");
      expect(badCapHtml).toMatch(/<input[^>]*aria-invalid="true"[^>]*name="maxMessages"/);
      expect(badCapHtml).not.toMatch(/<input[^>]*aria-invalid="true"[^>]*name="windowDays"/);
      expect(await getFrequencyCap(db())).toEqual(before);
      const goodCap = await post("/admin/settings/marketing", form({ maxMessages: "3", windowDays: "10" }), admin.cookie);
      expect(goodCap.status).toBe(200);
      expect(await goodCap.text()).toContain("The frequency cap was saved.");
      expect(await getFrequencyCap(db())).toEqual({ maxMessages: 3, windowDays: 10 });
      expect(await db().auditLog.count({ where: { action: "marketing.frequency_cap.updated", actorId: admin.user.id } })).toBe(1);
      await post("/admin/settings/marketing", form({ maxMessages: String(before.maxMessages), windowDays: String(before.windowDays) }), admin.cookie);
      expect(await getFrequencyCap(db())).toEqual(before);
    } finally {
      await app.stop();
    }
  }, 180_000);
});
