// Seeded simulation of customers from known BG/NBD and Gamma-Gamma parameters, used by the
// parameter-recovery tests and the benchmark. Deterministic for a given seed.
import type { BgNbdParams } from "./bgnbd.ts";
import type { GammaGammaParams } from "./gamma-gamma.ts";

/** sfc32-style 32-bit generator seeded through splitmix32; returns floats in (0, 1). */
export function rng(seed: number) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return ((t >>> 0) + 0.5) / 4294967296;
  };
}

export type Rand = () => number;

function normal(u: Rand) {
  return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, scale) by Marsaglia & Tsang (2000); shape < 1 via the U^(1/shape) boost. */
export function gammaVariate(u: Rand, shape: number, scale: number): number {
  if (shape < 1) return gammaVariate(u, shape + 1, scale) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let xn: number, v: number;
    do {
      xn = normal(u);
      v = 1 + c * xn;
    } while (v <= 0);
    v = v * v * v;
    const uu = u();
    if (uu < 1 - 0.0331 * xn ** 4 || Math.log(uu) < 0.5 * xn * xn + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

export function betaVariate(u: Rand, a: number, b: number) {
  const x = gammaVariate(u, a, 1);
  const y = gammaVariate(u, b, 1);
  return x / (x + y);
}

export interface SimulatedCustomer {
  /** Purchase times since the first purchase (the first is at 0), in periods. */
  times: number[];
  values: number[];
  T: number;
}

/**
 * One customer per call: λ ~ Gamma(r, 1/α), p ~ Beta(a, b); after the first purchase at 0, the
 * customer buys at Poisson(λ) times and drops out after each purchase with probability p; observed
 * until T. Values: ν ~ Gamma(q, 1/γ), each transaction Gamma(p, 1/ν).
 */
export function simulateCustomers(
  n: number,
  bg: BgNbdParams,
  gg: GammaGammaParams,
  opts: { seed: number; minT: number; maxT: number },
): SimulatedCustomer[] {
  const u = rng(opts.seed);
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const T = opts.minT + (opts.maxT - opts.minT) * u();
    const lambda = gammaVariate(u, bg.r, 1 / bg.alpha);
    const pDrop = betaVariate(u, bg.a, bg.b);
    const nu = gammaVariate(u, gg.q, 1 / gg.gamma);
    const times = [0];
    const values = [gammaVariate(u, gg.p, 1 / nu)];
    let t = 0;
    for (;;) {
      t += -Math.log(u()) / lambda;
      if (t > T) break;
      times.push(t);
      values.push(gammaVariate(u, gg.p, 1 / nu));
      if (u() < pDrop) break;
    }
    out.push({ times, values, T });
  }
  return out;
}
