// Help search on PostgreSQL full-text search (see README "Decisions" and the help_center
// migration): one trigger-maintained tsvector per article in help_search.doc — English stemmed
// with weights title > summary > body, Chinese as overlapping CJK bigrams — ranked by ts_rank_cd.
// When the words find nothing, English words are corrected to the nearest known word of the help
// center (pg_trgm similarity on help_search.word), then any-word (OR) matching is tried.
import { Prisma } from "../../db/generated/client.ts";
import { db as sharedDb, pgPool, type Tx } from "../../db/client.ts";
import { toDbLocale, type Locale } from "../locale.ts";
import { analyse, hasCjk, highlightSnippet, isEmpty, MARK_END, MARK_START, partsFromMarked, tsqueryText, type QueryTerms, type SnippetPart } from "./query.ts";

export interface SearchHit {
  id: string;
  slug: string;
  title: string;
  summary: string;
  locale: Locale;
  categoryId: string;
  snippet: SnippetPart[];
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  /** The locale searched (a Chinese query searches Chinese articles). */
  locale: Locale;
  /** Set when typo correction rewrote the query. */
  correctedQuery: string | null;
  /** How the hits were found. */
  strategy: "all-words" | "corrected" | "any-word" | "none";
}

export interface SearchOptions {
  q: string;
  locale: Locale;
  limit?: number;
  offset?: number;
  /** Treat the last word as a prefix (search as you type). */
  prefix?: boolean;
  snippets?: boolean;
}

interface Row {
  id: string;
  slug: string;
  title: string;
  summary: string;
  categoryId: string;
  headline: string | null;
  plain: string | null;
  total: bigint | number | string;
}

/**
 * Runs one read statement. On the shared client it goes straight to the pg pool: Prisma's raw-query
 * path costs 1.0–1.4 ms of CPU a call against 0.26–0.33 ms for the pg driver (process.cpuUsage over
 * 300 calls of a page-sized select, 2026-12-04), and a search makes up to four calls. Inside a
 * caller's transaction it runs on that transaction.
 * Search is read-only, so outside a transaction both see the same committed data.
 */
async function readRows<T>(db: Tx, s: Prisma.Sql): Promise<T[]> {
  if (db === sharedDb()) return (await pgPool().query({ text: s.text, values: s.values as unknown[] })).rows as T[];
  return db.$queryRaw<T[]>(s);
}

function tsquerySql(text: string, zh: boolean) {
  return zh ? Prisma.sql`${text}::tsquery` : Prisma.sql`to_tsquery('english', ${text})`;
}

/**
 * One search pass in one statement, built so that the expensive parts run only where they are
 * needed (issue #14; README "Decisions" 11):
 * 1. `hit`: help_search.hits (migration 20261204210000; hits_any for the any-word fallback,
 *    ranked by ts_rank): the matching published documents of the locale through the GIN index,
 *    with their rank — read from help_search.doc alone (it
 *    carries the article's locale and publishedAt), no article text;
 * 2. `cut`: the rank of the last row of the requested page; only matches ranked at least that high
 *    can be on the page, so only those are joined to their articles for the tie-break on
 *    viewCount (the order is the same as sorting every match by rank, views, id);
 * 3. the page's article columns, and ts_headline for the page's rows only.
 * The article's own locale and publishedAt are checked again on the page rows, so a draft can
 * never be shown even if its search document were stale.
 */
async function run(db: Tx, tsq: string, zh: boolean, locale: Locale, o: Required<Pick<SearchOptions, "limit" | "offset" | "snippets">>, mode: "and" | "or" = "and"): Promise<{ rows: Row[]; total: number }> {
  const query = tsquerySql(tsq, zh);
  // All-words passes rank by cover density (words close together first); the any-word fallback
  // by ts_rank, which needs no cover computation (migration 20261205000000).
  const hits = mode === "or" ? Prisma.sql`help_search.hits_any` : Prisma.sql`help_search.hits`;
  const dbLocale = toDbLocale(locale);
  const headline = o.snippets && !zh
    ? Prisma.sql`ts_headline('english', d.plain, ${query}, ${`StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`})`
    : Prisma.sql`NULL::text`;
  const plain = o.snippets && zh ? Prisma.sql`d.plain` : Prisma.sql`NULL::text`;
  const rows = await readRows<Row>(db, Prisma.sql`
    WITH hit AS MATERIALIZED (SELECT id, rank FROM ${hits}(${query}, ${dbLocale}::"Locale")),
    cut AS (SELECT rank FROM hit ORDER BY rank DESC LIMIT 1 OFFSET ${o.limit + o.offset - 1}),
    page AS (
      SELECT h.id, h.rank, a."viewCount"
      FROM hit h JOIN "HelpArticle" a ON a.id = h.id
      WHERE h.rank >= coalesce((SELECT rank FROM cut), '-Infinity'::real)
        AND a.locale = ${dbLocale}::"Locale" AND a."publishedAt" IS NOT NULL AND a."publishedAt" <= now()
      ORDER BY h.rank DESC, a."viewCount" DESC, h.id
      LIMIT ${o.limit} OFFSET ${o.offset}
    )
    SELECT a.id, a.slug, a.title, a.summary, a."categoryId", ${headline} AS headline, ${plain} AS plain, (SELECT count(*) FROM hit) AS total
    FROM page p
    JOIN "HelpArticle" a ON a.id = p.id
    JOIN help_search.doc d ON d."articleId" = p.id
    ORDER BY p.rank DESC, p."viewCount" DESC, p.id`);
  return { rows, total: rows.length ? Number(rows[0]!.total) : o.offset > 0 ? await countOnly(db, query, locale) : 0 };
}

