// BG/NBD ("beta-geometric / negative binomial distribution") model of repeat purchasing:
// Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science 24(2).
// Purchases of an alive customer follow Poisson(λ), λ ~ Gamma(r, α); after each purchase the
// customer drops out with probability p, p ~ Beta(a, b). Fitted by maximum likelihood over the
// customers' repeat-purchase summaries (x, t_x, T), grouped so identical summaries count once.
import { digamma, hyp2f1, hyp2f1Scaled, lnGamma } from "./special.ts";
import { minimizeSmooth, type MinimizeResult } from "./optimize.ts";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Identical (x, t_x, T) summaries grouped: column arrays of equal length. */
export interface GroupedSummaries {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  n: Float64Array;
}

export function groupSummaries(rows: Iterable<{ x: number; tx: number; T: number }>): GroupedSummaries & { index: (row: { x: number; tx: number; T: number }) => number } {
  const map = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const n: number[] = [];
  const key = (r: { x: number; tx: number; T: number }) => `${r.x}|${r.tx}|${r.T}`;
  for (const r of rows) {
    const k = key(r);
    const i = map.get(k);
    if (i === undefined) {
      map.set(k, x.length);
      x.push(r.x);
      tx.push(r.tx);
      T.push(r.T);
      n.push(1);
    } else n[i]!++;
  }
  return {
    x: Float64Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    n: Float64Array.from(n),
    index: (r) => map.get(key(r)) ?? -1,
  };
}

/**
 * Total log-likelihood (eq. 6 of the paper, last term in log-sum-exp form):
 * ℓ = lnΓ(r+x) − lnΓ(r) + r ln α + lnB(a, b+x) − lnB(a, b)
 *     + ln[ (α+T)^−(r+x) + δ_{x>0} (a/(b+x−1)) (α+t_x)^−(r+x) ].
 */
export function bgnbdLogLikelihood(p: BgNbdParams, g: GroupedSummaries): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
  const d = distinctValues(g);
  const lgR = lnGamma(r);
  const lgAB = lnGamma(a + b);
  const lgB = lnGamma(b);
  const lnA = Math.log(a);
  const rLnAlpha = r * Math.log(alpha);
  // lnΓ terms depend only on x, the logs only on T or t_x: computed once per distinct value
  // (with day-resolution data there are far fewer distinct values than groups).
  const base = new Float64Array(d.xs.length);
  const lnRatio = new Float64Array(d.xs.length);
  for (let k = 0; k < d.xs.length; k++) {
    const x = d.xs[k]!;
    base[k] = lnGamma(r + x) - lgR + rLnAlpha + lgAB + lnGamma(b + x) - lgB - lnGamma(a + b + x);
    lnRatio[k] = x > 0 ? lnA - Math.log(b + x - 1) : -Infinity;
  }
  const lnT = new Float64Array(d.Ts.length);
  for (let k = 0; k < d.Ts.length; k++) lnT[k] = Math.log(alpha + d.Ts[k]!);
  const lnTx = new Float64Array(d.txs.length);
  for (let k = 0; k < d.txs.length; k++) lnTx[k] = Math.log(alpha + d.txs[k]!);
  let ll = 0;
  const n = g.x.length;
  for (let i = 0; i < n; i++) {
    const k = d.xIndex[i]!;
    const x = g.x[i]!;
    const rx = r + x;
    const A3 = -rx * lnT[d.TIndex[i]!]!;
    let term: number;
    if (x > 0) {
      const A4 = lnRatio[k]! - rx * lnTx[d.txIndex[i]!]!;
      // log(e^A3 + e^A4) with the larger exponent factored out.
      term = A3 > A4 ? A3 + Math.log1p(Math.exp(A4 - A3)) : A4 + Math.log1p(Math.exp(A3 - A4));
    } else term = A3;
    ll += g.n[i]! * (base[k]! + term);
  }
  return ll;
}

/**
 * The log-likelihood of bgnbdLogLikelihood and its gradient with respect to the log-parameters
 * (ln r, ln α, ln a, ln b), written into `grad`, in one pass over the groups. With
 * w = the share of the second exponential in the last term (the "dropped out after t_x" branch):
 *   ∂/∂r = Σ n [ψ(r+x) − ψ(r) + ln α − (1−w) ln(α+T) − w ln(α+t_x)]
 *   ∂/∂α = Σ n [r/α − (r+x) ((1−w)/(α+T) + w/(α+t_x))]
 *   ∂/∂a = Σ n [ψ(a+b) − ψ(a+b+x) + w/a]
 *   ∂/∂b = Σ n [ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x) − w/(b+x−1)]
 * and ∂/∂ln θ = θ ∂/∂θ. lnΓ and ψ terms are computed once per distinct x, logs and reciprocals
 * once per distinct T and t_x, so each group costs one exp and one log1p.
 */
