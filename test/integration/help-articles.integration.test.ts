// Help articles end to end through the tRPC callers: drafts stay invisible to customers and
// guests, one vote per customer or guest session, staff edits keep revisions and the audit log,
// views and ticket-form opens are recorded, and the reports count deflection honestly.
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { recordTouchpoint } from "../../server/domain/touchpoints/record.ts";
import { createCustomer, createHelpArticlePair, createHelpCategory, createStaff, createTicket } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";

const GUEST_A = "guestAAAAAAAAAAAAAAAAAAAA";
const GUEST_B = "guestBBBBBBBBBBBBBBBBBBBB";
const uniq = () => Math.random().toString(36).slice(2, 10);

async function pair(opts: { draft?: boolean; body?: string } = {}) {
  const key = `t-${uniq()}`;
  return createHelpArticlePair(db(), {
    translationKey: key,
    publishedAt: opts.draft ? null : new Date(Date.now() - 3_600_000),
    en: { slug: key, title: `Parcel article ${key}`, bodyMarkdown: opts.body ?? "## Where is it\n\nAsk the carrier." },
    zh: { slug: `${key}-zh`, title: `包裹文章 ${key}`, bodyMarkdown: "## 在哪里\n\n请联系快递公司。" },
  });
}

describe("drafts are invisible to customers and guests", () => {
  it("article page, home, sitemap, view counting and voting all refuse a draft", async () => {
    const { en, zh } = await pair({ draft: true });
    const customer = await createCustomer(db(), { login: true });
    for (const who of [await callerAs(), await callerAs({ userId: customer.userId! })]) {
      await expect(who.caller.help.article({ slug: en.slug })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(who.caller.help.article({ slug: zh.slug })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(who.caller.help.recordView({ articleId: en.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(who.caller.help.vote({ articleId: en.id, helpful: true, guestId: GUEST_A })).rejects.toMatchObject({ code: "NOT_FOUND" });
      const home = await who.caller.help.home({ locale: "en" });
      expect(home.categories.flatMap((c) => c.articles).map((a) => a.slug)).not.toContain(en.slug);
      expect((await who.caller.help.sitemap()).map((e) => e.slug)).not.toContain(en.slug);
      await expect(who.caller.help.staffList()).rejects.toMatchObject({ code: expect.stringMatching(/UNAUTHORIZED|FORBIDDEN/) });
      await expect(who.caller.help.staffGet({ id: en.id })).rejects.toMatchObject({ code: expect.stringMatching(/UNAUTHORIZED|FORBIDDEN/) });
    }
    expect((await db().helpArticle.findUniqueOrThrow({ where: { id: en.id } })).viewCount).toBe(0);
    // Staff see it in the editor list.
    const agent = await createStaff(db(), { role: "AGENT" });
    const { caller } = await callerAs({ userId: agent.id });
    expect((await caller.help.staffList({ status: "draft" })).map((a) => a.id)).toContain(en.id);
  });

  it("a published article is readable signed out, with translations, sanitised HTML and related articles", async () => {
    const cat = await createHelpCategory(db());
    const key = `r-${uniq()}`;
    const a = await createHelpArticlePair(db(), { category: cat, translationKey: key, en: { slug: key, title: "Lost parcel", bodyMarkdown: "## Lost\n\n<script>alert(1)</script>[x](javascript:alert(1)) Ask." }, zh: { slug: `${key}-zh`, title: "包裹丢失", bodyMarkdown: "丢失" } });
    const b = await createHelpArticlePair(db(), { category: cat, en: { slug: `rel-${uniq()}`, title: "Parcel delayed" } });
    const { caller } = await callerAs();
    const art = await caller.help.article({ slug: a.en.slug });
    expect(art.locale).toBe("en");
    expect(art.html).toContain('<h2 id="lost">Lost</h2>');
    expect(art.html).not.toMatch(/<script|href="javascript:/i);
    expect(art.translations).toEqual([{ slug: `${key}-zh`, locale: "zh-CN", title: "包裹丢失" }]);
    expect(art.related.map((r) => r.slug)).toContain(b.en.slug);
    expect(art.description.length).toBeGreaterThan(0);
  });
});

describe("was this helpful?", () => {
  it("one vote per customer per article; voting again changes it", async () => {
    const { en } = await pair();
    const c = await createCustomer(db(), { login: true });
    const { caller } = await callerAs({ userId: c.userId! });
    expect(await caller.help.vote({ articleId: en.id, helpful: true })).toMatchObject({ helpful: 1, notHelpful: 0, myVote: true });
    expect(await caller.help.vote({ articleId: en.id, helpful: false })).toMatchObject({ helpful: 0, notHelpful: 1, myVote: false });
    // Even with a guest id, a signed-in customer's vote is theirs (no second vote through the cookie).
    expect(await caller.help.vote({ articleId: en.id, helpful: false, guestId: GUEST_A })).toMatchObject({ helpful: 0, notHelpful: 1 });
    expect(await db().helpVote.count({ where: { articleId: en.id } })).toBe(1);
    expect((await caller.help.article({ slug: en.slug })).myVote).toBe(false);
    const tps = await db().touchpoint.findMany({ where: { customerId: c.id, type: "help.article_voted" } });
    expect(tps).toHaveLength(3);
  });

  it("one vote per guest session; another session is another vote; no session is refused", async () => {
    const { en } = await pair();
    const guest = await callerAs();
    await guest.caller.help.vote({ articleId: en.id, helpful: true, guestId: GUEST_A });
    await guest.caller.help.vote({ articleId: en.id, helpful: true, guestId: GUEST_A });
    await guest.caller.help.vote({ articleId: en.id, helpful: false, guestId: GUEST_B });
    expect(await db().helpVote.count({ where: { articleId: en.id } })).toBe(2);
    expect((await guest.caller.help.article({ slug: en.slug, guestId: GUEST_A })).myVote).toBe(true);
    expect((await guest.caller.help.article({ slug: en.slug, guestId: GUEST_B })).myVote).toBe(false);
    await expect(guest.caller.help.vote({ articleId: en.id, helpful: true })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(guest.caller.help.vote({ articleId: en.id, helpful: true, guestId: "short" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("the database itself allows only one vote per customer per article", async () => {
    const { en } = await pair();
    const c = await createCustomer(db());
    await db().helpVote.create({ data: { articleId: en.id, customerId: c.id, helpful: true } });
    await expect(db().helpVote.create({ data: { articleId: en.id, customerId: c.id, helpful: false } })).rejects.toThrow();
  });
});

describe("views and ticket-form suggestions", () => {
  it("counts views, and records help.suggestion_opened with the guest session for a guest from the ticket form", async () => {
    const { en } = await pair();
    const guest = await callerAs();
    await guest.caller.help.recordView({ articleId: en.id });
    await guest.caller.help.recordView({ articleId: en.id, from: "ticket-form", guestId: GUEST_A });
    expect((await db().helpArticle.findUniqueOrThrow({ where: { id: en.id } })).viewCount).toBe(2);
    const opened = await db().touchpoint.findMany({ where: { type: "help.suggestion_opened", subjectId: en.id } });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ customerId: null, subjectType: "help_article" });
    expect(opened[0]!.metadata).toMatchObject({ guestId: GUEST_A, from: "ticket-form", slug: en.slug });
  });

  it("records the customer for a signed-in opener, and an article_viewed touchpoint", async () => {
    const { en } = await pair();
    const c = await createCustomer(db(), { login: true });
    const { caller, ctx } = await callerAs({ userId: c.userId! });
    await caller.help.recordView({ articleId: en.id, from: "ticket-form" });
    await ctx.views.flush();
    expect(await db().touchpoint.count({ where: { customerId: c.id, type: "help.suggestion_opened", subjectId: en.id } })).toBe(1);
    expect(await db().touchpoint.count({ where: { customerId: c.id, type: "help.article_viewed", subjectId: en.id } })).toBe(1);
  });
});

describe("staff editor", () => {
  it("saves drafts and publishes, with a revision per save and audit entries", async () => {
    const agent = await createStaff(db(), { role: "AGENT" });
    const cat = await createHelpCategory(db());
    const { caller } = await callerAs({ userId: agent.id });
    const s = `ed-${uniq()}`;
    const input = { locale: "en" as const, slug: s, title: "Wrapping gifts", summary: "How to wrap", bodyMarkdown: "## Wrap\n\nUse paper.", categoryId: cat.id };
    const created = await caller.help.save({ ...input, publish: false });
    expect(created.published).toBe(false);
    await expect((await callerAs()).caller.help.article({ slug: s })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await caller.help.save({ ...input, id: created.id, title: "Wrapping gifts nicely", publish: true, note: "ready" });
    expect((await (await callerAs()).caller.help.article({ slug: s })).title).toBe("Wrapping gifts nicely");
    // Search picks up the edit (the trigger re-indexes on save).
    expect((await (await callerAs()).caller.help.search({ q: "nicely", locale: "en" })).hits.map((h) => h.slug)).toContain(s);
    await caller.help.setPublished({ id: created.id, published: false });
    const got = await caller.help.staffGet({ id: created.id });
    expect(got.revisions.map((r) => [r.title, r.published])).toEqual([
      ["Wrapping gifts nicely", false],
      ["Wrapping gifts nicely", true],
      ["Wrapping gifts", false],
    ]);
    expect(got.revisions[1]!.note).toBe("ready");
    const actions = (await db().auditLog.findMany({ where: { targetId: created.id }, orderBy: { id: "asc" } })).map((a) => [a.action, a.actorId]);
    expect(actions).toEqual([
      ["help.article_created", agent.id],
      ["help.article_published", agent.id],
      ["help.article_unpublished", agent.id],
    ]);
    // Restoring an old revision is a new save.
    await caller.help.restoreRevision({ revisionId: got.revisions[2]!.id });
    const after = await caller.help.staffGet({ id: created.id });
    expect(after.title).toBe("Wrapping gifts");
    expect(after.revisions).toHaveLength(4);
  });

  it("links a translation by key and refuses a clashing slug or a second translation, with field messages", async () => {
    const agent = await createStaff(db(), { role: "ADMIN" });
    const { en, category } = await pair();
    const { caller } = await callerAs({ userId: agent.id });
    const base = { locale: "zh-CN" as const, title: "标题", bodyMarkdown: "正文", categoryId: category.id, translationKey: en.translationKey };
    await expect(caller.help.save({ ...base, slug: en.slug })).rejects.toMatchObject({ code: "CONFLICT", cause: { fieldErrors: { slug: "help.slugTaken" } } });
    await expect(caller.help.save({ ...base, slug: `${en.slug}-zh2` })).rejects.toMatchObject({ code: "CONFLICT", cause: { fieldErrors: { locale: "help.translationExists" } } });
    await expect(caller.help.save({ ...base, slug: "Bad Slug!" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.help.save({ ...base, slug: `fresh-${uniq()}`, title: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const enTranslationKeyFree = await caller.help.save({ ...base, locale: "en", translationKey: `new-${uniq()}`, slug: `fresh-${uniq()}` });
    expect(enTranslationKeyFree.id).toBeTruthy();
  });

  it("marketers and customers cannot edit; the preview sanitises", async () => {
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const cat = await createHelpCategory(db());
    const m = await callerAs({ userId: marketer.id });
    await expect(m.caller.help.save({ locale: "en", slug: `m-${uniq()}`, title: "x", bodyMarkdown: "x", categoryId: cat.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const agent = await createStaff(db(), { role: "AGENT" });
    const a = await callerAs({ userId: agent.id });
    const { html } = await a.caller.help.preview({ bodyMarkdown: "# Hi\n\n<img src=x onerror=alert(1)>" });
    expect(html).toContain('<h1 id="hi">Hi</h1>');
    expect(html).not.toContain("onerror");
  });
});

describe("reports", () => {
  it("deflection: customer opens without a ticket within 24 h count as deflected; guests are listed apart", async () => {
    const agent = await createStaff(db(), { role: "AGENT" });
    const { caller } = await callerAs({ userId: agent.id });
    const before = (await caller.help.reports({ days: 30 })).deflection;
    const { en } = await pair();
    const kept = await createCustomer(db());
    const filed = await createCustomer(db());
    const late = await createCustomer(db());
    const opened = new Date(Date.now() - 3 * 86_400_000);
    const open = (customerId: string | null, at = opened) =>
      db().$transaction((tx) => recordTouchpoint(tx, { customerId, type: "help.suggestion_opened", channel: "web", subjectType: "help_article", subjectId: en.id, occurredAt: at, metadata: { from: "ticket-form", ...(customerId ? {} : { guestId: GUEST_A }) } }));
    await open(kept.id);
    await open(filed.id);
    await open(late.id);
    await open(null);
    await open(kept.id, new Date(Date.now() - 3_600_000)); // window still open: not counted yet
    await createTicket(db(), { customerId: filed.id, createdAt: new Date(opened.getTime() + 2 * 3_600_000) });
    await createTicket(db(), { customerId: late.id, createdAt: new Date(opened.getTime() + 30 * 3_600_000) });
    const d = (await caller.help.reports({ days: 30 })).deflection;
    expect(d.customerOpens - before.customerOpens).toBe(3);
    expect(d.deflected - before.deflected).toBe(2);
    expect(d.guestOpens - before.guestOpens).toBe(1);
  });

  it("content gaps list searches with no results; least helpful lists down-voted articles", async () => {
    const agent = await createStaff(db(), { role: "AGENT" });
    const { caller } = await callerAs({ userId: agent.id });
    const guest = await callerAs();
    const word = `zqx${uniq()}`;
    await guest.caller.help.search({ q: word, locale: "en" });
    await guest.caller.help.search({ q: word.toUpperCase(), locale: "en" });
    const { en } = await pair();
    await guest.caller.help.vote({ articleId: en.id, helpful: false, guestId: GUEST_A });
    const r = await caller.help.reports({ days: 7 });
    expect(r.contentGaps.find((g) => g.query === word)).toMatchObject({ searches: 2, locale: "en" });
    expect(r.leastHelpful.map((a) => a.id)).toContain(en.id);
  });
});
