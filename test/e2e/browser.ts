// Shared helpers for the browser tests: Debian's Chromium driven by playwright-core, the real app
// (production build) started in the test process on a free port, and bounded polling for the
// side effects that happen a moment later (captured mail, buffered page-view touchpoints).
import fs from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { freePort, startTestApp } from "../setup/app.ts";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** The flags from STACK.md "Browser tests"; the networking ones keep Chromium quiet on a closed network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches headless Chromium (playwright-core gives every launch a fresh temporary profile). */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` (see STACK.md "Browser tests").`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export { freePort };

export interface E2eApp extends Rapport {
  /** Everything the app logged (shown when a test fails, to help find out why). */
  logs: string[];
}

/**
 * The real app on the run's test database (see test/setup/app.ts `startTestApp`), with mail
 * captured in-process (SMTP_URL unset), no background jobs, and its log kept in `logs`.
 * Read the database before stopping the app (startRapport connects the process-wide Prisma client).
 */
export async function startE2eApp(overrides: Record<string, string> = {}): Promise<E2eApp> {
  const logs: string[] = [];
  const app = await startTestApp(overrides, { log: (m) => logs.push(m) });
  return Object.assign(app, { logs });
}

/**
 * Calls `probe` until it returns something truthy (bounded; 20 s by default) and returns that.
 * Only for things that happen asynchronously (mail delivery, buffered writes) — never a timing assertion.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${opts.timeoutMs ?? 20_000} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/** The newest message the capture SMTP server stored for `email` (waits for the outbox to deliver it). */
export async function capturedMailTo(email: string, opts: { subject?: string; timeoutMs?: number } = {}) {
  return waitFor(`an email to ${email}${opts.subject ? ` with subject "${opts.subject}"` : ""}`, () =>
    db().capturedMail.findFirst({ where: { to: { contains: email }, ...(opts.subject ? { subject: opts.subject } : {}) }, orderBy: { receivedAt: "desc" } }),
  { timeoutMs: opts.timeoutMs });
}

/** The first absolute link to `pathname` in a plain-text body, e.g. linkIn(mail.text, "/verify-email"). */
export function linkIn(text: string | null | undefined, pathname: string): URL {
  const escaped = pathname.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = (text ?? "").match(new RegExp(`https?://[^\\s<>"'\\])]+${escaped}(?:\\?[^\\s<>"'\\])]*)?`));
  if (!m) throw new Error(`No link to ${pathname} in:\n${text ?? "(no text body)"}`);
  return new URL(m[0]);
}

/**
 * Collects what would show up red in the browser's devtools — uncaught exceptions, console.error
 * (hydration mismatches, failed loads) and 5xx responses — so a test can assert there were none.
 */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`uncaught error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  return problems;
}
