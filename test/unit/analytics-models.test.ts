// Parameter recovery by simulation (BG/NBD and Gamma-Gamma) and the published CDNOW expectations.
// Tolerances: with 20 000 simulated customers every parameter is recovered within 10 % (BG/NBD)
// and 15 % (Gamma-Gamma, whose p and γ are strongly correlated); see README "Analytics".
import { describe, expect, it } from "vitest";
import { bgnbdLogLikelihood, bgnbdLogLikelihoodGrad, expectedPurchases, expectedPurchasesNewCustomer, fitBgNbd, groupSummaries, pAlive } from "../../server/domain/analytics/bgnbd.ts";
import { expectedAverageValue, fitGammaGamma, gammaGammaInput, gammaGammaLogLikelihood, gammaGammaLogLikelihoodGrad } from "../../server/domain/analytics/gamma-gamma.ts";
import { discountedExpectedPurchases } from "../../server/domain/analytics/clv.ts";
import { simulateCustomers } from "../../server/domain/analytics/simulate.ts";
import { lbfgs, minimizeSmooth, nelderMead, minimize } from "../../server/domain/analytics/optimize.ts";

const CDNOW = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const CDNOW_GG = { p: 6.25, q: 3.74, gamma: 15.44 };
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Simulated customers observed for 52–104 weeks, recorded at day resolution (like real orders). */
function simulatedSummaries(n: number, seed: number, bg = CDNOW, gg = CDNOW_GG) {
  return simulateCustomers(n, bg, gg, { seed, minT: 52, maxT: 104 }).map((c) => {
    const days = c.times.map((t) => Math.floor(t * 7));
    const x = c.times.length - 1;
    const repeat = c.values.slice(1);
    return { x, tx: x ? days[days.length - 1]! / 7 : 0, T: Math.floor(c.T * 7) / 7, mx: x ? repeat.reduce((s, v) => s + v, 0) / x : 0 };
  });
}

describe("optimizer", () => {
  it("finds the minimum of the Rosenbrock function", () => {
    const f = (v: number[]) => 100 * (v[1]! - v[0]! ** 2) ** 2 + (1 - v[0]!) ** 2;
    const nm = nelderMead(f, [-1.2, 1]);
    expect(nm.converged).toBe(true);
    const r = minimize(f, [[-1.2, 1], [2, 2]]);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.converged).toBe(true);
  });

  it("L-BFGS with an analytic gradient finds the Rosenbrock minimum in far fewer evaluations", () => {
    const fg = (v: Float64Array, g: Float64Array) => {
      const [x, y] = [v[0]!, v[1]!];
      g[0] = -400 * x * (y - x * x) - 2 * (1 - x);
      g[1] = 200 * (y - x * x);
      return 100 * (y - x * x) ** 2 + (1 - x) ** 2;
    };
    const r = minimizeSmooth(fg, [[-1.2, 1]]);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.converged).toBe(true);
    expect(r.evaluations).toBeLessThan(200);
  });

  it("L-BFGS holds a coordinate on the box's wall when the minimum lies beyond it (converged: false)", () => {
    // f = (x − 20)² + (y − 1)²: the minimum x = 20 is outside |x| ≤ 15.
    const fg = (v: Float64Array, g: Float64Array) => {
      g[0] = 2 * (v[0]! - 20);
      g[1] = 2 * (v[1]! - 1);
      return (v[0]! - 20) ** 2 + (v[1]! - 1) ** 2;
    };
    const r = lbfgs(fg, [0, 0], { bound: 15 });
    expect(r.x[0]).toBe(15);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.stop).toBe("gradient");
    const m = minimizeSmooth(fg, [[0, 0], [3, 3]], { bound: 15 });
    expect(m.atBound).toEqual([0]);
    expect(m.converged).toBe(false);
    expect(m.starts).toBe(2); // the second start is tried because the first did not converge
  });
});