async function countOnly(db: Tx, tsq: Prisma.Sql, locale: Locale) {
  const [r] = await readRows<{ n: bigint | string }>(db, Prisma.sql`
    SELECT count(*) AS n FROM help_search.doc d
    WHERE d.tsv @@ ${tsq} AND d.locale = ${toDbLocale(locale)}::"Locale" AND d.published_at <= now()`);
  return Number(r?.n ?? 0);
}

/** Replaces English words the help center never uses by the most similar word it does use. */
export async function correctWords(db: Tx, words: string[]): Promise<string[]> {
  const ascii = words.filter((w) => /^[a-z]{3,}$/.test(w));
  if (!ascii.length) return words;
  const rows = await readRows<{ w: string; known: boolean; best: string | null }>(db, Prisma.sql`
    SELECT w,
           EXISTS (SELECT 1 FROM help_search.word x WHERE x.word = w) AS known,
           (SELECT x.word FROM help_search.word x WHERE x.word % w ORDER BY similarity(x.word, w) DESC, x.word LIMIT 1) AS best
    FROM unnest(${ascii}::text[]) AS w`);
  const fix = new Map(rows.filter((r) => !r.known && r.best).map((r) => [r.w, r.best!]));
  return words.map((w) => fix.get(w) ?? w);
}

function hitsOf(rows: Row[], locale: Locale, terms: QueryTerms): SearchHit[] {
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    categoryId: r.categoryId,
    locale,
    snippet: r.headline != null ? partsFromMarked(r.headline) : r.plain != null ? highlightSnippet(r.plain, [...terms.cjk, ...terms.words]) : [],
  }));
}

export async function searchArticles(db: Tx, opts: SearchOptions): Promise<SearchResult> {
  const o = { limit: Math.min(opts.limit ?? 10, 50), offset: opts.offset ?? 0, snippets: opts.snippets ?? true };
  const terms = analyse(opts.q);
  const zh = hasCjk(opts.q) || opts.locale === "zh-CN";
  const locale: Locale = zh ? "zh-CN" : "en";
  const empty: SearchResult = { hits: [], total: 0, locale, correctedQuery: null, strategy: "none" };
  if (isEmpty(terms)) return empty;
  const all = zh ? [...terms.cjkCover, ...terms.words] : terms.words;
  if (!all.length) return empty;

  let r = await run(db, tsqueryText(all, { mode: "and", prefix: opts.prefix }), zh, locale, o);
  if (r.total) return { hits: hitsOf(r.rows, locale, terms), total: r.total, locale, correctedQuery: null, strategy: "all-words" };

  let words = terms.words;
  let corrected: string | null = null;
  if (words.length) {
    const fixed = await correctWords(db, words);
    if (fixed.some((w, i) => w !== words[i])) {
      words = fixed;
      corrected = fixed.join(" ");
      const again = zh ? [...terms.cjkCover, ...fixed] : fixed;
      r = await run(db, tsqueryText(again, { mode: "and", prefix: false }), zh, locale, o);
      const t = { ...terms, words: fixed };
      if (r.total) return { hits: hitsOf(r.rows, locale, t), total: r.total, locale, correctedQuery: corrected, strategy: "corrected" };
    }
  }
  const any = zh ? [...terms.cjk, ...words] : words;
  if (any.length > 1 || (zh && terms.cjk.length > 0 && any.length !== all.length)) {
    r = await run(db, tsqueryText(any, { mode: "or", prefix: opts.prefix }), zh, locale, o, "or");
    if (r.total) return { hits: hitsOf(r.rows, locale, { ...terms, words }), total: r.total, locale, correctedQuery: corrected, strategy: "any-word" };
  }
  return empty;
}

/** Articles related to one: same locale, published, sharing terms of its title; same category first. */
export async function relatedArticles(db: Tx, a: { id: string; title: string; categoryId: string; locale: Locale }, limit = 4) {
  const terms = analyse(a.title);
  const zh = a.locale === "zh-CN";
  const all = zh ? [...terms.cjk, ...terms.words] : terms.words;
  const query = all.length ? tsquerySql(tsqueryText(all, { mode: "or" }), zh) : Prisma.sql`NULL::tsquery`;
  return db.$queryRaw<{ id: string; slug: string; title: string; summary: string }[]>`
    SELECT a.id, a.slug, a.title, a.summary
    FROM "HelpArticle" a JOIN help_search.doc d ON d."articleId" = a.id
    WHERE a.id <> ${a.id} AND a.locale = ${toDbLocale(a.locale)}::"Locale"
      AND a."publishedAt" IS NOT NULL AND a."publishedAt" <= now()
      AND (a."categoryId" = ${a.categoryId} OR d.tsv @@ ${query})
    ORDER BY (a."categoryId" = ${a.categoryId}) DESC, coalesce(ts_rank_cd(d.tsv, ${query}), 0) DESC, a."viewCount" DESC, a.id
    LIMIT ${limit}`;
}
