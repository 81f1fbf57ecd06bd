// Shared by the XSS sweeps of the hardening suite (issue #13): test/hardening/xss.test.ts (names,
// tickets, mail, articles, rewards, CSV cells, query strings) and xss-marketing.test.ts (segments,
// campaigns, automations, customer comments, fulfilment API). What a page reports in Chromium
// (payloads that ran, CSP violations, live markup, the payload ids it shows), a stored email's HTML
// scanned the same way, and the app + browser the sweeps drive. Moved here from xss.test.ts
// unchanged so both files judge pages by exactly the same rules.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { db } from "../../server/db/client.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { launchBrowser, startE2eApp, type E2eApp } from "../e2e/browser.ts";
import type { XssPayload } from "./xss-payloads.ts";

export const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

// ---------------------------------------------------------------------------------------------
// In the browser: what a page reports

/** Runs in every document before its own scripts: collects CSP violations (also from frames). */
const INIT_SCRIPT = `(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile + ":" + e.lineNumber });
  }, true);
})();`;

export interface Finding {
  url: string;
  kind: "executed" | "dialog" | "csp" | "live-markup";
  id?: number;
  detail: string;
}

interface ScanResult {
  violations: { directive: string; blocked: string; sample: string; source: string }[];
  live: { id: number | null; detail: string }[];
  shown: number[];
  hydrated: boolean;
}

/**
 * Runs in the page after load: live markup a payload could have produced, and the payload ids the
 * page shows (text and attribute values, outside script elements). `html` scans a detached
 * document instead (a stored email), parsed with DOMParser, which never runs anything.
 */
export function scanDocument(html: string | null): Omit<ScanResult, "violations" | "hydrated"> {
  const ID = /(?:xss|alert|confirm|prompt)\((\d+)\)/g;
  const idIn = (s: string) => {
    const m = /(?:xss|alert|confirm|prompt)\((\d+)\)/.exec(s);
    return m ? Number(m[1]) : null;
  };
  const doc = html === null ? document : new DOMParser().parseFromString(html, "text/html");
  const live: { id: number | null; detail: string }[] = [];
  const shown = new Set<number>();
  const note = (s: string) => {
    for (const m of s.matchAll(ID)) shown.add(Number(m[1]));
  };
  const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "srcset", "codebase", "dynsrc", "lowsrc"]);
  const dangerousUrl = (v: string) => {
    // What a browser does with the value: strip controls/whitespace, then look at the scheme.
    // eslint-disable-next-line no-control-regex -- control characters are exactly what browsers strip from URLs
    const s = v.replace(/[\u0000-\u0020]/g, "").toLowerCase();
    if (s.startsWith("javascript:throw new error('react has blocked")) return false; // React's own neutralised URL
    return s.startsWith("javascript:") || s.startsWith("vbscript:") || s.startsWith("data:text/html") || s.startsWith("data:text/javascript") || s.startsWith("data:image/svg");
  };
  const all = doc.querySelectorAll("*");
  for (const el of Array.from(all)) {
    const tag = el.tagName.toLowerCase();
    const inScript = tag === "script";
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase();
      if (!inScript) note(a.value);
      const what = `<${tag} ${name}="${a.value.slice(0, 80)}">`;
      if (name.startsWith("on")) live.push({ id: idIn(a.value), detail: `event handler ${what}` });
      else if (URL_ATTRS.has(name) && dangerousUrl(a.value)) live.push({ id: idIn(a.value), detail: `script URL ${what}` });
      else if (name === "srcdoc") {
        const sandbox = el.getAttribute("sandbox");
        if (sandbox === null || /allow-scripts/i.test(sandbox)) live.push({ id: idIn(a.value), detail: `unsandboxed srcdoc ${what}` });
      } else if (name === "style" && /expression\(|javascript:/i.test(a.value)) live.push({ id: idIn(a.value), detail: `script in style ${what}` });
    }
    if (tag === "script") {
      const s = el as HTMLScriptElement;
      // The app's own scripts carry the response's nonce (hidden from attributes, kept in .nonce).
      if (html !== null || !s.nonce) live.push({ id: idIn(s.text + (s.getAttribute("src") ?? "")), detail: `script without nonce: ${s.outerHTML.slice(0, 100)}` });
    } else if (["iframe", "frame", "object", "embed", "applet", "base"].includes(tag)) {
      const sandboxedMail = tag === "iframe" && el.hasAttribute("srcdoc") && el.getAttribute("sandbox") !== null && !/allow-scripts/i.test(el.getAttribute("sandbox") ?? "");
      if (!sandboxedMail) live.push({ id: idIn(el.outerHTML), detail: `<${tag}> element: ${el.outerHTML.slice(0, 100)}` });
    } else if (tag === "meta" && /refresh/i.test(el.getAttribute("http-equiv") ?? "")) live.push({ id: idIn(el.outerHTML), detail: `meta refresh: ${el.outerHTML.slice(0, 100)}` });
    else if (tag === "link" && /import/i.test(el.getAttribute("rel") ?? "")) live.push({ id: idIn(el.outerHTML), detail: `link import: ${el.outerHTML.slice(0, 100)}` });
    else if (tag === "style" && /javascript:|expression\(|xss/i.test(el.textContent ?? "")) live.push({ id: idIn(el.textContent ?? ""), detail: `style element: ${(el.textContent ?? "").slice(0, 100)}` });
  }
  const walker = doc.createTreeWalker(doc.body ?? doc.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement?.tagName.toLowerCase();
    if (parent !== "script") note(n.nodeValue ?? "");
  }
  // <title> is outside body; form fields' current values too.
  note(doc.title);
  for (const f of Array.from(doc.querySelectorAll("input, textarea"))) note((f as HTMLInputElement).value);
  return { live, shown: [...shown] };
}

