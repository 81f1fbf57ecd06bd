// Transactions → per-customer repeat-purchase summaries (x, t_x, T, monetary), the input of the
// RFM scores and both models. The rules (README "Analytics: models and accuracy"):
//  - purchases on the same calendar day (UTC) are one transaction whose value is their sum;
//  - the first purchase day defines the customer's start and is not a repeat;
//  - purchases after the as-of date are ignored; customers whose first purchase is after it are left out;
//  - x = repeat transactions, t_x = time from the first to the last purchase day (0 if x = 0),
//    T = time from the first purchase day to the as-of date, in periods (day = 1 day,
//    week = 7 days, month = 30.4375 days; fractional);
//  - m_x (Gamma-Gamma) = mean value of the repeat transactions.
// Which orders count: every status except CANCELLED and REFUNDED (a fully refunded order is not a
// purchase); value = totalMinor − refundedMinor in currency units (minor / 10^exponent).
// summarizeTransactions() is the reference implementation; loadSummaries() computes the same in
// SQL for speed (checked against each other in the integration test).
import type { Db } from "../../db/client.ts";

export type Period = "day" | "week" | "month";
export const PERIOD_DAYS: Record<Period, number> = { day: 1, week: 7, month: 30.4375 };

export interface CustomerSummary {
  customerId: string;
  /** Repeat transactions. */
  x: number;
  /** Time of the last repeat since the first purchase, in periods (0 if none). */
  tx: number;
  /** Time from the first purchase to the as-of date, in periods. */
  T: number;
  /** Days since the last purchase day (RFM recency). */
  recencyDays: number;
  /** Total value of all transactions up to as-of (RFM monetary), currency units. */
  total: number;
  /** Mean value of the repeat transactions (0 if x = 0). */
  mx: number;
  /** Day number (days since 1970-01-01 UTC) of the first purchase. */
  firstDay: number;
}

const DAY_MS = 86_400_000;

/** Parses YYYY-MM-DD as a UTC calendar day; returns its day number or null. */
export function parseAsOf(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const ms = Date.parse(`${s}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) return null;
  return Math.floor(ms / DAY_MS);
}

export const dayToIso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export interface Transaction {
  customerId: string;
  at: Date;
  /** Value in currency units. */
  value: number;
}

/** Reference implementation of the summary rules, over already-filtered transactions. */
export function summarizeTransactions(txs: Iterable<Transaction>, asOfDay: number, period: Period): CustomerSummary[] {
  const perCustomer = new Map<string, Map<number, number>>();
  for (const t of txs) {
    const day = Math.floor(t.at.getTime() / DAY_MS);
    if (day > asOfDay) continue;
    let days = perCustomer.get(t.customerId);
    if (!days) perCustomer.set(t.customerId, (days = new Map()));
    days.set(day, (days.get(day) ?? 0) + t.value);
  }
  const pd = PERIOD_DAYS[period];
  const out: CustomerSummary[] = [];
  for (const [customerId, days] of perCustomer) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    const x = sorted.length - 1;
    let total = 0;
    let repeat = 0;
    for (const d of sorted) {
      total += days.get(d)!;
      if (d !== first) repeat += days.get(d)!;
    }
    out.push({ customerId, x, tx: (last - first) / pd, T: (asOfDay - first) / pd, recencyDays: asOfDay - last, total, mx: x > 0 ? repeat / x : 0, firstDay: first });
  }
  return out.sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
}

// ISO 4217 exponents that are not 2.
const ZERO_DECIMAL = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];
const THREE_DECIMAL = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
export function currencyExponent(currency: string): number {
  if (ZERO_DECIMAL.includes(currency)) return 0;
  if (THREE_DECIMAL.includes(currency)) return 3;
  return 2;
}
const EXPONENT_SQL = `CASE WHEN currency IN (${ZERO_DECIMAL.map((c) => `'${c}'`).join(",")}) THEN 1.0 WHEN currency IN (${THREE_DECIMAL.map((c) => `'${c}'`).join(",")}) THEN 1000.0 ELSE 100.0 END`;

/** The SQL filter for orders that count as purchases (see the rules above). */
export const COUNTED_ORDER_SQL = `status NOT IN ('CANCELLED', 'REFUNDED')`;

/**
 * The same summaries computed in PostgreSQL (one pass over the orders: group by customer and UTC
 * day, then by customer). Returns column arrays; currencies lists the currencies seen.
 */
export async function loadSummaries(db: Pick<Db, "$queryRawUnsafe">, asOfDay: number, period: Period) {
  const asOfEnd = new Date((asOfDay + 1) * DAY_MS);
  const rows = await db.$queryRawUnsafe<
    { cid: string; x: number; tx_days: number; t_days: number; recency: number; total: number; repeat_total: number | null; first_day: number }[]
  >(
    `WITH o AS (
       SELECT "customerId" AS cid, ("placedAt")::date AS d,
              SUM(("totalMinor" - "refundedMinor")::float8 / ${EXPONENT_SQL}) AS v
       FROM "Order"
       WHERE ${COUNTED_ORDER_SQL} AND "placedAt" < $1
       GROUP BY 1, 2
     ), f AS (
       SELECT cid, MIN(d) AS first FROM o GROUP BY cid
     )
     SELECT o.cid,
            (COUNT(*) - 1)::int AS x,
            (MAX(o.d) - f.first)::int AS tx_days,
            ($2::date - f.first)::int AS t_days,
            ($2::date - MAX(o.d))::int AS recency,
            SUM(o.v)::float8 AS total,
            (SUM(o.v) FILTER (WHERE o.d > f.first))::float8 AS repeat_total,
            (f.first - DATE '1970-01-01')::int AS first_day
     FROM o JOIN f USING (cid)
     GROUP BY o.cid, f.first
     ORDER BY o.cid`,
    asOfEnd,
    dayToIso(asOfDay),
  );
  const currencies = (await db.$queryRawUnsafe<{ currency: string }[]>(
    `SELECT DISTINCT currency FROM "Order" WHERE ${COUNTED_ORDER_SQL} AND "placedAt" < $1`,
    asOfEnd,
  )).map((r) => r.currency.trim());
  const pd = PERIOD_DAYS[period];
  const summaries: CustomerSummary[] = rows.map((r) => {
    const x = Number(r.x);
    return {
      customerId: r.cid,
      x,
      tx: Number(r.tx_days) / pd,
      T: Number(r.t_days) / pd,
      recencyDays: Number(r.recency),
      total: Number(r.total),
      mx: x > 0 ? Number(r.repeat_total ?? 0) / x : 0,
      firstDay: Number(r.first_day),
    };
  });
  return { summaries, currencies };
}
