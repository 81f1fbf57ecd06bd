// /sitemap.xml: every published help article in both languages, each with its hreflang
// alternates (https://developers.google.com/search/docs/specialty/international/localized-versions).
import type { Route } from "./+types/sitemap";
import { absoluteUrl } from "./guest.server.ts";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export async function loader({ context }: Route.LoaderArgs) {
  const entries = await context.trpc.help.sitemap();
  const url = (slug: string) => esc(absoluteUrl(context, `/help/${slug}`));
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">`,
    `  <url><loc>${esc(absoluteUrl(context, "/help"))}</loc></url>`,
    ...entries.map((e) => {
      const alts = e.alternates.length > 1 ? [...e.alternates.map((a) => `<xhtml:link rel="alternate" hreflang="${a.locale}" href="${url(a.slug)}"/>`), `<xhtml:link rel="alternate" hreflang="x-default" href="${url((e.alternates.find((a) => a.locale === "en") ?? e.alternates[0]!).slug)}"/>`] : [];
      return `  <url><loc>${url(e.slug)}</loc><lastmod>${e.updatedAt.toISOString()}</lastmod>${alts.join("")}</url>`;
    }),
    `</urlset>`,
  ];
  return new Response(lines.join("\n") + "\n", { headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=600" } });
}
