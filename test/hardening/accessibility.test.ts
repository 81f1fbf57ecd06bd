// Accessibility sweep (issue #13): axe-core in real Chromium on every page of the route table
// (app/routes.ts), for each role — visitor, customer, agent, marketer, admin — plus a few customer
// pages in Chinese. A route is a page when its module has a default export (resource routes such as
// /logout or /sitemap.xml have none). Route params get real ids made here (fail loudly when a
// parametrised page has no value), so a page added to the route table is checked without touching
// this file. Which pages a role can open is found by asking the server (200 = opens; the catch-all
// page answers 404 by design), and the role that owns a URL area must open all of it: agents /staff,
// marketers /marketing, admins /staff, /marketing and /admin, customers every page a visitor is sent
// to sign in for. Every page must be open to some role. Fails on any serious or critical violation.
// axe is injected with page.evaluate (not addScriptTag: the app's nonce CSP blocks inline scripts).
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import routes from "../../app/routes.ts";
import { ROOT } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { sendNpsSurvey } from "../../server/domain/analytics/nps.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { unsubscribeToken } from "../../server/domain/campaigns/tokens.ts";
import { LOCALE_COOKIE } from "../../server/trpc/context.ts";
import { launchBrowser, startE2eApp, waitFor, type E2eApp } from "../e2e/browser.ts";
import { createCustomer, createHelpArticlePair, createOrder, createStaff, createTicket, factoryContext } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";
import { recordHardening } from "./report.ts";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");
const AXE_SOURCE = fs.readFileSync(AXE_PATH, "utf8");
const AXE_VERSION = (JSON.parse(fs.readFileSync(path.join(path.dirname(AXE_PATH), "package.json"), "utf8")) as { version: string }).version;

type Role = "visitor" | "customer" | "agent" | "marketer" | "admin";
const ROLES: Role[] = ["visitor", "customer", "agent", "marketer", "admin"];

// --- The route table, flattened: every page (module with a default export) with its full path.
interface RouteEntry {
  path?: string;
  index?: boolean;
  file: string;
  children?: RouteEntry[];
}
function flatten(entries: RouteEntry[], parent = ""): { pattern: string; file: string }[] {
  return entries.flatMap((e) => {
    const p = e.index ? parent : [parent, e.path ?? ""].filter(Boolean).join("/");
    return [{ pattern: p, file: e.file }, ...flatten(e.children ?? [], p)];
  });
}
const PAGES = flatten(routes as RouteEntry[]).filter(({ file }) => /^export default\b/m.test(fs.readFileSync(path.join(ROOT, "app", file), "utf8")));
const CATCH_ALL = "*";

// --- Real records for every route param, created in beforeAll.
interface Fixtures {
  orderNumber: string;
  openTicket: number;
  solvedTicket: number;
  articleSlug: string;
  articleId: string;
  customerId: string;
  segmentId: string;
  campaignId: string;
  npsToken: string;
  unsubscribe: string;
  mailId: string;
  zhOrderNumber: string;
  zhTicket: number;
}

/** The URL to open for a route pattern; every parametrised page must be listed here. */
function urlFor(pattern: string, f: Fixtures): string {
  const values: Record<string, string> = {
    "survey/nps/:token": `/survey/nps/${f.npsToken}`,
    "u/:token": `/u/${f.unsubscribe}`,
    "orders/:number": `/orders/${f.orderNumber}`,
    "orders/:number/receipt": `/orders/${f.orderNumber}/receipt`,
    "support/:number": `/support/${f.openTicket}`,
    "support/:number/rate": `/support/${f.solvedTicket}/rate?score=4`,
    "help/:slug": `/help/${f.articleSlug}`,
    "staff/orders/:number": `/staff/orders/${f.orderNumber}`,
    "staff/tickets/:number": `/staff/tickets/${f.openTicket}`,
    "staff/help/:id": `/staff/help/${f.articleId}`,
    "staff/loyalty/:customerId": `/staff/loyalty/${f.customerId}`,
    "staff/customers/:id": `/staff/customers/${f.customerId}`,
    "marketing/segments/:id": `/marketing/segments/${f.segmentId}`,
    "marketing/campaigns/:id": `/marketing/campaigns/${f.campaignId}`,
    "marketing/campaigns/:id/edit": `/marketing/campaigns/${f.campaignId}/edit`,
    "marketing/automations/:key": `/marketing/automations/welcome`,
    "admin/mailbox/:id": `/admin/mailbox/${f.mailId}`,
    // Pages that show more with a query (still plain GETs that change nothing).
    "help/search": "/help/search?q=damaged",
    "rewards/join": "/rewards/join?ref=AXEFRIEND",
    [CATCH_ALL]: "/axe-no-such-page",
  };
  if (pattern in values) return values[pattern];
  if (/[:*]/.test(pattern)) throw new Error(`Route "${pattern}" has a parameter but test/hardening/accessibility.test.ts has no value for it: add one to urlFor().`);
  return `/${pattern}`;
}

