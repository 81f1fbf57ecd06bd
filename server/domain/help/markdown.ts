// Article Markdown → sanitised HTML, on the server only. marked renders (GFM), sanitize-html then
// keeps an allow-list of tags, attributes and URL schemes, so raw HTML in Markdown (script, event
// handlers, javascript:/data: URLs, iframes, styles) never reaches the page. Headings get ids
// for in-page links; links get rel="noopener" (and "noreferrer nofollow" when external).
import { Marked, type Tokens } from "marked";
import sanitizeHtml from "sanitize-html";

/** A heading id from its text: lower case, letters/digits (any script) joined by dashes. */
export function headingId(text: string): string {
  const id = text
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/&[a-z0-9#]+;/gi, "")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return id || "section";
}

function markedInstance() {
  const used = new Map<string, number>();
  const m = new Marked({ gfm: true, breaks: false, async: false });
  m.use({
    renderer: {
      heading(this: { parser: { parseInline: (t: Tokens.Heading["tokens"]) => string } }, token: Tokens.Heading) {
        const inner = this.parser.parseInline(token.tokens);
        let id = headingId(token.text);
        const n = used.get(id) ?? 0;
        used.set(id, n + 1);
        if (n) id = `${id}-${n}`;
        return `<h${token.depth} id="${id}">${inner}</h${token.depth}>\n`;
      },
    },
  });
  return m;
}

const HEADING_ID = /^[\p{L}\p{N}][\p{L}\p{N}-]{0,80}$/u;
const keepHeadingId: sanitizeHtml.Transformer = (tagName, attribs) => {
  const out: sanitizeHtml.Attributes = {};
  if (attribs.id && HEADING_ID.test(attribs.id)) out.id = attribs.id;
  return { tagName, attribs: out };
};

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ["h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "b", "em", "i", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "kbd", "sup", "sub"],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title", "width", "height"],
    h1: ["id"],
    h2: ["id"],
    h3: ["id"],
    h4: ["id"],
    h5: ["id"],
    h6: ["id"],
    ol: ["start"],
    th: ["align"],
    td: ["align"],
    code: ["class"],
  },
  allowedClasses: { code: ["language-*"] },
  allowedSchemes: ["http", "https", "mailto"],
  // Images only over https (or relative): the pages' CSP allows `img-src 'self' data: https:`, so a
  // plain-http image would be blocked there anyway, with a CSP violation on every view (found by
  // the hardening XSS sweep, test/hardening/xss.test.ts). Its alt text stays.
  allowedSchemesByTag: { img: ["https"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite", "action", "formaction", "srcset"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    h1: keepHeadingId,
    h2: keepHeadingId,
    h3: keepHeadingId,
    h4: keepHeadingId,
    h5: keepHeadingId,
    h6: keepHeadingId,
    a: (tagName, attribs) => {
      const href = attribs.href ?? "";
      const external = /^[a-z][a-z0-9+.-]*:/i.test(href) && !href.toLowerCase().startsWith("mailto:");
      return { tagName, attribs: { ...attribs, rel: external ? "noopener noreferrer nofollow" : "noopener" } };
    },
  },
};

/** Renders untrusted Markdown to HTML that is safe to insert into a page. */
export function renderMarkdown(markdown: string): string {
  const raw = markedInstance().parse(markdown ?? "", { async: false });
  return sanitizeHtml(raw, OPTIONS);
}

/** Sanitises an HTML string with the article allow-list (exported for tests). */
export function sanitizeArticleHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

// Rendered articles are cached per (id, updatedAt): a save changes updatedAt, so no invalidation.
const cache = new Map<string, string>();
const CACHE_MAX = 500;

export function renderArticleBody(key: string, markdown: string): string {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const html = renderMarkdown(markdown);
  cache.set(key, html);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return html;
}

/** Markdown to plain text (for meta descriptions and snippets). */
export function plainText(markdown: string): string {
  return (markdown ?? "")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]*>/g, " ")
    .replace(/[#*_`>|~]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
