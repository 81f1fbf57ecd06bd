// Lift statistics against hand-computed values. Reference values were checked with SciPy 1.17.1
// (scipy.stats.norm / t / beta, ttest_ind_from_stats) and mpmath at 30 digits.
import { describe, expect, it } from "vitest";
import {
  liftVerdict,
  normalQuantile,
  normalTwoSided,
  regularizedIncompleteBeta,
  studentCdf,
  studentQuantile,
  studentTwoSided,
  summarize,
  summarizeSums,
  twoProportion,
  welch,
} from "../../server/domain/campaigns/lift.ts";

const close = (actual: number | null | undefined, expected: number, tol = 1e-9) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThan(tol);
};

describe("distributions", () => {
  it("normal: Φ⁻¹(0.975) = 1.959963984540054, two-sided tails", () => {
    close(normalQuantile(0.975), 1.959963984540054, 1e-12);
    close(normalQuantile(0.5), 0, 1e-15);
    close(normalQuantile(0.025), -1.959963984540054, 1e-12);
    close(normalTwoSided(1.959963984540054), 0.05, 1e-13);
    close(normalTwoSided(-1.959963984540054), 0.05, 1e-13);
    close(normalTwoSided(0), 1, 1e-15);
    // P(|Z| ≥ 8) = 1.2441921148543639e-15 (scipy 2·norm.sf(8)): the far tail keeps its precision.
    expect(Math.abs(normalTwoSided(8) / 1.2441921148543639e-15 - 1)).toBeLessThan(1e-9);
  });

  it("incomplete beta: I_0.3(2, 3) = Σ_{j=2..4} C(4,j)·0.3^j·0.7^(4−j) = 0.2646 + 0.0756 + 0.0081 = 0.3483", () => {
    close(regularizedIncompleteBeta(0.3, 2, 3), 0.3483, 1e-13);
    close(regularizedIncompleteBeta(0.9, 2, 3), 1 - regularizedIncompleteBeta(0.1, 3, 2), 1e-13);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it("Student t against the table and closed forms", () => {
    // Table: t_{10; 0.975} = 2.228138851986274; t_{1; 0.975} = tan(0.475π) = 12.706204736174694.
    close(studentQuantile(0.975, 10), 2.228138851986274, 1e-10);
    close(studentQuantile(0.975, 1), Math.tan(0.475 * Math.PI), 1e-9);
    close(studentQuantile(0.025, 10), -2.228138851986274, 1e-10);
    close(studentQuantile(0.995, 3), 5.840909309733355, 1e-9);
    close(studentTwoSided(2.228138851986274, 10), 0.05, 1e-12);
    // df = 2: F(t) = 1/2 + t / (2√(2 + t²)); at t = 1.5: 0.5 + 1.5 / (2·√4.25) = 0.8638034375544995.
    close(studentCdf(1.5, 2), 0.5 + 1.5 / (2 * Math.sqrt(4.25)), 1e-13);
    close(studentCdf(-1.5, 2), 0.5 - 1.5 / (2 * Math.sqrt(4.25)), 1e-13);
    // Fractional df: 2·t.sf(1.5, 19.3) = 0.1497959636969712.
    close(studentTwoSided(1.5, 19.3), 0.1497959636969712, 1e-12);
    // Large df tends to the normal: t_{1e5; 0.975} = 1.9599877075346 (scipy).
    close(studentQuantile(0.975, 1e5), 1.9599877075346, 1e-8);
  });
});

describe("twoProportion", () => {
  it("120/1000 vs 90/1000 is significant at 95 %", () => {
    // p1 = 0.12, p2 = 0.09, d = 0.03, relative lift = 0.03 / 0.09 = 1/3.
    // SE (unpooled) = √(0.12·0.88/1000 + 0.09·0.91/1000) = √(0.0001056 + 0.0000819) = √0.0001875
    //              = 0.013693063937629153.
    // CI = 0.03 ± 1.959963984540054 · 0.013693063937629153 = 0.03 ± 0.026837912155757
    //    = [0.003162087844243, 0.056837912155757].
    // Pooled p = 210/2000 = 0.105; SE (pooled) = √(0.105·0.895·2/1000) = √0.00018795
    //          = 0.013709485767161364; z = 0.03 / 0.013709485767161364 = 2.1882658846227236.
    // p = 2·(1 − Φ(2.18826588)) = 0.028650240398448 (scipy 2·norm.sf).
    const r = twoProportion(120, 1000, 90, 1000);
    close(r.p1, 0.12, 1e-15);
    close(r.p2, 0.09, 1e-15);
    close(r.difference, 0.03, 1e-15);
    close(r.standardError, 0.013693063937629153, 1e-15);
    close(r.ci?.low, 0.003162087844243, 1e-12);
    close(r.ci?.high, 0.056837912155757, 1e-12);
    close(r.z, 2.18826588462272, 1e-12);
    close(r.pValue, 0.028650240398448, 1e-12);
    close(r.relativeLift, 1 / 3, 1e-15);
    expect(r.significant).toBe(true);
    expect(r.insufficient).toBe(false);
    expect(liftVerdict(r)).toMatchObject({ kind: "significant-positive", pValue: r.pValue, difference: r.difference });
    // The same data the other way round is a significant loss.
    expect(liftVerdict(twoProportion(90, 1000, 120, 1000)).kind).toBe("significant-negative");
  });

  it("105/1000 vs 95/1000 is not significant", () => {
    // d = 0.01; SE = √(0.105·0.895/1000 + 0.095·0.905/1000) = √(0.000093975 + 0.000085975)
    //   = √0.00017995 = 0.013414544345597; CI = 0.01 ± 1.959963984540054·0.013414544345597
    //   = [−0.016292023786386, 0.036292023786386] (contains 0).
    // Pooled p = 0.1; SE = √(0.1·0.9·0.002) = √0.00018 = 0.013416407864999; z = 0.745355992499930;
    // p = 0.456056540250256.
    const r = twoProportion(105, 1000, 95, 1000);
    close(r.standardError, 0.013414544345597, 1e-14);
    close(r.ci?.low, -0.016292023786386, 1e-12);
    close(r.ci?.high, 0.036292023786386, 1e-12);
    close(r.z, 0.74535599249993, 1e-12);
    close(r.pValue, 0.456056540250256, 1e-12);
    expect(r.significant).toBe(false);
    expect(liftVerdict(r).kind).toBe("not-significant");
  });

  it("a 90 % level narrows the interval and moves the threshold", () => {
    // z_{0.95} = 1.6448536269514722; 105/1000 vs 95/1000 still not significant (p = 0.456 > 0.10).
    const r = twoProportion(105, 1000, 95, 1000, 0.9);
    close(r.ci?.high, 0.01 + 1.6448536269514722 * 0.013414544345597, 1e-12);
    expect(r.significant).toBe(false);
  });

  it("identical groups: d = 0, z = 0, p = 1", () => {
    const r = twoProportion(50, 500, 50, 500);
    expect(r.difference).toBe(0);
    expect(r.z).toBe(0);
    close(r.pValue, 1, 1e-15);
    expect(r.relativeLift).toBe(0);
    expect(liftVerdict(r).kind).toBe("not-significant");
  });

  it("empty groups and rates of 0 or 1 give nulls, never NaN", () => {
    const empty = twoProportion(0, 0, 5, 100);
    expect(empty).toMatchObject({ p1: null, p2: 0.05, difference: null, ci: null, z: null, pValue: null, significant: false, relativeLift: null, insufficient: true });
    expect(liftVerdict(empty)).toMatchObject({ kind: "insufficient-data", reason: "empty-group" });
    expect(twoProportion(0, 0, 0, 0)).toMatchObject({ p1: null, p2: null, insufficient: true });

    // Nobody converted anywhere: no variation to test; relative lift undefined (p2 = 0).
    const zero = twoProportion(0, 100, 0, 100);
    expect(zero).toMatchObject({ p1: 0, p2: 0, difference: 0, standardError: 0, ci: null, z: null, pValue: null, relativeLift: null, insufficient: true });
    expect(liftVerdict(zero)).toMatchObject({ kind: "insufficient-data", reason: "no-variation" });
    expect(twoProportion(100, 100, 100, 100)).toMatchObject({ z: null, pValue: null, insufficient: true });

    // 0 % vs 100 %: the Wald interval degenerates (SE 0) but the pooled test works:
    // pooled p = 0.5, SE = √(0.25·2/100) = 0.070710678, z = −1/0.070710678 = −14.142135624.
    const extreme = twoProportion(0, 100, 100, 100);
    expect(extreme.ci).toBeNull();
    close(extreme.z, -Math.sqrt(200), 1e-12);
    expect(extreme.significant).toBe(true);

    for (const r of [empty, zero, extreme]) for (const v of Object.values(r)) expect(Number.isNaN(v)).toBe(false);
  });

  it("the verdict wants ≥ 5 expected conversions per group", () => {
    // Pooled p = 4/1100; holdout expects 100·4/1100 = 0.36 conversions: too few for the z-test.
    const r = twoProportion(4, 1000, 0, 100);
    expect(r.insufficient).toBe(false);
    expect(liftVerdict(r)).toMatchObject({ kind: "insufficient-data", reason: "small-expected-counts" });
    expect(liftVerdict(r, { minExpected: 0 }).kind).toBe("not-significant");
  });

  it("rejects impossible counts", () => {
    expect(() => twoProportion(5, 4, 1, 10)).toThrow(RangeError);
    expect(() => twoProportion(-1, 4, 1, 10)).toThrow(RangeError);
    expect(() => twoProportion(1, 4, 1, 10, 1)).toThrow(RangeError);
  });
});

describe("welch", () => {
  it("a = {10, 5, 4}, b = {12, 3.5, 9}", () => {
    // d = 1.5; va = 4/10 = 0.4, vb = 9/12 = 0.75; SE = √1.15 = 1.0723805294763609.
    // df = 1.15² / (0.4²/9 + 0.75²/11) = 1.3225 / (0.017777… + 0.051136…) = 1.3225 / 0.068914141…
    //    = 19.190545987541217.
    // t = 1.5 / 1.0723805294763609 = 1.3987572123604706.
    // p = 2·t.sf(1.39876, 19.19) = 0.177839848432355 (scipy ttest_ind_from_stats(equal_var=False)
    // gives the same statistic and p-value); t_{19.19; 0.975} = 2.0916183607469203,
    // CI = 1.5 ± 2.09161836·1.07238053 = [−0.74301080516026, 3.74301080516026].
    const r = welch({ n: 10, mean: 5, variance: 4 }, { n: 12, mean: 3.5, variance: 9 });
    close(r.difference, 1.5, 1e-15);
    close(r.standardError, 1.0723805294763609, 1e-15);
    close(r.df, 19.190545987541217, 1e-12);
    close(r.t, 1.3987572123604706, 1e-14);
    close(r.pValue, 0.177839848432355, 1e-12);
    close(r.ci?.low, -0.74301080516026, 1e-10);
    close(r.ci?.high, 3.74301080516026, 1e-10);
    close(r.relativeLift, 1.5 / 3.5, 1e-15);
    expect(r.significant).toBe(false);
    expect(liftVerdict(r).kind).toBe("not-significant");
  });

  it("a clear difference is significant", () => {
    // d = 2, SE = √(1/100 + 1/100) = 0.141421356, t = 14.142135624, df = 0.02²/(2·0.0001²/99) = 198.
    const r = welch({ n: 100, mean: 12, variance: 1 }, { n: 100, mean: 10, variance: 1 });
    close(r.df, 198, 1e-9);
    close(r.t, Math.sqrt(200), 1e-12);
    expect(r.pValue!).toBeLessThan(1e-30);
    expect(liftVerdict(r).kind).toBe("significant-positive");
    expect(liftVerdict(welch(r.b, r.a)).kind).toBe("significant-negative");
  });

  it("identical groups: t = 0, p = 1", () => {
    const s = { n: 20, mean: 3, variance: 2 };
    const r = welch(s, s);
    expect(r.t).toBe(0);
    expect(r.pValue).toBe(1);
    // df = (2·0.1)² / (2·0.1²/19) = 38.
    close(r.df, 38, 1e-12);
  });

  it("one group with zero variance: df = n − 1 of the other", () => {
    // va = 0, vb = 9/12 = 0.75; df = 0.75² / (0.75²/11) = 11; t = 1.5/√0.75 = 1.7320508.
    const r = welch({ n: 10, mean: 5, variance: 0 }, { n: 12, mean: 3.5, variance: 9 });
    close(r.df, 11, 1e-12);
    close(r.t, 1.5 / Math.sqrt(0.75), 1e-14);
    expect(r.insufficient).toBe(false);
  });

  it("too few values or no variance at all is insufficient", () => {
    expect(welch({ n: 1, mean: 5, variance: 0 }, { n: 12, mean: 3.5, variance: 9 })).toMatchObject({ difference: 1.5, t: null, pValue: null, ci: null, insufficient: true });
    expect(liftVerdict(welch({ n: 1, mean: 5, variance: 0 }, { n: 12, mean: 3.5, variance: 9 }))).toMatchObject({ kind: "insufficient-data", reason: "too-few" });
    expect(liftVerdict(welch({ n: 0, mean: 0, variance: 0 }, { n: 12, mean: 3.5, variance: 9 }))).toMatchObject({ kind: "insufficient-data", reason: "empty-group" });
    const flat = welch({ n: 10, mean: 0, variance: 0 }, { n: 10, mean: 0, variance: 0 });
    expect(flat).toMatchObject({ difference: 0, relativeLift: null, standardError: null, df: null, insufficient: true });
    expect(liftVerdict(flat)).toMatchObject({ kind: "insufficient-data", reason: "no-variation" });
  });
});

describe("summaries", () => {
  it("summarize (Welford): 2,4,4,4,5,5,7,9 → mean 5, sample variance 32/7", () => {
    // Σ(v − 5)² = 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32; divided by n − 1 = 7.
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.n).toBe(8);
    close(s.mean, 5, 1e-15);
    close(s.variance, 32 / 7, 1e-14);
    expect(summarize([])).toEqual({ n: 0, mean: 0, variance: 0 });
    expect(summarize([3])).toEqual({ n: 1, mean: 3, variance: 0 });
    // Welford keeps precision where Σv² − (Σv)²/n in floating point would not: 1e9 + {1, 2, 3}.
    close(summarize([1e9 + 1, 1e9 + 2, 1e9 + 3]).variance, 1, 1e-6);
    expect(() => summarize([1, Number.NaN])).toThrow(RangeError);
  });

  it("summarizeSums from integer aggregates, exactly", () => {
    // Minor units 0, 0, 1050, 2500 → currency units 0, 0, 10.5, 25: mean = 35.5/4 = 8.875;
    // variance = (4·(1050² + 2500²) − 3550²) / (4·3) / 100² = (4·7352500 − 12602500) / 12 / 10⁴
    //          = 16807500 / 12 / 10⁴ = 140.0625.
    const s = summarizeSums(4, 3550n, 1050n ** 2n + 2500n ** 2n, 100);
    close(s.mean, 8.875, 1e-14);
    close(s.variance, 140.0625, 1e-12);
    const direct = summarize([0, 0, 10.5, 25]);
    close(direct.variance, s.variance, 1e-12);
    // Huge values, no cancellation: 10¹² + {1, 2, 3} has variance exactly 1.
    const big = 10n ** 12n;
    expect(summarizeSums(3, 3n * big + 6n, (big + 1n) ** 2n + (big + 2n) ** 2n + (big + 3n) ** 2n).variance).toBe(1);
    expect(summarizeSums(0, 0n, 0n)).toEqual({ n: 0, mean: 0, variance: 0 });
    expect(summarizeSums(1, 250n, 62500n, 100)).toEqual({ n: 1, mean: 2.5, variance: 0 });
  });
});
