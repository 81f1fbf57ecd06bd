// Campaign results: delivery, engagement, and lift against the holdout (conversion rate by the
// two-proportion z-test, revenue per recipient by Welch's t-test; see ./lift.ts). Aggregates are
// computed in PostgreSQL (a handful of queries whatever the campaign size); the statistics in JS.
//
// Definitions (tested in test/integration/campaign-results.integration.test.ts):
// - Unit: one CampaignRecipient row (a customer in a one-off campaign; one trigger occurrence of an
//   automation).
// - Treated: holdout = false and status SENT or CREDITED (actually got the message or the points).
//   t0 = sentAt (enteredAt if a treated row has no sentAt, so that it is not silently dropped).
// - Holdout: holdout = true, whatever its status. t0 = enteredAt.
// - Converted: at least one order not CANCELLED with t0 < placedAt ≤ t0 + conversionDays.
// - Revenue: Σ (totalMinor − refundedMinor) / 100 of those orders, 0 for non-converters. Currencies
//   are summed without conversion (as the analytics scoring does); `currencies` lists those seen.
import { Prisma } from "../../db/generated/client.ts";
import type { Db } from "../../db/client.ts";
import { AppError } from "../errors.ts";
import { liftVerdict, summarizeSums, twoProportion, welch, type LiftVerdict, type SampleSummary, type TwoProportionResult, type WelchResult } from "./lift.ts";

const DAY_MS = 86_400_000;
/** Sends spread over less than this are charted per minute, otherwise per hour. */
const MINUTE_BUCKETS_BELOW_MS = 2 * 3_600_000;

export interface CampaignGroupResult {
  /** Recipients in the group. */
  n: number;
  /** Recipients with at least one order in their conversion window. */
  conversions: number;
  /** conversions / n; null when n = 0. */
  conversionRate: number | null;
  /** Revenue per recipient in currency units (non-converters count as 0). */
  revenue: SampleSummary & { total: number };
}

export interface DeliveryPoint {
  /** Start of the bucket (UTC). */
  at: Date;
  sent: number;
  opened: number;
  clicked: number;
}

export interface CampaignResults {
  campaignId: string;
  level: number;
  window: {
    conversionDays: number;
    /**
     * True when nothing is waiting to be sent (no PENDING/QUEUED rows) and every window has closed
     * (now > the latest t0 + conversionDays); until then the results are provisional.
     */
    complete: boolean;
    /** When the last open window closes (latest t0 + conversionDays); null without recipients. */
    endsAt: Date | null;
  };
  counts: {
    total: number;
    pending: number;
    queued: number;
    sent: number;
    credited: number;
    holdout: number;
    skipped: { total: number; byReason: Record<string, number> };
    cancelled: number;
    failed: number;
    /** Every status as stored, including any not listed above. */
    byStatus: Record<string, number>;
  };
  engagement: {
    /** Rows with sentAt set (not holdout). */
    delivered: number;
    /** Distinct recipients with openedAt / clickedAt / unsubscribedAt set. */
    opened: number;
    clicked: number;
    unsubscribed: number;
  };
  treated: CampaignGroupResult;
  holdout: CampaignGroupResult;
  /** Currencies of the orders counted as revenue (summed unconverted when more than one). */
  currencies: string[];
  conversion: { test: TwoProportionResult; verdict: LiftVerdict };
  revenuePerRecipient: { test: WelchResult; verdict: LiftVerdict };
  delivery: {
    bucket: "minute" | "hour";
    /** Non-empty buckets only, in time order: sends by sentAt, opens by openedAt, clicks by clickedAt. */
    points: DeliveryPoint[];
  };
}

interface CountsRow {
  status: string;
  skip_reason: string | null;
  n: bigint;
  delivered: bigint;
  opened: bigint;
  clicked: bigint;
  unsubscribed: bigint;
  first_sent: Date | null;
  last_sent: Date | null;
}

interface GroupRow {
  holdout: boolean;
  n: bigint;
  conversions: bigint;
  sum_minor: string;
  sum_sq_minor: string;
  last_t0: Date | null;
  /** The same for both rows: currencies of all counted orders. */
  currencies: string[] | null;
}

function group(row: GroupRow | undefined): CampaignGroupResult {
  const n = Number(row?.n ?? 0n);
  const sum = BigInt(row?.sum_minor ?? "0");
  const conversions = Number(row?.conversions ?? 0n);
  return {
    n,
    conversions,
    conversionRate: n > 0 ? conversions / n : null,
    revenue: { ...summarizeSums(n, sum, BigInt(row?.sum_sq_minor ?? "0"), 100), total: Number(sum) / 100 },
  };
}

