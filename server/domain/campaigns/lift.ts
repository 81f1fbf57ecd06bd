// Holdout/lift statistics for campaigns: the two-proportion z-test (conversion), Welch's t-test
// (revenue per customer) and a verdict the UI turns into plain language. Pure, no database;
// tested in test/unit/campaign-lift.test.ts. Group 1 / `a` is always the treated group, group 2 /
// `b` the holdout, so a positive difference means the campaign helped.
import { lnBeta, lnGamma } from "../analytics/special.ts";

export interface Interval {
  low: number;
  high: number;
}

export interface TwoProportionResult {
  level: number;
  x1: number;
  n1: number;
  x2: number;
  n2: number;
  /** x1 / n1; null when n1 = 0. */
  p1: number | null;
  p2: number | null;
  /** p1 − p2. */
  difference: number | null;
  /** Unpooled (Wald) standard error of the difference, √(p1(1−p1)/n1 + p2(1−p2)/n2). */
  standardError: number | null;
  /** Wald interval difference ± z_{1−α/2}·standardError; null when that standard error is 0. */
  ci: Interval | null;
  /** Pooled two-proportion z statistic. */
  z: number | null;
  /** Two-sided p-value of z. */
  pValue: number | null;
  /** pValue < 1 − level. */
  significant: boolean;
  /** difference / p2; null when p2 = 0 (or unknown). */
  relativeLift: number | null;
  /** An empty group, or no variation at all (both rates 0, or both 1): no test possible. */
  insufficient: boolean;
}

export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample variance (divisor n − 1); 0 when n < 2. */
  variance: number;
}

export interface WelchResult {
  level: number;
  a: SampleSummary;
  b: SampleSummary;
  /** a.mean − b.mean; null when a group is empty. */
  difference: number | null;
  /** √(a.variance/a.n + b.variance/b.n). */
  standardError: number | null;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number | null;
  t: number | null;
  /** Two-sided p-value from Student's t with df degrees of freedom. */
  pValue: number | null;
  /** difference ± t_{df, 1−α/2}·standardError. */
  ci: Interval | null;
  significant: boolean;
  /** difference / b.mean; null when b.mean = 0 (or unknown). */
  relativeLift: number | null;
  /** A group with fewer than 2 values, or zero variance in both: no test possible. */
  insufficient: boolean;
}

function checkLevel(level: number) {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}

function checkCount(x: number, n: number) {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < 0 || x > n) throw new RangeError(`need integers 0 ≤ x ≤ n, got x=${x}, n=${n}`);
}

/** Two-proportion comparison of x1/n1 (treated) against x2/n2 (holdout). */
export function twoProportion(x1: number, n1: number, x2: number, n2: number, level = 0.95): TwoProportionResult {
  checkLevel(level);
  checkCount(x1, n1);
  checkCount(x2, n2);
  const none: TwoProportionResult = { level, x1, n1, x2, n2, p1: null, p2: null, difference: null, standardError: null, ci: null, z: null, pValue: null, significant: false, relativeLift: null, insufficient: true };
  const p1 = n1 > 0 ? x1 / n1 : null;
  const p2 = n2 > 0 ? x2 / n2 : null;
  if (p1 === null || p2 === null) return { ...none, p1, p2 };

  const difference = p1 - p2;
  const relativeLift = p2 > 0 ? difference / p2 : null;
  const standardError = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const zCrit = normalQuantile(1 - (1 - level) / 2);
  // A zero Wald standard error (both rates 0 or 1) gives a zero-width interval: not an interval.
  const ci = standardError > 0 ? { low: difference - zCrit * standardError, high: difference + zCrit * standardError } : null;

  const pooled = (x1 + x2) / (n1 + n2);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(sePooled > 0)) return { ...none, p1, p2, difference, relativeLift, standardError, ci };
  const z = difference / sePooled;
  const pValue = normalTwoSided(z);
  return { level, x1, n1, x2, n2, p1, p2, difference, standardError, ci, z, pValue, significant: pValue < 1 - level, relativeLift, insufficient: false };
}

