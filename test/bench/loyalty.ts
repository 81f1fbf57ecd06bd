// `npm run bench:loyalty` — loyalty ledger benchmarks on a real PostgreSQL, in its own database
// `rapport_bench_loyalty` on DATABASE_URL's server (default postgresql://postgres@127.0.0.1:5432/postgres),
// dropped and re-created on every run:
//   1. ledger writes per second under concurrency (postEntry: row lock, idempotency check, entry,
//      conditional balance update, FIFO lot, touchpoint — each its own transaction), spread over
//      many customers and all on one hot customer;
//   2. the FIFO expiry job (expireDueLots) over N due lots/ledger entries generated set-based.
// Prints a Markdown table (stdout); progress goes to stderr.
// Options: --writes 4000 --concurrency 16 --customers 1000 --entries 1000000 --per-customer 10
//   --in-transaction: each write through postEntry inside db.$transaction (as callers that write
//   more than the entry do) instead of postEntryAlone (one statement, its own transaction).
import pg from "pg";
import { connectDb, disconnectDb, db } from "../../server/db/client.ts";
import { migrate } from "../../server/db/migrate.ts";
import { postEntry, postEntryAlone, type PostInput } from "../../server/domain/loyalty/ledger.ts";
import { expireDueLots } from "../../server/domain/loyalty/maintenance.ts";
import { percentileFloor as pct, reportBenchRows, type BenchRow } from "./lib.ts";

const BENCH_DB = "rapport_bench_loyalty";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

const WRITES = arg("writes", 4000);
const CONCURRENCY = arg("concurrency", 16);
const CUSTOMERS = arg("customers", 1000);
const ENTRIES = arg("entries", 1_000_000);
const PER_CUSTOMER = arg("per-customer", 10);
const IN_TX = process.argv.includes("--in-transaction");
/** --skip-expiry: only the ledger writes (what `npm run bench` runs). */
const SKIP_EXPIRY = process.argv.includes("--skip-expiry");
const TARGET_WRITES = 2000;
const log = (m: string) => process.stderr.write(`[bench:loyalty] ${m}\n`);

