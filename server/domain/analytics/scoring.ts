// Full scoring: summaries → RFM + BG/NBD + Gamma-Gamma fits → per-customer P(alive), expected
// purchases in 90 days, predicted 12-month CLV and lifecycle stage. analyse() is pure; runScoring()
// loads the summaries in SQL and stores CustomerScore rows plus one AnalyticsRun.
import type { Db, Tx } from "../../db/client.ts";
import { expectedPurchases, fitBgNbd, groupSummaries, pAlive, type BgNbdFit } from "./bgnbd.ts";
import { discountedExpectedPurchases, DEFAULT_ANNUAL_DISCOUNT } from "./clv.ts";
import { expectedAverageValue, fitGammaGamma, gammaGammaInput, type GammaGammaFit } from "./gamma-gamma.ts";
import { LIFECYCLE_STAGES, lifecycleStage, type LifecycleStage } from "./lifecycle.ts";
import { countSegments, rfmScores, type RfmSegment } from "./rfm.ts";
import { dayToIso, loadSummaries, PERIOD_DAYS, type CustomerSummary, type Period } from "./summary.ts";

export interface CustomerScoreRow {
  customerId: string;
  recency: number;
  frequency: number;
  monetary: number;
  rScore: number;
  fScore: number;
  mScore: number;
  rfmSegment: RfmSegment;
  pAlive: number;
  expectedPurchases90d: number;
  predictedClv12m: number;
  lifecycleStage: LifecycleStage;
}

export interface AnalysisResult {
  asOf: string;
  period: Period;
  customers: number;
  repeatCustomers: number;
  bgnbd: BgNbdFit | null;
  gammaGamma: GammaGammaFit | null;
  rfmSegments: Record<RfmSegment, number>;
  lifecycleStages: Record<LifecycleStage, number>;
  scores: CustomerScoreRow[];
  timings: Record<string, number>;
}

