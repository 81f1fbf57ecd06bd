// `tsx test/bench/touchpoints.ts` (issue #14 row "touchpoint ingestion"): pushes BENCH_TOUCHPOINTS_ROWS
// view touchpoints (default 500,000; page.viewed / order.viewed / help.searched shapes as the app
// records them, over BENCH_TOUCHPOINTS_CUSTOMERS customers) through the product's ingestion path —
// the TouchpointBuffer the app writes page views with (server/app.ts: push() per view, flushed when
// full, every second and on stop()) — and, as the baseline in the same run and the same table with
// the same indexes and foreign key, `INSERT INTO "Touchpoint" (…) SELECT … FROM generate_series`
// of rows of the same shape. The table is truncated before each measurement; measurements alternate
// baseline / product BENCH_TOUCHPOINTS_ROUNDS times (default 2) and the best of each is reported.
// The pushes come in bursts of BENCH_TOUCHPOINTS_BURST (500) per event-loop turn, as concurrent
// requests would push them; the product's time runs from the first push to stop() having written
// every row (past 50,000 pending rows the pushing waits for the writer). Target: product rows/s ≥ 50 % of the baseline's.
// Exports `benchTouchpoints()` (the BenchRow[]); run alone it prints the table and hands the rows to
// `npm run bench` through BENCH_ROWS_OUT (reportBenchRows).
// Database: with DATABASE_URL set, its own database `rapport_bench_touchpoints` on that server
// (dropped and recreated each run; never the one DATABASE_URL names). Without it, an embedded
// PostgreSQL under .data/bench-touchpoints (port 54389) with the same database recreated in it.
import os from "node:os";
import { pathToFileURL } from "node:url";
import { pgPool } from "../../server/db/client.ts";
import { openDatabase } from "../../server/db/open.ts";
import { TouchpointBuffer } from "../../server/domain/touchpoints/buffer.ts";
import type { TouchpointInput } from "../../server/domain/touchpoints/record.ts";
import { intEnv, machine, progressLogger, benchServer, recreateBenchDatabase, reportBenchRows, type BenchRow } from "./lib.ts";

const BENCH_DB = "rapport_bench_touchpoints";
const DATA_DIR = ".data/bench-touchpoints";
const EMBEDDED_PG_PORT = 54389;
const progress = progressLogger("bench:touchpoints", 4);

/** Row i of the workload (the same rows for both paths): customer, type, subject and metadata as the app writes views. */
function row(i: number, customers: number, at: Date): TouchpointInput {
  const c = i % customers;
  const customerId = `btc${c}`;
  const actorUserId = `btu${c}`;
  switch (i % 3) {
    case 0:
      return { customerId, type: "page.viewed", channel: "web", actorUserId, subjectType: "page", subjectId: "/orders", occurredAt: at };
    case 1:
      return { customerId, type: "order.viewed", channel: "web", actorUserId, subjectType: "order", subjectId: `bto${i}`, metadata: { number: `R-${i}` }, occurredAt: at };
    default:
      return { customerId, type: "help.searched", channel: "web", actorUserId, subjectType: "help_search", metadata: { query: "refund policy", locale: "en", resultCount: 3 }, occurredAt: at };
  }
}

async function count(): Promise<number> {
  const r = await pgPool().query(`SELECT count(*) AS n FROM "Touchpoint"`);
  return Number((r.rows[0] as { n: string }).n);
}

async function truncate() {
  await pgPool().query(`TRUNCATE "Touchpoint"`);
  await pgPool().query(`CHECKPOINT`).catch(() => {}); // same starting point for both (needs superuser; best effort)
}

/** The baseline: one INSERT … SELECT of the same rows into the same table. */
async function baseline(n: number, customers: number): Promise<number> {
  await truncate();
  const t0 = performance.now();
  await pgPool().query(
    `INSERT INTO "Touchpoint" ("customerId", "type", "channel", "actorUserId", "subjectType", "subjectId", "metadata", "occurredAt")
     SELECT 'btc' || (i % $2), (ARRAY['page.viewed', 'order.viewed', 'help.searched'])[i % 3 + 1], 'web', 'btu' || (i % $2),
       (ARRAY['page', 'order', 'help_search'])[i % 3 + 1],
       CASE i % 3 WHEN 0 THEN '/orders' WHEN 1 THEN 'bto' || i END,
       CASE i % 3 WHEN 1 THEN jsonb_build_object('number', 'R-' || i) WHEN 2 THEN '{"query": "refund policy", "locale": "en", "resultCount": 3}'::jsonb END,
       now()
     FROM generate_series(0, $1::int - 1) i`,
    [n, customers],
  );
  const secs = (performance.now() - t0) / 1000;
  const got = await count();
  if (got !== n) throw new Error(`baseline wrote ${got} rows, expected ${n}`);
  return secs;
}