export function bgnbdLogLikelihoodGrad(p: BgNbdParams, g: GroupedSummaries, grad: Float64Array): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
    grad.fill(NaN);
    return -Infinity;
  }
  const d = distinctValues(g);
  const lgR = lnGamma(r);
  const lgAB = lnGamma(a + b);
  const lgB = lnGamma(b);
  const psiR = digamma(r);
  const psiAB = digamma(a + b);
  const psiB = digamma(b);
  const lnA = Math.log(a);
  const lnAlpha = Math.log(alpha);
  const rLnAlpha = r * lnAlpha;
  const nx = d.xs.length;
  const lnRatio = new Float64Array(nx);
  const invBx = new Float64Array(nx);
  let ll = 0;
  let gR = 0;
  let gAlpha = 0;
  let gA = 0;
  let gB = 0;
  // The per-x terms, weighted by the number of customers with that x.
  for (let k = 0; k < nx; k++) {
    const x = d.xs[k]!;
    const c = d.xCount[k]!;
    ll += c * (lnGamma(r + x) - lgR + rLnAlpha + lgAB + lnGamma(b + x) - lgB - lnGamma(a + b + x));
    const psiABx = digamma(a + b + x);
    gR += c * (digamma(r + x) - psiR + lnAlpha);
    gAlpha += c * (r / alpha);
    gA += c * (psiAB - psiABx);
    gB += c * (psiAB + digamma(b + x) - psiB - psiABx);
    lnRatio[k] = x > 0 ? lnA - Math.log(b + x - 1) : -Infinity;
    invBx[k] = x > 0 ? 1 / (b + x - 1) : 0;
  }
  const nT = d.Ts.length;
  const lnT = new Float64Array(nT);
  const invT = new Float64Array(nT);
  for (let k = 0; k < nT; k++) {
    lnT[k] = Math.log(alpha + d.Ts[k]!);
    invT[k] = 1 / (alpha + d.Ts[k]!);
  }
  const nTx = d.txs.length;
  const lnTx = new Float64Array(nTx);
  const invTx = new Float64Array(nTx);
  for (let k = 0; k < nTx; k++) {
    lnTx[k] = Math.log(alpha + d.txs[k]!);
    invTx[k] = 1 / (alpha + d.txs[k]!);
  }
  let sW = 0;
  let sWinvBx = 0;
  const n = g.x.length;
  for (let i = 0; i < n; i++) {
    const x = g.x[i]!;
    const w0 = g.n[i]!;
    const rx = r + x;
    const ti = d.TIndex[i]!;
    const A3 = -rx * lnT[ti]!;
    if (x > 0) {
      const k = d.xIndex[i]!;
      const txi = d.txIndex[i]!;
      const A4 = lnRatio[k]! - rx * lnTx[txi]!;
      // log(e^A3 + e^A4) with the larger exponent factored out; w = e^A4 / (e^A3 + e^A4).
      let term: number;
      let w: number;
      if (A3 > A4) {
        const e = Math.exp(A4 - A3);
        term = A3 + Math.log1p(e);
        w = e / (1 + e);
      } else {
        const e = Math.exp(A3 - A4);
        term = A4 + Math.log1p(e);
        w = 1 / (1 + e);
      }
      ll += w0 * term;
      const v = 1 - w;
      gR -= w0 * (v * lnT[ti]! + w * lnTx[txi]!);
      gAlpha -= w0 * rx * (v * invT[ti]! + w * invTx[txi]!);
      sW += w0 * w;
      sWinvBx += w0 * w * invBx[k]!;
    } else {
      ll += w0 * A3;
      gR -= w0 * lnT[ti]!;
      gAlpha -= w0 * rx * invT[ti]!;
    }
  }
  gA += sW / a;
  gB -= sWinvBx;
  grad[0] = r * gR;
  grad[1] = alpha * gAlpha;
  grad[2] = a * gA;
  grad[3] = b * gB;
  return ll;
}

