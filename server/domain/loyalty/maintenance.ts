// Scheduled loyalty work (run by server/jobs/loyalty.job.ts): release pending points after the
// return window, FIFO expiry of available points (set-based, in batches of customers), reminder
// emails before expiry, the monthly tier evaluation (downgrades), birthday bonuses.
import type { Db } from "../../db/client.ts";
import { pointsExpiringAutomationOn } from "../campaigns/automations.ts";
import { rewardsUrl } from "./config.ts";
import { postEntry } from "./ledger.ts";
import { releaseOrderPoints } from "./order-events.ts";
import { DAY_MS } from "./rules.ts";
import { getSettings } from "./settings.ts";
import { applyTier, qualifyingSpend } from "./tiers.ts";

/** Releases every order whose return window has closed. */
export async function releaseDuePoints(db: Db, now = new Date(), limit = 1000): Promise<number> {
  const due = await db.loyaltyOrderPoints.findMany({ where: { releaseAt: { lte: now }, releasedAt: null }, select: { orderId: true, releaseAt: true }, orderBy: { releaseAt: "asc" }, take: limit });
  let n = 0;
  for (const row of due) {
    await db.$transaction(async (tx) => {
      await releaseOrderPoints(tx, row.orderId, row.releaseAt ?? now);
    });
    n++;
  }
  return n;
}

/**
 * Expires every lot whose time has come, FIFO by construction (lots are consumed soonest-expiring
 * first, so what remains in a due lot is the oldest unspent points). Set-based: per batch of
 * customers one transaction locks the customers (in id order, like every ledger write), zeroes the
 * lots, appends one EXPIRE entry per lot, moves the cached balances and records one touchpoint
 * per customer.
 */
export async function expireDueLots(db: Db, now = new Date(), opts: { batchCustomers?: number; customerIds?: string[] } = {}): Promise<{ lots: number; points: number }> {
  const batch = opts.batchCustomers ?? 2000;
  let lots = 0;
  let points = 0;
  for (;;) {
    const result = await db.$transaction(
      async (tx) => {
        const ids = opts.customerIds
          ? opts.customerIds
          : (
              await tx.$queryRaw<{ customerId: string }[]>`
                SELECT DISTINCT "customerId" FROM (
                  SELECT "customerId" FROM "LoyaltyLot" WHERE "expiresAt" <= ${now} AND "remaining" > 0 LIMIT ${batch * 20}
                ) d LIMIT ${batch}`
            ).map((r) => r.customerId);
        if (ids.length === 0) return { lots: 0, points: 0 };
        await tx.$queryRaw`SELECT "id" FROM "Customer" WHERE "id" = ANY(${ids}::text[]) ORDER BY "id" FOR UPDATE`;
        const rows = await tx.$queryRaw<{ lots: number; points: number }[]>`
          WITH due AS (
            SELECT "id", "customerId", "remaining" FROM "LoyaltyLot"
            WHERE "customerId" = ANY(${ids}::text[]) AND "expiresAt" <= ${now} AND "remaining" > 0
          ), zeroed AS (
            UPDATE "LoyaltyLot" t SET "remaining" = 0 FROM due WHERE t."id" = due."id"
            RETURNING due."id", due."customerId", due."remaining"
          ), entries AS (
            INSERT INTO "LoyaltyLedgerEntry" ("id", "customerId", "type", "availableDelta", "pendingDelta", "debtDelta", "reason", "sourceType", "sourceId", "idempotencyKey", "createdAt")
            SELECT gen_random_uuid()::text, z."customerId", 'EXPIRE'::"LedgerEntryType", -z."remaining", 0, 0, 'Points expired', 'lot', z."id", 'expire:lot:' || z."id", ${now}::timestamp
            FROM zeroed z
            RETURNING "customerId", "availableDelta"
          ), per AS (
            SELECT "customerId", SUM(-"availableDelta")::int AS "points", COUNT(*)::int AS "lots" FROM entries GROUP BY "customerId"
          ), moved AS (
            UPDATE "Customer" c SET "pointsAvailable" = c."pointsAvailable" - per."points", "updatedAt" = now()
            FROM per WHERE c."id" = per."customerId"
            RETURNING c."id", per."points", per."lots"
          ), tps AS (
            INSERT INTO "Touchpoint" ("customerId", "type", "channel", "occurredAt", "subjectType", "subjectId", "metadata")
            SELECT m."id", 'loyalty.expire', 'system', ${now}::timestamp, 'customer', m."id", jsonb_build_object('points', m."points", 'lots', m."lots")
            FROM moved m
            RETURNING 1
          )
          SELECT COALESCE(SUM("lots"), 0)::int AS "lots", COALESCE(SUM("points"), 0)::int AS "points" FROM moved`;
        return rows[0] ?? { lots: 0, points: 0 };
      },
      { timeout: 600_000, maxWait: 60_000 },
    );
    lots += result.lots;
    points += result.points;
    if (opts.customerIds || result.lots === 0) break;
  }
  return { lots, points };
}

