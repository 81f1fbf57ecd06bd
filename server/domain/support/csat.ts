// Customer satisfaction: one rating (1–5, optional comment) per solved ticket, asked once by email
// and in the portal; reported by agent and by ISO week.
import type { Db } from "../../db/client.ts";
import { AppError } from "../errors.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";

export async function rateTicket(db: Db, input: { number: number; customerId: string; actorUserId: string; score: number; comment?: string | null }) {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) throw new AppError("BAD_REQUEST", "Please choose a rating from 1 to 5.", { score: "support.errScore" });
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > 2000) throw new AppError("BAD_REQUEST", "The comment can be at most 2000 characters.", { comment: "support.errCommentLong" });
  return db.$transaction(async (tx) => {
    const t = await tx.ticket.findFirst({ where: { number: input.number, customerId: input.customerId } });
    if (!t) throw new AppError("NOT_FOUND", "No such ticket.");
    if (t.status !== "SOLVED" && t.status !== "CLOSED") throw new AppError("PRECONDITION_FAILED", "You can rate a request once it is solved.", { score: "support.errRateNotSolved" });
    // Only once: the conditional update wins exactly one race.
    const done = await tx.ticket.updateMany({ where: { id: t.id, csatScore: null }, data: { csatScore: input.score, csatComment: comment, csatRatedAt: new Date() } });
    if (!done.count) throw new AppError("CONFLICT", "You have already rated this request.", { score: "support.errAlreadyRated" });
    await recordTouchpoint(tx, { customerId: t.customerId, type: "ticket.rated", channel: "web", actorUserId: input.actorUserId, subjectType: "ticket", subjectId: t.id, metadata: { number: t.number, score: input.score } });
    return { score: input.score };
  });
}

export interface CsatRow {
  key: string;
  label: string;
  ratings: number;
  average: number;
  satisfied: number;
}

/** CSAT by agent and by ISO week over the last `weeks` weeks (satisfied = score 4 or 5). */
export async function csatReport(db: Db, weeks = 12) {
  const since = new Date(Date.now() - weeks * 7 * 86400_000);
  const byAgent = await db.$queryRaw<{ id: string | null; name: string | null; email: string | null; n: bigint; avg: number; sat: bigint }[]>`
    SELECT u."id", u."name", u."email", count(*) AS n, avg(t."csatScore")::float8 AS avg, count(*) FILTER (WHERE t."csatScore" >= 4) AS sat
    FROM "Ticket" t LEFT JOIN "User" u ON u."id" = t."assigneeId"
    WHERE t."csatRatedAt" >= ${since}
    GROUP BY u."id", u."name", u."email" ORDER BY n DESC`;
  const byWeek = await db.$queryRaw<{ week: Date; n: bigint; avg: number; sat: bigint }[]>`
    SELECT date_trunc('week', t."csatRatedAt") AS week, count(*) AS n, avg(t."csatScore")::float8 AS avg, count(*) FILTER (WHERE t."csatScore" >= 4) AS sat
    FROM "Ticket" t WHERE t."csatRatedAt" >= ${since}
    GROUP BY 1 ORDER BY 1 DESC`;
  const row = (key: string, label: string, n: bigint, avg: number, sat: bigint): CsatRow => ({ key, label, ratings: Number(n), average: Math.round(avg * 100) / 100, satisfied: Number(n) ? Math.round((Number(sat) / Number(n)) * 100) : 0 });
  return {
    weeks,
    byAgent: byAgent.map((r) => row(r.id ?? "none", r.name || r.email || "", r.n, r.avg, r.sat)),
    byWeek: byWeek.map((r) => row(r.week.toISOString().slice(0, 10), r.week.toISOString().slice(0, 10), r.n, r.avg, r.sat)),
  };
}

/** SLA breaches and deflection over the same window, for the support report. */
export async function supportCounts(db: Db, weeks = 12) {
  const since = new Date(Date.now() - weeks * 7 * 86400_000);
  const now = new Date();
  const [created, breachedEver, breachedNow, deflection] = await Promise.all([
    db.ticket.count({ where: { createdAt: { gte: since } } }),
    db.ticket.count({ where: { createdAt: { gte: since }, slaBreachedAt: { not: null } } }),
    db.ticket.count({ where: { status: { in: ["NEW", "OPEN"] }, slaDueAt: { lt: now } } }),
    // A suggestion opened from the ticket form counts as deflected when that customer sent no
    // ticket in the 24 hours after opening it (only suggestions older than 24 h are decided).
    db.$queryRaw<{ opened: bigint; deflected: bigint }[]>`
      SELECT count(*) AS opened,
             count(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM "Ticket" t WHERE t."customerId" = s."customerId" AND t."createdAt" >= s."occurredAt" AND t."createdAt" < s."occurredAt" + interval '24 hours')) AS deflected
      FROM "Touchpoint" s
      WHERE s."type" = 'help.suggestion_opened' AND s."occurredAt" >= ${since} AND s."occurredAt" < now() - interval '24 hours' AND s."customerId" IS NOT NULL`,
  ]);
  return { created, breachedEver, breachedNow, suggestionsOpened: Number(deflection[0]?.opened ?? 0), deflected: Number(deflection[0]?.deflected ?? 0) };
}
