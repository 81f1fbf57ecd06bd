// `npm run bench`: every hot path of issue #14 in one run, one table. Each section is its own bench
// script (run alone with `npm run bench:<section>`), started here as a child process, one after
// another, with BENCH_ROWS_OUT naming a file where it leaves its rows (test/bench/lib.ts
// reportBenchRows): path, product figure, baseline figure measured in the same section, ratio,
// target, pass/fail. A section that fails or overruns its time budget gives a "not measured" row with
// the reason instead of stopping the others. Prints the table (stdout) and writes it, with the machine
// and each section's duration, to bench-results.json.
//
// Knobs (env): BENCH_ONLY (comma list of section names to run), BENCH_BUDGET_S (1140: the whole run's
// budget; each section also has its own). Each section uses its own database (see its script) on
// DATABASE_URL's server; without DATABASE_URL (the README's setup) this starts one embedded
// PostgreSQL under .data/bench-all (port 54359) and gives its URL to every section.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../../server/app.ts";
import { startEmbeddedPostgres } from "../../server/db/embedded.ts";
import { benchRowsTable, ensureBuild, intEnv, machine, progressLogger, type BenchRow } from "./lib.ts";

interface Section {
  name: string;
  script: string;
  args?: string[];
  env?: Record<string, string>;
  /** Wall-clock budget in seconds; the section is stopped (SIGTERM, then SIGKILL) past it. */
  budgetS: number;
}

const SECTIONS: Section[] = [
  // Portal pages against an empty React Router page, 1M orders in the database.
  { name: "pages", script: "test/bench/pages.ts", env: { BENCH_SECTIONS: "portal" }, budgetS: 420 },
  // Prisma hot queries against the same SQL through raw pg.
  { name: "prisma", script: "test/bench/prisma.ts", budgetS: 120 },
  { name: "ledger", script: "test/bench/loyalty.ts", args: ["--writes", "4000", "--concurrency", "16", "--customers", "1000", "--skip-expiry"], budgetS: 120 },
  { name: "webhooks", script: "test/bench/webhooks.ts", budgetS: 180 },
  { name: "import", script: "test/bench/import.ts", budgetS: 240 },
  { name: "touchpoints", script: "test/bench/touchpoints.ts", budgetS: 120 },
  { name: "help search", script: "test/bench/help-search.ts", budgetS: 180 },
  { name: "analytics fit", script: "test/bench/analytics-fit.ts", budgetS: 180 },
];

const progress = progressLogger("bench");
const BUDGET_S = intEnv("BENCH_BUDGET_S", 1140);

function runSection(s: Section, budgetS: number): Promise<{ rows: BenchRow[]; seconds: number; error?: string }> {
  const out = path.join(os.tmpdir(), `rapport-bench-${process.pid}-${s.name.replace(/\W+/g, "-")}.json`);
  fs.rmSync(out, { force: true });
  const started = performance.now();
  return new Promise((resolve) => {
    if (!fs.existsSync(path.join(ROOT, s.script))) {
      resolve({ rows: [], seconds: 0, error: `${s.script} is missing` });
      return;
    }
    // Section output goes to stderr: stdout of this process is the summary table.
    const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), [s.script, ...(s.args ?? [])], {
      cwd: ROOT,
      env: { ...process.env, ...s.env, BENCH_ROWS_OUT: out, NODE_ENV: "production" },
      stdio: ["ignore", process.stderr, process.stderr],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      progress(`${s.name}: over its ${budgetS} s budget, stopping it`);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    }, budgetS * 1000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      let rows: BenchRow[] = [];
      try {
        rows = JSON.parse(fs.readFileSync(out, "utf8")) as BenchRow[];
      } catch {
        /* no rows written */
      }
      fs.rmSync(out, { force: true });
      const error = timedOut ? `stopped after its ${budgetS} s budget` : code === 0 ? undefined : `exited with ${code ?? signal}`;
      resolve({ rows, seconds, error });
    });
  });
}

async function main() {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  ensureBuild(progress);
  const only = process.env.BENCH_ONLY?.split(",").map((x) => x.trim());
  for (const name of only ?? []) if (!SECTIONS.some((s) => s.name === name)) throw new Error(`BENCH_ONLY: unknown section "${name}" (${SECTIONS.map((s) => s.name).join(", ")})`);
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!process.env.DATABASE_URL) {
    progress("DATABASE_URL unset: starting an embedded PostgreSQL for the bench databases (.data/bench-all)…");
    const embedded = await startEmbeddedPostgres({ dataDir: ".data/bench-all", port: 54359, database: "postgres" });
    process.env.DATABASE_URL = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const rows: BenchRow[] = [];
  const sections: { name: string; seconds: number; error?: string }[] = [];
  const t0 = performance.now();
  for (const s of SECTIONS) {
    if (only && !only.includes(s.name)) continue;
    const left = BUDGET_S - (performance.now() - t0) / 1000;
    if (left < 30) {
      rows.push({ path: s.name, product: "—", baseline: null, ratio: null, target: "—", pass: null, note: "the run's time budget was used up" });
      sections.push({ name: s.name, seconds: 0, error: "not run: budget used up" });
      continue;
    }
    progress(`section ${s.name} (${s.script}, budget ${Math.min(s.budgetS, Math.floor(left))} s)…`);
    const r = await runSection(s, Math.min(s.budgetS, Math.floor(left)));
    progress(`section ${s.name}: ${r.rows.length} row(s) in ${r.seconds.toFixed(0)} s${r.error ? ` — ${r.error}` : ""}`);
    rows.push(...r.rows);
    if (r.error && r.rows.length === 0) rows.push({ path: s.name, product: "—", baseline: null, ratio: null, target: "—", pass: null, note: r.error });
    sections.push({ name: s.name, seconds: Math.round(r.seconds), ...(r.error ? { error: r.error } : {}) });
  }
  await stopEmbedded?.();
  const m = { ...machine("unknown"), loadAverage: { before: loadBefore.map((x) => Math.round(x * 100) / 100), after: os.loadavg().map((x) => Math.round(x * 100) / 100) } };
  const totalS = Math.round((performance.now() - t0) / 1000);
  const summary = `${rows.filter((r) => r.pass === true).length} pass, ${rows.filter((r) => r.pass === false).length} fail, ${rows.filter((r) => r.pass === null).length} not measured`;
  process.stdout.write(
    [
      `### Rapport benchmark (npm run bench), ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
      "",
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.os}. Load average before/after: ${m.loadAverage.before[0]} / ${m.loadAverage.after[0]}. Total ${totalS} s (${sections.map((s) => `${s.name} ${s.seconds} s`).join(", ")}).`,
      "",
      benchRowsTable(rows),
      "",
      summary,
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(ROOT, "bench-results.json"), JSON.stringify({ bench: "rapport", date: startedAt.toISOString(), machine: m, totalSeconds: totalS, sections, rows }, null, 2) + "\n");
  progress(`wrote bench-results.json (${summary})`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
