// The marketer's journey in a real browser against the real app (production build): build a
// segment with the rule builder (the live count follows the form and equals the send's SQL), write
// a bilingual campaign, send a test to yourself, send it, watch the progress reach "Completed" and
// read the results. Each customer receives the mail over SMTP in their own language with RFC 8058
// unsubscribe headers; a one-click POST (what mail clients send: no cookie, no sign-in) and the
// one-button page in Chinese both turn consent off; the next campaign to the segment skips them.
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { saveCampaign, startCampaign } from "../../server/domain/campaigns/campaigns.ts";
import { countSegment } from "../../server/domain/campaigns/segments.ts";
import { createCustomer, createStaff, TEST_PASSWORD } from "../factories/index.ts";
import { launchBrowser, startE2eApp, waitFor, watchForProblems, type E2eApp } from "./browser.ts";

let app: E2eApp | undefined;
let browser: Browser | undefined;
let marketerCtx: BrowserContext | undefined;
let customerCtx: BrowserContext | undefined;

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchBrowser()]);
  marketerCtx = await browser.newContext({ locale: "en-US", viewport: { width: 1400, height: 1000 } });
  customerCtx = await browser.newContext({ locale: "en-US", viewport: { width: 1000, height: 800 } });
  marketerCtx.setDefaultTimeout(20_000);
  customerCtx.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await marketerCtx?.close();
  await customerCtx?.close();
  await browser?.close();
  await app?.stop();
});

const SHOTS = path.join(ROOT, "test-results");
async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `campaigns-${name}.png`), fullPage: true });
}

async function signIn(page: Page, base: string, email: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((u) => u.pathname !== "/login");
}

/** The captured campaign mail to `email` (waits for the outbox to deliver it). */
function mailTo(email: string, subjectPart: string) {
  return waitFor(`a mail to ${email} with "${subjectPart}" in the subject`, () => db().capturedMail.findFirst({ where: { to: { contains: email }, subject: { contains: subjectPart } }, orderBy: { receivedAt: "desc" } }), { timeoutMs: 30_000 });
}

/** The URL inside `List-Unsubscribe: <…>`. */
function unsubscribeUrl(headers: unknown): string {
  const h = headers as Record<string, string>;
  const m = /<(https?:\/\/[^>]+\/u\/[^>]+)>/.exec(h["list-unsubscribe"] ?? "");
  if (!m) throw new Error(`no List-Unsubscribe URL in ${JSON.stringify(h)}`);
  return m[1];
}

