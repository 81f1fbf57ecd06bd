// Staff reports for the help center: most read, least helpful, searches that found nothing
// (content gaps) and the deflection rate of the suggestions shown on the ticket form.
import type { Tx } from "../../db/client.ts";
import { fromDbLocale } from "../locale.ts";

export const DEFLECTION_WINDOW_HOURS = 24;

export async function helpReports(db: Tx, opts: { days: number }) {
  const since = new Date(Date.now() - opts.days * 86_400_000);
  const [top, leastHelpful, gaps, deflection, searches] = await Promise.all([
    db.$queryRaw<{ id: string; slug: string; title: string; locale: string; viewCount: number; helpful: bigint; notHelpful: bigint; published: boolean }[]>`
      SELECT a.id, a.slug, a.title, a.locale::text AS locale, a."viewCount",
             count(v.id) FILTER (WHERE v.helpful) AS helpful, count(v.id) FILTER (WHERE NOT v.helpful) AS "notHelpful",
             (a."publishedAt" IS NOT NULL) AS published
      FROM "HelpArticle" a LEFT JOIN "HelpVote" v ON v."articleId" = a.id
      GROUP BY a.id ORDER BY a."viewCount" DESC, a.id LIMIT 10`,
    db.$queryRaw<{ id: string; slug: string; title: string; locale: string; helpful: bigint; notHelpful: bigint }[]>`
      SELECT a.id, a.slug, a.title, a.locale::text AS locale,
             count(*) FILTER (WHERE v.helpful) AS helpful, count(*) FILTER (WHERE NOT v.helpful) AS "notHelpful"
      FROM "HelpVote" v JOIN "HelpArticle" a ON a.id = v."articleId"
      GROUP BY a.id
      HAVING count(*) FILTER (WHERE NOT v.helpful) > 0
      ORDER BY (count(*) FILTER (WHERE v.helpful))::float / count(*) ASC, count(*) FILTER (WHERE NOT v.helpful) DESC, a.id
      LIMIT 10`,
    db.$queryRaw<{ query: string; locale: string; searches: bigint; lastAt: Date }[]>`
      SELECT lower(btrim(query)) AS query, locale::text AS locale, count(*) AS searches, max("createdAt") AS "lastAt"
      FROM "HelpSearchLog"
      WHERE "resultCount" = 0 AND "createdAt" >= ${since}
      GROUP BY 1, 2 ORDER BY searches DESC, "lastAt" DESC LIMIT 20`,
    // Opens of a suggested article from the ticket form whose 24-hour window has closed, as recorded
    // by the article page (metadata.from). Guests cannot file tickets, so the rate counts opens by
    // a known customer; guest opens are listed separately.
    db.$queryRaw<{ customerOpens: bigint; deflected: bigint; guestOpens: bigint }[]>`
      SELECT count(*) FILTER (WHERE t."customerId" IS NOT NULL) AS "customerOpens",
             count(*) FILTER (WHERE t."customerId" IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM "Ticket" k WHERE k."customerId" = t."customerId"
                 AND k."createdAt" >= t."occurredAt" AND k."createdAt" < t."occurredAt" + make_interval(hours => ${DEFLECTION_WINDOW_HOURS}))) AS deflected,
             count(*) FILTER (WHERE t."customerId" IS NULL) AS "guestOpens"
      FROM "Touchpoint" t
      WHERE t.type = 'help.suggestion_opened' AND t.metadata->>'from' = 'ticket-form' AND t."occurredAt" >= ${since}
        AND t."occurredAt" < now() - make_interval(hours => ${DEFLECTION_WINDOW_HOURS})`,
    db.$queryRaw<{ total: bigint; empty: bigint }[]>`
      SELECT count(*) AS total, count(*) FILTER (WHERE "resultCount" = 0) AS empty FROM "HelpSearchLog" WHERE "createdAt" >= ${since}`,
  ]);
  const d = deflection[0]!;
  const customerOpens = Number(d.customerOpens);
  const deflected = Number(d.deflected);
  return {
    days: opts.days,
    top: top.map((r) => ({ ...r, locale: fromDbLocale(r.locale as "en"), helpful: Number(r.helpful), notHelpful: Number(r.notHelpful) })),
    leastHelpful: leastHelpful.map((r) => ({ ...r, locale: fromDbLocale(r.locale as "en"), helpful: Number(r.helpful), notHelpful: Number(r.notHelpful) })),
    contentGaps: gaps.map((r) => ({ query: r.query, locale: fromDbLocale(r.locale as "en"), searches: Number(r.searches), lastAt: r.lastAt })),
    searches: { total: Number(searches[0]!.total), empty: Number(searches[0]!.empty) },
    deflection: { customerOpens, deflected, guestOpens: Number(d.guestOpens), rate: customerOpens ? deflected / customerOpens : null, windowHours: DEFLECTION_WINDOW_HOURS },
  };
}
