// Predicted customer lifetime value over a horizon with a discount rate:
//   CLV = Σ_{k=1..K} (E[Y(k·Δ)] − E[Y((k−1)·Δ)]) · E[M] / (1 + d)^k
// where Δ is one month (30.4375 days) expressed in model periods, E[Y(t)] the BG/NBD conditional
// expectation, E[M] the Gamma-Gamma conditional expected average value (the population mean for
// customers without repeat purchases) and d the monthly rate equivalent to the annual rate
// ((1 + annual)^(1/12) − 1). Value, not margin: multiply by a margin to get profit.
import { expectedPurchases, type BgNbdParams } from "./bgnbd.ts";

export const DEFAULT_ANNUAL_DISCOUNT = 0.1;

export function monthlyRate(annual: number) {
  return Math.pow(1 + annual, 1 / 12) - 1;
}

/** Discounted expected number of purchases over `months` months (multiply by E[M] for CLV). */
export function discountedExpectedPurchases(
  p: BgNbdParams,
  x: number,
  tx: number,
  T: number,
  opts: { months: number; periodDays: number; annualDiscount?: number },
): number {
  const d = monthlyRate(opts.annualDiscount ?? DEFAULT_ANNUAL_DISCOUNT);
  const step = 30.4375 / opts.periodDays;
  let prev = 0;
  let sum = 0;
  for (let k = 1; k <= opts.months; k++) {
    const cum = expectedPurchases(p, k * step, x, tx, T);
    sum += (cum - prev) / Math.pow(1 + d, k);
    prev = cum;
  }
  return sum;
}

export function predictedClv(discountedPurchases: number, expectedValue: number) {
  return discountedPurchases * expectedValue;
}
