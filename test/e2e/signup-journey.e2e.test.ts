// The first-visit journey in a real browser against the real app (production build): sign up,
// confirm the email from the message the app actually sent over SMTP, sign out, sign in, switch
// to Chinese (saved on the account), sign out — and the touchpoints that journey leaves behind.
// Locators are accessible ones (label, role + name), so the test also checks the labelling.
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { capturedMailTo, launchBrowser, linkIn, startE2eApp, waitFor, watchForProblems, type E2eApp } from "./browser.ts";

const SCREENSHOT = path.join(ROOT, "test-results", "journey-zh.png");

let app: E2eApp | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchBrowser()]);
  // A fixed browser language, so the journey starts in English on any machine.
  context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
  // Fail a step well within the test timeout, so the failure says which step it was.
  context.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.stop();
});

/** The page's <h1>, which every page has exactly one of. */
const heading = (page: Page, name: string) => page.getByRole("heading", { level: 1, name, exact: true });

async function htmlLang(page: Page) {
  return page.locator("html").getAttribute("lang");
}

describe("signup journey (browser)", () => {
  it("a visitor signs up, confirms the email from the captured message, signs in, switches language and signs out", async () => {
    if (!app || !browser || !context) throw new Error("app or browser did not start");
    const base = app.url;
    const email = `journey-${Date.now()}@example.test`;
    const name = "Journey Tester";
    const password = "a-long-journey-password";
    const page = await context.newPage();
    const problems = watchForProblems(page);
    try {
      // --- Sign up
      await page.goto(`${base}/signup`);
      expect(await htmlLang(page)).toBe("en");
      await heading(page, "Create your Rapport account").waitFor();
      await page.getByLabel("Your name", { exact: true }).fill(name);
      await page.getByLabel("Email", { exact: true }).fill(email);
      await page.getByLabel("Password", { exact: true }).fill(password);
      await page.getByRole("button", { name: "Create account", exact: true }).click();

      await page.waitForURL((u) => u.pathname === "/verify-email");
      await heading(page, "Check your email").waitFor();
      expect(new URL(page.url()).searchParams.get("sent")).toBe(email);
      await page.getByText(`We sent a confirmation link to ${email}.`).waitFor();
      // Signing up signs the visitor in; the banner asks them to confirm the address.
      await page.getByRole("status").filter({ hasText: "Please confirm your email address" }).waitFor();
      await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();

      // --- The confirmation email, as delivered over SMTP to the capture server
      const mail = await capturedMailTo(email);
      expect(mail.to).toBe(email);
      expect(mail.subject).toBe("Confirm your email address for Rapport");
      expect(mail.from).toContain("no-reply@rapport.localhost");
      const link = linkIn(mail.text, "/verify-email");
      expect(link.origin).toBe(base);
      expect(link.searchParams.get("token")).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(mail.html).toContain(link.search.replace(/&/g, "&amp;"));

      // --- Confirm: the link opens a page whose button POSTs the token (a link scanner's GET must not use it up)
      await page.goto(link.href);
      await heading(page, "Check your email").waitFor();
      await page.getByRole("button", { name: "Continue", exact: true }).click();
      await heading(page, "Email confirmed").waitFor();
      await page.getByText("Thanks — your email address is confirmed.").waitFor();
      expect(await page.getByText("Please confirm your email address").count()).toBe(0);

      // --- Sign out, then sign in with the password
      await page.getByRole("button", { name: "Sign out", exact: true }).click();
      await page.waitForURL((u) => u.pathname === "/login" && u.searchParams.get("signedOut") === "1");
      await page.getByRole("status").filter({ hasText: "You are signed out." }).waitFor();

      await heading(page, "Sign in to Rapport").waitFor();
      await page.getByLabel("Email", { exact: true }).fill(email);
      await page.getByLabel("Password", { exact: true }).fill(password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL((u) => u.pathname === "/");
      await heading(page, `Welcome back, ${name}`).waitFor();
      const nav = page.getByRole("navigation", { name: "Main navigation" });
      await nav.getByRole("link", { name: "Orders", exact: true }).waitFor();

      // --- Switch to Chinese: the whole page (and <html lang>) changes
      const toChinese = page.getByRole("button", { name: "Language: 中文", exact: true });
      expect(await toChinese.getAttribute("lang")).toBe("zh-CN");
      await toChinese.click();
      await page.locator('html[lang="zh-CN"]').waitFor({ state: "attached" });
      await heading(page, `欢迎回来，${name}`).waitFor();
      const zhNav = page.getByRole("navigation", { name: "主导航" });
      await zhNav.getByRole("link", { name: "订单", exact: true }).waitFor();
      await zhNav.getByRole("link", { name: "账户", exact: true }).waitFor();
      await page.getByRole("button", { name: "退出登录", exact: true }).waitFor();
      await page.getByRole("button", { name: "语言: English", exact: true }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/");

      // The choice persists: a reload is still Chinese, and it is saved on the account…
      await page.reload();
      expect(await htmlLang(page)).toBe("zh-CN");
      await heading(page, `欢迎回来，${name}`).waitFor();
      const user = await db().user.findUniqueOrThrow({ where: { email }, include: { customer: true } });
      expect(user.locale).toBe("zh_CN");
      expect(user.emailVerifiedAt).not.toBeNull();
      expect(user.customer?.locale).toBe("zh_CN");
      // …so it also applies in a browser that has only the session cookie (no language cookie).
      const session = (await context.cookies(base)).find((c) => c.name === "rapport_session");
      expect(session, "session cookie").toBeDefined();
      const other = await browser.newContext({ locale: "en-US" });
      try {
        await other.addCookies([session!]);
        const otherPage = await other.newPage();
        await otherPage.goto(`${base}/`);
        expect(await htmlLang(otherPage)).toBe("zh-CN");
        await heading(otherPage, `欢迎回来，${name}`).waitFor();
      } finally {
        await other.close();
      }

      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // --- Sign out in Chinese; the account page is closed again
      await page.getByRole("button", { name: "退出登录", exact: true }).click();
      await page.waitForURL((u) => u.pathname === "/login" && u.searchParams.get("signedOut") === "1");
      expect(await htmlLang(page)).toBe("zh-CN");
      await page.getByRole("status").filter({ hasText: "你已退出登录。" }).waitFor();
      await heading(page, "登录 Rapport").waitFor();
      await page.getByRole("button", { name: "退出登录" }).waitFor({ state: "detached" });

      await page.goto(`${base}/account`);
      expect(new URL(page.url()).pathname).toBe("/login");
      expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/account");
      await heading(page, "登录 Rapport").waitFor();

      // --- What the journey left in the customer's timeline (page views are written in batches)
      const customerId = user.customer!.id;
      const types = await waitFor("a page.viewed touchpoint", async () => {
        const rows = await db().touchpoint.findMany({ where: { customerId }, select: { type: true } });
        const t = rows.map((r) => r.type);
        return t.includes("page.viewed") && t;
      });
      const count = (type: string) => types.filter((t) => t === type).length;
      expect(count("account.signed_up")).toBe(1);
      expect(count("account.email_verified")).toBe(1);
      expect(count("auth.signed_in")).toBe(1);
      expect(count("auth.signed_out")).toBe(2);
      expect(count("profile.updated")).toBe(1);
      expect(count("page.viewed")).toBeGreaterThanOrEqual(1);

      expect(problems).toEqual([]);
    } catch (e) {
      // Help whoever reads the failure: where the browser was, and what the app logged.
      const where = `browser at ${page.url()}`;
      const logs = app.logs.length ? `\napp log:\n${app.logs.join("\n")}` : "";
      const seen = problems.length ? `\nbrowser problems:\n${problems.join("\n")}` : "";
      if (e instanceof Error) e.message += `\n(${where})${seen}${logs}`;
      throw e;
    } finally {
      await page.close();
    }
  });
});
