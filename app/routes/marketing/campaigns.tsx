// One-off campaigns (marketers and admins): the list with status, segment, recipient counts and
// dates, and the way to a new draft. Each row links to the campaign's detail page.
import { Link } from "react-router";
import type { Route } from "./+types/campaigns";
import { formatDate, translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "MARKETER");
  const campaigns = await context.trpc.campaigns.list();
  return { campaigns, title: translator(context.ctx.locale)("campaigns.title") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function Campaigns({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const { campaigns } = loaderData;
  const int = new Intl.NumberFormat(locale);
  return (
    <section className="stack-lg">
      <header className="stack">
        <h1>{t("campaigns.title")}</h1>
        <p className="lead">{t("campaigns.intro")}</p>
        <p>
          <Link to="/marketing/campaigns/new" className="button">
            {t("campaigns.newCampaign")}
          </Link>
        </p>
      </header>
      {campaigns.length === 0 ? (
        <p>{t("campaigns.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption>{t("campaigns.listCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("campaigns.colName")}</th>
                <th scope="col">{t("campaigns.colKind")}</th>
                <th scope="col">{t("campaigns.colSegment")}</th>
                <th scope="col">{t("campaigns.colStatus")}</th>
                <th scope="col">{t("campaigns.colRecipients")}</th>
                <th scope="col">{t("campaigns.colSent")}</th>
                <th scope="col">{t("campaigns.colHoldout")}</th>
                <th scope="col">{t("campaigns.colDates")}</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/marketing/campaigns/${c.id}`}>{c.name}</Link>
                  </th>
                  <td>{t(`campaigns.kind_${c.kind}`)}</td>
                  <td>{c.segment ? <Link to={`/marketing/segments/${c.segment.id}`}>{c.segment.name}</Link> : t("campaigns.noSegment")}</td>
                  <td>
                    <span className="badge">{t(`campaigns.status_${c.status}`)}</span>
                  </td>
                  <td>{int.format(c.counts.total)}</td>
                  <td>{int.format(c.counts.sent + c.counts.credited)}</td>
                  <td>{int.format(c.counts.holdout)}</td>
                  <td>
                    <div className="hint">{t("campaigns.createdOn", { date: formatDate(locale, c.createdAt, tz) })}</div>
                    {c.scheduledAt && !c.startedAt ? <div className="hint">{t("campaigns.scheduledFor", { date: formatDate(locale, c.scheduledAt, tz, true) })}</div> : null}
                    {c.startedAt ? <div className="hint">{t("campaigns.startedOn", { date: formatDate(locale, c.startedAt, tz, true) })}</div> : null}
                    {c.finishedAt ? <div className="hint">{t("campaigns.finishedOn", { date: formatDate(locale, c.finishedAt, tz, true) })}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