/** The payload id in a blocked URL or sample (`xss-1264.png`, `__xss(1264)`), if any. */
export function idInText(s: string): number | undefined {
  const m = /(?:xss|alert|confirm|prompt)[-(](\d+)/.exec(s);
  return m ? Number(m[1]) : undefined;
}

export class Watcher {
  findings: Finding[] = [];
  visits: { url: string; status: number; shown: Set<number> }[] = [];
  private current = "";
  timing = { goto: 0, hydrate: 0, scan: 0 };

  async attach(ctx: BrowserContext) {
    await ctx.addInitScript(INIT_SCRIPT);
    await ctx.exposeBinding("__xss", (source, id: unknown) => {
      this.findings.push({ url: source.frame.url() || this.current, kind: "executed", id: Number(id), detail: `__xss(${String(id)}) ran` });
    });
    ctx.on("page", (page) => this.watchPage(page));
    for (const page of ctx.pages()) this.watchPage(page);
  }

  watchPage(page: Page) {
    page.on("dialog", (d) => {
      this.findings.push({ url: page.url(), kind: "dialog", id: Number(d.message()) || undefined, detail: `${d.type()}(${d.message()})` });
      void d.dismiss().catch(() => {});
    });
    page.on("console", (m) => {
      if (/Refused to|Content Security Policy/i.test(m.text())) this.findings.push({ url: page.url(), kind: "csp", id: idInText(m.text()), detail: `console: ${m.text().slice(0, 300)}` });
    });
  }

  /** Opens `url` in `page`, waits for hydration, and scans it. */
  async visit(page: Page, url: string): Promise<Set<number>> {
    this.current = url;
    let t = performance.now();
    const res = await page.goto(url, { waitUntil: "load" });
    this.timing.goto += performance.now() - t;
    t = performance.now();
    const status = res?.status() ?? 0;
    // React Router hydrates from a dynamic import: wait for React's root on the document, then a frame.
    const hydrated = await page
      .waitForFunction(() => Object.keys(document).some((k) => k.startsWith("__reactContainer$")), undefined, { timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 30))));
    this.timing.hydrate += performance.now() - t;
    t = performance.now();
    const scan = (await page.evaluate(`(${scanDocument.toString()})(null)`)) as ReturnType<typeof scanDocument>;
    const violations = (await page.evaluate(() => (window as unknown as { __cspViolations: ScanResult["violations"] }).__cspViolations ?? [])) as ScanResult["violations"];
    for (const v of violations) this.findings.push({ url, kind: "csp", id: idInText(`${v.blocked} ${v.sample}`), detail: `${v.directive} blocked ${v.blocked || "inline"} at ${v.source}` });
    for (const l of scan.live) this.findings.push({ url, kind: "live-markup", id: l.id ?? undefined, detail: l.detail });
    if (!hydrated) this.findings.push({ url, kind: "csp", detail: "the page did not hydrate (its own scripts did not run)" });
    const shown = new Set(scan.shown);
    this.timing.scan += performance.now() - t;
    this.visits.push({ url, status, shown });
    if (status >= 500 || status === 0) throw new Error(`${url} answered ${status}`);
    return shown;
  }

  /** Scans stored HTML (an email) in `page` without rendering it. */
  async scanHtml(page: Page, label: string, html: string): Promise<Set<number>> {
    const scan = (await page.evaluate(`(${scanDocument.toString()})(${JSON.stringify(html)})`)) as ReturnType<typeof scanDocument>;
    for (const l of scan.live) this.findings.push({ url: label, kind: "live-markup", id: l.id ?? undefined, detail: l.detail });
    return new Set(scan.shown);
  }
}