interface Distinct {
  values: Float64Array;
  index: Int32Array;
}
function distinct(col: Float64Array): Distinct {
  const map = new Map<number, number>();
  const index = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    let k = map.get(v);
    if (k === undefined) map.set(v, (k = map.size));
    index[i] = k;
  }
  return { values: Float64Array.from(map.keys()), index };
}

const distinctCache = new WeakMap<GroupedSummaries, { xs: Float64Array; xIndex: Int32Array; xCount: Float64Array; Ts: Float64Array; TIndex: Int32Array; txs: Float64Array; txIndex: Int32Array }>();
/** Distinct x, T and t_x values, each group's index into them and the customers per x (cached per data set). */
function distinctValues(g: GroupedSummaries) {
  let c = distinctCache.get(g);
  if (!c) {
    const x = distinct(g.x);
    const T = distinct(g.T);
    const tx = distinct(g.tx);
    const xCount = new Float64Array(x.values.length);
    for (let i = 0; i < g.x.length; i++) xCount[x.index[i]!]! += g.n[i]!;
    c = { xs: x.values, xIndex: x.index, xCount, Ts: T.values, TIndex: T.index, txs: tx.values, txIndex: tx.index };
    distinctCache.set(g, c);
  }
  return c;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  converged: boolean;
  optimizer: Omit<MinimizeResult, "x" | "value">;
}

export function fitBgNbd(g: GroupedSummaries): BgNbdFit {
  let total = 0;
  let sumT = 0;
  for (let i = 0; i < g.n.length; i++) {
    total += g.n[i]!;
    sumT += g.n[i]! * g.T[i]!;
  }
  const meanT = total > 0 ? Math.max(sumT / total, 1e-3) : 1;
  // Negative log-likelihood and its gradient in log-parameter space (every parameter is > 0).
  const f = (v: Float64Array, grad: Float64Array) => {
    const ll = bgnbdLogLikelihoodGrad({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) }, g, grad);
    for (let i = 0; i < 4; i++) grad[i] = -grad[i]!;
    return -ll;
  };
  const L = Math.log;
  const starts = [
    [0, L(meanT), 0, 0],
    [L(0.3), L(meanT / 5), L(0.8), L(2.5)],
    [L(2), L(meanT * 2), L(0.3), L(5)],
  ];
  const res = minimizeSmooth(f, starts);
  const [r, alpha, a, b] = res.x.map(Math.exp) as [number, number, number, number];
  const { x: _x, value, ...optimizer } = res;
  return { params: { r, alpha, a, b }, logLikelihood: -value, converged: res.converged, optimizer };
}

/** P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} (a/(b+x−1)) ((α+T)/(α+t_x))^(r+x)), in log space. */
export function pAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const lnRatio = Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return 1 / (1 + Math.exp(lnRatio));
}

/**
 * E[Y(t) | x, t_x, T], the expected number of purchases in the next t periods (eq. 10):
 *   [(a+b+x−1)/(a−1)] · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / [1 + δ_{x>0} (a/(b+x−1)) ((α+T)/(α+t_x))^(r+x)].
 * With z = t/(α+T+t), 1 − z = (α+T)/(α+T+t). The product (1−z)^(r+x) · 2F1(…) is evaluated by
 * hyp2f1Scaled: directly, or through Euler's transformation as
 * (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z) — whichever series has small parameters (the latter
 * for customers with many purchases, the former when a and b are very large) — in log space.
 */
export function expectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  if (Math.abs(a - 1) < 1e-9) {
    // a = 1 is a removable singularity of c/(a−1)·[…]: average the two sides.
    return (expectedPurchases({ ...p, a: 1 + 1e-6 }, t, x, tx, T) + expectedPurchases({ ...p, a: 1 - 1e-6 }, t, x, tx, T)) / 2;
  }
  const z = t / (alpha + T + t);
  const c = a + b + x - 1;
  const lnOneMinusZ = Math.log(alpha + T) - Math.log(alpha + T + t);
  const G = hyp2f1Scaled(r + x, b + x, c, z, (r + x) * lnOneMinusZ);
  const num = (c / (a - 1)) * (1 - G);
  const den = x > 0 ? 1 + Math.exp(Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 1;
  return num / den;
}

/** E[X(t)] for a randomly chosen new customer (eq. 9), used in tests and cohort forecasts. */
export function expectedPurchasesNewCustomer(p: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}
