// `npm run bench:analytics`: full analytics scoring (SQL summaries, RFM, BG/NBD and Gamma-Gamma
// fits, per-customer P(alive) / expected purchases / 12-month CLV / lifecycle, bulk store of
// CustomerScore) over the large database, then the dashboard read model and one simulated
// parameter-recovery fit. Prints a Markdown table (stdout) and one JSON line; progress to stderr.
// Env: BENCH_ANALYTICS_URL (default postgresql://postgres@127.0.0.1:5432/rapport_large; migrated
// first), BENCH_ANALYTICS_AS_OF (default: the day of the latest order), BENCH_ANALYTICS_PERIOD
// (week), BENCH_ANALYTICS_STORE (1; 0 = fit only).
import { connectDb, disconnectDb } from "../../server/db/client.ts";
import { migrate } from "../../server/db/migrate.ts";
import { runScoring } from "../../server/domain/analytics/scoring.ts";
import { dashboard } from "../../server/domain/analytics/dashboard.ts";
import { parseAsOf, type Period } from "../../server/domain/analytics/summary.ts";
import { simulateCustomers } from "../../server/domain/analytics/simulate.ts";
import { fitBgNbd, groupSummaries } from "../../server/domain/analytics/bgnbd.ts";
import { fitGammaGamma, gammaGammaInput } from "../../server/domain/analytics/gamma-gamma.ts";

const url = process.env.BENCH_ANALYTICS_URL ?? "postgresql://postgres@127.0.0.1:5432/rapport_large";
const period = (process.env.BENCH_ANALYTICS_PERIOD ?? "week") as Period;
const store = process.env.BENCH_ANALYTICS_STORE !== "0";
const log = (m: string) => process.stderr.write(`[bench:analytics] ${m}\n`);

log(`migrating ${url.replace(/\/\/[^@]*@/, "//…@")}`);
await migrate(url);
const db = connectDb(url, { max: 4 });
try {
  const [counts] = await db.$queryRawUnsafe<{ customers: bigint; orders: bigint; last: Date | null }[]>(
    `SELECT (SELECT count(*) FROM "Customer") AS customers, (SELECT count(*) FROM "Order") AS orders, (SELECT max("placedAt") FROM "Order") AS last`,
  );
  const asOf = process.env.BENCH_ANALYTICS_AS_OF ?? (counts?.last ?? new Date()).toISOString().slice(0, 10);
  const asOfDay = parseAsOf(asOf);
  if (asOfDay === null) throw new Error(`BENCH_ANALYTICS_AS_OF must be YYYY-MM-DD (got ${asOf})`);
  log(`${counts?.customers} customers, ${counts?.orders} orders; scoring as of ${asOf} (${period}), store=${store}`);

  const t0 = performance.now();
  const r = await runScoring(db, { asOfDay, period, store, log });
  const total = performance.now() - t0;
  const t1 = performance.now();
  await dashboard(db);
  const dash = performance.now() - t1;

  // Parameter recovery on 20 000 simulated customers (the unit-test set-up), for the README.
  const truth = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const ggTruth = { p: 6.25, q: 3.74, gamma: 15.44 };
  const sim = simulateCustomers(20_000, truth, ggTruth, { seed: 7, minT: 52, maxT: 104 }).map((c) => {
    const days = c.times.map((t) => Math.floor(t * 7));
    const x = c.times.length - 1;
    return { x, tx: x ? days[days.length - 1]! / 7 : 0, T: Math.floor(c.T * 7) / 7, mx: x ? c.values.slice(1).reduce((s, v) => s + v, 0) / x : 0 };
  });
  const t2 = performance.now();
  const bg = fitBgNbd(groupSummaries(sim));
  const gi = gammaGammaInput(sim);
  const gg = fitGammaGamma(gi.x, gi.mx);
  const simMs = performance.now() - t2;

  const rows: [string, string][] = [
    ["customers scored / orders in DB", `${r.customers} / ${counts?.orders}`],
    ["repeat customers", String(r.repeatCustomers)],
    ...Object.entries(r.timings).map(([k, v]) => [`${k} (ms)`, String(v)] as [string, string]),
    ["full scoring total (ms)", String(Math.round(total))],
    ["dashboard read model (ms)", String(Math.round(dash))],
    ["BG/NBD fit", r.bgnbd ? `r=${r.bgnbd.params.r.toFixed(4)} α=${r.bgnbd.params.alpha.toFixed(4)} a=${r.bgnbd.params.a.toFixed(4)} b=${r.bgnbd.params.b.toFixed(4)} converged=${r.bgnbd.converged}` : "skipped"],
    ["Gamma-Gamma fit", r.gammaGamma ? `p=${r.gammaGamma.params.p.toFixed(4)} q=${r.gammaGamma.params.q.toFixed(4)} γ=${r.gammaGamma.params.gamma.toFixed(4)} converged=${r.gammaGamma.converged}` : "skipped"],
    ["simulated 20k: BG/NBD (truth 0.243, 4.414, 0.793, 2.426)", `r=${bg.params.r.toFixed(4)} α=${bg.params.alpha.toFixed(4)} a=${bg.params.a.toFixed(4)} b=${bg.params.b.toFixed(4)}`],
    ["simulated 20k: Gamma-Gamma (truth 6.25, 3.74, 15.44)", `p=${gg.params.p.toFixed(4)} q=${gg.params.q.toFixed(4)} γ=${gg.params.gamma.toFixed(4)}`],
    ["simulated 20k: both fits (ms)", String(Math.round(simMs))],
  ];
  process.stdout.write(`| measure | value |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n`);
  process.stdout.write(`${JSON.stringify({ asOf, period, customers: r.customers, timings: r.timings, totalMs: Math.round(total), dashboardMs: Math.round(dash) })}\n`);
} finally {
  await disconnectDb();
}
