// One help article (public, server-rendered; readable signed out and without JavaScript): the
// sanitised body, canonical and hreflang links between translations, "Was this helpful?", and
// related articles. Opening it from the ticket form's suggestions (?from=ticket-form) is recorded
// for the deflection report.
import { data, Form, Link, useActionData, useNavigation, type ShouldRevalidateFunction } from "react-router";
import type { Route } from "./+types/article";
import { formatDate, translator, type Locale } from "#app/i18n/index.ts";
import { attempt, isTrpcCode } from "#app/lib/forms.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { absoluteUrl, guestId, markPosted, wasPosted } from "./guest.server.ts";
import "./help.css";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const from = url.searchParams.get("from") === "ticket-form" ? ("ticket-form" as const) : undefined;
  const isCustomer = Boolean(context.ctx.session?.user.customerId);
  const gid = guestId(request, context, Boolean(from) && !isCustomer);
  let article;
  try {
    article = await context.trpc.help.article({ slug: params.slug, guestId: gid });
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw data({ message: "not found" }, { status: 404 });
    throw e;
  }
  if (request.method === "GET" && !wasPosted(context)) await context.trpc.help.recordView({ articleId: article.id, from, guestId: gid });
  const path = (slug: string) => `/help/${slug}`;
  const alternates = [{ locale: article.locale, href: absoluteUrl(context, path(article.slug)) }, ...article.translations.map((tr) => ({ locale: tr.locale, href: absoluteUrl(context, path(tr.slug)) }))];
  const xDefault = alternates.find((a) => a.locale === "en") ?? alternates[0]!;
  return { article, canonical: absoluteUrl(context, path(article.slug)), alternates, xDefault: xDefault.href, appName: translator(context.ctx.locale)("common.appName") };
}

export async function action({ context, request, params }: Route.ActionArgs) {
  markPosted(context);
  const form = await request.formData();
  const helpful = form.get("helpful");
  if (helpful !== "yes" && helpful !== "no") return { ok: false, formError: "errors.invalid" };
  const isCustomer = Boolean(context.ctx.session?.user.customerId);
  const gid = guestId(request, context, !isCustomer);
  const article = await context.trpc.help.article({ slug: params.slug, guestId: gid }).catch(() => null);
  if (!article) throw data({ message: "not found" }, { status: 404 });
  const r = await attempt(() => context.trpc.help.vote({ articleId: article.id, helpful: helpful === "yes", guestId: gid }));
  return "myVote" in r ? { ok: true, ...r } : r;
}

// A vote updates the page from the action's answer; re-running the loader would count another view.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) => (formMethod && formMethod.toUpperCase() !== "GET" ? false : defaultShouldRevalidate);

export function meta({ data }: Route.MetaArgs) {
  if (!data) return [{ title: "Rapport" }];
  const { article } = data;
  return [
    { title: `${article.title} · ${data.appName}` },
    { name: "description", content: article.description },
    { property: "og:title", content: article.title },
    { property: "og:description", content: article.description },
    { tagName: "link", rel: "canonical", href: data.canonical },
    ...data.alternates.map((a) => ({ tagName: "link", rel: "alternate", hrefLang: a.locale, href: a.href })),
    { tagName: "link", rel: "alternate", hrefLang: "x-default", href: data.xDefault },
  ];
}

function languageName(t: ReturnType<typeof useT>, l: Locale) {
  return l === "zh-CN" ? t("help.languageZh") : t("help.languageEn");
}

export default function HelpArticle({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { article } = loaderData;
  const result = useActionData<typeof action>() as (FormResult & { helpful?: number; notHelpful?: number; myVote?: boolean }) | undefined;
  const busy = useNavigation().state === "submitting";
  const voted = result?.ok ? result.myVote : article.myVote;
  const helpful = result?.ok ? result.helpful! : article.helpful;
  const total = result?.ok ? result.helpful! + result.notHelpful! : article.helpful + article.notHelpful;
  return (
    <div className="help-article-layout">
      <article className="help-article stack" lang={article.locale}>
        <nav aria-label="breadcrumb" className="hint" lang={locale}>
          <Link to="/help">{t("help.title")}</Link> › {article.category.name}
        </nav>
        <h1>{article.title}</h1>
        {article.summary ? <p className="lead">{article.summary}</p> : null}
        <p className="hint" lang={locale}>
          {t("help.updated", { date: formatDate(locale, article.updatedAt) })}
          {article.translations.map((tr) => (
            <span key={tr.locale}>
              {" · "}
              <Link to={`/help/${tr.slug}`} hrefLang={tr.locale} lang={tr.locale}>
                {t("help.otherLanguage", { language: languageName(t, tr.locale) })}
              </Link>
            </span>
          ))}
        </p>
        {/* Rendered from Markdown and sanitised on the server (server/domain/help/markdown.ts). */}
        <div className="help-body" dangerouslySetInnerHTML={{ __html: article.html }} />
      </article>

      <aside className="stack" lang={locale}>
        <section aria-labelledby="vote-h" className="panel">
          <h2 id="vote-h">{t("help.wasHelpful")}</h2>
          {result?.ok ? <Notice>{t("help.thanks")}</Notice> : null}
          {result && !result.ok ? <FormError error={result.formError} /> : null}
          {voted !== null && voted !== undefined && !result?.ok ? <p className="hint">{t("help.yourVote", { answer: voted ? t("help.yes") : t("help.no") })}</p> : null}
          <Form method="post" className="actions">
            <button type="submit" name="helpful" value="yes" className={`button small${voted === true ? "" : " secondary"}`} aria-pressed={voted === true} disabled={busy}>
              {t("help.yes")}
            </button>
            <button type="submit" name="helpful" value="no" className={`button small${voted === false ? "" : " secondary"}`} aria-pressed={voted === false} disabled={busy}>
              {t("help.no")}
            </button>
          </Form>
          {total > 0 ? <p className="hint">{t("help.votesSummary", { helpful, total })}</p> : null}
        </section>

        {article.related.length ? (
          <section aria-labelledby="related-h" className="panel">
            <h2 id="related-h">{t("help.related")}</h2>
            <ul className="help-list" lang={article.locale}>
              {article.related.map((r) => (
                <li key={r.id}>
                  <Link to={`/help/${r.slug}`}>{r.title}</Link>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <section aria-labelledby="more-h" className="panel">
          <h2 id="more-h">{t("help.stillNeedHelp")}</h2>
          <p>
            <Link to="/support" className="button secondary">
              {t("help.contactSupport")}
            </Link>
          </p>
        </section>
      </aside>
    </div>
  );
}