/** Results of one campaign; NOT_FOUND when it does not exist. `now` is for tests. */
export async function campaignResults(db: Db, campaignId: string, opts: { level?: number; now?: Date } = {}): Promise<CampaignResults> {
  const level = opts.level ?? 0.95;
  const now = opts.now ?? new Date();
  const campaign = await db.campaign.findUnique({ where: { id: campaignId }, select: { id: true, conversionDays: true } });
  if (!campaign) throw new AppError("NOT_FOUND", "Campaign not found");
  const days = campaign.conversionDays;

  const [countRows, groupRows] = await Promise.all([
    db.$queryRaw<CountsRow[]>(Prisma.sql`
      SELECT "status", "skipReason" AS skip_reason, count(*) AS n,
             count(*) FILTER (WHERE "sentAt" IS NOT NULL AND NOT "holdout") AS delivered,
             count(*) FILTER (WHERE "openedAt" IS NOT NULL) AS opened,
             count(*) FILTER (WHERE "clickedAt" IS NOT NULL) AS clicked,
             count(*) FILTER (WHERE "unsubscribedAt" IS NOT NULL) AS unsubscribed,
             min("sentAt") AS first_sent, max("sentAt") AS last_sent
      FROM "CampaignRecipient" WHERE "campaignId" = ${campaignId}
      GROUP BY 1, 2`),
    // One pass over the group members; the orders in each window come from the
    // (customerId, placedAt) index. Sums are exact (bigint / numeric), returned as text.
    db.$queryRaw<GroupRow[]>(Prisma.sql`
      WITH r AS (
        SELECT "customerId", "holdout",
               CASE WHEN "holdout" THEN "enteredAt" ELSE COALESCE("sentAt", "enteredAt") END AS t0
        FROM "CampaignRecipient"
        WHERE "campaignId" = ${campaignId} AND ("holdout" OR "status" IN ('SENT', 'CREDITED'))
      ), per AS (
        SELECT r."holdout", r.t0, w.orders, w.revenue, w.currencies
        FROM r CROSS JOIN LATERAL (
          SELECT count(*) AS orders, COALESCE(sum(o."totalMinor" - o."refundedMinor"), 0)::bigint AS revenue,
                 array_agg(DISTINCT o."currency"::text) AS currencies
          FROM "Order" o
          WHERE o."customerId" = r."customerId" AND o."status" <> 'CANCELLED'
            AND o."placedAt" > r.t0 AND o."placedAt" <= r.t0 + make_interval(days => ${days}::int)
        ) w
      )
      SELECT "holdout", count(*) AS n, count(*) FILTER (WHERE orders > 0) AS conversions,
             sum(revenue)::text AS sum_minor, sum(revenue::numeric * revenue)::text AS sum_sq_minor,
             max(t0) AS last_t0,
             (SELECT array_agg(DISTINCT c ORDER BY c) FROM per p2, unnest(p2.currencies) AS c) AS currencies
      FROM per GROUP BY "holdout"`),
  ]);

  const byStatus: Record<string, number> = {};
  const byReason: Record<string, number> = {};
  const engagement = { delivered: 0, opened: 0, clicked: 0, unsubscribed: 0 };
  let firstSent: Date | null = null;
  let lastSent: Date | null = null;
  for (const r of countRows) {
    const n = Number(r.n);
    byStatus[r.status] = (byStatus[r.status] ?? 0) + n;
    if (r.status === "SKIPPED") byReason[r.skip_reason ?? "unknown"] = (byReason[r.skip_reason ?? "unknown"] ?? 0) + n;
    engagement.delivered += Number(r.delivered);
    engagement.opened += Number(r.opened);
    engagement.clicked += Number(r.clicked);
    engagement.unsubscribed += Number(r.unsubscribed);
    if (r.first_sent && (!firstSent || r.first_sent < firstSent)) firstSent = r.first_sent;
    if (r.last_sent && (!lastSent || r.last_sent > lastSent)) lastSent = r.last_sent;
  }
  const count = (s: string) => byStatus[s] ?? 0;

  const bucket = firstSent && lastSent && lastSent.getTime() - firstSent.getTime() >= MINUTE_BUCKETS_BELOW_MS ? "hour" : "minute";
  const series = await db.$queryRaw<{ at: Date; sent: bigint; opened: bigint; clicked: bigint }[]>(Prisma.sql`
    SELECT date_trunc(${bucket}::text, e.at) AS at,
           count(*) FILTER (WHERE e.k = 's') AS sent,
           count(*) FILTER (WHERE e.k = 'o') AS opened,
           count(*) FILTER (WHERE e.k = 'c') AS clicked
    FROM "CampaignRecipient" cr
    CROSS JOIN LATERAL (VALUES (cr."sentAt", 's'), (cr."openedAt", 'o'), (cr."clickedAt", 'c')) AS e(at, k)
    WHERE cr."campaignId" = ${campaignId} AND e.at IS NOT NULL
    GROUP BY 1 ORDER BY 1`);

  const treatedRow = groupRows.find((g) => !g.holdout);
  const holdoutRow = groupRows.find((g) => g.holdout);
  const treated = group(treatedRow);
  const holdout = group(holdoutRow);
  const lastT0 = [treatedRow?.last_t0, holdoutRow?.last_t0].reduce<Date | null>((m, d) => (d && (!m || d > m) ? d : m), null);
  const endsAt = lastT0 ? new Date(lastT0.getTime() + days * DAY_MS) : null;
  const waiting = count("PENDING") + count("QUEUED");

  const conversionTest = twoProportion(treated.conversions, treated.n, holdout.conversions, holdout.n, level);
  const revenueTest = welch(treated.revenue, holdout.revenue, level);
  return {
    campaignId,
    level,
    window: { conversionDays: days, complete: waiting === 0 && endsAt !== null && now.getTime() > endsAt.getTime(), endsAt },
    counts: {
      total: Object.values(byStatus).reduce((s, n) => s + n, 0),
      pending: count("PENDING"),
      queued: count("QUEUED"),
      sent: count("SENT"),
      credited: count("CREDITED"),
      holdout: count("HOLDOUT"),
      skipped: { total: count("SKIPPED"), byReason },
      cancelled: count("CANCELLED"),
      failed: count("FAILED"),
      byStatus,
    },
    engagement,
    treated,
    holdout,
    currencies: groupRows[0]?.currencies ?? [],
    conversion: { test: conversionTest, verdict: liftVerdict(conversionTest) },
    revenuePerRecipient: { test: revenueTest, verdict: liftVerdict(revenueTest) },
    delivery: { bucket, points: series.map((p) => ({ at: p.at, sent: Number(p.sent), opened: Number(p.opened), clicked: Number(p.clicked) })) },
  };
}