/** n, mean and sample variance in one pass (Welford). Empty input: {0, 0, 0}. */
export function summarize(values: Iterable<number>): SampleSummary {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`summarize: non-finite value ${v}`);
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  return { n, mean, variance: n > 1 ? Math.max(0, m2 / (n - 1)) : 0 };
}

/**
 * The summary from integer aggregates computed elsewhere (SQL): n, Σv and Σv² of integer values
 * (e.g. minor units), divided by `scale` (100 → currency units). The variance numerator
 * n·Σv² − (Σv)² is exact in BigInt, so there is no cancellation however large the sums.
 */
export function summarizeSums(n: number, sum: bigint, sumOfSquares: bigint, scale = 1): SampleSummary {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`summarizeSums: bad n ${n}`);
  if (n === 0) return { n: 0, mean: 0, variance: 0 };
  const N = BigInt(n);
  const mean = Number(sum) / n / scale;
  if (n < 2) return { n, mean, variance: 0 };
  const numerator = N * sumOfSquares - sum * sum;
  if (numerator < 0n) throw new RangeError("summarizeSums: Σv² < (Σv)²/n, inconsistent sums");
  return { n, mean, variance: Number(numerator) / (n * (n - 1)) / (scale * scale) };
}

/** Welch's unequal-variance t-test of a.mean − b.mean (a treated, b holdout). */
export function welch(a: SampleSummary, b: SampleSummary, level = 0.95): WelchResult {
  checkLevel(level);
  const none: WelchResult = { level, a, b, difference: null, standardError: null, df: null, t: null, pValue: null, ci: null, significant: false, relativeLift: null, insufficient: true };
  if (a.n < 1 || b.n < 1) return none;
  const difference = a.mean - b.mean;
  const relativeLift = b.mean !== 0 ? difference / b.mean : null;
  if (a.n < 2 || b.n < 2) return { ...none, difference, relativeLift };
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return { ...none, difference, relativeLift };
  const standardError = Math.sqrt(se2);
  // Welch–Satterthwaite; a zero-variance group contributes nothing to the denominator.
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const t = difference / standardError;
  const pValue = studentTwoSided(t, df);
  const tCrit = studentQuantile(1 - (1 - level) / 2, df);
  return {
    level,
    a,
    b,
    difference,
    standardError,
    df,
    t,
    pValue,
    ci: { low: difference - tCrit * standardError, high: difference + tCrit * standardError },
    significant: pValue < 1 - level,
    relativeLift,
    insufficient: false,
  };
}

export type LiftVerdictKind = "significant-positive" | "significant-negative" | "not-significant" | "insufficient-data";

export interface LiftVerdict {
  kind: LiftVerdictKind;
  /** Why the data is insufficient (only for "insufficient-data"). */
  reason?: "empty-group" | "too-few" | "no-variation" | "small-expected-counts";
  level: number;
  difference: number | null;
  relativeLift: number | null;
  ci: Interval | null;
  pValue: number | null;
}

export interface LiftVerdictOptions {
  /**
   * Two-proportion tests only: the normal approximation needs an expected count of at least this
   * many conversions and non-conversions in each group under the pooled rate (default 5, the
   * textbook rule); below it the verdict is "insufficient-data". 0 turns the check off.
   */
  minExpected?: number;
}

/** The verdict on a treated-vs-holdout comparison from twoProportion() or welch(). */
export function liftVerdict(result: TwoProportionResult | WelchResult, opts: LiftVerdictOptions = {}): LiftVerdict {
  const base = { level: result.level, difference: result.difference, relativeLift: result.relativeLift, ci: result.ci, pValue: result.pValue };
  const insufficient = (reason: NonNullable<LiftVerdict["reason"]>): LiftVerdict => ({ kind: "insufficient-data", reason, ...base });
  if ("x1" in result) {
    if (result.n1 === 0 || result.n2 === 0) return insufficient("empty-group");
    if (result.insufficient) return insufficient("no-variation");
    const minExpected = opts.minExpected ?? 5;
    const pooled = (result.x1 + result.x2) / (result.n1 + result.n2);
    const smallest = Math.min(result.n1, result.n2) * Math.min(pooled, 1 - pooled);
    if (smallest < minExpected) return insufficient("small-expected-counts");
  } else if (result.insufficient) {
    if (result.a.n === 0 || result.b.n === 0) return insufficient("empty-group");
    if (result.a.n < 2 || result.b.n < 2) return insufficient("too-few");
    return insufficient("no-variation");
  }
  if (!result.significant || result.difference === null || result.difference === 0) return { kind: "not-significant", ...base };
  return { kind: result.difference > 0 ? "significant-positive" : "significant-negative", ...base };
}

