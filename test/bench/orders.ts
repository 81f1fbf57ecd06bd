// `npm run bench:orders -- [--rows 1000000] [--payments 500] [--concurrency 16] [--skip-webhooks] [--skip-csv]`
// Measures, against the real production app and database code:
//   1. Stripe webhook events processed per second: signed events (checkout.session.completed,
//      payment_intent.succeeded, charge.refunded) POSTed over HTTP with `--concurrency` clients;
//      each client sends its payments' events in order, so every event does real work.
//   2. CSV import rows per second: generates a CSV of `--rows` rows (many customers, several
//      orders per customer and day) and imports it with the same code as `npm run import:orders`,
//      then imports it again (the idempotent re-import).
// Prints a Markdown table (stdout); progress goes to stderr.
// Database: with DATABASE_URL set, its own database `rapport_bench_orders` on that server (created
// if missing; never the one DATABASE_URL names). Without it, the embedded PostgreSQL under .data/bench-orders.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startRapport } from "../../server/app.ts";
import { pgPool } from "../../server/db/client.ts";
import { openDatabase } from "../../server/db/open.ts";
import { parseEnv } from "../../server/env.ts";
import { importOrdersCsv } from "../../server/domain/orders/csv-import.ts";
import { writeOrdersCsv } from "./import.ts";
import { freePort, percentileFloor, progressLogger } from "./lib.ts";
import { checkoutSession, newPayment, paymentIntent, refund, refundedCharge, signed, stripeEvent, WEBHOOK_SECRET } from "../integration/orders-backend-fixtures.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    payments: { type: "string", default: "500" },
    concurrency: { type: "string", default: "16" },
    "skip-webhooks": { type: "boolean", default: false },
    "skip-csv": { type: "boolean", default: false },
  },
});
const int = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number (got ${v})`);
  return n;
};
const ROWS = int("rows", values.rows);
const PAYMENTS = int("payments", values.payments);
const CONCURRENCY = int("concurrency", values.concurrency);
const DATA_DIR = ".data/bench-orders";
const progress = progressLogger("bench:orders", 4);

async function benchDatabaseUrl(): Promise<string | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'rapport_bench_orders'");
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE "rapport_bench_orders"');
  await admin.end();
  const url = new URL(base);
  url.pathname = "/rapport_bench_orders";
  return url.toString();
}

const rows: string[][] = [];
const databaseUrl = await benchDatabaseUrl();

// ---------------------------------------------------------------------------------------------
// 1. Webhooks
// ---------------------------------------------------------------------------------------------
if (!values["skip-webhooks"]) {
  const port = await freePort();
  const env = parseEnv({
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    DATA_DIR,
    EMBEDDED_PG_PORT: "54359",
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    SEED_DEMO: "false",
    SESSION_SECRET: "b".repeat(40),
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_SECRET_KEY: undefined,
  });
  progress(`starting the app (${databaseUrl ? "rapport_bench_orders" : "embedded PostgreSQL"})`);
  const app = await startRapport(env, { mode: "production", jobs: false, log: () => {} });
  try {
    // Signed payloads prepared up front: the timing covers HTTP + verification + processing.
    const sequences = Array.from({ length: PAYMENTS }, () => {
      const p = newPayment();
      return [
        stripeEvent("checkout.session.completed", checkoutSession(p)),
        stripeEvent("payment_intent.succeeded", paymentIntent(p)),
        stripeEvent("charge.refunded", refundedCharge(p, [refund(p, 500)])),
      ].map((e) => signed(e));
    });
    const send = async (s: { payload: string; header: string }) => {
      const t0 = performance.now();
      const res = await fetch(`${app.url}/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": s.header }, body: s.payload });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      return performance.now() - t0;
    };
    // Warm-up (not measured).
    for (const s of Array.from({ length: 3 }, () => {
      const p = newPayment();
      return signed(stripeEvent("checkout.session.completed", checkoutSession(p)));
    }))
      await send(s);

    progress(`webhooks: ${PAYMENTS * 3} events (${PAYMENTS} payments × 3), concurrency ${CONCURRENCY}`);
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < sequences.length) {
          const seq = sequences[next++]!;
          for (const s of seq) latencies.push(await send(s));
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    // Replays: every event once more (acknowledged and ignored).
    const replays = sequences.slice(0, Math.min(200, sequences.length)).flat();
    const replayLat: number[] = [];
    let ri = 0;
    const r0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (ri < replays.length) replayLat.push(await send(replays[ri++]!));
      }),
    );
    const rsecs = (performance.now() - r0) / 1000;
    latencies.sort((a, b) => a - b);
    replayLat.sort((a, b) => a - b);
    rows.push([
      "Stripe webhook events (new: checkout, payment, refund)",
      `${latencies.length} events, concurrency ${CONCURRENCY}`,
      `${(latencies.length / secs).toFixed(0)} events/s`,
      `p50 ${percentileFloor(latencies, 50).toFixed(1)} ms, p95 ${percentileFloor(latencies, 95).toFixed(1)} ms`,
    ]);
    rows.push([
      "Stripe webhook events (replays, ignored)",
      `${replayLat.length} events, concurrency ${CONCURRENCY}`,
      `${(replayLat.length / rsecs).toFixed(0)} events/s`,
      `p50 ${percentileFloor(replayLat, 50).toFixed(1)} ms, p95 ${percentileFloor(replayLat, 95).toFixed(1)} ms`,
    ]);
  } finally {
    await app.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. CSV import
// ---------------------------------------------------------------------------------------------
if (!values["skip-csv"]) {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const run = Date.now().toString(36);
  const file = path.join(DATA_DIR, `orders-${ROWS}-${run}.csv`);
  progress(`generating ${ROWS} rows in ${file}`);
  const bytes = await writeOrdersCsv(file, ROWS, run);

  const database = await openDatabase({ DATABASE_URL: databaseUrl, DATA_DIR, EMBEDDED_PG_PORT: 54359 }, { log: progress });
  try {
    for (const label of ["CSV import (new orders)", "CSV re-import (same file, changes nothing)"]) {
      const client = await pgPool().connect();
      try {
        progress(`${label}: ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB`);
        const t0 = performance.now();
        let lastPct = -1;
        const report = await importOrdersCsv(client, fs.createReadStream(file, { highWaterMark: 1 << 20 }), {
          onProgress: (p) => {
            const pct = Math.floor((p.bytes / bytes) * 10);
            if (p.phase !== "reading") progress(`  ${p.phase}`);
            else if (pct !== lastPct) {
              lastPct = pct;
              progress(`  reading ${pct * 10}%`);
            }
          },
        });
        const secs = (performance.now() - t0) / 1000;
        if (report.errorCount) throw new Error(`import failed: ${JSON.stringify(report.errors.slice(0, 3))}`);
        rows.push([label, `${ROWS} rows (${report.imported} imported, ${report.alreadyPresent} present, ${report.customersCreated} new customers)`, `${Math.round(ROWS / secs)} rows/s`, `${secs.toFixed(1)} s`]);
      } finally {
        client.release();
      }
    }
  } finally {
    await database.close();
    fs.rmSync(file, { force: true });
  }
}

console.log("| Measure | Workload | Throughput | Latency / time |");
console.log("| --- | --- | --- | --- |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
process.exit(0);
