import { describe, expect, it } from "vitest";
import { digamma, hyp2f1, hyp2f1Scaled, lnBeta, lnGamma, logSumExp } from "../../server/domain/analytics/special.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe("special functions", () => {
  it("lnGamma matches factorials and Γ(1/2) = √π", () => {
    let f = 0;
    for (let n = 1; n < 60; n++) {
      expect(rel(lnGamma(n), f)).toBeLessThan(1e-13 + (f === 0 ? Infinity : 0));
      if (n > 1) expect(Math.abs(lnGamma(n) - f)).toBeLessThan(1e-11 * Math.max(1, f));
      f += Math.log(n);
    }
    expect(Math.abs(lnGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(Math.abs(lnGamma(1e-3) - 6.907178885383854)).toBeLessThan(1e-12);
    // Large x against Stirling's series (error < 1e-15 at x = 1000.5).
    const x = 1000.5;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
    expect(rel(lnGamma(x), stirling)).toBeLessThan(1e-13);
  });

  it("lnBeta, digamma and logSumExp", () => {
    expect(Math.abs(lnBeta(2, 3) - Math.log(1 / 12))).toBeLessThan(1e-14);
    expect(Math.abs(digamma(1) + 0.5772156649015329)).toBeLessThan(1e-12);
    expect(Math.abs(digamma(0.5) - (-0.5772156649015329 - 2 * Math.LN2))).toBeLessThan(1e-12);
    expect(logSumExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp(-Infinity, 3)).toBe(3);
  });

  it("2F1 agrees with closed forms", () => {
    for (const z of [0.01, 0.3, 0.5, 0.8, 0.95, 0.999]) {
      // 2F1(1,1;2;z) = −ln(1−z)/z
      expect(rel(hyp2f1(1, 1, 2, z), -Math.log(1 - z) / z)).toBeLessThan(1e-12);
      // 2F1(a,b;b;z) = (1−z)^−a
      expect(rel(hyp2f1(2.5, 3.7, 3.7, z), Math.pow(1 - z, -2.5))).toBeLessThan(1e-12);
      // 2F1(½,½;3/2;z²) = arcsin(z)/z
      expect(rel(hyp2f1(0.5, 0.5, 1.5, z * z), Math.asin(z) / z)).toBeLessThan(1e-12);
    }
    // Negative z (Pfaff): 2F1(1,1;2;−x) = ln(1+x)/x
    expect(rel(hyp2f1(1, 1, 2, -0.9), Math.log(1.9) / 0.9)).toBeLessThan(1e-12);
  });

  it("2F1 with large a and b (many repeat purchases) stays finite and exact", () => {
    // 2F1(a,b;b;z) = (1−z)^−a at large a (the Euler-transformed path).
    expect(rel(hyp2f1(400.3, 402.1, 402.1, 0.5), Math.pow(0.5, -400.3))).toBeLessThan(1e-9);
    // 2F1(a, b; a+b−1+δ; z) for BG/NBD-like arguments, against the plain series at moderate z.
    const a = 150.243, b = 152.426, c = 150.219 + 2.426 - 1 + 0.793;
    const direct = (() => {
      let term = 1, sum = 1;
      for (let n = 0; n < 20000; n++) {
        term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * 0.2;
        sum += term;
      }
      return sum;
    })();
    expect(rel(hyp2f1(a, b, c, 0.2), direct)).toBeLessThan(1e-10);
  });

  it("scaled 2F1 folds a huge prefactor and a tiny scale in log space", () => {
    expect(rel(hyp2f1Scaled(1, 1, 2, 0.5, Math.log(3)), 3 * hyp2f1(1, 1, 2, 0.5))).toBeLessThan(1e-13);
    // (1−z)^(a) · 2F1(a, b; b; z) = 1 for any a, even where each factor over/underflows.
    expect(hyp2f1Scaled(3000, 7, 7, 0.9, 3000 * Math.log(0.1))).toBeCloseTo(1, 10);
  });

  it("2F1 refuses |z| ≥ 1", () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow();
  });
});
