// Help search results (public; a plain GET form, so results are shareable URLs and work without
// JavaScript). Snippets come as text parts with highlighted terms, never as HTML.
import { data, Link } from "react-router";
import type { Route } from "./+types/search";
import { translator } from "#app/i18n/index.ts";
import { isTrpcCode } from "#app/lib/forms.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { absoluteUrl, readGuestId } from "./guest.server.ts";
import { HelpSearchForm } from "./typeahead.tsx";
import "./help.css";

export async function loader({ context, request }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 200);
  const page = Math.min(50, Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  const t = translator(context.ctx.locale);
  try {
    const result = q ? await context.trpc.help.search({ q, page, guestId: readGuestId(request) }) : null;
    return { q, page, result, title: q ? `${t("help.searchTitle")}: ${q}` : t("help.searchTitle"), canonical: absoluteUrl(context, "/help") };
  } catch (e) {
    if (isTrpcCode(e, "BAD_REQUEST")) throw data({ message: "bad request" }, { status: 400 });
    throw e;
  }
}

export function meta({ data }: Route.MetaArgs) {
  // Result pages are not indexed (the articles themselves are, through the sitemap).
  return [{ title: `${data?.title ?? ""} · Rapport` }, { name: "robots", content: "noindex, follow" }];
}

export default function HelpSearch({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { q, page, result } = loaderData;
  const pages = result ? Math.ceil(result.total / result.pageSize) : 0;
  const more = (p: number) => `/help/search?${new URLSearchParams({ q, page: String(p) })}`;
  return (
    <section className="stack-lg help">
      <p>
        <Link to="/help">← {t("help.backToHelp")}</Link>
      </p>
      <h1>{t("help.searchTitle")}</h1>
      <HelpSearchForm q={q} locale={locale} />
      {result ? (
        <section aria-labelledby="results-h" className="stack">
          <h2 id="results-h" role="status">
            {result.total === 0 ? t("help.noResults", { q }) : result.total === 1 ? t("help.oneResultFor", { q }) : t("help.resultsFor", { q, count: result.total })}
          </h2>
          {result.correctedQuery ? <p className="notice">{t("help.correctedTo", { q: result.correctedQuery })}</p> : null}
          {result.strategy === "any-word" ? <p className="hint">{t("help.anyWord")}</p> : null}
          {result.locale !== locale && result.total > 0 ? <p className="hint">{t("help.searchedChinese")}</p> : null}
          {result.total === 0 ? (
            <p>
              <Link to="/support" className="button secondary">
                {t("help.contactSupport")}
              </Link>
            </p>
          ) : (
            <ol className="help-results" lang={result.locale}>
              {result.hits.map((h) => (
                <li key={h.id}>
                  <h3>
                    <Link to={`/help/${h.slug}`}>{h.title}</Link>
                  </h3>
                  {h.summary ? <p className="hint">{h.summary}</p> : null}
                  {h.snippet.length ? (
                    <p className="help-snippet">
                      {h.snippet.map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
                    </p>
                  ) : null}
                </li>
              ))}
            </ol>
          )}
          {pages > 1 ? (
            <nav className="pager" aria-label={t("help.page", { page })}>
              {page > 1 ? <Link to={more(page - 1)}>{t("common.previous")}</Link> : null}
              <span>{t("help.page", { page })}</span>
              {page < pages ? <Link to={more(page + 1)}>{t("common.next")}</Link> : null}
            </nav>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}
