// `npm run -s analytics -- --as-of YYYY-MM-DD --period day|week|month [--json] [--store]`
// Fits BG/NBD and Gamma-Gamma and computes RFM segments over the orders in the database.
// With --json exactly one JSON object (one line) goes to stdout; every log line goes to stderr.
// (`npm run` without -s prints its own "> rapport analytics" banner to stdout; use -s, or
// `npx tsx server/cli/analytics.ts …`, when piping the JSON.)
import { parseArgs } from "node:util";
import { openDatabase } from "../db/open.ts";
import { parseEnv } from "../env.ts";
import { runScoring, toCliJson } from "../domain/analytics/scoring.ts";
import { parseAsOf, type Period } from "../domain/analytics/summary.ts";

// Nothing but the result may reach stdout: route every console method to stderr.
const toStderr = (...args: unknown[]) => console.error(...args);
console.log = toStderr;
console.info = toStderr;
console.warn = toStderr;
console.debug = toStderr;

const USAGE = "usage: npm run -s analytics -- --as-of YYYY-MM-DD --period day|week|month [--json] [--store]";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let values: { "as-of"?: string; period?: string; json?: boolean; store?: boolean; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      "as-of": { type: "string" },
      period: { type: "string" },
      json: { type: "boolean", default: false },
      store: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  }));
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
if (values.help) {
  console.error(USAGE);
  process.exit(0);
}
const asOfDay = parseAsOf(values["as-of"] ?? "");
if (asOfDay === null) fail(`--as-of must be a calendar date YYYY-MM-DD (got ${JSON.stringify(values["as-of"] ?? "")}).`);
const period = values.period ?? "week";
if (!["day", "week", "month"].includes(period)) fail(`--period must be day, week or month (got ${JSON.stringify(period)}).`);

const log = (m: string) => console.error(`[analytics] ${m}`);
const database = await openDatabase(parseEnv(), { log, poolMax: 2 });
try {
  const result = await runScoring(database.db, { asOfDay, period: period as Period, store: Boolean(values.store), log });
  log(`timings (ms): ${JSON.stringify(result.timings)}`);
  if (result.bgnbd) log(`BG/NBD optimizer: ${JSON.stringify(result.bgnbd.optimizer)}`);
  if (result.gammaGamma) log(`Gamma-Gamma optimizer: ${JSON.stringify(result.gammaGamma.optimizer)}`);
  const out = toCliJson(result);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    const b = out.bgnbd;
    const g = out.gammaGamma;
    process.stdout.write(
      [
        `As of ${out.asOf} (period: ${out.period}): ${out.customers} customers, ${out.repeatCustomers} with repeat purchases`,
        `BG/NBD       r=${b.r} alpha=${b.alpha} a=${b.a} b=${b.b} LL=${b.logLikelihood} converged=${b.converged}`,
        `Gamma-Gamma  p=${g.p} q=${g.q} gamma=${g.gamma} converged=${g.converged}`,
        "RFM segments:",
        ...Object.entries(out.rfmSegments).map(([k, v]) => `  ${k.padEnd(20)} ${v}`),
        "",
      ].join("\n"),
    );
  }
} catch (e) {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
} finally {
  await database.close();
}
