// Staff customer search (agents and marketers): a plain GET form, so it works without JavaScript
// and a search is a shareable URL. Each row links to the customer's 360° page.
import { Link } from "react-router";
import type { Route } from "./+types/customers";
import { hasKey, translator } from "#app/i18n/index.ts";
import { CustomerSearchForm, NoCustomersNotice } from "./customer-search.tsx";
import { searchCustomersFor } from "./customer-search.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

/** The procedure returns at most this many rows (server/domain/customers/customer-360.ts). */
const PAGE = 25;

export async function loader({ context, request }: Route.LoaderArgs) {
  return { ...(await searchCustomersFor(context, request)), title: translator(context.ctx.locale)("staff.customersTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function Customers({ loaderData }: Route.ComponentProps) {
  const { q, customers } = loaderData;
  const t = useT();
  const locale = useLocale();
  const num = new Intl.NumberFormat(locale);
  return (
    <section className="stack">
      <h1>{t("staff.customersTitle")}</h1>
      <CustomerSearchForm id="customer-q" q={q} clearTo="/staff/customers" />

      {customers.length === 0 ? (
        <NoCustomersNotice q={q} />
      ) : (
        <>
          <table className="data-table">
            <caption>{q ? t("staff.resultsFor", { q }) : t("staff.newestCustomers")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("staff.colName")}</th>
                <th scope="col">{t("staff.colEmail")}</th>
                <th scope="col">{t("staff.colTier")}</th>
                <th scope="col">{t("staff.colPoints")}</th>
                <th scope="col">{t("staff.colOrders")}</th>
                <th scope="col">{t("staff.colTickets")}</th>
                <th scope="col">{t("staff.colLogin")}</th>
              </tr>
            </thead>
            <tbody>
              {customers.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/staff/customers/${encodeURIComponent(c.id)}`}>{c.name || t("staff.unnamed")}</Link>
                  </th>
                  <td>{c.email}</td>
                  <td>
                    <span className="badge">{hasKey(`staff.tier${c.tier}`) ? t(`staff.tier${c.tier}`) : c.tier}</span>
                  </td>
                  <td>{num.format(c.pointsAvailable)}</td>
                  <td>{num.format(c.orders)}</td>
                  <td>{num.format(c.tickets)}</td>
                  <td>{c.hasLogin ? t("common.yes") : t("common.no")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {customers.length >= PAGE ? <p className="hint">{t("staff.moreResults", { count: PAGE })}</p> : null}
        </>
      )}
    </section>
  );
}
