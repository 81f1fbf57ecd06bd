// Deflection: while a customer types a ticket subject, matching published help articles in their
// language are suggested. Opening one is recorded as a "help.suggestion_opened" touchpoint; a
// suggestion opened with no ticket sent within 24 h counts as deflected (see csat.ts supportCounts).
import type { Db } from "../../db/client.ts";
import { toDbLocale, type Locale } from "../locale.ts";

/** Where the help center shows an article; `from=ticket-form` marks the visit as a suggestion. */
export function articleHref(slug: string) {
  return `/help/${encodeURIComponent(slug)}?from=ticket-form`;
}

const STOP = new Set(["the", "a", "an", "my", "i", "to", "of", "and", "or", "is", "in", "on", "for", "with", "how", "do", "can", "not", "it", "me"]);

export async function suggestArticles(db: Db, q: string, locale: Locale, take = 5) {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 || /\p{Script=Han}/u.test(w))
    .filter((w) => !STOP.has(w))
    .slice(0, 6);
  if (!words.length) return [];
  const rows = await db.helpArticle.findMany({
    where: { locale: toDbLocale(locale), publishedAt: { not: null, lte: new Date() }, OR: words.flatMap((w) => [{ title: { contains: w, mode: "insensitive" as const } }, { summary: { contains: w, mode: "insensitive" as const } }]) },
    select: { slug: true, title: true, summary: true },
    take: 50,
  });
  const score = (r: { title: string; summary: string }) => words.reduce((s, w) => s + (r.title.toLowerCase().includes(w) ? 2 : 0) + (r.summary.toLowerCase().includes(w) ? 1 : 0), 0);
  return rows
    .map((r) => ({ ...r, score: score(r) }))
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title))
    .slice(0, take)
    .map((r) => ({ slug: r.slug, title: r.title, summary: r.summary, href: articleHref(r.slug) }));
}
