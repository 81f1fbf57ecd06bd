// `tsx test/bench/import.ts` (issue #14 row "CSV import"): imports a generated CSV of BENCH_IMPORT_ROWS
// order rows (default 1,000,000; many customers, several orders per customer, the statuses mixed as
// in test/bench/orders.ts) with the product's import (importOrdersCsv, the code behind
// `npm run import:orders`: parse + validate every row, customers, orders, timeline events,
// touchpoints, refunds, one transaction), and, as the baseline in the same run, `COPY … FROM STDIN`
// of the same file into a bare table with the same eight columns (all text, no index, no
// constraint) through psql's `\copy` (PSQL sets the binary; /usr/bin/psql here). With
// BENCH_IMPORT_REIMPORT=1 it also times the idempotent re-import of the same file (changes nothing).
// Target: product rows/s ≥ 25 % of COPY's. Exports `benchImport()` (the BenchRow[]); run alone it
// prints the table and hands the rows to `npm run bench` through BENCH_ROWS_OUT (reportBenchRows).
// Database: with DATABASE_URL set, its own database `rapport_bench_import` on that server (dropped
// and recreated each run; never the one DATABASE_URL names). Without it, an embedded PostgreSQL
// under .data/bench-import (port 54379) with the same database recreated in it.
// Knobs (env): BENCH_IMPORT_ROWS (1000000), BENCH_IMPORT_REIMPORT (0), BENCH_IMPORT_VERBOSE=1 (time of
// each SQL step on stderr), PSQL.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { pgPool } from "../../server/db/client.ts";
import { openDatabase } from "../../server/db/open.ts";
import { CSV_HEADER, importOrdersCsv, type ImportReport } from "../../server/domain/orders/csv-import.ts";
import { intEnv, machine, progressLogger, benchServer, recreateBenchDatabase, reportBenchRows, type BenchRow } from "./lib.ts";

const BENCH_DB = "rapport_bench_import";
const DATA_DIR = ".data/bench-import";
const EMBEDDED_PG_PORT = 54379;
const progress = progressLogger("bench:import", 4);

/** Writes the bench CSV (deterministic: same seed, same rows); returns its size in bytes. */
export async function writeOrdersCsv(file: string, rows: number, run: string): Promise<number> {
  const statuses = ["delivered", "delivered", "delivered", "delivered", "shipped", "paid", "placed", "cancelled", "refunded"];
  const customers = Math.max(1, Math.floor(rows / 8));
  const out = fs.createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r())));
  await write(`${CSV_HEADER.join(",")}\n`);
  const seen = new Set<number>();
  let buf = "";
  let x = 12345;
  const rand = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff), x / 0x7fffffff);
  const start = Date.UTC(1997, 0, 1);
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(rand() * customers);
    const first = !seen.has(c);
    seen.add(c);
    const day = new Date(start + Math.floor(rand() * 540) * 86400_000).toISOString().slice(0, 10);
    const total = (Math.floor(rand() * 20000) / 100).toFixed(2);
    // Every 7th new customer's name is quoted with a comma (exercises the quoted-field parser).
    const name = first ? (c % 7 === 0 ? `"Customer, ${c}"` : `Customer ${c}`) : "";
    buf += `b${run}-${c},${first ? `c${c}.${run}@bench.example` : ""},${name},B${run}-${i},${day},USD,${total},${statuses[i % statuses.length]}\n`;
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = "";
    }
  }
  await write(buf);
  await new Promise<void>((r) => out.end(() => r()));
  return fs.statSync(file).size;
}

