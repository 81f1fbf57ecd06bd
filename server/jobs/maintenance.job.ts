// Hourly housekeeping: expired sessions, old used/expired auth tokens, stale rate-limit windows.
import { z } from "zod";
import type { Db } from "../db/client.ts";

export const name = "maintenance";
export const cron = "17 * * * *";
export const payload = z.object({}).passthrough();

export async function run(db: Db) {
  const now = new Date();
  const weekAgo = new Date(now.getTime() - 7 * 86400_000);
  const [sessions, tokens, limits] = await Promise.all([
    db.session.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.authToken.deleteMany({ where: { OR: [{ expiresAt: { lt: weekAgo } }, { usedAt: { lt: weekAgo } }] } }),
    db.rateLimit.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 24 * 3600_000) } } }),
  ]);
  return { sessions: sessions.count, tokens: tokens.count, rateLimits: limits.count };
}