// --- axe in the page.
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
}
async function axeViolations(page: Page): Promise<Violation[]> {
  // page.evaluate runs through the DevTools protocol, which CSP does not govern (an inline <script>
  // from addScriptTag would be refused by the nonce policy).
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; helpUrl: string; nodes: { target: unknown[] }[] }[] }> } };
    const r = await w.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, targets: v.nodes.map((n) => n.target.map(String).join(" ")) }));
  });
}

/** Waits until React has hydrated the page's content (React tags the DOM nodes it owns). */
async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((k) => k.startsWith("__reactFiber$"));
  });
}

const SERIOUS = new Set(["serious", "critical"]);

let app: E2eApp | undefined;
let browser: Browser | undefined;
let fx: Fixtures | undefined;
const contexts = new Map<Role | "customer-zh" | "visitor-zh" | "customer-new", BrowserContext>();
/** Pages (patterns) each role could open, filled by the role tests; checked by the last test. */
const opened = new Map<Role, Set<string>>();
/** Patterns a visitor is sent to /login for. */
const signInOnly = new Set<string>();

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchBrowser()]);
  const ctx = factoryContext();
  const stamp = ctx.unique();
  const d = db();

  const customer = await createCustomer(d, { login: true, name: "Ada Axe", pointsAvailable: 1200, consentEmail: true }, ctx);
  const order = await createOrder(d, { customerId: customer.id, status: "DELIVERED" }, ctx);
  await createOrder(d, { customerId: customer.id, status: "SHIPPED" }, ctx);
  const open = await createTicket(d, { customerId: customer.id, order: { id: order.id, customerId: customer.id }, status: "OPEN", subject: `Scarf arrived torn ${stamp}`, internalNote: true }, ctx);
  const solved = await createTicket(d, { customerId: customer.id, status: "SOLVED", subject: `Where is my parcel ${stamp}`, csatScore: null }, ctx);
  const zh = await createCustomer(d, { login: true, locale: "zh_CN", pointsAvailable: 300 }, ctx);
  const zhOrder = await createOrder(d, { customerId: zh.id, status: "SHIPPED", currency: "CNY" }, ctx);
  const zhTicket = await createTicket(d, { customerId: zh.id, status: "OPEN", subject: `包裹破损 ${stamp}` }, ctx);
  const article = await createHelpArticlePair(d, { en: { title: "What to do if an item arrived damaged", slug: `arrived-damaged-${stamp}`, summary: "Report the damage and choose a replacement or a refund.", bodyMarkdown: "## Report it\n\nOpen **Orders**, pick the order and choose *Get help with this order*.\n\n- Photos help\n- Keep the packaging" } }, ctx);

  const staff = {
    agent: await createStaff(d, { role: "AGENT", name: "Axe Agent" }, ctx),
    marketer: await createStaff(d, { role: "MARKETER", name: "Axe Marketer" }, ctx),
    admin: await createStaff(d, { role: "ADMIN", name: "Axe Admin" }, ctx),
  };
  const { caller } = await callerAs({ userId: staff.marketer.id });
  const segment = await caller.segments.save({ id: null, name: `Axe segment ${stamp}`, description: "Customers with points", rules: { kind: "group", combinator: "and", rules: [{ kind: "points", op: "atLeast", value: 1000 }] } });
  const segmentId = (segment as { id: string }).id;
  const campaign = await caller.campaigns.save({
    id: null,
    data: { name: `Axe spring email ${stamp}`, kind: "EMAIL", segmentId, holdoutPct: 10, conversionDays: 14, email: { subjectEn: "Hello {{firstName}}", bodyEn: "You have **{{points}}** points.", subjectZh: "{{firstName}}，您好", bodyZh: "您有 **{{points}}** 积分。", offerCode: "SPRING10" } },
  });
  const campaignId = (campaign as { id: string }).id;
  const { token: npsToken } = await d.$transaction((tx) => sendNpsSurvey(tx, { customerId: customer.id, appUrl: app!.url }));
  // The survey mail goes through the outbox to the capture server: a real captured mail for /admin/mailbox/:id.
  const mail = await waitFor("the NPS survey mail in the capture mailbox", () => d.capturedMail.findFirst({ where: { to: { contains: customer.email } }, orderBy: { receivedAt: "desc" } }), { timeoutMs: 30_000 });

  fx = {
    orderNumber: order.number,
    openTicket: open.number,
    solvedTicket: solved.number,
    articleSlug: article.en.slug,
    articleId: article.en.id,
    customerId: customer.id,
    segmentId,
    campaignId,
    npsToken,
    unsubscribe: unsubscribeToken(customer.id, campaignId),
    mailId: mail.id,
    zhOrderNumber: zhOrder.number,
    zhTicket: zhTicket.number,
  };

  const users: Record<Exclude<Role, "visitor">, string> = { customer: customer.user!.id, agent: staff.agent.id, marketer: staff.marketer.id, admin: staff.admin.id };
  for (const role of ROLES) {
    const c = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
    c.setDefaultTimeout(20_000);
    if (role !== "visitor") await c.addCookies([{ name: SESSION_COOKIE, value: (await createSession(d, users[role], { ip: "127.0.0.1" })).token, url: app.url }]);
    contexts.set(role, c);
  }
  const zhCtx = await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 900 } });
  zhCtx.setDefaultTimeout(20_000);
  await zhCtx.addCookies([
    { name: SESSION_COOKIE, value: (await createSession(d, zh.user!.id, { ip: "127.0.0.1" })).token, url: app.url },
    { name: LOCALE_COOKIE, value: "zh-CN", url: app.url },
  ]);
  contexts.set("customer-zh", zhCtx);
  // A customer without orders yet, who can still enter a friend's referral code on /rewards.
  const fresh = await createCustomer(d, { login: true, createdAt: new Date() }, ctx);
  const freshCtx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  freshCtx.setDefaultTimeout(20_000);
  await freshCtx.addCookies([{ name: SESSION_COOKIE, value: (await createSession(d, fresh.user!.id, { ip: "127.0.0.1" })).token, url: app.url }]);
  contexts.set("customer-new", freshCtx);
});

