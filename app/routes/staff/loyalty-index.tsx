// Staff: find a customer's loyalty ledger (search by name, email or order number).
import { Form, Link } from "react-router";
import type { Route } from "./+types/loyalty-index";
import { translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT", "MARKETER");
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  const customers = await context.trpc.staff.searchCustomers({ q });
  return { q, customers, title: translator(context.ctx.locale)("rewards.staffIndexTitle") };
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
      <Form method="get" role="search" className="filters">
        <div className="field">
          <label htmlFor="loyalty-q">{t("staff.searchLabel")}</label>
          <p id="loyalty-q-hint" className="hint">
            {t("staff.searchHint")}
          </p>
          <input id="loyalty-q" type="search" name="q" defaultValue={q} maxLength={200} aria-describedby="loyalty-q-hint" />
        </div>
        <button type="submit" className="button">
          {t("staff.searchSubmit")}
        </button>
      </Form>
      {customers.length === 0 ? (
        <p className="notice" role="status">
          {q ? t("staff.noMatches", { q }) : t("staff.noCustomers")}
        </p>
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
