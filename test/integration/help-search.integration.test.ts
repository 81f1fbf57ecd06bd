// Help search on the seeded help center: English with stemming and typo tolerance, Chinese via
// CJK bigrams, highlighted snippets, suggestions for the ticket form, search logging — and no
// drafts anywhere in the results.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { HELP_ARTICLES, HELP_CATEGORIES, seedHelpArticles } from "../../prisma/seed-help.ts";
import { createCustomer, createHelpArticlePair, factoryContext } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";

// Seeded next to whatever other test files created: slugs get this suffix.
const SFX = `s${process.pid}`;
const base = (s: string) => s.replace(new RegExp(`-${SFX}$`), "");

beforeAll(async () => {
  await seedHelpArticles(db(), factoryContext(), { categories: HELP_CATEGORIES, articles: HELP_ARTICLES, activity: false }, SFX);
});

async function search(q: string, locale: "en" | "zh-CN") {
  const { caller } = await callerAs();
  const r = await caller.help.search({ q, locale });
  return { ...r, slugs: r.hits.map((h) => base(h.slug)) };
}

describe("help search", () => {
  it("seeds about 20 published articles per language with the same translation keys", async () => {
    const en = await db().helpArticle.findMany({ where: { slug: { endsWith: SFX }, locale: "en", publishedAt: { not: null } }, select: { translationKey: true } });
    const zh = await db().helpArticle.findMany({ where: { slug: { endsWith: SFX }, locale: "zh_CN", publishedAt: { not: null } }, select: { translationKey: true } });
    expect(en.length).toBeGreaterThanOrEqual(20);
    expect(zh.map((a) => a.translationKey).sort()).toEqual(en.map((a) => a.translationKey).sort());
  });

  it.each([
    ["refund", "returns-and-refunds"],
    ["refunds", "where-is-my-refund"],
    ["returning an item", "returns-and-refunds"],
    ["track my parcel", "track-your-order"],
    ["reset password", "reset-your-password"],
    ["payment declined", "payment-declined"],
    ["points expire", "when-do-points-expire"],
  ])("English: %s finds %s (stemmed full-text)", async (q, expected) => {
    const r = await search(q, "en");
    expect(r.slugs.slice(0, 5)).toContain(expected);
    expect(r.locale).toBe("en");
  });

  it("English: a misspelled word is corrected to a help-center word (refnd → refund)", async () => {
    const r = await search("refnd", "en");
    expect(r.correctedQuery).toBe("refund");
    expect(r.strategy).toBe("corrected");
    expect(r.slugs.slice(0, 5)).toEqual(expect.arrayContaining(["returns-and-refunds", "where-is-my-refund"]));
  });

  it("English: typos in several words (pasword resett)", async () => {
    const r = await search("pasword resett", "en");
    expect(r.slugs[0]).toBe("reset-your-password");
  });

  it.each([
    ["退货", "returns-and-refunds-zh"],
    ["退款", "where-is-my-refund-zh"],
    ["退款", "returns-and-refunds-zh"],
    ["会员积分", "earning-points-zh"],
    ["会员等级", "membership-tiers-zh"],
    ["重置密码", "reset-your-password-zh"],
    ["快递单号", "track-your-order-zh"],
    ["怎么申请退货呢", "returns-and-refunds-zh"],
  ])("Chinese: %s finds %s (CJK bigrams)", async (q, expected) => {
    const r = await search(q, "zh-CN");
    expect(r.slugs.slice(0, 5)).toContain(expected);
    expect(r.locale).toBe("zh-CN");
  });

  it("a Chinese query on the English site searches the Chinese articles", async () => {
    const r = await search("退货", "en");
    expect(r.locale).toBe("zh-CN");
    expect(r.slugs).toContain("returns-and-refunds-zh");
  });

  it("ranks the article about the topic first (title outweighs body)", async () => {
    expect((await search("membership tiers", "en")).slugs[0]).toBe("membership-tiers");
    expect((await search("退货与退款", "zh-CN")).slugs[0]).toBe("returns-and-refunds-zh");
  });

  it("highlights the matched words in snippets, as text parts", async () => {
    const en = await search("refund", "en");
    const marks = en.hits[0]!.snippet.filter((p) => p.mark).map((p) => p.text.toLowerCase());
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => m.startsWith("refund"))).toBe(true);
    const zh = await search("退款", "zh-CN");
    expect(zh.hits[0]!.snippet.filter((p) => p.mark).map((p) => p.text)).toContain("退款");
  });

  it("finds nothing for words no article uses, and logs it as a content gap", async () => {
    const r = await search("xylophone", "en");
    expect(r.total).toBe(0);
    const log = await db().helpSearchLog.findFirst({ where: { query: "xylophone" }, orderBy: { createdAt: "desc" } });
    expect(log).toMatchObject({ resultCount: 0, locale: "en" });
  });

  it("logs the query and result count of a signed-in customer's search, with a touchpoint", async () => {
    const c = await createCustomer(db(), { login: true });
    const { caller, ctx } = await callerAs({ userId: c.userId! });
    const r = await caller.help.search({ q: "track my parcel", locale: "en" });
    await ctx.views.flush();
    expect(await db().helpSearchLog.findFirst({ where: { customerId: c.id } })).toMatchObject({ query: "track my parcel", resultCount: r.total });
    const tp = await db().touchpoint.findFirst({ where: { customerId: c.id, type: "help.searched" } });
    expect(tp?.metadata).toMatchObject({ query: "track my parcel", resultCount: r.total });
  });

  it("suggest: top 5 {slug, title, summary}, prefix-matching the last word", async () => {
    const { caller } = await callerAs();
    const s = await caller.help.suggest({ q: "refu", locale: "en" });
    expect(s.length).toBeGreaterThan(0);
    expect(s.length).toBeLessThanOrEqual(5);
    expect(Object.keys(s[0]!).sort()).toEqual(["slug", "summary", "title"]);
    expect(s.map((x) => base(x.slug))).toContain("returns-and-refunds");
    const zh = await caller.help.suggest({ q: "我想退款", locale: "zh-CN" });
    expect(zh.map((x) => base(x.slug))).toContain("where-is-my-refund-zh");
    expect(await db().helpSearchLog.count({ where: { query: "refu" } })).toBe(0);
  });

  it("never returns drafts or articles scheduled for later, in search or suggest", async () => {
    const key = `draft-${SFX}`;
    await createHelpArticlePair(db(), { translationKey: key, publishedAt: null, en: { slug: `zzdraft-${SFX}`, title: "Quokka refund secret", bodyMarkdown: "Quokka quokka refund." }, zh: { slug: `zzdraft-zh-${SFX}`, title: "袋鼠退款秘密", bodyMarkdown: "袋鼠退款。" } });
    await createHelpArticlePair(db(), { translationKey: `later-${SFX}`, publishedAt: new Date(Date.now() + 86_400_000), en: { slug: `zzlater-${SFX}`, title: "Quokka later", bodyMarkdown: "Quokka." }, zh: { slug: `zzlater-zh-${SFX}`, title: "袋鼠以后", bodyMarkdown: "袋鼠。" } });
    const { caller } = await callerAs();
    expect((await caller.help.search({ q: "quokka", locale: "en" })).total).toBe(0);
    expect((await caller.help.search({ q: "袋鼠", locale: "zh-CN" })).total).toBe(0);
    expect(await caller.help.suggest({ q: "quokka", locale: "en" })).toEqual([]);
    expect(await caller.help.suggest({ q: "袋鼠", locale: "zh-CN" })).toEqual([]);
    // The same words are found once published: the drafts are excluded, not unindexed.
    await db().helpArticle.updateMany({ where: { translationKey: key }, data: { publishedAt: new Date(Date.now() - 1000) } });
    expect((await caller.help.search({ q: "quokka", locale: "en" })).hits.map((h) => h.slug)).toEqual([`zzdraft-${SFX}`]);
  });

  it("pages: rank first, then views, then id; page 2 continues page 1; the total counts every published match", async () => {
    // Ranking is computed over every match but article rows are read only for the candidates of
    // the page (matches ranked at least as high as the page's last row): ties must still be
    // broken by views and id exactly as a full sort would.
    const word = `wombat${process.pid}`;
    const made: { id: string; views: number }[] = [];
    const views = [5, 5, 3, 9, 0, 7, 7, 7, 1, 2, 4, 6, 8];
    for (const [i, v] of views.entries()) {
      const { en } = await createHelpArticlePair(db(), { translationKey: `${word}-${i}`, viewCount: v, en: { slug: `${word}-${i}`, title: "Caring for pets", bodyMarkdown: `About the ${word} and other animals.` }, zh: { slug: `${word}-zh-${i}`, title: "宠物", bodyMarkdown: "宠物。" } });
      made.push({ id: en.id, views: v });
    }
    // The word in the title (weight A) ranks above every body match, whatever the views.
    const { en: top } = await createHelpArticlePair(db(), { translationKey: `${word}-top`, viewCount: 0, en: { slug: `${word}-top`, title: `The ${word}`, bodyMarkdown: `About the ${word}.` }, zh: { slug: `${word}-top-zh`, title: "宠物", bodyMarkdown: "宠物。" } });
    await createHelpArticlePair(db(), { translationKey: `${word}-draft`, viewCount: 99, publishedAt: null, en: { slug: `${word}-draft`, title: `The ${word}`, bodyMarkdown: `About the ${word}.` }, zh: { slug: `${word}-draft-zh`, title: "宠物", bodyMarkdown: "宠物。" } });
    const expected = [top.id, ...made.sort((a, b) => b.views - a.views || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((m) => m.id)];
    const { caller } = await callerAs();
    const p1 = await caller.help.search({ q: word, locale: "en" });
    const p2 = await caller.help.search({ q: word, locale: "en", page: 2 });
    const p3 = await caller.help.search({ q: word, locale: "en", page: 3 });
    expect(p1.total).toBe(14);
    expect(p2.total).toBe(14);
    expect(p3).toMatchObject({ total: 14, hits: [] });
    expect([...p1.hits, ...p2.hits].map((h) => h.id)).toEqual(expected);
    const s = await caller.help.suggest({ q: word.slice(0, -2), locale: "en" });
    expect(s.map((h) => h.slug)).toEqual(expected.slice(0, 5).map((id) => [...p1.hits, ...p2.hits].find((h) => h.id === id)!.slug));
  });

  it("any-word fallback: when no article has every word, more of the words and words in the title rank first", async () => {
    // Digits keep the words out of typo correction, so the all-words pass finds nothing and the
    // any-word pass (help_search.hits_any, ranked by ts_rank) answers.
    const [w1, w2, w3, none] = ["alpaca", "okapi", "tapir", "narwhal"].map((w) => `${w}${process.pid}`);
    const make = (key: string, title: string, body: string, viewCount: number) =>
      createHelpArticlePair(db(), { translationKey: `${key}-${SFX}`, viewCount, en: { slug: `${key}-${SFX}`, title, bodyMarkdown: body }, zh: { slug: `${key}-zh-${SFX}`, title: "动物", bodyMarkdown: "动物。" } });
    const a = await make("anyw-title", `All about the ${w1}`, `Also the ${w2}, a cousin.`, 0);
    const b = await make("anyw-two", "Zoo notes", `The ${w1} and the ${w2} share a pen.`, 0);
    const c = await make("anyw-one-popular", "Zoo notes", `The ${w3} sleeps.`, 50);
    const d = await make("anyw-one", "Zoo notes", `The ${w1} sleeps.`, 1);
    const { caller } = await callerAs();
    const r = await caller.help.search({ q: `${w1} ${w2} ${w3} ${none}`, locale: "en" });
    expect(r.strategy).toBe("any-word");
    expect(r.total).toBe(4);
    expect(r.hits.map((h) => h.id)).toEqual([a.en.id, b.en.id, c.en.id, d.en.id]);
  });

  it("treats query syntax as words (no tsquery injection)", async () => {
    const { caller } = await callerAs();
    for (const q of ["refund & | ! (", "':* <-> \\", "'; DROP TABLE \"HelpArticle\"; --", "   "]) {
      await expect(caller.help.search({ q, locale: "en" })).resolves.toMatchObject({ hits: expect.any(Array) });
    }
    expect(await db().helpArticle.count()).toBeGreaterThan(0);
  });
});
