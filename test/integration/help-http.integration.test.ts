// The public help center over HTTP, as a search engine or a browser without JavaScript sees it:
// server-rendered pages with title, description, canonical and hreflang links, /sitemap.xml with
// both languages, a search form and vote form that work as plain HTML forms, drafts answering 404.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { createHelpArticlePair } from "../factories/index.ts";
import { startTestApp } from "../setup/app.ts";

let app: Rapport;
const KEY = `http-${process.pid}`;
let enSlug = "";
let zhSlug = "";
let draftSlug = "";

beforeAll(async () => {
  app = await startTestApp();
  const pub = await createHelpArticlePair(db(), {
    translationKey: KEY,
    publishedAt: new Date(Date.now() - 3_600_000),
    en: { slug: `${KEY}-returns`, title: "Returning a gadget", summary: "Send a gadget back within 30 days.", bodyMarkdown: "## Start\n\nOpen **Orders** and choose the gadget.\n\n<img src=x onerror=alert(1)>" },
    zh: { slug: `${KEY}-returns-zh`, title: "退回小工具", summary: "30 天内可退回。", bodyMarkdown: "## 开始\n\n打开**我的订单**。" },
  });
  enSlug = pub.en.slug;
  zhSlug = pub.zh.slug;
  draftSlug = (await createHelpArticlePair(db(), { translationKey: `${KEY}-draft`, publishedAt: null, en: { slug: `${KEY}-draft`, title: "Secret draft" }, zh: { slug: `${KEY}-draft-zh` } })).en.slug;
});
afterAll(async () => {
  await app?.stop();
});

const html = async (path: string, init?: RequestInit) => {
  const res = await fetch(`${app.url}${path}`, { ...init, headers: { accept: "text/html", ...(init?.headers ?? {}) } });
  return { res, text: await res.text() };
};

describe("help center over HTTP", () => {
  it("renders an article signed out, server-side, with title, description, canonical and hreflang links", async () => {
    const { res, text } = await html(`/help/${enSlug}`);
    expect(res.status).toBe(200);
    expect(text).toContain("<title>Returning a gadget · Rapport</title>");
    expect(text).toMatch(/<meta name="description" content="Send a gadget back within 30 days."/);
    expect(text).toContain(`<link rel="canonical" href="${app.url}/help/${enSlug}"/>`);
    expect(text).toMatch(new RegExp(`<link rel="alternate" hrefLang="en" href="${app.url}/help/${enSlug}"/>`, "i"));
    expect(text).toMatch(new RegExp(`<link rel="alternate" hrefLang="zh-CN" href="${app.url}/help/${zhSlug}"/>`, "i"));
    expect(text).toMatch(new RegExp(`<link rel="alternate" hrefLang="x-default" href="${app.url}/help/${enSlug}"/>`, "i"));
    expect(text).toContain('<h2 id="start">Start</h2>');
    expect(text).toContain("<strong>Orders</strong>");
    expect(text).not.toContain("onerror");
    // The Chinese version at its own URL, marked up as Chinese.
    const zh = await html(`/help/${zhSlug}`);
    expect(zh.text).toContain("<title>退回小工具");
    expect(zh.text).toContain('lang="zh-CN"');
  });

  it("answers 404 for a draft and for an unknown slug", async () => {
    expect((await html(`/help/${draftSlug}`)).res.status).toBe(404);
    expect((await html(`/help/${draftSlug}`)).text).not.toContain("Secret draft");
    expect((await html(`/help/no-such-article-${KEY}`)).res.status).toBe(404);
  });

  it("lists published articles in both languages in /sitemap.xml with hreflang alternates, and no drafts", async () => {
    const res = await fetch(`${app.url}/sitemap.xml`);
    expect(res.headers.get("content-type")).toContain("application/xml");
    const xml = await res.text();
    expect(xml).toContain(`<loc>${app.url}/help/${enSlug}</loc>`);
    expect(xml).toContain(`<loc>${app.url}/help/${zhSlug}</loc>`);
    expect(xml).toContain(`<xhtml:link rel="alternate" hreflang="zh-CN" href="${app.url}/help/${zhSlug}"/>`);
    expect(xml).toContain(`hreflang="x-default" href="${app.url}/help/${enSlug}"`);
    expect(xml).not.toContain(draftSlug);
  });

  it("searches with a plain GET form (no JavaScript needed) and highlights the match", async () => {
    const home = await html("/help");
    const form = home.text.match(/<form[^>]*action="\/help\/search"[^>]*>/)?.[0] ?? "";
    expect(form).toMatch(/method="get"/i);
    expect(home.text).toMatch(/<input[^>]*type="search"[^>]*name="q"/);
    const { res, text } = await html(`/help/search?q=gadget`);
    expect(res.status).toBe(200);
    expect(text).toContain(`href="/help/${enSlug}"`);
    expect(text).toContain("<mark>gadget</mark>");
  });

  it("takes a guest's vote from a plain form POST, sets the guest cookie, and counts it once", async () => {
    const post = (cookie?: string) =>
      fetch(`${app.url}/help/${enSlug}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) }, body: "helpful=yes", redirect: "manual" });
    const viewsBefore = (await db().helpArticle.findFirstOrThrow({ where: { slug: enSlug } })).viewCount;
    const first = await post();
    expect(first.status).toBe(200);
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(cookie).toMatch(/^rapport_help_guest=[\w-]{16,}$/);
    await post(cookie);
    const article = await db().helpArticle.findFirstOrThrow({ where: { slug: enSlug } });
    expect(await db().helpVote.count({ where: { articleId: article.id } })).toBe(1);
    // Posting a vote re-renders the page but is not another view.
    expect(article.viewCount).toBe(viewsBefore);
  });

  it("counts a view per page load and records a ticket-form open with the guest session", async () => {
    const article = await db().helpArticle.findFirstOrThrow({ where: { slug: zhSlug } });
    const { res } = await html(`/help/${zhSlug}?from=ticket-form`);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(cookie).toMatch(/^rapport_help_guest=/);
    expect((await db().helpArticle.findUniqueOrThrow({ where: { id: article.id } })).viewCount).toBe(article.viewCount + 1);
    const tp = await db().touchpoint.findFirstOrThrow({ where: { type: "help.suggestion_opened", subjectId: article.id } });
    expect(tp.metadata).toMatchObject({ guestId: cookie.split("=")[1], from: "ticket-form" });
  });
});
