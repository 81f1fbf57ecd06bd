// Hourly loyalty housekeeping (at :10): release pending points whose return window closed,
// expire unused reward codes (points back), FIFO expiry of points, reminders before expiry,
// birthday bonuses, Stripe coupons for codes still waiting for them (retries); on the 1st of each
// month (04:10 UTC run) the tier evaluation (downgrades, with email). Each step is idempotent, so a rerun is harmless.
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { evaluateTiers, expireDueLots, grantBirthdayBonuses, releaseDuePoints, remindExpiringPoints } from "../domain/loyalty/maintenance.ts";
import { expireUnusedCodes } from "../domain/loyalty/rewards.ts";
import { syncStripeCodes } from "../domain/loyalty/stripe-sync.ts";

export const name = "loyalty";
export const cron = "10 * * * *";
export const payload = z
  .object({
    /** Force the monthly tier evaluation (otherwise it runs on the 1st). */
    evaluateTiers: z.boolean().optional(),
  })
  .passthrough();

export async function run(db: Db, data: z.infer<typeof payload> = {}) {
  const now = new Date();
  const released = await releaseDuePoints(db, now);
  const codesExpired = await expireUnusedCodes(db, now);
  const expired = await expireDueLots(db, now);
  const reminded = await remindExpiringPoints(db, now);
  const birthdays = await grantBirthdayBonuses(db, now);
  const stripe = await syncStripeCodes(db);
  const tiers = data.evaluateTiers || (now.getUTCDate() === 1 && now.getUTCHours() === 4) ? await evaluateTiers(db, now) : null;
  return { released, codesExpired, expiredLots: expired.lots, expiredPoints: expired.points, reminded, birthdays, stripe, tiers };
}