// ---------------------------------------------------------------------------------------------
// The app and the browser a sweep drives

/** Pages opened side by side (the app renders while Chromium hydrates the previous page). */
const PARALLEL = 2;

export class XssRig {
  app!: E2eApp;
  browser!: Browser;
  readonly watcher = new Watcher();
  readonly contexts: BrowserContext[] = [];

  async start(overrides: Record<string, string> = {}) {
    [this.app, this.browser] = await Promise.all([startE2eApp(overrides), launchBrowser()]);
  }

  async stop(label: string) {
    process.stderr.write(`${label}: ${this.watcher.visits.length} page views, ms: ${JSON.stringify(this.watcher.timing)}\n`);
    for (const c of this.contexts) await c.close().catch(() => {});
    await this.browser?.close();
    await this.app?.stop();
  }

  async contextFor(userId: string | null): Promise<BrowserContext> {
    const ctx = await this.browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
    ctx.setDefaultTimeout(15_000);
    this.contexts.push(ctx);
    await this.watcher.attach(ctx);
    if (userId) await this.signInAs(ctx, userId);
    return ctx;
  }

  /** A real session row for `userId`, its cookie put in the browser context (replacing any other). */
  async signInAs(ctx: BrowserContext, userId: string) {
    const { token } = await createSession(db(), userId, { ip: "127.0.0.1" });
    await ctx.clearCookies();
    await ctx.addCookies([{ name: SESSION_COOKIE, value: token, url: this.app.url }]);
  }

  /** Visits every URL with PARALLEL pages of `ctx`; returns the union of the payload ids shown. */
  async visitAll(ctx: BrowserContext, urls: string[]): Promise<Set<number>> {
    const queue = [...urls];
    const shown = new Set<number>();
    const pages = await Promise.all(Array.from({ length: Math.min(PARALLEL, urls.length) }, () => ctx.newPage()));
    await Promise.all(
      pages.map(async (page) => {
        for (let url = queue.shift(); url; url = queue.shift()) for (const id of await this.watcher.visit(page, `${this.app.url}${url}`)) shown.add(id);
        await page.close();
      }),
    );
    return shown;
  }
}

/** Asserts every id in `expected` was shown on at least one of the pages in `seen`. */
export function expectShown(what: string, expected: number[], seen: Set<number> | undefined) {
  const missing = expected.filter((id) => !seen?.has(id));
  expect(missing, `${what}: payload ids never shown on the page(s) (so not tested there)`).toEqual([]);
}

export function union(...sets: Set<number>[]) {
  const out = new Set<number>();
  for (const set of sets) for (const v of set) out.add(v);
  return out;
}

/**
 * Packs `payloads` into groups whose text (each made by `make`, one line, joined by spaces, after
 * `prefix`) fits `limit` characters. A payload longer than the limit on its own is left out.
 */
export function packPayloads(payloads: XssPayload[], make: (p: XssPayload) => string, limit: number, maxCount = Infinity, prefix = ""): XssPayload[][] {
  const groups: XssPayload[][] = [];
  let cur: XssPayload[] = [];
  const len = (g: XssPayload[]) => prefix.length + g.map((p) => oneLine(make(p))).join(" ").length;
  for (const p of payloads) {
    if (len([p]) > limit) continue;
    if (cur.length && (len([...cur, p]) > limit || cur.length >= maxCount)) {
      groups.push(cur);
      cur = [];
    }
    cur.push(p);
  }
  if (cur.length) groups.push(cur);
  return groups;
}
