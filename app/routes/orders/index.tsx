// The customer's order list: status filter and number search in a plain GET form (works without
// JavaScript, shareable URL), page links, and an honest empty state.
import { Form, Link } from "react-router";
import type { Route } from "./+types/index";
import { formatDate, formatMoney, translator } from "#app/i18n/index.ts";
import { isTrpcCode } from "#app/lib/forms.server.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

import { ORDER_STATUSES as STATUSES, statusLabel, type OrderStatusName as Status } from "./format.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  const user = requireCustomer(context, request);
  const title = `${translator(context.ctx.locale)("orders.title")} · Rapport`;
  const url = new URL(request.url);
  const rawStatus = url.searchParams.get("status") ?? "";
  const status = (STATUSES as readonly string[]).includes(rawStatus) ? (rawStatus as Status) : undefined;
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const pageNum = Number.parseInt(url.searchParams.get("page") ?? "1", 10);
  const page = Number.isFinite(pageNum) && pageNum >= 1 ? Math.min(pageNum, 100_000) : 1;
  if (!user.customerId) return { title, timeZone: user.timeZone, orders: null };
  try {
    const orders = await context.trpc.orders.list({ status, q: q || undefined, page });
    return { title, timeZone: user.timeZone, orders };
  } catch (e) {
    // A login whose customer record awaits email confirmation has no orders to show yet.
    if (isTrpcCode(e, "FORBIDDEN")) return { title, timeZone: user.timeZone, orders: null };
    throw e;
  }
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

function pageHref(filters: { status: string | null; q: string }, page: number) {
  const p = new URLSearchParams();
  if (filters.status) p.set("status", filters.status);
  if (filters.q) p.set("q", filters.q);
  if (page > 1) p.set("page", String(page));
  const s = p.toString();
  return s ? `/orders?${s}` : "/orders";
}

export default function Orders({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { orders, timeZone } = loaderData;
  if (!orders) {
    return (
      <section className="stack">
        <h1>{t("orders.title")}</h1>
        <p className="notice" role="status">
          {t("errors.verifyToContinue")}
        </p>
      </section>
    );
  }
  const { filters } = orders;
  const filtered = Boolean(filters.status || filters.q);
  if (orders.total === 0 && !filtered) {
    return (
      <section className="stack">
        <h1>{t("orders.title")}</h1>
        <div className="panel">
          <h2>{t("orders.emptyTitle")}</h2>
          <p>{t("orders.emptyBody")}</p>
        </div>
      </section>
    );
  }
  return (
    <section className="stack">
      <h1>{t("orders.title")}</h1>
      <p>{t("orders.intro")}</p>
      <Form method="get" role="search" className="filters">
        <div className="field">
          <label htmlFor="orders-status">{t("orders.filterStatus")}</label>
          <select id="orders-status" name="status" defaultValue={filters.status ?? ""}>
            <option value="">{t("orders.allStatuses")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(t, s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="orders-q">{t("orders.searchLabel")}</label>
          <p id="orders-q-hint" className="hint">
            {t("orders.searchHint")}
          </p>
          <input id="orders-q" type="search" name="q" defaultValue={filters.q} maxLength={100} aria-describedby="orders-q-hint" />
        </div>
        <button type="submit" className="button">
          {t("orders.apply")}
        </button>
        {filtered ? (
          <Link to="/orders" className="link-button">
            {t("orders.clear")}
          </Link>
        ) : null}
      </Form>

      {orders.total === 0 ? (
        <p className="notice" role="status">
          {t("orders.noMatches")}
        </p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data-table">
              <caption>{orders.total === 1 ? t("orders.countOne") : t("orders.count", { count: orders.total.toLocaleString(locale) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("orders.colNumber")}</th>
                  <th scope="col">{t("orders.colPlaced")}</th>
                  <th scope="col">{t("orders.colStatus")}</th>
                  <th scope="col">{t("orders.colItems")}</th>
                  <th scope="col">{t("orders.colTotal")}</th>
                </tr>
              </thead>
              <tbody>
                {orders.items.map((o) => (
                  <tr key={o.number}>
                    <th scope="row">
                      <Link to={`/orders/${encodeURIComponent(o.number)}`}>{o.number}</Link>
                    </th>
                    <td>{formatDate(locale, o.placedAt, timeZone)}</td>
                    <td>
                      <span className="badge">{statusLabel(t, o.status)}</span>
                    </td>
                    <td>{o.firstItem ? (o.otherItems ? t("orders.itemsSummary", { first: o.firstItem, more: o.otherItems }) : o.firstItem) : t("orders.itemCount", { count: o.itemCount })}</td>
                    <td>{formatMoney(locale, o.totalMinor, o.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {orders.pages > 1 ? (
            <nav className="pager" aria-label={t("orders.pagination")}>
              {orders.page > 1 ? (
                <Link to={pageHref(filters, orders.page - 1)} rel="prev">
                  {t("common.previous")}
                </Link>
              ) : null}
              <span aria-current="page">{t("orders.page", { page: orders.page, pages: orders.pages })}</span>
              {orders.page < orders.pages ? (
                <Link to={pageHref(filters, orders.page + 1)} rel="next">
                  {t("common.next")}
                </Link>
              ) : null}
            </nav>
          ) : null}
        </>
      )}
    </section>
  );
}
