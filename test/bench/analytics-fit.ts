// `npm run bench:analytics-fit`: the BG/NBD + Gamma-Gamma maximum-likelihood fits of the analytics
// scoring (server/domain/analytics: fitBgNbd, fitGammaGamma) on BENCH_FIT_CUSTOMERS (default
// 100,000) customers, against the same fits in scipy (test/bench/bgnbd_scipy.py: L-BFGS-B with the
// same analytic gradients, log-parameters, box, first start and stopping rules).
// The data set is simulated in-process from known parameters (the published CDNOW BG/NBD and
// Gamma-Gamma estimates; observed 52–104 weeks, purchases recorded at day resolution, as in the
// unit tests), so no database is needed; the summaries (frequency, recency, T, monetary) go to a
// temporary CSV that the Python script reads. Only the fits are timed, on both sides: grouping
// identical summaries and reading the CSV are not. Each fit is repeated BENCH_FIT_REPEAT times
// (default 3) on fresh inputs (no cache carried over) and the median is reported.
// Python: the first of `python3`, `/usr/bin/python3` that imports scipy and numpy; with none the
// row is "not measured". Prints both parameter sets and the `npm run bench` row; progress on stderr.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fitBgNbd, groupSummaries, type BgNbdFit } from "../../server/domain/analytics/bgnbd.ts";
import { fitGammaGamma, gammaGammaInput, type GammaGammaFit } from "../../server/domain/analytics/gamma-gamma.ts";
import { simulateCustomers } from "../../server/domain/analytics/simulate.ts";
import { ROOT } from "../../server/app.ts";
import { intEnv, machine, progressLogger, reportBenchRows, type BenchRow } from "./lib.ts";

const N = intEnv("BENCH_FIT_CUSTOMERS", 100_000, 10);
const REPEAT = intEnv("BENCH_FIT_REPEAT", 3);
/** Our parameters and scipy's must agree to this relative difference for the comparison to count. */
const AGREE = 1e-3;
const log = progressLogger("bench:analytics-fit");

const TRUTH = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG_TRUTH = { p: 6.25, q: 3.74, gamma: 15.44 };

interface ScipyFit {
  params: Record<string, number>;
  logLikelihood: number;
  nit: number;
  nfev: number;
  success: boolean;
  message: string;
  ms: number;
}
interface ScipyOut {
  python: string;
  executable: string;
  scipy: string;
  customers: number;
  groups: number;
  repeatCustomers: number;
  bgnbd: ScipyFit;
  gammaGamma: ScipyFit;
  ms: number;
}

