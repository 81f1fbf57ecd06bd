// `npm run import:orders -- <file.csv> [--dry-run] [--max-errors N] [--verbose]`
// Imports historical orders from a CSV file with the header
// customer_id,email,name,order_number,ordered_at,currency,total,status (see README "Importing orders").
// Uses DATABASE_URL, or the embedded PostgreSQL like `npm start`. Exit code 0 on success, 1 when the
// file has errors (nothing is imported), 2 on bad usage.
import fs from "node:fs";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { pgPool } from "../db/client.ts";
import { openDatabase } from "../db/open.ts";
import { parseEnv } from "../env.ts";
import { importOrdersCsv } from "../domain/orders/csv-import.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "dry-run": { type: "boolean", default: false }, verbose: { type: "boolean", default: false }, "max-errors": { type: "string", default: "100" }, help: { type: "boolean", short: "h" } },
});
const usage = "usage: npm run import:orders -- <file.csv> [--dry-run] [--max-errors N] [--verbose]";
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const file = positionals[0];
const maxErrors = Number(values["max-errors"]);
if (!file || positionals.length > 1 || !Number.isInteger(maxErrors) || maxErrors < 1) {
  console.error(`${usage}\nGive exactly one CSV file; --max-errors must be a positive whole number.`);
  process.exit(2);
}
let size: number;
try {
  const st = fs.statSync(file);
  if (!st.isFile()) throw new Error("not a file");
  size = st.size;
} catch {
  console.error(`Cannot read ${file}: no such file.`);
  process.exit(2);
}

const started = Date.now();
process.exitCode = 0;
const tty = Boolean(process.stderr.isTTY);
const bar = tty ? new cliProgress.SingleBar({ format: "{phase} [{bar}] {percentage}% | {rows} rows | {eta_formatted} left", stream: process.stderr, etaBuffer: 50 }, cliProgress.Presets.shades_classic) : null;
const database = await openDatabase(parseEnv(), { log: (m) => console.error(m) });
const client = await pgPool().connect();
try {
  bar?.start(size, 0, { phase: "reading ", rows: 0 });
  const report = await importOrdersCsv(client, fs.createReadStream(file, { highWaterMark: 1 << 20 }), {
    dryRun: values["dry-run"],
    maxErrors,
    log: values.verbose ? (m) => console.error(`\n${m}`) : undefined,
    onProgress: (p) => {
      if (!bar) return;
      const phase = p.phase === "reading" ? "reading " : p.phase === "checking" ? "checking" : p.phase === "writing" ? "writing " : "done    ";
      bar.update(p.phase === "reading" ? p.bytes : size, { phase, rows: p.rows });
    },
  });
  bar?.stop();
  const secs = (Date.now() - started) / 1000;
  if (report.errorCount > 0) {
    console.error(`${file}: ${report.errorCount} error${report.errorCount === 1 ? "" : "s"} in ${report.rows} rows; nothing was imported.`);
    for (const e of report.errors) console.error(`  line ${e.line}: ${e.message}`);
    if (report.errorCount > report.errors.length) console.error(`  … and ${report.errorCount - report.errors.length} more (raise --max-errors to list them)`);
    process.exitCode = 1;
  } else if (report.dryRun) {
    console.log(`Dry run: ${report.rows} rows are valid; ${report.rows - report.alreadyPresent} orders and ${report.customersCreated} customers would be imported (${report.alreadyPresent} orders already present). Nothing was written.`);
  } else {
    console.log(
      `Imported ${report.imported} orders and ${report.customersCreated} new customers from ${report.rows} rows in ${secs.toFixed(1)} s (${Math.round(report.rows / Math.max(secs, 0.001))} rows/s); ${report.alreadyPresent} orders were already present.`,
    );
  }
} catch (e) {
  bar?.stop();
  console.error(`Import failed, nothing was imported: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  client.release();
  await database.close();
}
// Explicit: something in the shutdown path resets process.exitCode, and scripts rely on it.
process.exit(process.exitCode ?? 0);
