// Staff: help center reports — most read, least helpful, searches that found nothing (content
// gaps) and the deflection rate of articles suggested on the ticket form.
import { Form, Link } from "react-router";
import type { Route } from "./+types/help-reports";
import { formatDate, translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { ArticleLink, languageName } from "./help-ui.tsx";
import "../help/help.css";

const PERIODS = [7, 30, 90, 365];

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT");
  const d = Number(new URL(request.url).searchParams.get("days"));
  const days = PERIODS.includes(d) ? d : 30;
  const report = await context.trpc.help.reports({ days });
  return { report, title: translator(context.ctx.locale)("help.reportsTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function HelpReports({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { report } = loaderData;
  const num = new Intl.NumberFormat(locale);
  const pct = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const lang = languageName;
  return (
    <section className="stack-lg">
      <p>
        <Link to="/staff/help">← {t("help.staffTitle")}</Link>
      </p>
      <h1>{t("help.reportsTitle")}</h1>
      <Form method="get" className="filters">
        <div className="field">
          <label htmlFor="r-days">{t("help.periodLabel")}</label>
          <select id="r-days" name="days" defaultValue={String(report.days)}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t("help.reportsPeriod", { days: p })}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button secondary">
          {t("help.filter")}
        </button>
      </Form>

      <section aria-labelledby="defl-h" className="panel">
        <h2 id="defl-h">{t("help.deflection")}</h2>
        <p className="hint">{t("help.deflectionHint", { hours: report.deflection.windowHours })}</p>
        <ul className="cards">
          <li className="card">
            <div>
              <span className="card-label">{t("help.deflectionRate")}</span>
              <span className="card-value">{report.deflection.rate === null ? t("help.notAvailable") : pct.format(report.deflection.rate)}</span>
            </div>
          </li>
          <li className="card">
            <div>
              <span className="card-label">{t("help.deflectionOpens")}</span>
              <span className="card-value">{num.format(report.deflection.customerOpens)}</span>
            </div>
          </li>
          <li className="card">
            <div>
              <span className="card-label">{t("help.deflectionDeflected")}</span>
              <span className="card-value">{num.format(report.deflection.deflected)}</span>
            </div>
          </li>
          <li className="card">
            <div>
              <span className="card-label">{t("help.deflectionGuests")}</span>
              <span className="card-value">{num.format(report.deflection.guestOpens)}</span>
            </div>
          </li>
        </ul>
      </section>

      <section aria-labelledby="gaps-h" className="panel">
        <h2 id="gaps-h">{t("help.contentGaps")}</h2>
        <p className="hint">
          {t("help.contentGapsHint")} {t("help.searchesTotal")}: {num.format(report.searches.total)} · {t("help.searchesEmpty")} {num.format(report.searches.empty)}
        </p>
        {report.contentGaps.length === 0 ? (
          <p>{t("help.noData")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("help.colQuery")}</th>
                  <th scope="col">{t("help.colLanguage")}</th>
                  <th scope="col">{t("help.colSearches")}</th>
                  <th scope="col">{t("help.colLastAt")}</th>
                </tr>
              </thead>
              <tbody>
                {report.contentGaps.map((g) => (
                  <tr key={`${g.locale}:${g.query}`}>
                    <th scope="row" lang={g.locale}>
                      {g.query}
                    </th>
                    <td>{lang(g.locale)}</td>
                    <td>{num.format(g.searches)}</td>
                    <td>{formatDate(locale, g.lastAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="top-h" className="panel">
        <h2 id="top-h">{t("help.topArticles")}</h2>
        <ArticleTable rows={report.top} showViews />
      </section>

      <section aria-labelledby="least-h" className="panel">
        <h2 id="least-h">{t("help.leastHelpful")}</h2>
        <ArticleTable rows={report.leastHelpful} />
      </section>
    </section>
  );
}

function ArticleTable({ rows, showViews }: { rows: { id: string; title: string; locale: string; helpful: number; notHelpful: number; viewCount?: number }[]; showViews?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const num = new Intl.NumberFormat(locale);
  if (!rows.length) return <p>{t("help.noData")}</p>;
  return (
    <div className="table-wrap">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t("help.colTitle")}</th>
            <th scope="col">{t("help.colLanguage")}</th>
            {showViews ? <th scope="col">{t("help.colViews")}</th> : null}
            <th scope="col">{t("help.colHelpful")}</th>
            <th scope="col">{t("help.colNotHelpful")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <ArticleLink article={r} />
              </th>
              <td>{languageName(r.locale)}</td>
              {showViews ? <td>{num.format(r.viewCount ?? 0)}</td> : null}
              <td>{num.format(r.helpful)}</td>
              <td>{num.format(r.notHelpful)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
