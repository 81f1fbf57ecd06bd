// Fixed-window rate limits kept in PostgreSQL, so they hold across processes and restarts.
import type { Tx } from "../../db/client.ts";
import { AppError } from "../errors.ts";

export interface Limit {
  key: string;
  max: number;
  windowMs: number;
}

/** Counts one hit; returns the count in the window and when it resets. */
export async function hit(tx: Tx, limit: Limit): Promise<{ count: number; resetAt: Date }> {
  const rows = await tx.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${limit.key}, now(), 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" < now() - make_interval(secs => ${limit.windowMs / 1000}) THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" < now() - make_interval(secs => ${limit.windowMs / 1000}) THEN now() ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  const row = rows[0]!;
  return { count: row.count, resetAt: new Date(row.windowStart.getTime() + limit.windowMs) };
}

/** Reads the current count without counting. */
export async function peek(tx: Tx, limit: Limit): Promise<{ count: number; resetAt: Date }> {
  const row = await tx.rateLimit.findUnique({ where: { key: limit.key } });
  if (!row || row.windowStart.getTime() + limit.windowMs < Date.now()) return { count: 0, resetAt: new Date() };
  return { count: row.count, resetAt: new Date(row.windowStart.getTime() + limit.windowMs) };
}

export async function reset(tx: Tx, key: string) {
  await tx.rateLimit.deleteMany({ where: { key } });
}

export function tooMany(resetAt: Date, what = "attempts"): AppError {
  const minutes = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 60000));
  return new AppError("TOO_MANY_REQUESTS", `Too many ${what}. Please wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`, { form: { key: "errors.rateLimited", params: { minutes } } });
}
