// Gamma-Gamma model of spend per transaction: Fader, Hardie & Lee (2005), "RFM and CLV: Using
// Iso-Value Curves for Customer Base Analysis", and Fader & Hardie, "The Gamma-Gamma Model of
// Monetary Value" (2013). A customer's transaction values are Gamma(p, ν), ν ~ Gamma(q, γ).
// Fitted on customers with x ≥ 1 repeat transactions using m_x, the mean of those transactions.
import { digamma, lnGamma } from "./special.ts";
import { minimizeSmooth, type MinimizeResult } from "./optimize.ts";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
  customers: number;
  optimizer: Omit<MinimizeResult, "x" | "value">;
}

/**
 * ℓ = Σ lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m_x + px ln x − (px+q) ln(γ + x m_x).
 * (The ln of the Jacobian, −ln Γ... terms that do not depend on the parameters are included so
 * the value is the true log-density of m_x.)
 */
export function gammaGammaLogLikelihood(par: GammaGammaParams, x: Float64Array, mx: Float64Array): number {
  const { p, q, gamma } = par;
  if (!(p > 0 && q > 0 && gamma > 0)) return -Infinity;
  const lgQ = lnGamma(q);
  const qLnG = q * Math.log(gamma);
  let ll = 0;
  let lastX = -1;
  let lgPxQ = 0;
  let lgPx = 0;
  let lnX = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (xi !== lastX) {
      lastX = xi;
      lgPxQ = lnGamma(p * xi + q);
      lgPx = lnGamma(p * xi);
      lnX = Math.log(xi);
    }
    const m = mx[i]!;
    ll += lgPxQ - lgPx - lgQ + qLnG + (p * xi - 1) * Math.log(m) + p * xi * lnX - (p * xi + q) * Math.log(gamma + xi * m);
  }
  return ll;
}

/** Sums over the data that do not depend on the parameters (cached per data set). */
interface GgConstants {
  /** Distinct x (ascending: gammaGammaInput sorts by x) and the customers with each. */
  xs: Float64Array;
  count: Float64Array;
  sumLnM: number;
  sumXLnM: number;
  sumXLnX: number;
}
const ggCache = new WeakMap<Float64Array, { mx: Float64Array; c: GgConstants }>();
function ggConstants(x: Float64Array, mx: Float64Array): GgConstants {
  const hit = ggCache.get(x);
  if (hit && hit.mx === mx) return hit.c;
  const counts = new Map<number, number>();
  let sumLnM = 0;
  let sumXLnM = 0;
  let sumXLnX = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const lm = Math.log(mx[i]!);
    counts.set(xi, (counts.get(xi) ?? 0) + 1);
    sumLnM += lm;
    sumXLnM += xi * lm;
    sumXLnX += xi * Math.log(xi);
  }
  const c = { xs: Float64Array.from(counts.keys()), count: Float64Array.from(counts.values()), sumLnM, sumXLnM, sumXLnX };
  ggCache.set(x, { mx, c });
  return c;
}

/**
 * gammaGammaLogLikelihood and its gradient with respect to (ln p, ln q, ln γ), written into
 * `grad`. The terms in ln m_x and ln x are sums fixed by the data; lnΓ and ψ are computed once per
 * distinct x; each customer costs one log and one division (u = γ + x m_x):
 *   ∂/∂p = Σ x [ψ(px+q) − ψ(px) + ln m_x + ln x − ln u]
 *   ∂/∂q = Σ [ψ(px+q) − ψ(q) + ln γ − ln u]
 *   ∂/∂γ = Σ [q/γ − (px+q)/u]
 */
export function gammaGammaLogLikelihoodGrad(par: GammaGammaParams, x: Float64Array, mx: Float64Array, grad: Float64Array): number {
  const { p, q, gamma } = par;
  if (!(p > 0 && q > 0 && gamma > 0)) {
    grad.fill(NaN);
    return -Infinity;
  }
  const c = ggConstants(x, mx);
  const N = x.length;
  const lnG = Math.log(gamma);
  const psiQ = digamma(q);
  let ll = N * (q * lnG - lnGamma(q)) + p * c.sumXLnM - c.sumLnM + p * c.sumXLnX;
  let gP = c.sumXLnM + c.sumXLnX;
  let gQ = N * (lnG - psiQ);
  let gG = (N * q) / gamma;
  for (let k = 0; k < c.xs.length; k++) {
    const xk = c.xs[k]!;
    const n = c.count[k]!;
    ll += n * (lnGamma(p * xk + q) - lnGamma(p * xk));
    const psiPxQ = digamma(p * xk + q);
    gP += n * xk * (psiPxQ - digamma(p * xk));
    gQ += n * psiPxQ;
  }
  let sLnU = 0;
  let sXLnU = 0;
  let sPxQOverU = 0;
  for (let i = 0; i < N; i++) {
    const xi = x[i]!;
    const u = gamma + xi * mx[i]!;
    const lnU = Math.log(u);
    const pxq = p * xi + q;
    ll -= pxq * lnU;
    sLnU += lnU;
    sXLnU += xi * lnU;
    sPxQOverU += pxq / u;
  }
  gP -= sXLnU;
  gQ -= sLnU;
  gG -= sPxQOverU;
  grad[0] = p * gP;
  grad[1] = q * gQ;
  grad[2] = gamma * gG;
  return ll;
}

/** Keeps customers with x ≥ 1 and m_x > 0 (ln m_x must exist), sorted by x for lnΓ caching. */
export function gammaGammaInput(rows: Iterable<{ x: number; mx: number }>) {
  const kept = [...rows].filter((r) => r.x >= 1 && r.mx > 0).sort((u, v) => u.x - v.x);
  return { x: Float64Array.from(kept.map((r) => r.x)), mx: Float64Array.from(kept.map((r) => r.mx)) };
}

export function fitGammaGamma(x: Float64Array, mx: Float64Array): GammaGammaFit {
  let mean = 0;
  for (let i = 0; i < mx.length; i++) mean += mx[i]! / mx.length;
  // Negative log-likelihood and its gradient in log-parameter space.
  const f = (v: Float64Array, grad: Float64Array) => {
    const ll = gammaGammaLogLikelihoodGrad({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) }, x, mx, grad);
    for (let i = 0; i < 3; i++) grad[i] = -grad[i]!;
    return -ll;
  };
  const L = Math.log;
  const m = Math.max(mean, 1e-6);
  const starts = [
    [0, 0, L(m)],
    [L(5), L(3), L(m)],
    [L(2), L(10), L(m * 3)],
  ];
  const res = minimizeSmooth(f, starts);
  const [p, q, gamma] = res.x.map(Math.exp) as [number, number, number];
  const { x: _x, value, ...optimizer } = res;
  return { params: { p, q, gamma }, logLikelihood: -value, converged: res.converged, customers: x.length, optimizer };
}

/**
 * E[M | x, m_x] = (p(γ + x m_x)) / (px + q − 1) for x ≥ 1; for x = 0 the population mean
 * pγ/(q − 1) (only defined for q > 1).
 */
export function expectedAverageValue(par: GammaGammaParams, x: number, mx: number): number {
  const { p, q, gamma } = par;
  if (x <= 0 || !(mx > 0)) return q > 1 ? (p * gamma) / (q - 1) : NaN;
  return (p * (gamma + x * mx)) / (p * x + q - 1);
}