export function analyse(summaries: CustomerSummary[], asOfDay: number, period: Period, opts: { annualDiscount?: number; log?: (m: string) => void } = {}): AnalysisResult {
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (k: string) => {
    const t = performance.now();
    timings[k] = Math.round(t - t0);
    t0 = t;
  };
  const pd = PERIOD_DAYS[period];
  const repeatCustomers = summaries.filter((s) => s.x > 0).length;

  const grouped = groupSummaries(summaries);
  const bgnbd = summaries.length >= 2 && repeatCustomers > 0 ? fitBgNbd(grouped) : null;
  lap("fitBgNbd");
  opts.log?.(`BG/NBD over ${summaries.length} customers (${grouped.x.length} distinct summaries): ${bgnbd ? JSON.stringify(bgnbd.params) : "skipped (no repeat customers)"}`);
  const ggIn = gammaGammaInput(summaries);
  const gammaGamma = ggIn.x.length >= 2 ? fitGammaGamma(ggIn.x, ggIn.mx) : null;
  lap("fitGammaGamma");
  opts.log?.(`Gamma-Gamma over ${ggIn.x.length} repeat customers: ${gammaGamma ? JSON.stringify(gammaGamma.params) : "skipped"}`);

  const rfm = rfmScores(summaries.map((s) => ({ recencyDays: s.recencyDays, frequency: s.x + 1, monetary: s.total })));
  lap("rfm");

  // Per distinct (x, t_x, T): P(alive), E[Y(90 days)], discounted purchases over 12 months.
  const G = grouped.x.length;
  const gAlive = new Float64Array(G).fill(1);
  const gE90 = new Float64Array(G);
  const gDisc = new Float64Array(G);
  if (bgnbd) {
    for (let i = 0; i < G; i++) {
      const x = grouped.x[i]!;
      const tx = grouped.tx[i]!;
      const T = grouped.T[i]!;
      gAlive[i] = pAlive(bgnbd.params, x, tx, T);
      gE90[i] = expectedPurchases(bgnbd.params, 90 / pd, x, tx, T);
      gDisc[i] = discountedExpectedPurchases(bgnbd.params, x, tx, T, { months: 12, periodDays: pd, annualDiscount: opts.annualDiscount ?? DEFAULT_ANNUAL_DISCOUNT });
    }
    // Never store NaN: a summary whose expectation cannot be evaluated gets 0 and is reported.
    let bad = 0;
    for (let i = 0; i < G; i++) {
      if (!Number.isFinite(gAlive[i]!) || !Number.isFinite(gE90[i]!) || !Number.isFinite(gDisc[i]!)) {
        bad++;
        if (!Number.isFinite(gAlive[i]!)) gAlive[i] = 1;
        if (!Number.isFinite(gE90[i]!)) gE90[i] = 0;
        if (!Number.isFinite(gDisc[i]!)) gDisc[i] = 0;
      }
    }
    if (bad) opts.log?.(`warning: ${bad} distinct summaries gave non-finite expectations (set to 0)`);
  }
  lap("expectations");

  const scores: CustomerScoreRow[] = summaries.map((s, i) => {
    const g = grouped.index(s);
    const value = gammaGamma ? expectedAverageValue(gammaGamma.params, s.x, s.mx) : s.x > 0 ? s.mx : s.total;
    const alive = gAlive[g]!;
    return {
      customerId: s.customerId,
      recency: s.recencyDays,
      frequency: s.x + 1,
      monetary: s.total,
      rScore: rfm[i]!.r,
      fScore: rfm[i]!.f,
      mScore: rfm[i]!.m,
      rfmSegment: rfm[i]!.segment,
      pAlive: alive,
      expectedPurchases90d: gE90[g]!,
      predictedClv12m: Number.isFinite(value) ? gDisc[g]! * value : 0,
      lifecycleStage: lifecycleStage(s.x, s.recencyDays, alive),
    };
  });
  const lifecycleStages = Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0])) as Record<LifecycleStage, number>;
  for (const s of scores) lifecycleStages[s.lifecycleStage]++;
  lap("scores");
  return {
    asOf: dayToIso(asOfDay),
    period,
    customers: summaries.length,
    repeatCustomers,
    bgnbd,
    gammaGamma,
    rfmSegments: countSegments(scores.map((s) => s.rfmSegment)),
    lifecycleStages,
    scores,
    timings,
  };
}

/** JSON numbers: NaN / infinities become null. */
const num = (v: number) => (Number.isFinite(v) ? v : null);

/** The CLI's --json object (the contract in issue #7). */
export function toCliJson(r: AnalysisResult) {
  return {
    asOf: r.asOf,
    period: r.period,
    customers: r.customers,
    repeatCustomers: r.repeatCustomers,
    bgnbd: r.bgnbd
      ? { r: num(r.bgnbd.params.r), alpha: num(r.bgnbd.params.alpha), a: num(r.bgnbd.params.a), b: num(r.bgnbd.params.b), logLikelihood: num(r.bgnbd.logLikelihood), converged: r.bgnbd.converged }
      : { r: null, alpha: null, a: null, b: null, logLikelihood: null, converged: false },
    gammaGamma: r.gammaGamma
      ? { p: num(r.gammaGamma.params.p), q: num(r.gammaGamma.params.q), gamma: num(r.gammaGamma.params.gamma), converged: r.gammaGamma.converged }
      : { p: null, q: null, gamma: null, converged: false },
    rfmSegments: r.rfmSegments,
  };
}

