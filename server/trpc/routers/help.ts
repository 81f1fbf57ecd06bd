// Help procedures. Every procedure declares its policy (see ../procedures.ts).
// Public: the help center is readable signed out; drafts never leave the staff procedures.
import { randomUUID } from "node:crypto";
import { Prisma } from "../../db/generated/client.ts";
import { sqlRows } from "../../db/sql.ts";
import { z } from "zod";
import { helpHome, listCategories, publicArticle, recordArticleView, restoreRevision, saveArticle, setPublished, sitemapEntries, staffGet, staffList, vote, type Visitor } from "../../domain/help/articles.ts";
import { renderMarkdown } from "../../domain/help/markdown.ts";
import { helpReports } from "../../domain/help/reports.ts";
import { articleInput, guestIdSchema, searchInput, suggestInput, viewInput, voteInput } from "../../domain/help/schemas.ts";
import { searchArticles } from "../../domain/help/search.ts";
import { localeSchema } from "../../domain/auth/schemas.ts";
import { toDbLocale } from "../../domain/locale.ts";
import type { Context } from "../context.ts";
import { router } from "../init.ts";
import { publicProcedure, staffProcedure } from "../procedures.ts";

const PAGE_SIZE = 10;

function visitor(ctx: Context, guestId?: string): Visitor {
  const user = ctx.session?.user;
  return { customerId: user?.customerId ?? null, userId: user?.id ?? null, guestId: guestId ?? null };
}

/** Help editors: agents (and admins). */
const editorProcedure = staffProcedure("AGENT");

export const helpRouter = router({
  home: publicProcedure.input(z.object({ locale: localeSchema.optional() }).optional()).query(({ ctx, input }) => helpHome(ctx.db, input?.locale ?? ctx.locale)),

  categories: publicProcedure.query(({ ctx }) => listCategories(ctx.db)),

  article: publicProcedure
    .input(z.object({ slug: z.string().min(1).max(100), guestId: guestIdSchema.optional() }))
    .query(({ ctx, input }) => publicArticle(ctx.db, input.slug.toLowerCase(), ctx.locale, visitor(ctx, input.guestId))),

  recordView: publicProcedure
    .input(viewInput)
    .mutation(({ ctx, input }) => recordArticleView(ctx.db, ctx.views, { articleId: input.articleId, from: input.from, visitor: visitor(ctx, input.guestId), viewsEnabled: ctx.env.TOUCHPOINT_VIEWS !== "off" })),

  vote: publicProcedure.input(voteInput).mutation(({ ctx, input }) => vote(ctx.db, { articleId: input.articleId, helpful: input.helpful, visitor: visitor(ctx, input.guestId), ip: ctx.ip })),

  /** Full search (the search page): logged for content-gap reports, a touchpoint for customers. */
  search: publicProcedure.input(searchInput).query(async ({ ctx, input }) => {
    const locale = input.locale ?? ctx.locale;
    const result = await searchArticles(ctx.db, { q: input.q, locale, limit: PAGE_SIZE, offset: (input.page - 1) * PAGE_SIZE, snippets: true });
    const q = input.q.trim();
    if (q && input.page === 1) {
      const v = visitor(ctx, input.guestId);
      // = helpSearchLog.create, as one plain statement on the pool (issue #14: every search writes it).
      await sqlRows(
        ctx.db,
        Prisma.sql`INSERT INTO "HelpSearchLog" (id, query, locale, "resultCount", "customerId", "guestId", "createdAt")
                   VALUES (${randomUUID()}, ${q.slice(0, 200)}, ${toDbLocale(result.locale)}::"Locale", ${result.total}, ${v.customerId}, ${v.customerId ? null : v.guestId}, ${new Date()})`,
      );
      if (v.customerId && ctx.env.TOUCHPOINT_VIEWS !== "off") {
        ctx.views.push({ customerId: v.customerId, type: "help.searched", channel: "web", actorUserId: v.userId, subjectType: "help_search", metadata: { query: q.slice(0, 200), locale: result.locale, resultCount: result.total } });
      }
    }
    return { ...result, page: input.page, pageSize: PAGE_SIZE };
  }),

  /** Top 5 published articles for a query (search as you type; ticket-form deflection). Not logged. */
  suggest: publicProcedure.input(suggestInput).query(async ({ ctx, input }) => {
    const r = await searchArticles(ctx.db, { q: input.q, locale: input.locale ?? ctx.locale, limit: 5, prefix: true, snippets: false });
    return r.hits.map((h) => ({ slug: h.slug, title: h.title, summary: h.summary }));
  }),

  sitemap: publicProcedure.query(({ ctx }) => sitemapEntries(ctx.db)),

  // --- staff: editor and reports ---
  staffList: editorProcedure
    .input(z.object({ q: z.string().trim().max(100).optional(), locale: localeSchema.optional(), status: z.enum(["draft", "published"]).optional() }).optional())
    .query(({ ctx, input }) => staffList(ctx.db, input ?? {})),

  staffGet: editorProcedure.input(z.object({ id: z.string().min(1).max(100) })).query(({ ctx, input }) => staffGet(ctx.db, input.id)),

  save: editorProcedure.input(articleInput).mutation(({ ctx, input }) => saveArticle(ctx.db, { userId: ctx.user.id, ip: ctx.ip }, input)),

  setPublished: editorProcedure
    .input(z.object({ id: z.string().min(1).max(100), published: z.boolean() }))
    .mutation(({ ctx, input }) => setPublished(ctx.db, { userId: ctx.user.id, ip: ctx.ip }, input.id, input.published)),

  restoreRevision: editorProcedure.input(z.object({ revisionId: z.string().min(1).max(100) })).mutation(({ ctx, input }) => restoreRevision(ctx.db, { userId: ctx.user.id, ip: ctx.ip }, input.revisionId)),

  /** Live preview in the editor: the same renderer and sanitiser as the public page (POST: long bodies). */
  preview: editorProcedure.input(z.object({ bodyMarkdown: z.string().max(100_000) })).mutation(({ input }) => ({ html: renderMarkdown(input.bodyMarkdown) })),

  reports: editorProcedure.input(z.object({ days: z.number().int().min(1).max(365).default(30) }).optional()).query(({ ctx, input }) => helpReports(ctx.db, { days: input?.days ?? 30 })),
});
