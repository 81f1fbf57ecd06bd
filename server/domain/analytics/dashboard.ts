// Read models for the analytics dashboards (/marketing/analytics) and the staff 360° page:
// RFM grid, segment sizes over time, P(alive) distribution, CLV by tier, CSAT and NPS trends,
// cohort retention by first-order month, and one customer's scores / segments / campaigns.
import { segmentSql } from "../campaigns/segment-rules.ts";
import { storedRules } from "../campaigns/segments.ts";
import type { Db } from "../../db/client.ts";
import { LIFECYCLE_STAGES } from "./lifecycle.ts";
import { RFM_SEGMENTS } from "./rfm.ts";
import { COUNTED_ORDER_SQL } from "./summary.ts";

const n = (v: unknown) => Number(v ?? 0);

export async function dashboard(db: Db, opts: { months?: number } = {}) {
  const months = Math.min(Math.max(opts.months ?? 12, 3), 24);
  const since = new Date();
  since.setUTCDate(1);
  since.setUTCHours(0, 0, 0, 0);
  since.setUTCMonth(since.getUTCMonth() - (months - 1));

  // Cohorts end at the month of the latest order (imported history may be years old).
  const [lastOrder] = await db.$queryRawUnsafe<{ last: Date | null }[]>(`SELECT max("placedAt") AS last FROM "Order" WHERE ${COUNTED_ORDER_SQL}`);
  const cohortSince = new Date(lastOrder?.last ?? Date.now());
  cohortSince.setUTCDate(1);
  cohortSince.setUTCHours(0, 0, 0, 0);
  cohortSince.setUTCMonth(cohortSince.getUTCMonth() - (months - 1));

  const [latestRun, runs, grid, alive, clvByTier, csat, nps, cohorts, lifecycle] = await Promise.all([
    db.analyticsRun.findFirst({ orderBy: { createdAt: "desc" } }),
    db.analyticsRun.findMany({ orderBy: { createdAt: "desc" }, take: 200, select: { asOf: true, rfmSegments: true, createdAt: true } }),
    db.$queryRawUnsafe<{ r: number; fm: number; n: bigint }[]>(
      `SELECT "rScore" AS r, (("fScore" + "mScore" + 1) / 2) AS fm, count(*) AS n FROM "CustomerScore" GROUP BY 1, 2`,
    ),
    db.$queryRawUnsafe<{ bucket: number; n: bigint }[]>(
      `SELECT LEAST(width_bucket("pAlive", 0, 1, 10), 10) AS bucket, count(*) AS n FROM "CustomerScore" GROUP BY 1 ORDER BY 1`,
    ),
    db.$queryRawUnsafe<{ tier: string; n: bigint; avg: number; sum: number; alive: number }[]>(
      `SELECT c.tier, count(*) AS n, avg(s."predictedClv12m")::float8 AS avg, sum(s."predictedClv12m")::float8 AS sum, avg(s."pAlive")::float8 AS alive
       FROM "CustomerScore" s JOIN "Customer" c ON c.id = s."customerId" GROUP BY c.tier ORDER BY avg DESC`,
    ),
    db.$queryRawUnsafe<{ month: Date; n: bigint; avg: number; sat: bigint }[]>(
      `SELECT date_trunc('month', "csatRatedAt") AS month, count(*) AS n, avg("csatScore")::float8 AS avg,
              count(*) FILTER (WHERE "csatScore" >= 4) AS sat
       FROM "Ticket" WHERE "csatScore" IS NOT NULL AND "csatRatedAt" >= $1 GROUP BY 1 ORDER BY 1`,
      since,
    ),
    db.$queryRawUnsafe<{ month: Date; n: bigint; promoters: bigint; detractors: bigint }[]>(
      `SELECT date_trunc('month', "respondedAt") AS month, count(*) AS n,
              count(*) FILTER (WHERE score >= 9) AS promoters, count(*) FILTER (WHERE score <= 6) AS detractors
       FROM "NpsResponse" WHERE score IS NOT NULL AND "respondedAt" >= $1 GROUP BY 1 ORDER BY 1`,
      since,
    ),
    db.$queryRawUnsafe<{ cohort: Date; k: number; n: bigint }[]>(
      `WITH o AS (
         SELECT "customerId" AS c, date_trunc('month', "placedAt") AS m FROM "Order" WHERE ${COUNTED_ORDER_SQL} GROUP BY 1, 2
       ), f AS (
         SELECT c, MIN(m) AS first FROM o GROUP BY c
       )
       SELECT f.first AS cohort,
              ((EXTRACT(YEAR FROM o.m) - EXTRACT(YEAR FROM f.first)) * 12 + EXTRACT(MONTH FROM o.m) - EXTRACT(MONTH FROM f.first))::int AS k,
              count(*) AS n
       FROM o JOIN f USING (c) WHERE f.first >= $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      cohortSince,
    ),
    db.customerScore.groupBy({ by: ["lifecycleStage"], _count: true }),
  ]);

  const gridCounts = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  for (const g of grid) gridCounts[n(g.r) - 1]![n(g.fm) - 1] = n(g.n);

  const aliveBuckets = new Array<number>(10).fill(0);
  for (const a of alive) if (a.bucket !== null) aliveBuckets[Math.max(1, n(a.bucket)) - 1]! += n(a.n);

  // One point per as-of date (the latest run of that date), oldest first.
  const byDate = new Map<string, Record<string, number>>();
  for (const r of runs) {
    const d = r.asOf.toISOString().slice(0, 10);
    if (!byDate.has(d)) byDate.set(d, r.rfmSegments as Record<string, number>);
  }
  const segmentHistory = [...byDate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .slice(-24)
    .map(([asOf, seg]) => ({ asOf, segments: Object.fromEntries(RFM_SEGMENTS.map((s) => [s, n(seg[s])])) as Record<string, number> }));

  const cohortMap = new Map<string, { size: number; active: number[] }>();
  for (const c of cohorts) {
    const key = c.cohort.toISOString().slice(0, 7);
    let e = cohortMap.get(key);
    if (!e) cohortMap.set(key, (e = { size: 0, active: [] }));
    const k = n(c.k);
    if (k === 0) e.size = n(c.n);
    e.active[k] = n(c.n);
  }

  return {
    latestRun: latestRun
      ? {
          asOf: latestRun.asOf.toISOString().slice(0, 10),
          period: latestRun.period,
          customers: latestRun.customers,
          repeatCustomers: latestRun.repeatCustomers,
          bgnbd: latestRun.bgnbd as Record<string, number | boolean | null>,
          gammaGamma: latestRun.gammaGamma as Record<string, number | boolean | null>,
          rfmSegments: latestRun.rfmSegments as Record<string, number>,
          durationMs: latestRun.durationMs,
          createdAt: latestRun.createdAt,
        }
      : null,
    rfmGrid: gridCounts,
    segmentHistory,
    pAliveBuckets: aliveBuckets,
    lifecycle: Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, lifecycle.find((l) => l.lifecycleStage === s)?._count ?? 0])) as Record<string, number>,
    clvByTier: clvByTier.map((r) => ({ tier: r.tier, customers: n(r.n), avgClv: n(r.avg), totalClv: n(r.sum), avgPAlive: n(r.alive) })),
    csatTrend: csat.map((r) => ({ month: r.month.toISOString().slice(0, 7), responses: n(r.n), average: n(r.avg), satisfiedPct: n(r.n) ? (100 * n(r.sat)) / n(r.n) : 0 })),
    npsTrend: nps.map((r) => ({ month: r.month.toISOString().slice(0, 7), responses: n(r.n), nps: n(r.n) ? (100 * (n(r.promoters) - n(r.detractors))) / n(r.n) : 0 })),
    cohorts: [...cohortMap.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([month, e]) => ({ month, size: e.size, retentionPct: Array.from({ length: e.active.length }, (_, k) => (e.size ? (100 * (e.active[k] ?? 0)) / e.size : 0)) })),
  };
}

/** The saved segments the customer is in now: each segment's own rules (the SQL a send uses). */
async function segmentsOf(db: Db, customerId: string) {
  const saved = await db.segment.findMany({ orderBy: { name: "asc" }, take: 100, select: { id: true, name: true, rules: true } });
  const now = new Date();
  const out: { id: string; name: string; addedAt: Date }[] = [];
  for (const s of saved) {
    const rules = storedRules(s.rules);
    if (!rules) continue;
    const hit = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (${segmentSql(rules, now)}) x WHERE x."customerId" = ${customerId}`;
    if (hit[0]?.n) out.push({ id: s.id, name: s.name, addedAt: now });
  }
  return out;
}

/** Scores, segments, campaigns, CSAT and NPS of one customer for the 360° page. */
export async function customerInsights(db: Db, customerId: string) {
  const [score, segments, campaigns, csat, csatRecent, nps] = await Promise.all([
    db.customerScore.findUnique({ where: { customerId } }),
    segmentsOf(db, customerId),
    db.campaignRecipient.findMany({
      where: { customerId },
      orderBy: { enteredAt: "desc" },
      take: 20,
      select: { id: true, holdout: true, status: true, sentAt: true, openedAt: true, clickedAt: true, campaign: { select: { id: true, name: true, kind: true } } },
    }),
    db.ticket.aggregate({ where: { customerId, csatScore: { not: null } }, _avg: { csatScore: true }, _count: { csatScore: true } }),
    db.ticket.findMany({ where: { customerId, csatScore: { not: null } }, orderBy: { csatRatedAt: "desc" }, take: 5, select: { number: true, csatScore: true, csatComment: true, csatRatedAt: true } }),
    db.npsResponse.findMany({ where: { customerId }, orderBy: { sentAt: "desc" }, take: 5, select: { id: true, score: true, comment: true, sentAt: true, respondedAt: true } }),
  ]);
  return {
    score: score
      ? {
          asOf: score.asOf.toISOString().slice(0, 10),
          recency: score.recency,
          frequency: score.frequency,
          monetary: score.monetary,
          rScore: score.rScore,
          fScore: score.fScore,
          mScore: score.mScore,
          rfmSegment: score.rfmSegment,
          pAlive: score.pAlive,
          expectedPurchases90d: score.expectedPurchases90d,
          predictedClv12m: score.predictedClv12m,
          lifecycleStage: score.lifecycleStage,
        }
      : null,
    segments,
    campaigns: campaigns.map((c) => ({ id: c.id, campaignId: c.campaign.id, name: c.campaign.name, kind: c.campaign.kind, holdout: c.holdout, status: c.status, sentAt: c.sentAt, openedAt: c.openedAt, clickedAt: c.clickedAt })),
    csat: { count: csat._count.csatScore, average: csat._avg.csatScore, recent: csatRecent },
    nps,
  };
}