/** psql `\copy` of `file` into a fresh bare table (8 text columns); seconds of the COPY alone (psql's own timing). */
function copyBaseline(url: string, file: string): { seconds: number; rows: number } {
  const psql = process.env.PSQL ?? "psql";
  const sql = [
    "DROP TABLE IF EXISTS bench_copy_orders;",
    `CREATE TABLE bench_copy_orders (${CSV_HEADER.map((c) => `${c} text`).join(", ")});`,
    "\\timing on",
    `\\copy bench_copy_orders FROM '${file.replace(/'/g, "''")}' WITH (FORMAT csv, HEADER true)`,
    "\\timing off",
    "SELECT count(*) AS n FROM bench_copy_orders;",
    "DROP TABLE bench_copy_orders;",
  ].join("\n");
  const r = spawnSync(psql, ["-X", "-v", "ON_ERROR_STOP=1", "-At", url], { input: sql, encoding: "utf8" });
  if (r.error) throw new Error(`cannot run ${psql}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`psql \\copy failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
  const ms = /Time: ([\d.]+) ms/.exec(r.stdout);
  const count = /^COPY (\d+)$/m.exec(r.stdout);
  if (!ms || !count) throw new Error(`unexpected psql output: ${r.stdout.slice(0, 500)}`);
  return { seconds: Number(ms[1]) / 1000, rows: Number(count[1]) };
}

async function importOnce(file: string, bytes: number, label: string): Promise<{ report: ImportReport; seconds: number }> {
  const client = await pgPool().connect();
  try {
    progress(`${label}: ${(bytes / 1e6).toFixed(1)} MB`);
    const t0 = performance.now();
    let lastPct = -1;
    const report = await importOrdersCsv(client, fs.createReadStream(file, { highWaterMark: 1 << 20 }), {
      log: process.env.BENCH_IMPORT_VERBOSE === "1" ? (m) => progress(`  ${m}`) : undefined,
      onProgress: (p) => {
        const pct = Math.floor((p.bytes / bytes) * 4);
        if (p.phase !== "reading") progress(`  ${p.phase}`);
        else if (pct !== lastPct) {
          lastPct = pct;
          progress(`  reading ${pct * 25}%`);
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    if (report.errorCount) throw new Error(`import failed: ${JSON.stringify(report.errors.slice(0, 3))}`);
    return { report, seconds };
  } finally {
    client.release();
  }
}

export async function benchImport(): Promise<BenchRow[]> {
  const ROWS = intEnv("BENCH_IMPORT_ROWS", 1_000_000);
  const REIMPORT = intEnv("BENCH_IMPORT_REIMPORT", 0, 0) > 0;
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const run = Date.now().toString(36);
  // psql reads the file itself; keep it where any user can read it.
  const file = path.resolve(DATA_DIR, `orders-${ROWS}-${run}.csv`);
  progress(`generating ${ROWS.toLocaleString("en")} rows in ${file}`);
  const bytes = await writeOrdersCsv(file, ROWS, run);

  const server = await benchServer({ dataDir: DATA_DIR, port: EMBEDDED_PG_PORT, progress });
  const url = await recreateBenchDatabase(server.url, BENCH_DB, progress);
  const database = await openDatabase({ DATABASE_URL: url, DATA_DIR, EMBEDDED_PG_PORT }, { log: progress });
  try {
    // Baseline first, then the product (both on a database that only holds the schema).
    progress(`baseline: psql \\copy of the same file into a bare 8-column text table`);
    const copy = copyBaseline(url, file);
    if (copy.rows !== ROWS) throw new Error(`COPY loaded ${copy.rows} rows, expected ${ROWS}`);
    const first = await importOnce(file, bytes, "product: import (new orders)");
    if (first.report.imported !== ROWS) throw new Error(`imported ${first.report.imported} orders, expected ${ROWS}`);
    const again = REIMPORT ? await importOnce(file, bytes, "product: re-import (same file, changes nothing)") : undefined;
    if (again && (again.report.imported !== 0 || again.report.alreadyPresent !== ROWS)) throw new Error(`re-import was not a no-op: ${JSON.stringify(again.report)}`);
    const productRate = ROWS / first.seconds;
    const copyRate = copy.rows / copy.seconds;
    const ratio = productRate / copyRate;
    const r = first.report;
    return [
      {
        path: `CSV import of ${ROWS.toLocaleString("en")} order rows (${(bytes / 1e6).toFixed(1)} MB): importOrdersCsv vs psql \\copy into a bare text table`,
        product: `${Math.round(productRate).toLocaleString("en")} rows/s (${first.seconds.toFixed(1)} s; ${r.customersCreated.toLocaleString("en")} customers created)`,
        baseline: `${Math.round(copyRate).toLocaleString("en")} rows/s (${copy.seconds.toFixed(1)} s, psql \\copy FROM STDIN)`,
        ratio,
        target: "≥ 0.25",
        pass: ratio >= 0.25,
        note: again ? `re-import of the same file (no-op): ${Math.round(ROWS / again.seconds).toLocaleString("en")} rows/s (${again.seconds.toFixed(1)} s)` : undefined,
        data: {
          rows: ROWS,
          bytes,
          productSeconds: first.seconds,
          copySeconds: copy.seconds,
          reimportSeconds: again?.seconds ?? null,
          customersCreated: r.customersCreated,
          loadAvg1: os.loadavg()[0],
          machine: machine(),
          database: process.env.DATABASE_URL ? `${BENCH_DB} on DATABASE_URL's server` : `embedded PostgreSQL (${DATA_DIR})`,
        },
      },
    ];
  } finally {
    await database.close();
    await server.stop();
    fs.rmSync(file, { force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await benchImport();
  reportBenchRows(rows);
  process.exit(0);
}
