// Validation shared by the help forms and procedures. Messages are i18n keys ("help.*", "errors.*").
import { z } from "zod";
import { localeSchema } from "../auth/schemas.ts";

export const GUEST_COOKIE = "rapport_help_guest";
/** A guest session: the random id kept in the help cookie. */
export const guestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "errors.invalid");

export const slugSchema = z
  .string({ error: "help.slugRequired" })
  .trim()
  .toLowerCase()
  .min(1, "help.slugRequired")
  .max(100, "help.slugInvalid")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "help.slugInvalid");

export const articleInput = z.object({
  /** Absent: a new article. */
  id: z.string().min(1).max(100).optional(),
  /** For a new translation of an existing article; absent for a new article (derived from the slug). */
  translationKey: z.string().trim().max(100).optional(),
  locale: localeSchema,
  slug: slugSchema,
  title: z.string({ error: "help.titleRequired" }).trim().min(1, "help.titleRequired").max(200, "help.titleTooLong"),
  summary: z.string().trim().max(300, "help.summaryTooLong").default(""),
  bodyMarkdown: z.string({ error: "help.bodyRequired" }).trim().min(1, "help.bodyRequired").max(100_000, "help.bodyTooLong"),
  categoryId: z.string({ error: "help.categoryRequired" }).min(1, "help.categoryRequired").max(100),
  /** Publish (true), keep/make draft (false). */
  publish: z.boolean().default(false),
  note: z.string().trim().max(200).default(""),
});
export type ArticleInput = z.infer<typeof articleInput>;

export const searchInput = z.object({
  q: z.string().max(200, "help.queryTooLong"),
  locale: localeSchema.optional(),
  page: z.number().int().min(1).max(50).default(1),
  guestId: guestIdSchema.optional(),
});

export const suggestInput = z.object({
  q: z.string().max(200, "help.queryTooLong"),
  locale: localeSchema.optional(),
});

export const voteInput = z.object({
  articleId: z.string().min(1).max(100),
  helpful: z.boolean(),
  guestId: guestIdSchema.optional(),
});

export const viewInput = z.object({
  articleId: z.string().min(1).max(100),
  from: z.enum(["ticket-form"]).optional(),
  guestId: guestIdSchema.optional(),
});