async function setupDatabase(): Promise<string> {
  const server = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${BENCH_DB}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${BENCH_DB}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${BENCH_DB}`;
  await migrate(url.toString());
  return url.toString();
}

async function createCustomers(sql: pg.Client, n: number, prefix: string): Promise<string[]> {
  const r = await sql.query<{ id: string }>(
    `INSERT INTO "Customer" ("id", "email", "updatedAt")
     SELECT $1 || g, $1 || g || '@bench.example', now() FROM generate_series(1, $2) g RETURNING "id"`,
    [prefix, n],
  );
  return r.rows.map((x) => x.id);
}

/** Runs `total` writes with `concurrency` workers; returns writes/s and latency percentiles. */
async function writeLoad(customerIds: string[], total: number, concurrency: number, label: string) {
  let next = 0;
  let refused = 0;
  const lat: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const customerId = customerIds[i % customerIds.length]!;
        const debit = i % 3 === 2;
        const t0 = performance.now();
        try {
          const input: PostInput = {
            customerId,
            type: debit ? "REDEEM" : "BONUS",
            points: debit ? 15 : 10,
            how: debit ? { op: "debit" } : { op: "credit" },
            reason: "bench",
            idempotencyKey: `bench:${label}:${i}`,
          };
          if (IN_TX) await db().$transaction((tx) => postEntry(tx, input), { maxWait: 60_000, timeout: 60_000 });
          else await postEntryAlone(input);
        } catch (e) {
          if ((e as { code?: string }).code !== "BAD_REQUEST") throw e;
          refused++;
        }
        lat.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  return { perSecond: total / seconds, seconds, p50: pct(lat, 50), p95: pct(lat, 95), refused };
}

async function checkConsistency(sql: pg.Client) {
  const r = await sql.query<{ n: string }>(`
    SELECT count(*) AS n FROM "Customer" c
    LEFT JOIN (SELECT "customerId", SUM("availableDelta") a FROM "LoyaltyLedgerEntry" GROUP BY 1) s ON s."customerId" = c."id"
    LEFT JOIN (SELECT "customerId", SUM("remaining") r FROM "LoyaltyLot" GROUP BY 1) l ON l."customerId" = c."id"
    WHERE COALESCE(s.a, 0) <> c."pointsAvailable" OR COALESCE(l.r, 0) <> c."pointsAvailable" OR c."pointsAvailable" < 0`);
  return Number(r.rows[0]!.n);
}

async function main() {
  log("creating the bench database and applying migrations…");
  const url = await setupDatabase();
  connectDb(url, { max: CONCURRENCY + 2 });
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  const rows: [string, string, string][] = [];
  const benchRows: BenchRow[] = [];
  try {
    const many = await createCustomers(sql, CUSTOMERS, "bc");
    const [hot] = await createCustomers(sql, 1, "hot");
    log(`ledger writes: ${WRITES} over ${CUSTOMERS} customers, concurrency ${CONCURRENCY}…`);
    const spread = await writeLoad(many, WRITES, CONCURRENCY, "spread");
    rows.push(["ledger writes/s, spread", `${WRITES} writes (⅔ credits, ⅓ debits) over ${CUSTOMERS} customers, concurrency ${CONCURRENCY}, ${IN_TX ? "postEntry in db.$transaction" : "postEntryAlone"}`, `${spread.perSecond.toFixed(0)} writes/s (p50 ${spread.p50.toFixed(1)} ms, p95 ${spread.p95.toFixed(1)} ms; ${spread.refused} debits refused)`]);
    const hotN = Math.max(100, Math.floor(WRITES / 4));
    log(`ledger writes: ${hotN} on one customer…`);
    const hotRun = await writeLoad([hot!], hotN, CONCURRENCY, "hot");
    rows.push(["ledger writes/s, one hot customer", `${hotN} writes on one customer (row lock serialises them), concurrency ${CONCURRENCY}, ${IN_TX ? "postEntry in db.$transaction" : "postEntryAlone"}`, `${hotRun.perSecond.toFixed(0)} writes/s (p50 ${hotRun.p50.toFixed(1)} ms, p95 ${hotRun.p95.toFixed(1)} ms)`]);
    const bad1 = await checkConsistency(sql);
    rows.push(["consistency after writes", "customers whose cached balance ≠ sum of entries or ≠ sum of lots", String(bad1)]);
    benchRows.push({
      path: `loyalty ledger writes, ${CONCURRENCY} concurrent writers`,
      product: `${spread.perSecond.toFixed(0)} writes/s (p95 ${spread.p95.toFixed(1)} ms; one hot customer ${hotRun.perSecond.toFixed(0)}/s); ${bad1} inconsistent balances`,
      baseline: null,
      ratio: null,
      target: `≥ ${TARGET_WRITES.toLocaleString("en")} writes/s; balances exact, never negative`,
      pass: spread.perSecond >= TARGET_WRITES && bad1 === 0,
      data: { writes: WRITES, customers: CUSTOMERS, concurrency: CONCURRENCY, inTransaction: IN_TX, spread, hot: hotRun, inconsistent: bad1 },
    });
    if (SKIP_EXPIRY) return;

    const expCustomers = Math.max(1, Math.ceil(ENTRIES / PER_CUSTOMER));
    log(`generating ${ENTRIES} due lots + ledger entries for ${expCustomers} customers (set-based)…`);
    const g0 = performance.now();
    await sql.query(`INSERT INTO "Customer" ("id", "email", "updatedAt", "pointsAvailable") SELECT 'ex' || g, 'ex' || g || '@bench.example', now(), 0 FROM generate_series(1, $1) g`, [expCustomers]);
    await sql.query(
      `INSERT INTO "LoyaltyLedgerEntry" ("id", "customerId", "type", "availableDelta", "pendingDelta", "debtDelta", "reason", "idempotencyKey", "createdAt")
       SELECT 'exe' || g, 'ex' || (1 + (g - 1) / $2), 'BONUS', 10, 0, 0, 'bench lot', 'bench:lot:' || g, now() - interval '13 months'
       FROM generate_series(1, $1) g`,
      [ENTRIES, PER_CUSTOMER],
    );
    await sql.query(
      `INSERT INTO "LoyaltyLot" ("id", "customerId", "entryId", "points", "remaining", "createdAt", "expiresAt")
       SELECT 'exl' || g, 'ex' || (1 + (g - 1) / $2), 'exe' || g, 10, 10, now() - interval '13 months', now() - interval '1 month' + (g % 1000) * interval '1 second'
       FROM generate_series(1, $1) g`,
      [ENTRIES, PER_CUSTOMER],
    );
    await sql.query(`UPDATE "Customer" c SET "pointsAvailable" = s.p FROM (SELECT "customerId", SUM("remaining")::int p FROM "LoyaltyLot" WHERE "customerId" LIKE 'ex%' GROUP BY 1) s WHERE c."id" = s."customerId"`);
    await sql.query(`ANALYZE`);
    const genSeconds = (performance.now() - g0) / 1000;
    log(`generated in ${genSeconds.toFixed(1)} s; running the expiry job…`);
    const e0 = performance.now();
    const res = await expireDueLots(db(), new Date());
    const expSeconds = (performance.now() - e0) / 1000;
    const bad2 = await checkConsistency(sql);
    rows.push([
      "expiry job (expireDueLots)",
      `${ENTRIES.toLocaleString("en")} due lots of ${expCustomers.toLocaleString("en")} customers (data generated in ${genSeconds.toFixed(1)} s)`,
      `${expSeconds.toFixed(1)} s: ${res.lots.toLocaleString("en")} lots, ${res.points.toLocaleString("en")} points expired (${(res.lots / expSeconds).toFixed(0)} lots/s); inconsistent customers after: ${bad2}`,
    ]);
  } finally {
    await sql.end();
    await disconnectDb();
    if (benchRows.length) reportBenchRows(benchRows);
  }
  console.log(`| metric | conditions | figure |\n| --- | --- | --- |\n${rows.map((r) => `| ${r.join(" | ")} |`).join("\n")}`);
}

await main();
