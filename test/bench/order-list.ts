// `npm run bench:order-list`: p50/p95 of the customer order list page (GET /orders, server-rendered,
// tRPC orders.list) for a signed-in customer with 200 orders, in the large database (1M orders,
// `npm run seed:large`). Boots the production app in-process on that database (which applies any
// pending migrations), creates the bench customer with 200 orders if missing, checks the query
// plan uses the Order(customerId, placedAt DESC) index, then measures first page, a deep page,
// a status filter and a number search. Prints a Markdown table (stdout); progress on stderr.
//
// Knobs (env): BENCH_LARGE_URL (postgresql://postgres@127.0.0.1:5432/rapport_large),
// BENCH_REQUESTS (600 per variant), BENCH_CONCURRENCY (8), BENCH_WARMUP (50),
// BENCH_MAX_S (40: time cap per variant), BENCH_BUILD=1 (rebuild even if build/ exists).
import pg from "pg";
import { startRapport, type Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { parseEnv } from "../../server/env.ts";
import { createCustomer, createOrder, DAY, FactoryContext, TEST_PASSWORD } from "../factories/index.ts";
import { ensureBuild, freePort, intEnv, machine, percentile, progressLogger, signInOverHttp } from "./lib.ts";
import { startLoadgen, type Loadgen } from "./loadgen.ts";

const UA = "Mozilla/5.0 (X11; Linux x86_64) rapport-bench/1";
const BENCH_EMAIL = "bench-orders@bench.rapport.test";
const ORDERS = 200;
const STATUSES = ["DELIVERED", "DELIVERED", "DELIVERED", "SHIPPED", "PAID", "CANCELLED", "REFUNDED"] as const;

const LARGE_URL = process.env.BENCH_LARGE_URL ?? "postgresql://postgres@127.0.0.1:5432/rapport_large";
const REQUESTS = intEnv("BENCH_REQUESTS", 600, 2);
const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 8);
const WARMUP = intEnv("BENCH_WARMUP", 50, 0);
const MAX_MS = intEnv("BENCH_MAX_S", 40) * 1000;

const progress = progressLogger("bench:order-list");

/** The bench customer (with a login) and exactly-or-more ORDERS orders; created once, reused after. */
async function ensureBenchCustomer(): Promise<{ id: string; orders: number; created: number }> {
  const ctx = new FactoryContext({ seed: 4242 });
  let customer = await db().customer.findUnique({ where: { email: BENCH_EMAIL }, select: { id: true } });
  if (!customer) customer = await createCustomer(db(), { email: BENCH_EMAIL, name: "Bench Orders", login: true }, ctx);
  const have = await db().order.count({ where: { customerId: customer.id } });
  let created = 0;
  const now = Date.now();
  for (let i = have + 1; i <= ORDERS; i++) {
    const status = STATUSES[i % STATUSES.length]!;
    // Spread over ~3 years, newest first by number.
    await createOrder(db(), { customerId: customer.id, number: `BENCH-${String(i).padStart(4, "0")}`, status, placedAt: new Date(now - i * 5 * DAY - 3600_000) }, ctx);
    created++;
  }
  return { id: customer.id, orders: Math.max(have, ORDERS), created };
}

