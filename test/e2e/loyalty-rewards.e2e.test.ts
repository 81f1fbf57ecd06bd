// A customer redeems a reward in a real browser (production build), on a phone-sized screen:
// sees balance and tier, clicks Redeem, gets the code on the page and in the code list, and the
// page has no console errors or hydration problems.
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { postEntry } from "../../server/domain/loyalty/ledger.ts";
import { createCustomer } from "../factories/index.ts";
import { launchBrowser, startE2eApp, watchForProblems, type E2eApp } from "./browser.ts";

let app: E2eApp | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("rewards page (browser)", () => {
  it("customer redeems a reward and sees the code", async () => {
    const c = await createCustomer(db(), { login: true, name: "Lin Mei" });
    await db().$transaction((tx) => postEntry(tx, { customerId: c.id, type: "BONUS", points: 300, how: { op: "credit" }, reason: "Welcome bonus", idempotencyKey: `e2e:${c.id}` }));
    await db().reward.create({ data: { kind: "FIXED_AMOUNT", nameEn: "$10 off your next order", nameZh: "下单立减 10 美元", pointsCost: 250, amountMinor: 1000, currency: "USD" } });
    const { token } = await createSession(db(), c.userId!, { ip: "127.0.0.1" });
    const context = await browser!.newContext({ locale: "en-US", viewport: { width: 390, height: 844 } });
    context.setDefaultTimeout(15_000);
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: app!.url }]);
    const page = await context.newPage();
    const problems = watchForProblems(page);
    await page.goto(`${app!.url}/rewards`);
    await expect(page.getByRole("heading", { level: 1, name: "Rewards" }).isVisible()).resolves.toBe(true);
    await expect(page.getByText("You are Bronze").isVisible()).resolves.toBe(true);
    await page.getByRole("button", { name: "Redeem: $10 off your next order" }).click();
    await page.getByText("Done! Your code is").waitFor();
    const code = (await db().redemption.findFirstOrThrow({ where: { customerId: c.id } })).code;
    await page.screenshot({ path: path.join(ROOT, "test-results", "rewards-mobile.png"), fullPage: true });
    await page.getByRole("rowheader", { name: code }).waitFor();
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).pointsAvailable).toBe(50);
    expect(problems).toEqual([]);
    await context.close();
  });
});
