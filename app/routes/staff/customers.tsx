// Staff customer search (agents and marketers): a plain GET form, so it works without JavaScript
// and a search is a shareable URL. Each row links to the customer's 360° page.
import { Form, Link } from "react-router";
import type { Route } from "./+types/customers";
import { hasKey, translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

/** The procedure returns at most this many rows (server/domain/customers/customer-360.ts). */
const PAGE = 25;

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT", "MARKETER");
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  const customers = await context.trpc.staff.searchCustomers({ q });
  return { q, customers, title: translator(context.ctx.locale)("staff.customersTitle") };
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
      <Form method="get" role="search" className="filters">
        <div className="field">
          <label htmlFor="customer-q">{t("staff.searchLabel")}</label>
          <p id="customer-q-hint" className="hint">
            {t("staff.searchHint")}
          </p>
          <input id="customer-q" type="search" name="q" defaultValue={q} maxLength={200} aria-describedby="customer-q-hint" />
        </div>
        <button type="submit" className="button">
          {t("staff.searchSubmit")}
        </button>
        {q ? (
          <Link to="/staff/customers" className="link-button">
            {t("staff.clearSearch")}
          </Link>
        ) : null}
      </Form>

      {customers.length === 0 ? (
        <p className="notice" role="status">
          {q ? t("staff.noMatches", { q }) : t("staff.noCustomers")}
        </p>
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
