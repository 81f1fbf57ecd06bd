// Gamma-Gamma model of spend per transaction: Fader, Hardie & Lee (2005), "RFM and CLV: Using
// Iso-Value Curves for Customer Base Analysis", and Fader & Hardie, "The Gamma-Gamma Model of
// Monetary Value" (2013). A customer's transaction values are Gamma(p, ν), ν ~ Gamma(q, γ).
// Fitted on customers with x ≥ 1 repeat transactions using m_x, the mean of those transactions.
import { lnGamma } from "./special.ts";
import { minimize, type MinimizeResult } from "./optimize.ts";

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

/** Keeps customers with x ≥ 1 and m_x > 0 (ln m_x must exist), sorted by x for lnΓ caching. */
export function gammaGammaInput(rows: Iterable<{ x: number; mx: number }>) {
  const kept = [...rows].filter((r) => r.x >= 1 && r.mx > 0).sort((u, v) => u.x - v.x);
  return { x: Float64Array.from(kept.map((r) => r.x)), mx: Float64Array.from(kept.map((r) => r.mx)) };
}

export function fitGammaGamma(x: Float64Array, mx: Float64Array): GammaGammaFit {
  let mean = 0;
  for (let i = 0; i < mx.length; i++) mean += mx[i]! / mx.length;
  const f = (v: number[]) => -gammaGammaLogLikelihood({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) }, x, mx);
  const L = Math.log;
  const m = Math.max(mean, 1e-6);
  const starts = [
    [0, 0, L(m)],
    [L(5), L(3), L(m)],
    [L(2), L(10), L(m * 3)],
  ];
  const res = minimize(f, starts);
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
