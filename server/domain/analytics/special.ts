// Special functions for the customer-value models: log-gamma, log-beta, digamma and the Gauss
// hypergeometric function 2F1. Pure, no dependencies; tested in test/unit/analytics-special.test.ts.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). Reflection for x < 0.5. */
export function lnGamma(x: number): number {
  if (!(x > 0)) {
    if (Number.isInteger(x)) return Infinity;
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx); returns ln|Γ(x)|.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS_G + 2; i++) s += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ψ(x), the digamma function, for x > 0 (recurrence to x ≥ 10, then the asymptotic series). */
export function digamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** log(exp(a) + exp(b)) without overflow. */
export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

export class HypergeometricError extends Error {}

/** The plain power series Σ (a)_n (b)_n / (c)_n z^n / n!, summed until terms are negligible. */
function series(a: number, b: number, c: number, z: number, maxTerms: number): number {
  let term = 1;
  let sum = 1;
  let comp = 0; // Kahan compensation
  for (let n = 0; n < maxTerms; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    const y = term - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
    if (!Number.isFinite(sum)) throw new HypergeometricError(`2F1 series overflow (a=${a}, b=${b}, c=${c}, z=${z})`);
    // Stop once the term is negligible and the terms are shrinking geometrically (ratio < 1),
    // so the tail (≤ term·ratio/(1−ratio)) is negligible too.
    if (n > 2 && Math.abs(term) <= 1e-17 * Math.abs(sum)) {
      const ratio = Math.abs(((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2)) * z);
      if (ratio < 1 && Math.abs(term) * ratio / (1 - ratio) <= 1e-16 * Math.abs(sum)) return sum;
    }
    if (term === 0) return sum;
  }
  throw new HypergeometricError(`2F1 series did not converge in ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${z})`);
}

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real parameters, c not a non-positive integer,
 * and −1 < z < 1 (the range the BG/NBD expectations need: 0 ≤ z < 1).
 *
 * The power series converges for |z| < 1, but when a and b are large compared with c (a customer
 * with many repeat purchases) its terms first grow by many orders of magnitude. Euler's
 * transformation 2F1(a,b;c;z) = (1−z)^(c−a−b) 2F1(c−a, c−b; c; z) gives a series whose
 * parameters are small, so we use whichever of the two has the smaller leading term growth.
 * For z < 0, Pfaff's transformation maps to z/(z−1) ∈ (0, 1/2].
 */
export function hyp2f1(a: number, b: number, c: number, z: number, maxTerms = 2_000_000): number {
  if (!(z < 1) || !(z > -1) || Number.isNaN(z)) throw new HypergeometricError(`2F1 needs |z| < 1, got ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new HypergeometricError(`2F1 undefined for c=${c}`);
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z < 0) {
    // Pfaff: 2F1(a,b;c;z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1)).
    return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1), maxTerms);
  }
  const growth = Math.abs(a * b / c);
  const growthEuler = Math.abs((c - a) * (c - b) / c);
  if (growthEuler < growth && growth > 1) {
    return Math.pow(1 - z, c - a - b) * series(c - a, c - b, c, z, maxTerms);
  }
  return series(a, b, c, z, maxTerms);
}

/**
 * exp(logScale) · 2F1(a, b; c; z) for 0 ≤ z < 1, with the scale folded in log space so that a huge
 * Euler prefactor (1−z)^(c−a−b) and a tiny scale (or the reverse) never meet as ∞ · 0. Uses the
 * plain series or Euler's transformation, whichever has the smaller leading-term growth.
 */
export function hyp2f1Scaled(a: number, b: number, c: number, z: number, logScale: number, maxTerms = 2_000_000): number {
  if (!(z >= 0 && z < 1)) throw new HypergeometricError(`hyp2f1Scaled needs 0 ≤ z < 1, got ${z}`);
  if (z === 0) return Math.exp(logScale);
  const growth = Math.abs((a * b) / c);
  const growthEuler = Math.abs(((c - a) * (c - b)) / c);
  if (growthEuler < growth) {
    const sum = series(c - a, c - b, c, z, maxTerms);
    return Math.sign(sum) * Math.exp(logScale + (c - a - b) * Math.log1p(-z) + Math.log(Math.abs(sum)));
  }
  const sum = series(a, b, c, z, maxTerms);
  return Math.sign(sum) * Math.exp(logScale + Math.log(Math.abs(sum)));
}
