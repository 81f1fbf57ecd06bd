// Pure loyalty rules: points, tiers, proportional reversal, the split of a reversal and of a credit.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { pointsForOrder, pointsToReverse, splitCredit, splitReversal, tierForSpend, tierProgress, toBaseMinor } from "../../server/domain/loyalty/rules.ts";
import { DEFAULT_SETTINGS, programSchema } from "../../server/domain/loyalty/settings.ts";

const S = DEFAULT_SETTINGS;

describe("earning", () => {
  it("counts the subtotal after discounts, not shipping or tax, rounded down", () => {
    expect(pointsForOrder({ currency: "USD", subtotalMinor: 12_399, discountMinor: 1_000, totalMinor: 15_000 }, S)).toBe(113);
    expect(pointsForOrder({ currency: "USD", subtotalMinor: 12_399, discountMinor: 0, totalMinor: 15_000 }, { ...S, basis: "TOTAL" })).toBe(150);
    expect(pointsForOrder({ currency: "USD", subtotalMinor: 12_399, discountMinor: 0, totalMinor: 0 }, { ...S, rounding: "CEIL" })).toBe(124);
  });

  it("applies the currency rate and the multiplier; unknown currencies earn nothing", () => {
    expect(pointsForOrder({ currency: "CNY", subtotalMinor: 70_000, discountMinor: 0, totalMinor: 70_000 }, S)).toBe(105);
    expect(pointsForOrder({ currency: "USD", subtotalMinor: 10_000, discountMinor: 0, totalMinor: 10_000 }, S, 1.5)).toBe(150);
    expect(pointsForOrder({ currency: "GBP", subtotalMinor: 10_000, discountMinor: 0, totalMinor: 10_000 }, S)).toBe(0);
    expect(pointsForOrder({ currency: "USD", subtotalMinor: 100, discountMinor: 500, totalMinor: 0 }, S)).toBe(0);
  });
});

describe("tiers", () => {
  it("picks the highest threshold reached, in the base currency", () => {
    expect(tierForSpend(0, S.tiers).code).toBe("BRONZE");
    expect(tierForSpend(39_999, S.tiers).code).toBe("BRONZE");
    expect(tierForSpend(40_000, S.tiers).code).toBe("SILVER");
    expect(tierForSpend(10_000_000, S.tiers).code).toBe("PLATINUM");
    expect(toBaseMinor(10_000, "EUR", S)).toBe(10_800);
  });

  it("reports progress to the next tier", () => {
    expect(tierProgress(20_000, "BRONZE", S.tiers)).toMatchObject({ remainingMinor: 20_000, percent: 50 });
    expect(tierProgress(400_000, "PLATINUM", S.tiers)).toMatchObject({ next: null, percent: 100 });
  });

  it("settings reject unordered tiers and a first tier above zero", () => {
    expect(programSchema.safeParse(S).success).toBe(true);
    const swapped = { ...S, tiers: [S.tiers[0], S.tiers[2], S.tiers[1]] };
    expect(programSchema.safeParse(swapped).success).toBe(false);
    expect(programSchema.safeParse({ ...S, tiers: [{ ...S.tiers[0], thresholdMinor: 5 }] }).success).toBe(false);
  });
});

describe("reversal and debt", () => {
  it("reverses proportionally and a full refund reverses everything", () => {
    expect(pointsToReverse({ earned: 100, reversed: 0, baseMinor: 10_000, refundedMinor: 2_500 })).toBe(25);
    expect(pointsToReverse({ earned: 100, reversed: 25, baseMinor: 10_000, refundedMinor: 10_000 })).toBe(75);
    expect(pointsToReverse({ earned: 7, reversed: 0, baseMinor: 3, refundedMinor: 99 })).toBe(7);
  });

  it("cumulative partial refunds never reverse more than was earned", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 10 }), (earned, base, refunds) => {
        let reversed = 0;
        let refunded = 0;
        for (const r of refunds) {
          refunded = Math.min(base, refunded + r);
          const n = pointsToReverse({ earned, reversed, baseMinor: base, refundedMinor: refunded });
          expect(n).toBeGreaterThanOrEqual(0);
          reversed += n;
        }
        expect(reversed).toBeLessThanOrEqual(earned);
        if (refunded >= base) expect(reversed).toBe(earned);
      }),
    );
  });

  it("takes the order's pending points first, then available, the rest is debt", () => {
    expect(splitReversal(50, 30, { available: 100, pending: 40, debt: 0 })).toEqual({ fromPending: 30, fromAvailable: 20, toDebt: 0 });
    expect(splitReversal(50, 0, { available: 10, pending: 40, debt: 0 })).toEqual({ fromPending: 0, fromAvailable: 10, toDebt: 40 });
  });

  it("a credit repays debt before anything becomes available", () => {
    expect(splitCredit(30, { available: 0, pending: 0, debt: 50 })).toEqual({ repay: 30, toAvailable: 0 });
    expect(splitCredit(80, { available: 0, pending: 0, debt: 50 })).toEqual({ repay: 50, toAvailable: 30 });
  });
});