afterAll(async () => {
  for (const c of contexts.values()) await c.close();
  await browser?.close();
  await app?.stop();
});

interface PageResult {
  url: string;
  violations: Violation[];
  /** Rule ids of the moderate and minor violations (reported, not gating). */
  minor: string[];
}

/** Runs axe on the page as it is now; keeps the serious/critical violations and counts the rest. */
async function check(page: Page, url: string): Promise<PageResult> {
  const all = await axeViolations(page);
  return { url, violations: all.filter((v) => SERIOUS.has(v.impact ?? "")), minor: all.filter((v) => !SERIOUS.has(v.impact ?? "")).map((v) => v.id) };
}

/** Opens each URL in one tab of `context` and runs axe on it. */
async function sweep(context: BrowserContext, urls: string[]): Promise<PageResult[]> {
  const page = await context.newPage();
  const out: PageResult[] = [];
  try {
    for (const url of urls) {
      const res = await page.goto(`${app!.url}${url}`, { waitUntil: "load" });
      if (!res) throw new Error(`No response for ${url}`);
      await hydrated(page);
      out.push(await check(page, url));
    }
  } finally {
    await page.close();
  }
  return out;
}

function describeFailures(label: string, results: PageResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const v of r.violations) {
      lines.push(`${label} ${r.url}: [${v.impact}] ${v.id} — ${v.help} (${v.helpUrl})`);
      for (const t of v.targets.slice(0, 10)) lines.push(`    ${t}`);
      if (v.targets.length > 10) lines.push(`    … and ${v.targets.length - 10} more`);
    }
  }
  return lines.join("\n");
}

function record(name: string, results: PageResult[], pages: string[]) {
  const failed = results.reduce((n, r) => n + r.violations.length, 0);
  const ids = [...new Set(results.flatMap((r) => r.violations.map((v) => v.id)))];
  const minor = [...new Set(results.flatMap((r) => r.minor))];
  recordHardening({
    area: "axe",
    name,
    tried: results.length,
    failed,
    detail: `${ids.length ? `serious/critical rules: ${ids.join(", ")}; ` : ""}moderate/minor (not gating): ${minor.length ? minor.join(", ") : "none"}; pages: ${pages.join(" ")}`,
  });
  return failed;
}