/** Stores the scores (bulk upsert, 5 000 rows per statement) and one AnalyticsRun row. */
export async function storeScores(db: Tx, r: AnalysisResult, durationMs: number) {
  const asOf = r.asOf;
  const CHUNK = 5000;
  for (let i = 0; i < r.scores.length; i += CHUNK) {
    const part = r.scores.slice(i, i + CHUNK);
    const col = <K extends keyof CustomerScoreRow>(k: K) => part.map((s) => s[k]);
    await db.$executeRawUnsafe(
      `INSERT INTO "CustomerScore" ("customerId", "asOf", recency, frequency, monetary, "rScore", "fScore", "mScore",
         "rfmSegment", "pAlive", "expectedPurchases90d", "predictedClv12m", "lifecycleStage", "updatedAt")
       SELECT u.cid, $13::date, u.recency, u.frequency, u.monetary, u.r, u.f, u.m, u.seg, u.alive, u.e90, u.clv, u.stage, now()
       FROM unnest($1::text[], $2::int[], $3::int[], $4::float8[], $5::int[], $6::int[],
         $7::int[], $8::text[], $9::float8[], $10::float8[], $11::float8[], $12::text[])
         AS u(cid, recency, frequency, monetary, r, f, m, seg, alive, e90, clv, stage)
       ON CONFLICT ("customerId") DO UPDATE SET "asOf" = EXCLUDED."asOf", recency = EXCLUDED.recency,
         frequency = EXCLUDED.frequency, monetary = EXCLUDED.monetary, "rScore" = EXCLUDED."rScore",
         "fScore" = EXCLUDED."fScore", "mScore" = EXCLUDED."mScore", "rfmSegment" = EXCLUDED."rfmSegment",
         "pAlive" = EXCLUDED."pAlive", "expectedPurchases90d" = EXCLUDED."expectedPurchases90d",
         "predictedClv12m" = EXCLUDED."predictedClv12m", "lifecycleStage" = EXCLUDED."lifecycleStage",
         "updatedAt" = EXCLUDED."updatedAt"`,
      col("customerId"), col("recency"), col("frequency"), col("monetary"), col("rScore"), col("fScore"), col("mScore"),
      col("rfmSegment"), col("pAlive"), col("expectedPurchases90d"), col("predictedClv12m"), col("lifecycleStage"), asOf,
    );
  }
  // Customers without counted purchases any more (e.g. all orders cancelled) lose their score.
  await db.$executeRawUnsafe(`DELETE FROM "CustomerScore" WHERE "asOf" <> $1::date`, asOf);
  await db.analyticsRun.create({
    data: {
      asOf: new Date(`${asOf}T00:00:00Z`),
      period: r.period,
      customers: r.customers,
      repeatCustomers: r.repeatCustomers,
      bgnbd: JSON.parse(JSON.stringify(toCliJson(r).bgnbd)),
      gammaGamma: JSON.parse(JSON.stringify(toCliJson(r).gammaGamma)),
      rfmSegments: r.rfmSegments,
      lifecycleStages: r.lifecycleStages,
      durationMs: Math.round(durationMs),
    },
  });
}

export async function runScoring(
  db: Db,
  opts: { asOfDay: number; period: Period; store: boolean; log?: (m: string) => void; inTransaction?: (tx: Tx, r: AnalysisResult) => Promise<unknown> },
) {
  const t0 = performance.now();
  const { summaries, currencies } = await loadSummaries(db, opts.asOfDay, opts.period);
  const loadMs = performance.now() - t0;
  if (currencies.length > 1) opts.log?.(`warning: orders in ${currencies.length} currencies (${currencies.join(", ")}); values are summed in currency units without conversion`);
  const result = analyse(summaries, opts.asOfDay, opts.period, { log: opts.log });
  result.timings = { loadSummaries: Math.round(loadMs), ...result.timings };
  if (opts.store) {
    const t1 = performance.now();
    // One transaction: readers see the previous scores or the new ones, never a mix.
    await db.$transaction(
      async (tx) => {
        await storeScores(tx, result, performance.now() - t0);
        await opts.inTransaction?.(tx, result);
      },
      { timeout: 600_000, maxWait: 60_000 },
    );
    result.timings.store = Math.round(performance.now() - t1);
  }
  return result;
}
