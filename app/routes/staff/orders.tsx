// Staff order search (agents, marketers read-only, admins): a GET form for an order number or a
// customer's email; without a query, the newest orders and the return requests awaiting a decision.
import { Form, Link } from "react-router";
import type { Route } from "./+types/orders";
import { formatDate, formatMoney, translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import { reasonLabel, statusLabel } from "../orders/format.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT", "MARKETER");
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  const result = await context.trpc.orders.find({ q });
  return { result, title: `${translator(context.ctx.locale)("orders.staffTitle")} · Rapport` };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export default function StaffOrders({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const timeZone = useRoot().user?.timeZone ?? "UTC";
  const { result } = loaderData;
  const { q, orders, openReturns } = result;
  return (
    <section className="stack">
      <h1>{t("orders.staffTitle")}</h1>
      <Form method="get" role="search" className="filters">
        <div className="field">
          <label htmlFor="staff-order-q">{t("orders.staffSearchLabel")}</label>
          <p id="staff-order-q-hint" className="hint">
            {t("orders.staffSearchHint")}
          </p>
          <input id="staff-order-q" type="search" name="q" defaultValue={q} maxLength={200} aria-describedby="staff-order-q-hint" />
        </div>
        <button type="submit" className="button">
          {t("orders.staffSearch")}
        </button>
        {q ? (
          <Link to="/staff/orders" className="link-button">
            {t("orders.clear")}
          </Link>
        ) : null}
      </Form>

      {result.mode === "recent" ? (
        <section aria-labelledby="open-returns-h" className="panel">
          <h2 id="open-returns-h">{t("orders.staffOpenReturns")}</h2>
          {openReturns.length === 0 ? (
            <p>{t("orders.staffNoOpenReturns")}</p>
          ) : (
            <div className="table-wrap">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t("orders.colNumber")}</th>
                    <th scope="col">{t("orders.colCustomer")}</th>
                    <th scope="col">{t("orders.colReason")}</th>
                    <th scope="col">{t("orders.colRequested")}</th>
                  </tr>
                </thead>
                <tbody>
                  {openReturns.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">
                        <Link to={`/staff/orders/${encodeURIComponent(r.order.number)}#returns`}>{r.order.number}</Link>
                      </th>
                      <td>{r.customer.name ? `${r.customer.name} <${r.customer.email}>` : r.customer.email}</td>
                      <td>{reasonLabel(t, r.reason)}</td>
                      <td>{formatDate(locale, r.createdAt, timeZone, true)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}

      {orders.length === 0 ? (
        <p className="notice" role="status">
          {q ? t("orders.staffNoMatches", { q }) : t("orders.staffNoOrders")}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption>{q ? t("orders.staffResultsFor", { q }) : t("orders.staffRecent")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("orders.colNumber")}</th>
                <th scope="col">{t("orders.colCustomer")}</th>
                <th scope="col">{t("orders.colPlaced")}</th>
                <th scope="col">{t("orders.colStatus")}</th>
                <th scope="col">{t("orders.colTotal")}</th>
                <th scope="col">{t("orders.colSource")}</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={o.number}>
                  <th scope="row">
                    <Link to={`/staff/orders/${encodeURIComponent(o.number)}`}>{o.number}</Link>
                  </th>
                  <td>
                    <Link to={`/staff/customers/${encodeURIComponent(o.customer.id)}`}>{o.customer.name || o.customer.email}</Link>
                    {o.customer.name ? (
                      <>
                        <br />
                        <small>{o.customer.email}</small>
                      </>
                    ) : null}
                  </td>
                  <td>{formatDate(locale, o.placedAt, timeZone, true)}</td>
                  <td>
                    <span className="badge">{statusLabel(t, o.status)}</span>
                  </td>
                  <td>{formatMoney(locale, o.totalMinor, o.currency)}</td>
                  <td>{o.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
