// Campaign mail rendering. A campaign's email is compiled ONCE per (campaign, language, version):
// the Markdown body is rendered and sanitised, its http(s) links are numbered and replaced by
// tracking placeholders, the whole is rendered through the React Email layout and turned into
// plain text — all with {{…}} placeholders left in. Each recipient's message is then a string
// substitution (HTML-escaped in the HTML part), not a React render.
import { toPlainText, render } from "@react-email/render";
import { CampaignEmail } from "../../../emails/campaign.tsx";
import type { EmailLocale } from "../../../emails/i18n.ts";
import { renderMarkdown } from "../help/markdown.ts";
import type { EmailContent } from "./schemas.ts";
import { appUrl, clickToken, openToken, unsubscribeToken } from "./tokens.ts";

export interface CompiledCampaign {
  subject: string;
  html: string;
  text: string;
  /** The body's own links, by index: the only targets a click link can redirect to. */
  links: string[];
}

export interface RecipientVars {
  recipientId: string;
  customerId: string;
  campaignId: string;
  firstName: string;
  name: string;
  points: number | string;
  tier: string;
  code?: string;
  /** Further placeholders of an automation's trigger (e.g. surveyUrl, expiringPoints). */
  extra?: Record<string, string>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

/** Rewrites <a href="http…"> in sanitised HTML to numbered placeholders; returns the links. */
export function numberLinks(html: string): { html: string; links: string[] } {
  const links: string[] = [];
  const out = html.replace(/<a\s([^>]*?)href="([^"]*)"/gi, (m, pre: string, href: string) => {
    const url = href.replace(/&amp;/g, "&");
    // [text]({{surveyUrl}}): Markdown URL-encodes the braces; the link is the placeholder's value.
    const whole = /^%7B%7B\s*([A-Za-z_][\w.]*)\s*%7D%7D$/i.exec(url);
    if (whole) return `<a ${pre}href="{{${whole[1]}}}"`;
    if (!/^https?:\/\//i.test(url)) return m;
    links.push(url);
    return `<a ${pre}href="{{__link.${links.length - 1}}}"`;
  });
  return { html: out, links };
}

const cache = new Map<string, Promise<CompiledCampaign>>();
const CACHE_MAX = 200;

function contentFor(content: EmailContent, locale: EmailLocale) {
  return locale === "zh-CN" ? { subject: content.subjectZh, body: content.bodyZh } : { subject: content.subjectEn, body: content.bodyEn };
}

/** Compiles (cached by key = campaign id + updatedAt) the campaign's mail for one language. */
export function compileCampaign(key: string, content: EmailContent, locale: EmailLocale): Promise<CompiledCampaign> {
  const k = `${key}|${locale}`;
  let hit = cache.get(k);
  if (!hit) {
    hit = (async () => {
      const { subject, body } = contentFor(content, locale);
      const { html: bodyHtml, links } = numberLinks(renderMarkdown(body));
      const html = await render(CampaignEmail({ locale, subject, bodyHtml, unsubscribeUrl: "{{__unsubscribe}}", pixelUrl: "{{__pixel}}" }));
      const text = toPlainText(html, { selectors: [{ selector: "h1", options: { uppercase: false } }, { selector: "img", format: "skip" }] });
      return { subject: subject.replace(/\s+/g, " ").trim(), html, text, links };
    })();
    hit.catch(() => cache.delete(k));
    cache.set(k, hit);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  }
  return hit;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function valueOf(name: string, v: RecipientVars): string | undefined {
  if (name.startsWith("__link.")) {
    const n = Number(name.slice(7));
    return Number.isInteger(n) ? appUrl(`/t/c/${clickToken(v.recipientId, n)}`) : undefined;
  }
  switch (name) {
    case "__unsubscribe":
      return unsubscribeUrl(v.customerId, v.campaignId);
    case "__pixel":
      return appUrl(`/t/o/${openToken(v.recipientId)}`);
    case "firstName":
      return v.firstName;
    case "name":
      return v.name;
    case "points":
      return String(v.points);
    case "tier":
      return v.tier;
    case "code":
      return v.code ?? "";
    default:
      return v.extra && Object.hasOwn(v.extra, name) ? v.extra[name] : undefined;
  }
}

export function unsubscribeUrl(customerId: string, campaignId: string) {
  return appUrl(`/u/${unsubscribeToken(customerId, campaignId)}`);
}

/** One recipient's message from the compiled campaign. Unknown placeholders stay as written. */
export function personalize(c: CompiledCampaign, v: RecipientVars): { subject: string; html: string; text: string; headers: Record<string, string> } {
  const unsub = unsubscribeUrl(v.customerId, v.campaignId);
  // Each value once per message (the signed links appear in the HTML and the text part).
  const memo = new Map<string, string | undefined>([["__unsubscribe", unsub]]);
  const fill = (s: string, esc: (x: string) => string) => s.replace(PLACEHOLDER, (m, name: string) => {
    let value = memo.get(name);
    if (value === undefined && !memo.has(name)) memo.set(name, (value = valueOf(name, v)));
    return value === undefined ? m : esc(value);
  });
  return {
    subject: fill(c.subject, (x) => x.replace(/[\r\n]+/g, " ")),
    html: fill(c.html, escapeHtml),
    text: fill(c.text, (x) => x),
    // RFC 8058 one-click unsubscribe (RFC 2369 List-Unsubscribe with an HTTPS URL when APP_URL is https).
    headers: { "List-Unsubscribe": `<${unsub}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

export function firstNameOf(name: string | null, email: string) {
  const n = name?.trim();
  if (n) return n.split(/\s+/)[0]!;
  return email.split("@")[0] ?? "";
}
