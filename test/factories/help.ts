// Help center: categories and English + Simplified Chinese article pairs (one translationKey).
import type { HelpArticle, HelpCategory } from "../../server/db/generated/client.ts";
import { DAY, factoryContext, type FactoryContext } from "./random.ts";
import { inTransaction, refId, type DbClient, type Ref } from "./types.ts";

export interface HelpCategoryOverrides {
  slug?: string;
  nameEn?: string;
  nameZh?: string;
  position?: number;
}

export async function createHelpCategory(db: DbClient, overrides: HelpCategoryOverrides = {}, ctx: FactoryContext = factoryContext()): Promise<HelpCategory> {
  const slug = overrides.slug ?? ctx.unique("category-");
  return db.helpCategory.create({
    data: { slug, nameEn: overrides.nameEn ?? `Category ${slug}`, nameZh: overrides.nameZh ?? `分类 ${slug}`, position: overrides.position ?? 0 },
  });
}

export interface ArticleText {
  slug?: string;
  title: string;
  summary?: string;
  bodyMarkdown: string;
}

export interface HelpArticlePairOverrides {
  /** Created when not given. */
  category?: Ref;
  translationKey?: string;
  en?: Partial<ArticleText>;
  zh?: Partial<ArticleText>;
  /** Default: a few days ago. null = draft. */
  publishedAt?: Date | null;
  viewCount?: number;
  createdAt?: Date;
}

/**
 * An English article and its Simplified Chinese translation (locales `en` and `zh_CN`) sharing a
 * translationKey. Both use the English slug unless a zh slug is given (slugs are unique per locale).
 */
export async function createHelpArticlePair(
  db: DbClient,
  overrides: HelpArticlePairOverrides = {},
  ctx: FactoryContext = factoryContext(),
): Promise<{ en: HelpArticle; zh: HelpArticle; category: HelpCategory }> {
  const key = overrides.translationKey ?? ctx.unique("article-");
  const enSlug = overrides.en?.slug ?? key.replace(/[^a-z0-9-]+/gi, "-").toLowerCase();
  const createdAt = overrides.createdAt ?? new Date(ctx.now.getTime() - ctx.rng.int(20, 200) * DAY);
  const publishedAt = overrides.publishedAt !== undefined ? overrides.publishedAt : new Date(Math.min(ctx.now.getTime(), createdAt.getTime() + DAY));
  return inTransaction(db, async (tx) => {
    const category = overrides.category
      ? await tx.helpCategory.findUniqueOrThrow({ where: { id: refId(overrides.category) } })
      : await createHelpCategory(tx, {}, ctx);
    const common = { translationKey: key, categoryId: category.id, publishedAt, createdAt, updatedAt: publishedAt ?? createdAt };
    const en = await tx.helpArticle.create({
      data: {
        ...common,
        locale: "en",
        slug: enSlug,
        title: overrides.en?.title ?? `Help article ${key}`,
        summary: overrides.en?.summary ?? "",
        bodyMarkdown: overrides.en?.bodyMarkdown ?? "This article explains how it works.",
        viewCount: overrides.viewCount ?? 0,
      },
    });
    const zh = await tx.helpArticle.create({
      data: {
        ...common,
        locale: "zh_CN",
        slug: overrides.zh?.slug ?? enSlug,
        title: overrides.zh?.title ?? `帮助文章 ${key}`,
        summary: overrides.zh?.summary ?? "",
        bodyMarkdown: overrides.zh?.bodyMarkdown ?? "本文介绍具体的操作方法。",
        viewCount: Math.floor((overrides.viewCount ?? 0) / 2),
      },
    });
    return { en, zh, category };
  });
}
