// Support report: CSAT by agent and by week, SLA breaches and deflection (last 12 weeks).
import { Link } from "react-router";
import type { Route } from "./+types/tickets-report";
import { translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT");
  const report = await context.trpc.support.report({ weeks: 12 });
  return { report, title: translator(context.ctx.locale)("support.reportTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

interface Row {
  key: string;
  label: string;
  ratings: number;
  average: number;
  satisfied: number;
}

function CsatTable({ rows, caption, labelHeader }: { rows: Row[]; caption: string; labelHeader: string }) {
  const t = useT();
  const locale = useLocale();
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  if (!rows.length) return <p>{t("support.noRatings")}</p>;
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{labelHeader}</th>
            <th scope="col">{t("support.colRatings")}</th>
            <th scope="col">{t("support.colAverage")}</th>
            <th scope="col">{t("support.colSatisfied")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label || t("support.unassigned")}</th>
              <td>{num.format(r.ratings)}</td>
              <td>{num.format(r.average)}</td>
              <td>{num.format(r.satisfied)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Report({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const num = new Intl.NumberFormat(locale);
  const { report } = loaderData;
  const c = report.counts;
  return (
    <section className="stack-lg">
      <p>
        <Link to="/staff/inbox">{t("support.backToInbox")}</Link>
      </p>
      <h1>{t("support.reportTitle")}</h1>
      <p>{t("support.reportWindow", { weeks: report.weeks })}</p>
      <section aria-labelledby="by-agent">
        <h2 id="by-agent">{t("support.csatByAgent")}</h2>
        <CsatTable rows={report.byAgent} caption={t("support.csatByAgent")} labelHeader={t("support.colAgent")} />
      </section>
      <section aria-labelledby="by-week">
        <h2 id="by-week">{t("support.csatByWeek")}</h2>
        <CsatTable rows={report.byWeek} caption={t("support.csatByWeek")} labelHeader={t("support.colWeek")} />
      </section>
      <section aria-labelledby="sla-h">
        <h2 id="sla-h">{t("support.slaSection")}</h2>
        <dl className="kv">
          <dt>{t("support.ticketsCreated")}</dt>
          <dd>{num.format(c.created)}</dd>
          <dt>{t("support.breachedEver")}</dt>
          <dd>{num.format(c.breachedEver)}</dd>
          <dt>{t("support.breachedNow")}</dt>
          <dd>{num.format(c.breachedNow)}</dd>
          <dt>{t("support.suggestionsOpened")}</dt>
          <dd>{num.format(c.suggestionsOpened)}</dd>
          <dt>{t("support.deflected")}</dt>
          <dd>{num.format(c.deflected)}</dd>
        </dl>
      </section>
    </section>
  );
}
