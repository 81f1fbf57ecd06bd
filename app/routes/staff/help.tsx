// Staff: help articles in both languages, drafts included (agents and admins). GET filters work
// without JavaScript; each row opens the editor.
import { Form, Link } from "react-router";
import type { Route } from "./+types/help";
import { formatDate, translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { ArticleLink, languageName } from "./help-ui.tsx";
import "../help/help.css";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT");
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const status = url.searchParams.get("status");
  const locale = url.searchParams.get("locale");
  const filters = {
    q: q || undefined,
    status: status === "draft" || status === "published" ? status : undefined,
    locale: locale === "en" || locale === "zh-CN" ? locale : undefined,
  } as const;
  const articles = await context.trpc.help.staffList(filters);
  return { articles, filters: { q, status: filters.status ?? "", locale: filters.locale ?? "" }, title: translator(context.ctx.locale)("help.staffTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function StaffHelp({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { articles, filters } = loaderData;
  const num = new Intl.NumberFormat(locale);
  return (
    <section className="stack">
      <h1>{t("help.staffTitle")}</h1>
      <p>{t("help.staffIntro")}</p>
      <p className="actions">
        <Link to="/staff/help/new" className="button">
          {t("help.newArticle")}
        </Link>
        <Link to="/staff/help/reports">{t("help.reportsTitle")}</Link>
      </p>
      <Form method="get" className="filters">
        <div className="field">
          <label htmlFor="f-q">{t("help.filterSearch")}</label>
          <input id="f-q" type="search" name="q" defaultValue={filters.q} maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="f-status">{t("help.filterStatus")}</label>
          <select id="f-status" name="status" defaultValue={filters.status}>
            <option value="">{t("help.filterAll")}</option>
            <option value="draft">{t("help.statusDraft")}</option>
            <option value="published">{t("help.statusPublished")}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-locale">{t("help.filterLanguage")}</label>
          <select id="f-locale" name="locale" defaultValue={filters.locale}>
            <option value="">{t("help.filterAll")}</option>
            <option value="en">English</option>
            <option value="zh-CN">简体中文</option>
          </select>
        </div>
        <button type="submit" className="button secondary">
          {t("help.filter")}
        </button>
      </Form>
      {articles.length === 0 ? (
        <p className="notice" role="status">
          {t("help.noArticles")}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("help.colTitle")}</th>
                <th scope="col">{t("help.colLanguage")}</th>
                <th scope="col">{t("help.colStatus")}</th>
                <th scope="col">{t("help.colCategory")}</th>
                <th scope="col">{t("help.colViews")}</th>
                <th scope="col">{t("help.colUpdated")}</th>
              </tr>
            </thead>
            <tbody>
              {articles.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    <ArticleLink article={a} />
                    <br />
                    <small className="hint">/help/{a.slug}</small>
                  </th>
                  <td>{languageName(a.locale)}</td>
                  <td>
                    <span className={`badge${a.published ? "" : " badge-draft"}`}>{a.published ? t("help.statusPublished") : t("help.statusDraft")}</span>
                  </td>
                  <td>{locale === "zh-CN" ? a.category.nameZh : a.category.nameEn}</td>
                  <td>{num.format(a.viewCount)}</td>
                  <td>{formatDate(locale, a.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