describe("analytic gradients", () => {
  const rows = simulatedSummaries(3000, 5);
  const central = (f: (h: number) => number, h = 1e-5) => (f(h) - f(-h)) / (2 * h);

  it("BG/NBD: the value equals bgnbdLogLikelihood and the gradient (in ln r, ln α, ln a, ln b) central differences", () => {
    const g = groupSummaries(rows);
    const grad = new Float64Array(4);
    for (const p of [CDNOW, { r: 1.3, alpha: 0.8, a: 2.5, b: 0.6 }]) {
      const ll = bgnbdLogLikelihoodGrad(p, g, grad);
      expect(ll).toBeCloseTo(bgnbdLogLikelihood(p, g), 6);
      (["r", "alpha", "a", "b"] as const).forEach((k, i) => {
        const numeric = central((h) => bgnbdLogLikelihood({ ...p, [k]: p[k] * Math.exp(h) }, g));
        expect(Math.abs(grad[i]! - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
      });
    }
  });

  it("Gamma-Gamma: the value equals gammaGammaLogLikelihood and the gradient (in ln p, ln q, ln γ) central differences", () => {
    const { x, mx } = gammaGammaInput(rows);
    const grad = new Float64Array(3);
    for (const p of [CDNOW_GG, { p: 0.9, q: 12, gamma: 3 }]) {
      const ll = gammaGammaLogLikelihoodGrad(p, x, mx, grad);
      expect(ll).toBeCloseTo(gammaGammaLogLikelihood(p, x, mx), 6);
      (["p", "q", "gamma"] as const).forEach((k, i) => {
        const numeric = central((h) => gammaGammaLogLikelihood({ ...p, [k]: p[k] * Math.exp(h) }, x, mx));
        expect(Math.abs(grad[i]! - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
      });
    }
  });
});

describe("BG/NBD", () => {
  it("reproduces the published conditional expectation for CDNOW customer 1 (x=2, t_x=30.43, T=38.86)", () => {
    // Fader, Hardie & Lee (2005), section 5: E[Y(39) | 2, 30.43, 38.86] = 1.226.
    expect(expectedPurchases(CDNOW, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
    // and the unconditional E[X(t)] at t = 78 weeks (eq. 9) is a positive, increasing curve
    expect(expectedPurchasesNewCustomer(CDNOW, 78)).toBeGreaterThan(expectedPurchasesNewCustomer(CDNOW, 39));
  });

  it("E[Y(t)] stays finite and continuous for very large a and b (homogeneous dropout limit)", () => {
    const big = (k: number) => expectedPurchases({ r: 0.56, alpha: 1.4, a: 0.045 * k, b: 0.955 * k }, 13, 3, 40, 60);
    const e5 = big(1e5);
    const e6 = big(1e6);
    expect(Number.isFinite(e5)).toBe(true);
    expect(e5).toBeGreaterThan(0);
    expect(Math.abs(e5 - e6) / e6).toBeLessThan(1e-3);
  });

  it("P(alive) is 1 without repeats and falls with the time since the last purchase", () => {
    expect(pAlive(CDNOW, 0, 0, 38)).toBe(1);
    const recent = pAlive(CDNOW, 4, 37, 38);
    const old = pAlive(CDNOW, 4, 5, 38);
    expect(recent).toBeGreaterThan(0.8);
    expect(old).toBeLessThan(0.3);
  });

  it("E[Y(t)] agrees with numerical differentiation-free checks: monotone in t and stable for x = 200", () => {
    const e1 = expectedPurchases(CDNOW, 10, 5, 30, 38);
    const e2 = expectedPurchases(CDNOW, 20, 5, 30, 38);
    expect(e2).toBeGreaterThan(e1);
    const heavy = expectedPurchases(CDNOW, 52, 200, 38, 38.5);
    expect(Number.isFinite(heavy)).toBe(true);
    expect(heavy).toBeGreaterThan(100); // about 200/38.5 purchases a week × 52, less the dropout risk
    // CLV discounting: 12 monthly steps sum to less than the undiscounted 12-month expectation
    const disc = discountedExpectedPurchases(CDNOW, 5, 30, 38, { months: 12, periodDays: 7, annualDiscount: 0.1 });
    const undiscounted = expectedPurchases(CDNOW, (12 * 30.4375) / 7, 5, 30, 38);
    expect(disc).toBeLessThan(undiscounted);
    expect(disc).toBeGreaterThan(undiscounted / 1.1);
  });

  it("recovers known parameters from 20 000 simulated customers (within 10 %)", () => {
    const rows = simulatedSummaries(20_000, 7);
    const g = groupSummaries(rows);
    const fit = fitBgNbd(g);
    expect(fit.converged).toBe(true);
    expect(rel(fit.params.r, CDNOW.r)).toBeLessThan(0.1);
    expect(rel(fit.params.alpha, CDNOW.alpha)).toBeLessThan(0.1);
    expect(rel(fit.params.a, CDNOW.a)).toBeLessThan(0.1);
    expect(rel(fit.params.b, CDNOW.b)).toBeLessThan(0.1);
    // The optimum is a maximum: better than the true parameters and than nearby points.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdLogLikelihood(CDNOW, g));
    for (const k of ["r", "alpha", "a", "b"] as const) {
      expect(fit.logLikelihood).toBeGreaterThan(bgnbdLogLikelihood({ ...fit.params, [k]: fit.params[k] * 1.001 }, g));
      expect(fit.logLikelihood).toBeGreaterThan(bgnbdLogLikelihood({ ...fit.params, [k]: fit.params[k] * 0.999 }, g));
    }
  });

  it("recovers a second parameter set (frequent buyers, low dropout)", () => {
    const truth = { r: 1.5, alpha: 10, a: 0.4, b: 4 };
    const rows = simulatedSummaries(10_000, 11, truth);
    const fit = fitBgNbd(groupSummaries(rows));
    expect(fit.converged).toBe(true);
    for (const k of ["r", "alpha", "a", "b"] as const) expect(rel(fit.params[k], truth[k])).toBeLessThan(0.15);
  });

  it("reports no convergence on a flat ridge (homogeneous dropout: a, b → ∞)", () => {
    // Everyone drops out with p = 0.3; for this sample the likelihood keeps rising along
    // a/(a+b) ≈ 0.3 towards a, b → ∞, so no finite maximum exists.
    const rows = simulatedSummaries(4000, 2, { r: 1, alpha: 5, a: 3e5, b: 7e5 });
    const fit = fitBgNbd(groupSummaries(rows));
    expect(fit.converged).toBe(false);
    expect(fit.params.a).toBeGreaterThan(1e4);
    expect(fit.params.a / (fit.params.a + fit.params.b)).toBeCloseTo(0.3, 1);
  });

  it("grouping identical summaries does not change the likelihood", () => {
    const rows = [{ x: 1, tx: 2, T: 10 }, { x: 1, tx: 2, T: 10 }, { x: 0, tx: 0, T: 10 }];
    const g = groupSummaries(rows);
    expect(g.x.length).toBe(2);
    const single = rows.reduce((s, r) => s + bgnbdLogLikelihood(CDNOW, groupSummaries([r])), 0);
    expect(bgnbdLogLikelihood(CDNOW, g)).toBeCloseTo(single, 10);
  });
});

describe("Gamma-Gamma", () => {
  it("recovers known parameters from 20 000 simulated customers (within 15 %)", () => {
    const rows = simulatedSummaries(20_000, 3);
    const { x, mx } = gammaGammaInput(rows);
    const fit = fitGammaGamma(x, mx);
    expect(fit.converged).toBe(true);
    expect(rel(fit.params.p, CDNOW_GG.p)).toBeLessThan(0.15);
    expect(rel(fit.params.q, CDNOW_GG.q)).toBeLessThan(0.15);
    expect(rel(fit.params.gamma, CDNOW_GG.gamma)).toBeLessThan(0.15);
    // The population mean spend pγ/(q−1) is much better determined than p and γ separately.
    const mean = (p: typeof CDNOW_GG) => (p.p * p.gamma) / (p.q - 1);
    expect(rel(mean(fit.params), mean(CDNOW_GG))).toBeLessThan(0.05);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(CDNOW_GG, x, mx));
  });

  it("conditional expected value shrinks a customer's mean towards the population mean", () => {
    const pop = (CDNOW_GG.p * CDNOW_GG.gamma) / (CDNOW_GG.q - 1);
    const big = expectedAverageValue(CDNOW_GG, 2, 100);
    expect(big).toBeLessThan(100);
    expect(big).toBeGreaterThan(pop);
    expect(expectedAverageValue(CDNOW_GG, 0, 0)).toBeCloseTo(pop, 10);
  });
});
