// Nightly scoring: RFM, BG/NBD + Gamma-Gamma fits and per-customer scores (CustomerScore) as of
// yesterday (UTC), plus one AnalyticsRun row for the "segment sizes over time" history.
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { runScoring } from "../domain/analytics/scoring.ts";
import { parseAsOf } from "../domain/analytics/summary.ts";

export const name = "analytics-scoring";
export const cron = "30 3 * * *";
export const payload = z
  .object({
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    period: z.enum(["day", "week", "month"]).default("week"),
  })
  .passthrough();

export async function run(db: Db, data: z.infer<typeof payload> = { period: "week" }) {
  const asOfDay = data.asOf ? parseAsOf(data.asOf) : Math.floor(Date.now() / 86_400_000) - 1;
  if (asOfDay === null) throw new Error(`analytics-scoring: invalid asOf ${data.asOf}`);
  const r = await runScoring(db, { asOfDay, period: data.period ?? "week", store: true });
  return {
    asOf: r.asOf,
    customers: r.customers,
    bgnbdConverged: r.bgnbd?.converged ?? false,
    gammaGammaConverged: r.gammaGamma?.converged ?? false,
    timings: r.timings,
  };
}
