// Pure loyalty rules (no database): points for an amount, tier from spend, how a reversal splits
// between pending, available and debt, how a credit repays debt. Unit-tested in
// test/unit/loyalty-rules.test.ts; the ledger applies them under a row lock.
import type { ProgramSettings, TierDef } from "./settings.ts";

/** Minor units per major unit of a currency (100 for USD/EUR/CNY, 1 for JPY…). */
export function minorPerMajor(currency: string): number {
  try {
    const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return 10 ** digits;
  } catch {
    return 100;
  }
}

export interface OrderAmounts {
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
}

/** The amount that earns points, per the settings' basis (never negative). */
export function qualifyingAmountMinor(order: OrderAmounts, s: Pick<ProgramSettings, "basis">): number {
  const amount = s.basis === "TOTAL" ? order.totalMinor : order.subtotalMinor - order.discountMinor;
  return Math.max(0, amount);
}

function roundBy(x: number, mode: ProgramSettings["rounding"]): number {
  // Guard against 12.000000001 style float noise before rounding.
  const y = Math.round(x * 1e6) / 1e6;
  return mode === "CEIL" ? Math.ceil(y) : mode === "ROUND" ? Math.round(y) : Math.floor(y);
}

/** Points an order earns: qualifying amount × rate × tier multiplier × campaign multiplier, rounded. */
export function pointsForOrder(order: OrderAmounts, s: Pick<ProgramSettings, "basis" | "earnRates" | "rounding">, multiplier = 1): number {
  const rate = s.earnRates[order.currency] ?? 0;
  const major = qualifyingAmountMinor(order, s) / minorPerMajor(order.currency);
  return Math.max(0, roundBy(major * rate * multiplier, s.rounding));
}

/** Spend in base-currency minor units (rounded down). Unknown currencies count 0. */
export function toBaseMinor(amountMinor: number, currency: string, s: Pick<ProgramSettings, "fxToBase" | "baseCurrency">): number {
  const fx = s.fxToBase[currency];
  if (fx === undefined) return 0;
  const baseScale = minorPerMajor(s.baseCurrency) / minorPerMajor(currency);
  return Math.floor(amountMinor * fx * baseScale);
}

/** The highest tier whose threshold the spend reaches (tiers sorted ascending). */
export function tierForSpend(spendBaseMinor: number, tiers: TierDef[]): TierDef {
  let found = tiers[0]!;
  for (const t of tiers) if (spendBaseMinor >= t.thresholdMinor) found = t;
  return found;
}

export function tierRank(code: string, tiers: TierDef[]): number {
  const i = tiers.findIndex((t) => t.code === code);
  return i < 0 ? 0 : i;
}

export function tierDef(code: string, tiers: TierDef[]): TierDef {
  return tiers.find((t) => t.code === code) ?? tiers[0]!;
}

/** Progress towards the next tier: the spend still needed, or null at the top. */
export function tierProgress(spendBaseMinor: number, currentCode: string, tiers: TierDef[]) {
  const rank = tierRank(currentCode, tiers);
  const next = tiers[rank + 1] ?? null;
  if (!next) return { next: null, remainingMinor: 0, percent: 100 };
  const from = tiers[rank]!.thresholdMinor;
  const span = next.thresholdMinor - from;
  const percent = Math.max(0, Math.min(100, Math.floor(((spendBaseMinor - from) / span) * 100)));
  return { next, remainingMinor: Math.max(0, next.thresholdMinor - spendBaseMinor), percent };
}

/**
 * Points to reverse after refunds totalling `refundedMinor` of an order whose points were computed
 * from `baseMinor` (proportional, rounded to the nearest point; a full refund reverses everything),
 * minus what earlier refunds already reversed.
 */
export function pointsToReverse(p: { earned: number; reversed: number; baseMinor: number; refundedMinor: number }): number {
  const refunded = Math.min(p.baseMinor, Math.max(0, p.refundedMinor));
  const target = p.baseMinor <= 0 || refunded >= p.baseMinor ? p.earned : Math.round((p.earned * refunded) / p.baseMinor);
  return Math.max(0, Math.min(p.earned, target) - p.reversed);
}

export interface Balances {
  available: number;
  pending: number;
  debt: number;
}

/**
 * How reversing `points` splits: first from the order's own pending points (capped by the
 * customer's pending balance), then from available, and what was already spent becomes debt.
 */
export function splitReversal(points: number, orderPending: number, b: Balances) {
  const fromPending = Math.min(points, Math.max(0, orderPending), b.pending);
  const rest = points - fromPending;
  const fromAvailable = Math.min(rest, b.available);
  return { fromPending, fromAvailable, toDebt: rest - fromAvailable };
}

/** A credit of `points` to available repays debt first; the rest becomes available. */
export function splitCredit(points: number, b: Balances) {
  const repay = Math.min(points, b.debt);
  return { repay, toAvailable: points - repay };
}

/** Adds calendar months in UTC (31 Jan + 1 month = 3 Mar, as Date does). */
export function addMonths(d: Date, months: number): Date {
  const out = new Date(d.getTime());
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

export const DAY_MS = 86_400_000;
