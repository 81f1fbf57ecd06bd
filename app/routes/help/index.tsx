// The help center home (public, server-rendered, works without JavaScript): search, the most read
// articles and every topic with its articles, in the visitor's language.
import { Link } from "react-router";
import type { Route } from "./+types/index";
import { translator } from "#app/i18n/index.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { absoluteUrl } from "./guest.server.ts";
import { HelpSearchForm } from "./typeahead.tsx";
import "./help.css";

export async function loader({ context }: Route.LoaderArgs) {
  const t = translator(context.ctx.locale);
  const home = await context.trpc.help.home();
  return { ...home, title: t("help.title"), description: t("help.metaDescription"), canonical: absoluteUrl(context, "/help") };
}

export function meta({ data }: Route.MetaArgs) {
  if (!data) return [{ title: "Rapport" }];
  return [{ title: `${data.title} · Rapport` }, { name: "description", content: data.description }, { tagName: "link", rel: "canonical", href: data.canonical }];
}

export default function HelpHome({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { categories, popular } = loaderData;
  return (
    <section className="stack-lg help">
      <header className="stack">
        <h1>{t("help.title")}</h1>
        <p className="lead">{t("help.intro")}</p>
        <HelpSearchForm q="" locale={locale} />
      </header>

      {popular.length ? (
        <section aria-labelledby="popular-h" className="panel">
          <h2 id="popular-h">{t("help.popular")}</h2>
          <ul className="help-list">
            {popular.map((a) => (
              <li key={a.slug}>
                <Link to={`/help/${a.slug}`}>{a.title}</Link>
                {a.summary ? <p className="hint">{a.summary}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="topics-h">
        <h2 id="topics-h">{t("help.categories")}</h2>
        <div className="help-topics">
          {categories.map((c) => (
            <section key={c.id} aria-labelledby={`cat-${c.slug}`} className="panel">
              <h3 id={`cat-${c.slug}`}>{c.name}</h3>
              <ul className="help-list">
                {c.articles.map((a) => (
                  <li key={a.slug}>
                    <Link to={`/help/${a.slug}`}>{a.title}</Link>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </section>
    </section>
  );
}