/**
 * One reminder per customer for the points expiring within `reminderDays` that were not reminded
 * yet: an email through the outbox (set-based insert) and a touchpoint, lots marked reminded.
 */
export async function remindExpiringPoints(db: Db, now = new Date()): Promise<number> {
  // The marketers' "points expiring" automation sends this reminder instead when it is on.
  if (await pointsExpiringAutomationOn(db)) return 0;
  const s = await getSettings(db);
  const until = new Date(now.getTime() + s.reminderDays * DAY_MS);
  const url = rewardsUrl();
  return db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<{ n: number }[]>`
        WITH due AS (
          UPDATE "LoyaltyLot" SET "remindedAt" = ${now}::timestamp
          WHERE "expiresAt" > ${now}::timestamp AND "expiresAt" <= ${until}::timestamp AND "remaining" > 0 AND "remindedAt" IS NULL
          RETURNING "customerId", "remaining", "expiresAt"
        ), per AS (
          SELECT "customerId", SUM("remaining")::int AS "points", MIN("expiresAt") AS "expiresAt" FROM due GROUP BY "customerId"
        ), mail AS (
          INSERT INTO "MailOutbox" ("id", "to", "template", "locale", "props", "customerId")
          SELECT gen_random_uuid()::text, c."email", 'loyalty-expiry-reminder', c."locale",
                 jsonb_build_object('url', ${url}::text, 'name', c."name", 'points', per."points", 'expiresAt', to_char(per."expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                 c."id"
          FROM per JOIN "Customer" c ON c."id" = per."customerId"
          WHERE c."anonymizedAt" IS NULL
          RETURNING "customerId"
        ), tps AS (
          INSERT INTO "Touchpoint" ("customerId", "type", "channel", "occurredAt", "subjectType", "subjectId", "metadata")
          SELECT per."customerId", 'loyalty.expiry_reminder', 'email', ${now}::timestamp, 'customer', per."customerId", jsonb_build_object('points', per."points")
          FROM per JOIN mail ON mail."customerId" = per."customerId"
          RETURNING 1
        )
        SELECT COUNT(*)::int AS "n" FROM mail`;
      return rows[0]?.n ?? 0;
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

/** The monthly evaluation: every customer's tier from rolling 12-month spend (may downgrade). */
export async function evaluateTiers(db: Db, now = new Date()): Promise<{ changed: number; checked: number }> {
  const s = await getSettings(db);
  let cursor: string | undefined;
  let changed = 0;
  let checked = 0;
  for (;;) {
    const page = await db.customer.findMany({ where: { anonymizedAt: null, ...(cursor ? { id: { gt: cursor } } : {}) }, select: { id: true }, orderBy: { id: "asc" }, take: 500 });
    if (page.length === 0) break;
    for (const { id } of page) {
      checked++;
      const change = await db.$transaction(async (tx) => {
        const c = await tx.customer.findUniqueOrThrow({ where: { id } });
        const spend = await qualifyingSpend(tx, id, s, now);
        return applyTier(tx, c, spend, s, "full", "Monthly evaluation");
      });
      if (change) changed++;
    }
    cursor = page.at(-1)!.id;
  }
  return { changed, checked };
}

/** Birthday bonus for customers whose birthday is today (UTC), once a year. */
export async function grantBirthdayBonuses(db: Db, now = new Date()): Promise<number> {
  const s = await getSettings(db);
  if (s.birthdayBonus <= 0) return 0;
  const month = now.getUTCMonth() + 1;
  const day = now.getUTCDate();
  const due = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Customer"
    WHERE "birthday" IS NOT NULL AND "anonymizedAt" IS NULL
      AND EXTRACT(MONTH FROM "birthday") = ${month} AND EXTRACT(DAY FROM "birthday") = ${day}`;
  let n = 0;
  for (const { id } of due) {
    const r = await db.$transaction((tx) =>
      postEntry(tx, {
        customerId: id,
        type: "BIRTHDAY",
        points: s.birthdayBonus,
        how: { op: "credit" },
        reason: "Happy birthday!",
        idempotencyKey: `birthday:${id}:${now.getUTCFullYear()}`,
        occurredAt: now,
      }),
    );
    if (!r.duplicate) n++;
  }
  return n;
}