async function planUsesIndex(customerId: string): Promise<string> {
  const client = new pg.Client({ connectionString: LARGE_URL });
  await client.connect();
  try {
    const r = await client.query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT "id","number" FROM "Order" WHERE "customerId" = $1 ORDER BY "placedAt" DESC, "id" DESC LIMIT 20 OFFSET 0`,
      [customerId],
    );
    const plan = r.rows.map((x) => x["QUERY PLAN"]).join("\n");
    return /Order_customerId_placedAt_idx/.test(plan) ? "Order_customerId_placedAt_idx" : `NOT USED:\n${plan}`;
  } finally {
    await client.end();
  }
}

async function main() {
  ensureBuild(progress);
  let app: Rapport | undefined;
  let loadgen: Loadgen | undefined;
  try {
    const port = await freePort();
    progress(`starting the production app on ${LARGE_URL.replace(/\/\/[^@]*@/, "//")} (applies pending migrations)`);
    app = await startRapport(
      parseEnv({
        NODE_ENV: "production",
        DATABASE_URL: LARGE_URL,
        PORT: String(port),
        APP_URL: `http://127.0.0.1:${port}`,
        SEED_DEMO: "false",
        SESSION_SECRET: "b".repeat(40),
        DATA_DIR: ".data/bench",
        INBOUND_SMTP_PORT: "0",
        TOUCHPOINT_VIEWS: "on",
      }),
      { mode: "production", jobs: false, log: () => {} },
    );
    const base = app.url.replace("localhost", "127.0.0.1");
    const [{ n: totalOrders }] = (await db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Order"`).map((r) => ({ n: Number(r.n) }));
    progress(`database has ${totalOrders!.toLocaleString("en-US")} orders`);
    const bench = await ensureBenchCustomer();
    progress(`bench customer ${BENCH_EMAIL}: ${bench.orders} orders (${bench.created} created now)`);
    const index = await planUsesIndex(bench.id);
    progress(`list query plan: ${index}`);

    await db().rateLimit.deleteMany({ where: { key: { contains: BENCH_EMAIL } } });
    const cookie = await signInOverHttp(base, { email: BENCH_EMAIL, password: TEST_PASSWORD }, { userAgent: UA, what: "bench customer" });
    const headers = { cookie, accept: "text/html", "accept-language": "en-US,en;q=0.9", "user-agent": UA };

    const variants = [
      { path: "/orders", label: "GET /orders (page 1 of 10)", marker: "BENCH-0001" },
      { path: "/orders?page=10", label: "GET /orders?page=10 (last page)", marker: "BENCH-0200" },
      { path: "/orders?status=DELIVERED", label: "GET /orders?status=DELIVERED", marker: "BENCH-0007" },
      { path: "/orders?q=BENCH-01", label: "GET /orders?q=BENCH-01 (number search)", marker: "BENCH-0100" },
    ];
    for (const v of variants) {
      const r = await fetch(`${base}${v.path}`, { headers });
      const body = await r.text();
      if (r.status !== 200 || !body.includes(v.marker)) throw new Error(`GET ${v.path}: status ${r.status}, marker ${v.marker} ${body.includes(v.marker) ? "found" : "missing"}`);
    }

    loadgen = await startLoadgen();
    const rows: string[] = [];
    for (const v of variants) {
      const job = { kind: "get" as const, url: `${base}${v.path}`, headers, concurrency: CONCURRENCY };
      if (WARMUP) await loadgen.run({ ...job, requests: WARMUP, maxMs: 10_000 });
      progress(`${v.label}: ${REQUESTS} requests, concurrency ${CONCURRENCY}`);
      const cpu0 = process.cpuUsage();
      const r = await loadgen.run({ ...job, requests: REQUESTS, maxMs: MAX_MS });
      const cpu = process.cpuUsage(cpu0);
      if (r.failed) throw new Error(`${v.label}: ${r.failed} failed requests, e.g. ${r.failures.slice(0, 3).join(" | ")}`);
      const sorted = [...r.latenciesMs].sort((x, y) => x - y);
      const perSec = r.ok / (r.elapsedMs / 1000);
      const cpuMs = (cpu.user + cpu.system) / 1000 / (r.ok || 1);
      rows.push(`| ${v.label} | ${r.ok}${r.capped ? " (time cap)" : ""} | ${percentile(sorted, 50).toFixed(1)} ms | ${percentile(sorted, 95).toFixed(1)} ms | ${perSec.toFixed(0)} | ${cpuMs.toFixed(1)} |`);
    }

    const m = machine();
    const pgVersion = ((await db().$queryRaw<{ v: string }[]>`SELECT current_setting('server_version') AS v`)[0]?.v ?? "?").split(" ")[0];
    console.log(`\n## Order list page — customer with ${bench.orders} orders in a database of ${totalOrders!.toLocaleString("en-US")} orders\n`);
    console.log(`Machine: ${m.cpu}, ${m.cores} cores, Node ${process.version}, PostgreSQL ${pgVersion}; concurrency ${CONCURRENCY}, page views recorded; list query uses ${index.split("\n")[0]}.\n`);
    console.log("| page | requests | p50 | p95 | req/s | process CPU ms/req (app + load generator) |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const r of rows) console.log(r);
    console.log(JSON.stringify({ bench: "order-list", orders: totalOrders, customerOrders: bench.orders, concurrency: CONCURRENCY, rows }));
  } finally {
    await loadgen?.close().catch(() => {});
    await app?.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench:order-list failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