describe("campaigns journey (browser)", () => {
  it("a marketer builds a segment, sends a bilingual campaign and reads the results; customers get their language and unsubscribe in one click", async () => {
    if (!app || !browser || !marketerCtx || !customerCtx) throw new Error("app or browser did not start");
    const base = app.url;
    const stamp = Date.now();
    // A balance above everyone else's in the shared test database, so the segment is exactly our three customers.
    const highest = await db().customer.aggregate({ _max: { pointsAvailable: true } });
    const POINTS = Math.max(9_876_543, (highest._max.pointsAvailable ?? 0) + 1000);
    const marketer = await createStaff(db(), { role: "MARKETER", name: "Mara Marketer" });
    const mia = await createCustomer(db(), { name: "Mia Walker", email: `mia-camp-${stamp}@example.test`, consentEmail: true, pointsAvailable: POINTS });
    const li = await createCustomer(db(), { locale: "zh_CN", name: "李娜", email: `li-camp-${stamp}@example.test`, consentEmail: true, pointsAvailable: POINTS + 1 });
    const noConsent = await createCustomer(db(), { name: "Nora Quiet", email: `nora-camp-${stamp}@example.test`, consentEmail: false, pointsAvailable: POINTS + 2 });

    const page = await marketerCtx.newPage();
    const problems = watchForProblems(page);
    try {
      // --- Segment: one rule, the live count follows the form
      await signIn(page, base, marketer.email);
      await page.goto(`${base}/marketing/segments/new`);
      await page.getByLabel("Name", { exact: true }).fill(`Big balances ${stamp}`);
      const ruleKind = page.getByLabel("Rule", { exact: true }).first();
      if (!(await ruleKind.count())) await page.getByRole("button", { name: "Add rule", exact: true }).click();
      await page.getByLabel("Rule", { exact: true }).first().selectOption("points");
      await page.getByLabel("Condition", { exact: true }).first().selectOption("atLeast");
      await page.getByLabel("Points", { exact: true }).first().fill(String(POINTS));
      const sqlCount = await countSegment(db(), { kind: "group", combinator: "and", rules: [{ kind: "points", op: "atLeast", value: POINTS }] });
      expect(sqlCount).toBe(3);
      await page.getByText("3 customers match", { exact: true }).waitFor();
      await expect(page.getByRole("cell", { name: "Nora Quiet" }).count()).resolves.toBeGreaterThan(0);
      await shot(page, "1-segment");
      await page.getByRole("button", { name: "Save segment", exact: true }).click();
      await page.waitForURL((u) => /\/marketing\/segments(\/|\?|$)/.test(u.pathname + u.search) && !u.pathname.endsWith("/new"));
      const segment = await waitFor("the saved segment", () => db().segment.findFirst({ where: { name: `Big balances ${stamp}` } }));

      // --- Campaign: bilingual email, holdout 0 % so both consenting customers are mailed
      await page.goto(`${base}/marketing/campaigns/new`);
      await page.getByLabel("Name (only staff see it)", { exact: true }).fill(`Thank you ${stamp}`);
      await page.getByLabel("Type", { exact: true }).selectOption("EMAIL");
      await page.getByLabel("Segment", { exact: true }).selectOption(segment.id);
      await page.getByLabel("Holdout (%)", { exact: true }).fill("0");
      await page.getByLabel("Subject (English)", { exact: true }).fill(`Thanks {{firstName}} ${stamp}`);
      await page.getByLabel("Body (English)", { exact: true }).fill("Hi {{firstName}}, you have **{{points}} points**. [Shop now](https://shop.example.com/new)");
      await page.getByLabel("Subject (Chinese)", { exact: true }).fill(`谢谢 {{firstName}} ${stamp}`);
      await page.getByLabel("Body (Chinese)", { exact: true }).fill("{{firstName}}，您好！您有 **{{points}} 积分**。[去逛逛](https://shop.example.com/new)");
      await page.getByRole("button", { name: "Save draft", exact: true }).click();
      await page.waitForURL((u) => /^\/marketing\/campaigns\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith("/new"));
      const campaignId = new URL(page.url()).pathname.split("/").pop()!;
      await page.getByText("Draft", { exact: true }).first().waitFor();

      // --- Test send to yourself, in Chinese
      await page.getByLabel("Language", { exact: true }).selectOption("zh-CN");
      await page.getByRole("button", { name: "Send test", exact: true }).click();
      const test = await mailTo(marketer.email, `谢谢`);
      expect(test.subject).toContain(String(stamp));
      expect(await db().campaignRecipient.count({ where: { campaignId } })).toBe(0); // a test enters nobody

      // --- Send, then the page follows the progress until it is completed
      await page.getByRole("button", { name: "Send now", exact: true }).click();
      await page.getByText("Completed", { exact: true }).first().waitFor({ timeout: 45_000 });
      await shot(page, "2-completed");
      await page.getByRole("heading", { name: "Treated vs holdout" }).waitFor();
      await page.getByRole("heading", { name: "Skipped customers" }).waitFor();

      // --- Each customer got their language, placeholders filled, with RFC 8058 headers
      const enMail = await mailTo(mia.email, `Thanks Mia ${stamp}`);
      expect(enMail.text).toContain(`Hi Mia, you have ${POINTS} points`);
      const zhMail = await mailTo(li.email, `谢谢 李娜 ${stamp}`);
      expect(zhMail.text).toContain(`李娜，您好！您有 ${POINTS + 1} 积分`);
      expect(zhMail.text).not.toContain("Hi ");
      expect((enMail.headers as Record<string, string>)["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
      expect(await db().capturedMail.count({ where: { to: { contains: noConsent.email } } })).toBe(0);
      const recipients = await db().campaignRecipient.findMany({ where: { campaignId }, select: { customerId: true, status: true, skipReason: true } });
      expect(new Map(recipients.map((r) => [r.customerId, `${r.status}/${r.skipReason ?? ""}`]))).toEqual(
        new Map([
          [mia.id, "SENT/"],
          [li.id, "SENT/"],
          [noConsent.id, "SKIPPED/consent"],
        ]),
      );

      // --- One-click unsubscribe exactly as a mail client does it: POST, form body, no cookie
      const oneClick = await fetch(unsubscribeUrl(enMail.headers), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click", redirect: "manual" });
      expect(oneClick.status).toBe(200);
      expect((await db().customer.findUniqueOrThrow({ where: { id: mia.id } })).consentEmail).toBe(false);

      // --- The GET page (Chinese, the customer's language) has one button; pressing it unsubscribes
      const custPage = await customerCtx.newPage();
      const custProblems = watchForProblems(custPage);
      await custPage.goto(unsubscribeUrl(zhMail.headers));
      await custPage.getByRole("heading", { level: 1, name: "退订" }).waitFor();
      expect((await db().customer.findUniqueOrThrow({ where: { id: li.id } })).consentEmail).toBe(true); // GET changes nothing
      await custPage.getByRole("button", { name: "退订", exact: true }).click();
      await custPage.getByText("您已退订：我们不会再向您发送营销邮件。").waitFor();
      expect((await db().customer.findUniqueOrThrow({ where: { id: li.id } })).consentEmail).toBe(false);
      expect(custProblems).toEqual([]);

      // --- The results show the unsubscribes; the next campaign to the segment skips both
      await page.reload();
      await page.getByRole("heading", { name: "Engagement" }).waitFor();
      const next = await saveCampaign(db(), { id: marketer.id }, {
        name: `Next ${stamp}`,
        kind: "EMAIL",
        segmentId: segment.id,
        holdoutPct: 0,
        email: { subjectEn: "Again", subjectZh: "再次", bodyEn: "Hello again", bodyZh: "再次问候" },
      });
      await startCampaign(db(), { id: marketer.id }, next.id);
      const skipped = await db().campaignRecipient.findMany({ where: { campaignId: next.id }, select: { customerId: true, status: true, skipReason: true } });
      expect(skipped.every((r) => r.status === "SKIPPED" && r.skipReason === "consent")).toBe(true);
      expect(skipped.map((r) => r.customerId).sort()).toEqual([mia.id, li.id, noConsent.id].sort());
      expect(problems.filter((p) => !p.includes("HTTP 4"))).toEqual([]);
    } catch (e) {
      await shot(page, "failure").catch(() => {});
      throw e;
    }
  }, 180_000);
});