/** The first Python that imports scipy and numpy, or null. */
function findPython(): string | null {
  for (const py of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(py, ["-c", "import scipy, numpy"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (p: Record<string, number>) => Object.entries(p).map(([k, v]) => `${k}=${v.toPrecision(6)}`).join(" ");
const maxRel = (a: Record<string, number>, b: Record<string, number>) => Math.max(...Object.keys(a).map((k) => Math.abs(a[k]! - b[k]!) / Math.abs(b[k]!)));

async function main() {
  log(`simulating ${N.toLocaleString("en")} customers (seed 7)`);
  const rows = simulateCustomers(N, TRUTH, GG_TRUTH, { seed: 7, minT: 52, maxT: 104 }).map((c) => {
    const days = c.times.map((t) => Math.floor(t * 7));
    const x = c.times.length - 1;
    return { x, tx: x ? days[days.length - 1]! / 7 : 0, T: Math.floor(c.T * 7) / 7, mx: x ? c.values.slice(1).reduce((s, v) => s + v, 0) / x : 0 };
  });
  const csv = path.join(os.tmpdir(), `rapport-bench-fit-${process.pid}.csv`);
  fs.writeFileSync(csv, "frequency,recency,T,monetary\n" + rows.map((r) => `${r.x},${r.tx},${r.T},${r.mx}`).join("\n") + "\n");

  // Ours: fresh grouped inputs for each repetition (the per-data-set caches start empty each time).
  const bgMs: number[] = [];
  const ggMs: number[] = [];
  const groupMs: number[] = [];
  let bg: BgNbdFit | null = null;
  let gg: GammaGammaFit | null = null;
  let groups = 0;
  let repeatCustomers = 0;
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    const g = groupSummaries(rows);
    const gi = gammaGammaInput(rows);
    groupMs.push(performance.now() - t0);
    groups = g.x.length;
    repeatCustomers = gi.x.length;
    const t1 = performance.now();
    bg = fitBgNbd(g);
    const t2 = performance.now();
    gg = fitGammaGamma(gi.x, gi.mx);
    const t3 = performance.now();
    bgMs.push(t2 - t1);
    ggMs.push(t3 - t2);
    log(`ours, run ${i + 1}: BG/NBD ${(t2 - t1).toFixed(1)} ms, Gamma-Gamma ${(t3 - t2).toFixed(1)} ms`);
  }
  const ours = { bgnbd: median(bgMs), gammaGamma: median(ggMs) };
  const oursMs = ours.bgnbd + ours.gammaGamma;

  const py = findPython();
  let scipy: ScipyOut | null = null;
  let why = "";
  if (!py) why = "no Python with scipy (tried python3, /usr/bin/python3)";
  else {
    log(`scipy baseline with ${py}`);
    const r = spawnSync(py, [path.join(ROOT, "test", "bench", "bgnbd_scipy.py"), csv, "--repeat", String(REPEAT)], { encoding: "utf8", maxBuffer: 16 << 20 });
    if (r.status === 0) scipy = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as ScipyOut;
    else why = `bgnbd_scipy.py failed (exit ${r.status ?? r.signal}): ${r.stderr.slice(-300)}`;
  }
  fs.rmSync(csv, { force: true });

  const lines = [
    `| fit | ours: parameters | ours: ln L, evaluations, ms | scipy: parameters | scipy: ln L, evaluations, ms |`,
    `| --- | --- | --- | --- | --- |`,
    `| BG/NBD (${groups.toLocaleString("en")} groups) | ${fmt({ ...bg!.params })} | ${bg!.logLikelihood.toFixed(3)}, ${bg!.optimizer.evaluations}, ${ours.bgnbd.toFixed(1)} | ${scipy ? fmt(scipy.bgnbd.params) : "—"} | ${scipy ? `${scipy.bgnbd.logLikelihood.toFixed(3)}, ${scipy.bgnbd.nfev}, ${scipy.bgnbd.ms.toFixed(1)}` : "—"} |`,
    `| Gamma-Gamma (${repeatCustomers.toLocaleString("en")} repeat customers) | ${fmt({ ...gg!.params })} | ${gg!.logLikelihood.toFixed(3)}, ${gg!.optimizer.evaluations}, ${ours.gammaGamma.toFixed(1)} | ${scipy ? fmt(scipy.gammaGamma.params) : "—"} | ${scipy ? `${scipy.gammaGamma.logLikelihood.toFixed(3)}, ${scipy.gammaGamma.nfev}, ${scipy.gammaGamma.ms.toFixed(1)}` : "—"} |`,
  ];
  const load = os.loadavg().map((v) => v.toFixed(2)).join(" ");
  process.stdout.write(`\n### BG/NBD + Gamma-Gamma fit, ${N.toLocaleString("en")} simulated customers (${new Date().toISOString().slice(0, 10)}, ${machine().cores} cores, load ${load}, median of ${REPEAT})\n\n`);
  process.stdout.write(`truth: BG/NBD ${fmt(TRUTH)}; Gamma-Gamma ${fmt(GG_TRUTH)}\n\n${lines.join("\n")}\n`);

  const agreeBg = scipy ? maxRel({ ...bg!.params }, scipy.bgnbd.params) : NaN;
  const agreeGg = scipy ? maxRel({ ...gg!.params }, scipy.gammaGamma.params) : NaN;
  const agree = scipy !== null && agreeBg <= AGREE && agreeGg <= AGREE;
  const ratio = scipy ? oursMs / scipy.ms : null;
  const row: BenchRow = {
    path: `BG/NBD + Gamma-Gamma fit, ${N.toLocaleString("en")} customers`,
    product: `${oursMs.toFixed(1)} ms (BG/NBD ${ours.bgnbd.toFixed(1)} + Gamma-Gamma ${ours.gammaGamma.toFixed(1)}, L-BFGS, analytic gradients)`,
    baseline: scipy ? `scipy ${scipy.scipy} ${scipy.ms.toFixed(1)} ms (BG/NBD ${scipy.bgnbd.ms.toFixed(1)} + Gamma-Gamma ${scipy.gammaGamma.ms.toFixed(1)}, L-BFGS-B)` : null,
    ratio,
    target: "≤ 1× scipy (same parameters within 1e-3)",
    pass: scipy ? agree && ratio! <= 1 : null,
    note: scipy ? `load ${load}; parameters agree to ${Math.max(agreeBg, agreeGg).toExponential(1)}${agree ? "" : " — NOT within 1e-3"}` : why,
    data: {
      customers: N,
      groups,
      repeatCustomers,
      repeat: REPEAT,
      oursMs: { bgnbd: bgMs, gammaGamma: ggMs, grouping: groupMs },
      ours: { bgnbd: bg, gammaGamma: gg },
      scipy,
      agreement: { bgnbd: agreeBg, gammaGamma: agreeGg },
      loadavg: os.loadavg(),
      machine: machine(),
    },
  };
  reportBenchRows([row]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
