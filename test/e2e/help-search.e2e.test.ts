// Search as you type on the help center, in a real browser (production build): typing the start
// of a word lists matching articles under the field, Arrow Down moves into the list and Enter
// opens the article; a Chinese visitor gets the Chinese article. No console errors (a
// Content-Security-Policy violation would be one). Other test files leave many help articles in
// the shared database, so the articles here carry words no other article uses (zephyrine, 蝾螈).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { createHelpArticlePair } from "../factories/index.ts";
import { launchBrowser, startE2eApp, watchForProblems, type E2eApp } from "./browser.ts";

let app: E2eApp | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchBrowser()]);
  await createHelpArticlePair(db(), {
    translationKey: "e2e-returns",
    en: { slug: "e2e-returning-an-item", title: "Returning a zephyrine kettle", summary: "How returns work", bodyMarkdown: "Start a return from the order page within 30 days of delivery." },
    zh: { slug: "e2e-returning-an-item", title: "蝾螈水壶如何办理退货", summary: "退货流程说明", bodyMarkdown: "请在签收后 30 天内从订单页面申请退货。" },
  });
  await createHelpArticlePair(db(), {
    translationKey: "e2e-password",
    en: { slug: "e2e-changing-password", title: "Changing your password", bodyMarkdown: "Open Account and choose a new password." },
    zh: { slug: "e2e-changing-password", title: "修改登录密码", bodyMarkdown: "打开账户页面，设置新密码。" },
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("help center search as you type (browser)", () => {
  it("suggests articles while an English visitor types, and the keyboard opens one", async () => {
    const context = await browser!.newContext({ locale: "en-US" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems = watchForProblems(page);
    await page.goto(`${app!.url}/help`);
    const box = page.getByRole("searchbox", { name: "Search the help center" });
    await box.pressSequentially("zephyr", { delay: 30 });
    const list = page.getByRole("list", { name: "Suggestions" });
    await list.getByRole("link", { name: /Returning a zephyrine kettle/ }).waitFor();
    // Earlier keystrokes' answers may still be arriving: wait for the list of the full word.
    await expect.poll(() => list.getByRole("link").count(), { timeout: 10_000 }).toBe(1);

    await box.press("ArrowDown");
    await expect(list.getByRole("link", { name: /Returning a zephyrine kettle/ }).evaluate((a) => a === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app!.url}/help/e2e-returning-an-item`);
    await page.getByRole("heading", { level: 1, name: "Returning a zephyrine kettle" }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("suggests the Chinese article for a Chinese query (蝾螈退货: bigrams, no spaces)", async () => {
    const context = await browser!.newContext({ locale: "zh-CN" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems = watchForProblems(page);
    await page.goto(`${app!.url}/help`);
    await page.getByRole("searchbox", { name: "搜索帮助中心" }).fill("蝾螈退货");
    const list = page.getByRole("list", { name: "搜索建议" });
    await list.getByRole("link", { name: /蝾螈水壶如何办理退货/ }).waitFor();
    expect(await list.getByRole("link", { name: /修改登录密码/ }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
