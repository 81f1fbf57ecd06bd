// Help articles: public reads (published only), staff editing with revisions and audit,
// "Was this helpful?" votes, view counts and the touchpoints they produce.
import { sqlRows } from "../../db/sql.ts";
import type { Db, Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import type { Locale as DbLocale } from "../../db/generated/enums.ts";
import { audit } from "../audit/audit.ts";
import { hit, tooMany } from "../auth/rate-limit.ts";
import { AppError } from "../errors.ts";
import { fromDbLocale, toDbLocale, type Locale } from "../locale.ts";
import type { TouchpointBuffer } from "../touchpoints/buffer.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { plainText, renderArticleBody } from "./markdown.ts";
import type { ArticleInput } from "./schemas.ts";
import { relatedArticles } from "./search.ts";

/** Visible to customers and guests: published, and the publication time has come. */
export function publishedWhere(now = new Date()): Prisma.HelpArticleWhereInput {
  return { publishedAt: { not: null, lte: now } };
}

export interface Visitor {
  customerId: string | null;
  userId: string | null;
  guestId: string | null;
}

export async function listCategories(db: Tx) {
  return db.helpCategory.findMany({ orderBy: [{ position: "asc" }, { slug: "asc" }] });
}

/** The help home: categories with their published articles in one locale, and the most read. */
export async function helpHome(db: Tx, locale: Locale) {
  // Raw SQL: the same two reads as listCategories + helpArticle.findMany(published, this locale,
  // by title), without the Prisma query compilation on every visit of /help (issue #14).
  const now = new Date();
  const [categories, articles] = await Promise.all([
    sqlRows<{ id: string; slug: string; nameEn: string; nameZh: string }[]>(db, Prisma.sql`SELECT id, slug, "nameEn", "nameZh" FROM "HelpCategory" ORDER BY position ASC, slug ASC`),
    sqlRows<{ id: string; slug: string; title: string; summary: string; categoryId: string; viewCount: number }[]>(db, Prisma.sql`
      SELECT id, slug, title, summary, "categoryId", "viewCount" FROM "HelpArticle"
      WHERE locale = ${toDbLocale(locale)}::"Locale" AND "publishedAt" IS NOT NULL AND "publishedAt" <= ${now}
      ORDER BY title ASC`),
  ]);
  return {
    categories: categories
      .map((c) => ({ id: c.id, slug: c.slug, name: locale === "zh-CN" ? c.nameZh : c.nameEn, articles: articles.filter((a) => a.categoryId === c.id).map(({ slug, title }) => ({ slug, title })) }))
      .filter((c) => c.articles.length > 0),
    popular: [...articles].sort((a, b) => b.viewCount - a.viewCount).slice(0, 5).map(({ slug, title, summary }) => ({ slug, title, summary })),
  };
}

/**
 * A published article by slug. Slugs are unique per locale; when both locales use the same slug
 * the visitor's locale wins.
 */
interface PublicArticleRow {
  id: string;
  translationKey: string;
  locale: DbLocale;
  slug: string;
  title: string;
  summary: string;
  bodyMarkdown: string;
  categoryId: string;
  publishedAt: Date;
  updatedAt: Date;
  categorySlug: string;
  categoryNameEn: string;
  categoryNameZh: string;
}

export async function publicArticle(db: Tx, slug: string, prefer: Locale, visitor: Visitor) {
  // Raw SQL, the same reads as before (published articles with this slug and their category; the
  // published translations; the vote counts and this visitor's vote) in three statements instead
  // of five Prisma queries and their compilation on every article view (issue #14).
  const now = new Date();
  const found = await sqlRows<PublicArticleRow[]>(db, Prisma.sql`
    SELECT a.id, a."translationKey", a.locale::text AS locale, a.slug, a.title, a.summary, a."bodyMarkdown", a."categoryId", a."publishedAt", a."updatedAt",
           c.slug AS "categorySlug", c."nameEn" AS "categoryNameEn", c."nameZh" AS "categoryNameZh"
    FROM "HelpArticle" a JOIN "HelpCategory" c ON c.id = a."categoryId"
    WHERE a.slug = ${slug} AND a."publishedAt" IS NOT NULL AND a."publishedAt" <= ${now}`);
  const a = found.find((x) => x.locale === toDbLocale(prefer)) ?? found[0];
  if (!a) throw new AppError("NOT_FOUND", "No such article.");
  const locale = fromDbLocale(a.locale);
  const mine = visitor.customerId
    ? Prisma.sql`(SELECT v.helpful FROM "HelpVote" v WHERE v."articleId" = ${a.id} AND v."customerId" = ${visitor.customerId} LIMIT 1)`
    : visitor.guestId
      ? Prisma.sql`(SELECT v.helpful FROM "HelpVote" v WHERE v."articleId" = ${a.id} AND v."guestId" = ${visitor.guestId} LIMIT 1)`
      : Prisma.sql`NULL::boolean`;
  const [translations, related, [votes]] = await Promise.all([
    sqlRows<{ slug: string; locale: DbLocale; title: string }[]>(db, Prisma.sql`
      SELECT slug, locale::text AS locale, title FROM "HelpArticle"
      WHERE "translationKey" = ${a.translationKey} AND id <> ${a.id} AND "publishedAt" IS NOT NULL AND "publishedAt" <= ${now}`),
    relatedArticles(db, { id: a.id, title: a.title, categoryId: a.categoryId, locale }),
    sqlRows<[{ helpful: number; notHelpful: number; mine: boolean | null }]>(db, Prisma.sql`
      SELECT count(*) FILTER (WHERE helpful)::int AS helpful, count(*) FILTER (WHERE NOT helpful)::int AS "notHelpful", ${mine} AS mine
      FROM "HelpVote" WHERE "articleId" = ${a.id}`),
  ]);
  return {
    id: a.id,
    slug: a.slug,
    locale,
    title: a.title,
    summary: a.summary,
    description: (a.summary || plainText(a.bodyMarkdown)).slice(0, 160),
    html: renderArticleBody(`${a.id}:${a.updatedAt.getTime()}`, a.bodyMarkdown),
    category: { slug: a.categorySlug, name: locale === "zh-CN" ? a.categoryNameZh : a.categoryNameEn },
    publishedAt: a.publishedAt!,
    updatedAt: a.updatedAt,
    translations: translations.map((t) => ({ slug: t.slug, locale: fromDbLocale(t.locale), title: t.title })),
    related,
    helpful: votes.helpful,
    notHelpful: votes.notHelpful,
    myVote: votes.mine,
  };
}

/**
 * Counts a view (one cheap UPDATE), records `help.article_viewed` for a signed-in customer through
 * the buffered writer, and `help.suggestion_opened` (in its own transaction) when the visitor came
 * from the suggestions on the ticket form — for the deflection report.
 */
export async function recordArticleView(db: Db, views: TouchpointBuffer, opts: { articleId: string; from?: "ticket-form"; visitor: Visitor; viewsEnabled: boolean }) {
  const { visitor } = opts;
  const rows = await sqlRows<{ slug: string; locale: string }[]>(db, Prisma.sql`
    UPDATE "HelpArticle" SET "viewCount" = "viewCount" + 1
    WHERE id = ${opts.articleId} AND "publishedAt" IS NOT NULL AND "publishedAt" <= now()
    RETURNING slug, locale::text AS locale`);
  const a = rows[0];
  if (!a) throw new AppError("NOT_FOUND", "No such article.");
  if (visitor.customerId && opts.viewsEnabled) {
    views.push({ customerId: visitor.customerId, type: "help.article_viewed", channel: "web", actorUserId: visitor.userId, subjectType: "help_article", subjectId: opts.articleId, metadata: { slug: a.slug, locale: a.locale, ...(opts.from ? { from: opts.from } : {}) } });
  }
  if (opts.from === "ticket-form") {
    await db.$transaction(async (tx) => {
      await recordTouchpoint(tx, {
        customerId: visitor.customerId,
        type: "help.suggestion_opened",
        channel: "web",
        actorUserId: visitor.userId,
        subjectType: "help_article",
        subjectId: opts.articleId,
        metadata: { slug: a.slug, locale: a.locale, from: "ticket-form", ...(visitor.guestId ? { guestId: visitor.guestId } : {}) },
      });
    });
  }
  return { counted: true as const };
}

/** One vote per customer (signed in) or guest session per article; voting again changes it. */
/** Guest sessions are free to make, so guest votes are limited per IP address. */
export const GUEST_VOTES_PER_IP_HOUR = 60;

export async function vote(db: Db, opts: { articleId: string; helpful: boolean; visitor: Visitor; ip: string | null }) {
  const { visitor } = opts;
  if (!visitor.customerId && !visitor.guestId) throw new AppError("BAD_REQUEST", "A guest vote needs the guest session.", { form: "help.voteNeedsCookies" });
  if (!visitor.customerId && opts.ip) {
    const r = await hit(db, { key: `help-vote:ip:${opts.ip}`, max: GUEST_VOTES_PER_IP_HOUR, windowMs: 3_600_000 });
    if (r.count > GUEST_VOTES_PER_IP_HOUR) throw tooMany(r.resetAt, "votes");
  }
  return db.$transaction(async (tx) => {
    const article = await tx.helpArticle.findFirst({ where: { id: opts.articleId, ...publishedWhere() }, select: { id: true, slug: true } });
    if (!article) throw new AppError("NOT_FOUND", "No such article.");
    const who = visitor.customerId ? { articleId_customerId: { articleId: article.id, customerId: visitor.customerId } } : { articleId_guestId: { articleId: article.id, guestId: visitor.guestId! } };
    await tx.helpVote.upsert({
      where: who,
      create: { articleId: article.id, helpful: opts.helpful, customerId: visitor.customerId, guestId: visitor.customerId ? null : visitor.guestId },
      update: { helpful: opts.helpful },
    });
    await recordTouchpoint(tx, {
      customerId: visitor.customerId,
      type: "help.article_voted",
      channel: "web",
      actorUserId: visitor.userId,
      subjectType: "help_article",
      subjectId: article.id,
      metadata: { slug: article.slug, helpful: opts.helpful, ...(visitor.customerId ? {} : { guestId: visitor.guestId }) },
    });
    const counts = await tx.helpVote.groupBy({ by: ["helpful"], where: { articleId: article.id }, _count: { _all: true } });
    return { helpful: counts.find((v) => v.helpful)?._count._all ?? 0, notHelpful: counts.find((v) => !v.helpful)?._count._all ?? 0, myVote: opts.helpful };
  });
}

/** Every published article in both languages, for /sitemap.xml (with its translations). */
export async function sitemapEntries(db: Tx) {
  const rows = await db.helpArticle.findMany({ where: publishedWhere(), select: { slug: true, locale: true, translationKey: true, updatedAt: true }, orderBy: [{ translationKey: "asc" }, { locale: "asc" }] });
  return rows.map((r) => ({
    slug: r.slug,
    locale: fromDbLocale(r.locale),
    updatedAt: r.updatedAt,
    alternates: rows.filter((x) => x.translationKey === r.translationKey).map((x) => ({ slug: x.slug, locale: fromDbLocale(x.locale) })),
  }));
}

// --- staff ------------------------------------------------------------------------------------

export async function staffList(db: Tx, opts: { q?: string; locale?: Locale; status?: "draft" | "published" }) {
  const where: Prisma.HelpArticleWhereInput = {
    ...(opts.locale ? { locale: toDbLocale(opts.locale) } : {}),
    ...(opts.status === "draft" ? { publishedAt: null } : opts.status === "published" ? { publishedAt: { not: null } } : {}),
    ...(opts.q ? { OR: [{ title: { contains: opts.q, mode: "insensitive" } }, { slug: { contains: opts.q.toLowerCase() } }] } : {}),
  };
  const rows = await db.helpArticle.findMany({
    where,
    select: { id: true, slug: true, title: true, locale: true, translationKey: true, publishedAt: true, updatedAt: true, viewCount: true, category: { select: { nameEn: true, nameZh: true } } },
    orderBy: [{ updatedAt: "desc" }],
    take: 200,
  });
  return rows.map((r) => ({ ...r, locale: fromDbLocale(r.locale), published: r.publishedAt !== null }));
}

export async function staffGet(db: Tx, id: string) {
  const a = await db.helpArticle.findUnique({ where: { id }, include: { revisions: { orderBy: { createdAt: "desc" }, take: 50 } } });
  if (!a) throw new AppError("NOT_FOUND", "No such article.");
  const [siblings, authors] = await Promise.all([
    db.helpArticle.findMany({ where: { translationKey: a.translationKey, id: { not: a.id } }, select: { id: true, slug: true, locale: true, title: true, publishedAt: true } }),
    db.user.findMany({ where: { id: { in: a.revisions.map((r) => r.authorId).filter((x): x is string => Boolean(x)) } }, select: { id: true, name: true, email: true } }),
  ]);
  const names = new Map(authors.map((u) => [u.id, u.name ?? u.email]));
  return {
    id: a.id,
    translationKey: a.translationKey,
    locale: fromDbLocale(a.locale),
    slug: a.slug,
    title: a.title,
    summary: a.summary,
    bodyMarkdown: a.bodyMarkdown,
    categoryId: a.categoryId,
    published: a.publishedAt !== null,
    publishedAt: a.publishedAt,
    updatedAt: a.updatedAt,
    viewCount: a.viewCount,
    translations: siblings.map((s) => ({ ...s, locale: fromDbLocale(s.locale), published: s.publishedAt !== null })),
    revisions: a.revisions.map((r) => ({ id: r.id, createdAt: r.createdAt, author: r.authorId ? (names.get(r.authorId) ?? r.authorId) : null, title: r.title, slug: r.slug, published: r.published, note: r.note, bodyMarkdown: r.bodyMarkdown, summary: r.summary })),
  };
}

/** Creates or updates an article; every save writes a revision and an audit entry. */
export async function saveArticle(db: Db, actor: { userId: string; ip: string | null }, input: ArticleInput) {
  const locale = toDbLocale(input.locale);
  return db.$transaction(async (tx) => {
    const category = await tx.helpCategory.findUnique({ where: { id: input.categoryId } });
    if (!category) throw new AppError("BAD_REQUEST", "Unknown category.", { categoryId: "help.categoryRequired" });
    const existing = input.id ? await tx.helpArticle.findUnique({ where: { id: input.id } }) : null;
    if (input.id && !existing) throw new AppError("NOT_FOUND", "No such article.");
    // A slug addresses one article in the public URL /help/<slug>, so it is unique across locales.
    const clash = await tx.helpArticle.findFirst({ where: { slug: input.slug, ...(existing ? { id: { not: existing.id } } : {}) }, select: { id: true } });
    if (clash) throw new AppError("CONFLICT", "Slug in use.", { slug: "help.slugTaken" });
    const translationKey = existing?.translationKey ?? (input.translationKey || input.slug);
    if (!existing || existing.locale !== locale) {
      const twin = await tx.helpArticle.findFirst({ where: { translationKey, locale, ...(existing ? { id: { not: existing.id } } : {}) }, select: { id: true } });
      if (twin) throw new AppError("CONFLICT", "This translation exists.", { locale: "help.translationExists" });
    }
    const publishedAt = input.publish ? (existing?.publishedAt ?? new Date()) : null;
    const data = { locale, slug: input.slug, title: input.title, summary: input.summary, bodyMarkdown: input.bodyMarkdown, categoryId: input.categoryId, publishedAt };
    const article = existing ? await tx.helpArticle.update({ where: { id: existing.id }, data }) : await tx.helpArticle.create({ data: { ...data, translationKey } });
    await tx.helpArticleRevision.create({
      data: { articleId: article.id, authorId: actor.userId, slug: article.slug, title: article.title, summary: article.summary, bodyMarkdown: article.bodyMarkdown, published: publishedAt !== null, note: input.note },
    });
    const action = !existing ? "help.article_created" : existing.publishedAt === null && publishedAt ? "help.article_published" : existing.publishedAt && !publishedAt ? "help.article_unpublished" : "help.article_updated";
    await audit(tx, { actorId: actor.userId, action, targetType: "help_article", targetId: article.id, data: { slug: article.slug, locale: input.locale, title: article.title }, ip: actor.ip });
    return { id: article.id, slug: article.slug, published: publishedAt !== null };
  });
}

/** Publishes or unpublishes without editing (a revision records the change). */
export async function setPublished(db: Db, actor: { userId: string; ip: string | null }, id: string, published: boolean) {
  return db.$transaction(async (tx) => {
    const a = await tx.helpArticle.findUnique({ where: { id } });
    if (!a) throw new AppError("NOT_FOUND", "No such article.");
    if ((a.publishedAt !== null) === published) return { id, published };
    const updated = await tx.helpArticle.update({ where: { id }, data: { publishedAt: published ? new Date() : null } });
    await tx.helpArticleRevision.create({ data: { articleId: id, authorId: actor.userId, slug: updated.slug, title: updated.title, summary: updated.summary, bodyMarkdown: updated.bodyMarkdown, published, note: published ? "published" : "unpublished" } });
    await audit(tx, { actorId: actor.userId, action: published ? "help.article_published" : "help.article_unpublished", targetType: "help_article", targetId: id, data: { slug: a.slug }, ip: actor.ip });
    return { id, published };
  });
}

/** Restores the text of an earlier revision as a new save (history is never rewritten). */
export async function restoreRevision(db: Db, actor: { userId: string; ip: string | null }, revisionId: string) {
  const r = await db.helpArticleRevision.findUnique({ where: { id: revisionId }, include: { article: true } });
  if (!r) throw new AppError("NOT_FOUND", "No such revision.");
  const a = r.article;
  return saveArticle(db, actor, {
    id: a.id,
    locale: fromDbLocale(a.locale),
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    bodyMarkdown: r.bodyMarkdown,
    categoryId: a.categoryId,
    publish: a.publishedAt !== null,
    note: `restored revision of ${r.createdAt.toISOString()}`,
  });
}