// ---------------------------------------------------------------------------------------------
// Distributions. lnGamma/lnBeta come from the analytics special functions (Lanczos, ~1e-15).

const EPS = 1e-16;
const TINY = 1e-300;

/** Regularized lower incomplete gamma P(a, x) and upper Q(a, x) (series / Lentz continued fraction). */
function incompleteGamma(a: number, x: number): { p: number; q: number } {
  if (x <= 0) return { p: 0, q: 1 };
  const logPrefix = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 10_000; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    const p = sum * Math.exp(logPrefix);
    return { p, q: 1 - p };
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  const q = Math.exp(logPrefix) * h;
  return { p: 1 - q, q };
}

/** P(|Z| ≥ |z|) for a standard normal Z: erfc(|z|/√2) = Q(1/2, z²/2). */
export function normalTwoSided(z: number): number {
  if (Number.isNaN(z)) throw new RangeError("normalTwoSided: NaN");
  if (!Number.isFinite(z)) return 0;
  return incompleteGamma(0.5, (z * z) / 2).q;
}

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  const tail = normalTwoSided(z) / 2;
  return z < 0 ? tail : 1 - tail;
}

/** Φ⁻¹(p): Acklam's rational approximation (~1e-9) polished by one Halley step. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // Halley refinement against the accurate CDF (tail-side difference to keep precision).
  const e = x < 0 ? normalCdf(x) - p : 1 - p - normalTwoSided(x) / 2; // Φ(x) − p
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Continued fraction for the incomplete beta (modified Lentz), as in Numerical Recipes' betacf. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new RangeError(`incomplete beta did not converge (a=${a}, b=${b}, x=${x})`);
}

/** The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta needs a, b > 0 (a=${a}, b=${b})`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta needs 0 ≤ x ≤ 1, got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(|T| ≥ |t|) for Student's t with df > 0 degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function studentTwoSided(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) throw new RangeError(`studentTwoSided: bad t=${t} or df=${df}`);
  if (!Number.isFinite(t)) return 0;
  if (!Number.isFinite(df)) return normalTwoSided(t);
  if (t === 0) return 1;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The CDF of Student's t with df degrees of freedom. */
export function studentCdf(t: number, df: number): number {
  const tail = studentTwoSided(t, df) / 2;
  return t < 0 ? tail : 1 - tail;
}

/** The quantile t_{df}(p) of Student's t: safeguarded Newton on the upper tail, bisection fallback. */
export function studentQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentQuantile: bad df=${df}`);
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`studentQuantile: p must be in [0, 1], got ${p}`);
  }
  if (!Number.isFinite(df)) return normalQuantile(p);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentQuantile(1 - p, df);
  // Solve upper(t) = P(T > t) = 1 − p for t > 0, working with the tail to keep precision.
  const target = 1 - p;
  const upper = (t: number) => studentTwoSided(t, df) / 2;
  const logDensityConst = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  const density = (t: number) => Math.exp(logDensityConst - ((df + 1) / 2) * Math.log1p((t * t) / df));
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (upper(hi) > target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  let t = Math.min(Math.max(normalQuantile(p), lo), hi);
  for (let i = 0; i < 200; i++) {
    const f = upper(t) - target; // decreasing in t
    if (f > 0) lo = t;
    else hi = t;
    const step = f / density(t);
    let next = t + step;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, Math.abs(t)) || hi - lo <= 1e-15 * Math.max(1, hi)) return next;
    t = next;
  }
  return t;
}