describe(`accessibility (axe-core ${AXE_VERSION}, Chromium)`, () => {
  it("the sweep sees violations: an unnamed button and an image without text on a real page are reported", async () => {
    if (!app) throw new Error("app did not start");
    const page = await contexts.get("visitor")!.newPage();
    try {
      await page.goto(`${app.url}/login`);
      await hydrated(page);
      await page.evaluate(() => {
        const main = document.querySelector("main") ?? document.body;
        main.insertAdjacentHTML("beforeend", '<button type="button" id="axe-probe-button"></button><img id="axe-probe-img" src="/favicon.svg">');
      });
      const found = (await axeViolations(page)).filter((v) => SERIOUS.has(v.impact ?? ""));
      expect(found.map((v) => [v.id, v.targets]).sort()).toEqual([
        ["button-name", ["#axe-probe-button"]],
        ["image-alt", ["#axe-probe-img"]],
      ]);
    } finally {
      await page.close();
    }
  });

  for (const role of ROLES) {
    it(`every page open to the ${role} has no serious or critical violations`, async () => {
      if (!app || !fx) throw new Error("app or fixtures did not start");
      const context = contexts.get(role)!;
      // Which pages this role opens: ask the server without following redirects.
      const mine: { pattern: string; url: string }[] = [];
      const set = new Set<string>();
      for (const { pattern } of PAGES) {
        const url = urlFor(pattern, fx);
        const res = await context.request.get(`${app.url}${url}`, { maxRedirects: 0 });
        const opens = pattern === CATCH_ALL ? res.status() === 404 : res.status() === 200;
        if (role === "visitor" && res.status() === 302 && (res.headers().location ?? "").startsWith("/login")) signInOnly.add(pattern);
        if (opens) {
          mine.push({ pattern, url });
          set.add(pattern);
        }
      }
      opened.set(role, set);
      const owns = (p: string) =>
        role === "agent" ? p.startsWith("staff/") : role === "marketer" ? p.startsWith("marketing/") : role === "admin" ? /^(staff|marketing|admin)\//.test(p) : role === "customer" ? signInOnly.has(p) && !/^(staff|marketing|admin)\//.test(p) : false;
      const missing = PAGES.map((p) => p.pattern).filter((p) => owns(p) && !set.has(p));
      expect(missing, `pages of the ${role}'s own area that did not open (status ≠ 200)`).toEqual([]);
      expect(mine.length, `pages a ${role} can open`).toBeGreaterThan(3);

      const results = await sweep(context, mine.map((m) => m.url));
      const failed = record(`axe-core ${AXE_VERSION}: every page open to the ${role}`, results, mine.map((m) => `/${m.pattern}`));
      expect(failed, describeFailures(role, results)).toBe(0);
    });
  }

  it("pages in Chinese have no serious or critical violations: a Chinese customer's, and a visitor's chosen by the language cookie", async () => {
    if (!app || !fx) throw new Error("app or fixtures did not start");
    // The signed-in customer's saved language (zh-CN) wins over the cookie (also set); the visitor's
    // pages are Chinese through the cookie alone (the browser asks for English).
    const customerUrls = ["/", "/orders", `/orders/${fx.zhOrderNumber}`, `/orders/${fx.zhOrderNumber}/receipt`, "/support", "/support/new", `/support/${fx.zhTicket}`, "/rewards", "/account", "/help", `/help/${fx.articleSlug}`];
    const visitorUrls = ["/login", "/signup", "/help", "/help/search?q=退货"];
    const visitor = await browser!.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
    contexts.set("visitor-zh", visitor);
    await visitor.addCookies([{ name: LOCALE_COOKIE, value: "zh-CN", url: app.url }]);
    for (const c of [contexts.get("customer-zh")!, visitor]) {
      const page = await c.newPage();
      await page.goto(`${app.url}/help`);
      expect(await page.getAttribute("html", "lang"), "the Chinese pages declare their language").toBe("zh-CN");
      await page.close();
    }
    const results = [...(await sweep(contexts.get("customer-zh")!, customerUrls)), ...(await sweep(visitor, visitorUrls))];
    const label = (u: string) => u.replace(/\/(R-[\w-]+|\d+|arrived-damaged-[\w-]+)(?=\/|$)/, "/:param").split("?")[0];
    const failed = record(`axe-core ${AXE_VERSION}: pages in Chinese (customer; visitor by cookie)`, results, [...customerUrls.map((u) => `customer:${label(u)}`), ...visitorUrls.map((u) => `visitor:${label(u)}`)]);
    expect(failed, describeFailures("zh", results)).toBe(0);
  });

  // Pages in the states a visit alone does not show: server-side field errors after an empty or
  // wrong submit (browser validation switched off, as in a browser without it), the help
  // suggestions open, and the 403 / 404 error pages.
  it("error messages, open suggestions and error pages have no serious or critical violations", async () => {
    if (!app || !fx) throw new Error("app or fixtures did not start");
    type Step = { role: Role | "customer-new"; url: string; act: "submit" | "type" | "none"; form?: string; button?: string; fill?: Record<string, string>; expect: string };
    const ERRORS = '[aria-invalid="true"], [role="alert"]';
    const steps: Step[] = [
      { role: "visitor", url: "/login", act: "submit", fill: { email: "nobody-axe@example.test", password: "wrong-password" }, expect: ERRORS },
      { role: "visitor", url: "/signup", act: "submit", expect: ERRORS },
      { role: "visitor", url: "/forgot-password", act: "submit", expect: ERRORS },
      { role: "visitor", url: "/help", act: "type", fill: { q: "damaged" }, expect: ".help-suggestions a" },
      { role: "customer", url: "/support/new", act: "submit", expect: ERRORS },
      { role: "customer-new", url: "/rewards", act: "submit", form: ':has([name="code"])', fill: { code: "x" }, expect: ERRORS },
      { role: "customer", url: "/orders/R-NO-SUCH-ORDER", act: "none", expect: "main h1" },
      { role: "agent", url: `/staff/tickets/${fx.openTicket}`, act: "submit", expect: ERRORS },
      { role: "agent", url: "/staff/canned", act: "submit", expect: ERRORS },
      { role: "agent", url: "/staff/help/new", act: "submit", expect: ERRORS },
      { role: "agent", url: "/admin/staff", act: "none", expect: "main h1" },
      { role: "marketer", url: "/marketing/segments/new", act: "submit", button: 'button[value="save"]', expect: ERRORS },
      { role: "marketer", url: "/marketing/campaigns/new", act: "submit", expect: ERRORS },
      { role: "admin", url: "/admin/staff", act: "submit", form: ':has(input[name="intent"][value="invite"])', expect: ERRORS },
      { role: "admin", url: "/admin/api-keys", act: "submit", form: ':has(input[name="intent"][value="create"])', expect: ERRORS },
      { role: "admin", url: "/admin/settings/loyalty", act: "submit", form: ':has([name="earnRates"])', fill: { earnRates: "dollars are great" }, expect: ERRORS },
    ];
    const results: PageResult[] = [];
    for (const step of steps) {
      const page = await contexts.get(step.role)!.newPage();
      try {
        await page.goto(`${app.url}${step.url}`);
        await hydrated(page);
        if (step.act === "type") {
          for (const [name, value] of Object.entries(step.fill ?? {})) await page.locator(`main [name="${name}"]`).first().pressSequentially(value, { delay: 20 });
        } else if (step.act === "submit") {
          // The given form, else the first form in the page's content with fields a person fills in.
          const form = page.locator(`main form[method="post"]${step.form ?? ':has(input:not([type="hidden"]), textarea, select)'}`).first();
          await form.evaluate((f: HTMLFormElement) => (f.noValidate = true));
          for (const [name, value] of Object.entries(step.fill ?? {})) await form.locator(`[name="${name}"]`).fill(value);
          await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), form.locator(step.button ?? 'button:not([type="button"]), input[type="submit"]').first().click()]);
          await page.waitForLoadState("networkidle");
        }
        await page.locator(step.expect).first().waitFor({ timeout: 10_000 });
        results.push(await check(page, `${step.role} ${step.url} (${step.act === "submit" ? "after submit" : step.act === "type" ? "suggestions open" : "error page"})`));
      } catch (e) {
        const shot = path.join(ROOT, "test-results", `axe-state-${step.role}-${step.url.replace(/\W+/g, "-")}.png`);
        fs.mkdirSync(path.dirname(shot), { recursive: true });
        await page.screenshot({ path: shot, fullPage: true });
        throw new Error(`${step.role} ${step.url}: could not reach the state to check (${step.expect}); screenshot ${shot}: ${(e as Error).message}`);
      } finally {
        await page.close();
      }
    }
    const failed = record(`axe-core ${AXE_VERSION}: error messages, suggestions, 403/404 pages`, results, steps.map((s) => `${s.role}:${s.url.replace(/\/\d+$/, "/:number")}`));
    expect(failed, describeFailures("state", results)).toBe(0);
  });

  it("every page of the route table was checked for some role", () => {
    const checked = new Set([...opened.values()].flatMap((s) => [...s]));
    expect(opened.size, "all role sweeps ran").toBe(ROLES.length);
    expect(PAGES.map((p) => p.pattern).filter((p) => !checked.has(p))).toEqual([]);
  });
});