/** The product: push() every row into a started TouchpointBuffer in bursts, then stop() (flushes the rest). */
async function product(n: number, customers: number, burst: number): Promise<{ seconds: number; errors: number }> {
  await truncate();
  let errors = 0;
  const buffer = new TouchpointBuffer(pgPool(), { onError: () => errors++ });
  const at = new Date();
  const t0 = performance.now();
  buffer.start();
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + burst);
    for (; i < end; i++) buffer.push(row(i, customers, at));
    // Pushes outrun any database here; past 50,000 pending rows wait for the writer instead of
    // letting the buffer drop its oldest rows (its maxPending guard), so every row is written.
    if (buffer.pending >= 50_000) await buffer.flush();
    else await new Promise<void>((r) => setImmediate(r));
  }
  await buffer.stop();
  // A failed flush keeps its rows for the next one; stop() must leave none behind.
  while (buffer.pending > 0) await buffer.flush();
  const seconds = (performance.now() - t0) / 1000;
  const got = await count();
  if (got !== n) throw new Error(`product wrote ${got} rows, expected ${n}`);
  return { seconds, errors };
}

export async function benchTouchpoints(): Promise<BenchRow[]> {
  const N = intEnv("BENCH_TOUCHPOINTS_ROWS", 500_000);
  const CUSTOMERS = intEnv("BENCH_TOUCHPOINTS_CUSTOMERS", 10_000);
  const ROUNDS = intEnv("BENCH_TOUCHPOINTS_ROUNDS", 2);
  const BURST = intEnv("BENCH_TOUCHPOINTS_BURST", 500);
  const server = await benchServer({ dataDir: DATA_DIR, port: EMBEDDED_PG_PORT, progress });
  const url = await recreateBenchDatabase(server.url, BENCH_DB, progress);
  const database = await openDatabase({ DATABASE_URL: url, DATA_DIR, EMBEDDED_PG_PORT }, { log: progress });
  try {
    progress(`creating ${CUSTOMERS.toLocaleString("en")} customers`);
    await pgPool().query(
      `INSERT INTO "Customer" ("id", "email", "name", "createdAt", "updatedAt")
       SELECT 'btc' || g, 'btc' || g || '@bench.example', 'Bench ' || g, now(), now() FROM generate_series(0, $1::int - 1) g`,
      [CUSTOMERS],
    );
    const baseSecs: number[] = [];
    const prodSecs: number[] = [];
    let flushErrors = 0;
    for (let r = 0; r < ROUNDS; r++) {
      progress(`round ${r + 1}/${ROUNDS}: baseline INSERT … SELECT of ${N.toLocaleString("en")} rows`);
      baseSecs.push(await baseline(N, CUSTOMERS));
      progress(`  ${(N / baseSecs.at(-1)!).toFixed(0)} rows/s`);
      progress(`round ${r + 1}/${ROUNDS}: product TouchpointBuffer, ${N.toLocaleString("en")} pushes in bursts of ${BURST}`);
      const p = await product(N, CUSTOMERS, BURST);
      prodSecs.push(p.seconds);
      flushErrors += p.errors;
      progress(`  ${(N / p.seconds).toFixed(0)} rows/s${p.errors ? ` (${p.errors} failed flushes, retried)` : ""}`);
    }
    await truncate();
    const bestBase = Math.min(...baseSecs);
    const bestProd = Math.min(...prodSecs);
    const productRate = N / bestProd;
    const baseRate = N / bestBase;
    const ratio = productRate / baseRate;
    return [
      {
        path: `Touchpoint ingestion, ${N.toLocaleString("en")} view touchpoints: TouchpointBuffer.push + flush vs INSERT … SELECT generate_series (same table)`,
        product: `${Math.round(productRate).toLocaleString("en")} rows/s (${bestProd.toFixed(1)} s, best of ${ROUNDS})`,
        baseline: `${Math.round(baseRate).toLocaleString("en")} rows/s (${bestBase.toFixed(1)} s, best of ${ROUNDS})`,
        ratio,
        target: "≥ 0.50",
        pass: ratio >= 0.5,
        note: flushErrors ? `${flushErrors} failed flushes (retried)` : undefined,
        data: { rows: N, customers: CUSTOMERS, burst: BURST, productSeconds: prodSecs, baselineSeconds: baseSecs, flushErrors, loadAvg1: os.loadavg()[0], machine: machine(), database: process.env.DATABASE_URL ? `${BENCH_DB} on DATABASE_URL's server` : `embedded PostgreSQL (${DATA_DIR})` },
      },
    ];
  } finally {
    await database.close();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await benchTouchpoints();
  reportBenchRows(rows);
  process.exit(0);
}
