// Staff: find a customer's loyalty ledger (search by name, email or order number).
import { Link } from "react-router";
import type { Route } from "./+types/loyalty-index";
import { translator } from "#app/i18n/index.ts";
import { CustomerSearchForm, NoCustomersNotice } from "./customer-search.tsx";
import { searchCustomersFor } from "./customer-search.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  return { ...(await searchCustomersFor(context, request)), title: translator(context.ctx.locale)("rewards.staffIndexTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function LoyaltyIndex({ loaderData }: Route.ComponentProps) {
  const { q, customers } = loaderData;
  const t = useT();
  const num = new Intl.NumberFormat(useLocale());
  return (
    <section className="stack">
      <h1>{t("rewards.staffIndexTitle")}</h1>
      <CustomerSearchForm id="loyalty-q" q={q} />
      {customers.length === 0 ? (
        <NoCustomersNotice q={q} />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("staff.colName")}</th>
                <th scope="col">{t("staff.colEmail")}</th>
                <th scope="col">{t("staff.colTier")}</th>
                <th scope="col">{t("rewards.available")}</th>
              </tr>
            </thead>
            <tbody>
              {customers.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/staff/loyalty/${encodeURIComponent(c.id)}`}>{c.name || c.email}</Link>
                  </th>
                  <td>{c.email}</td>
                  <td>{c.tier}</td>
                  <td>{num.format(c.pointsAvailable)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
