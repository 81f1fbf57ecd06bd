// A print-friendly receipt of one of the customer's orders (print CSS hides the site chrome).
// Same access as the order page: another customer's order is a 404.
import { Link } from "react-router";
import type { Route } from "./+types/receipt";
import { formatDate, formatMoney, translator } from "#app/i18n/index.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { loadOwnOrder } from "./orders.server.ts";
import { statusLabel } from "./format.ts";
import { DeductionRow, OrderItemsHead, OrderTotalRows } from "./components.tsx";
import "./receipt.css";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  const { user, order } = await loadOwnOrder(context, request, params.number);
  return {
    order,
    customer: { name: user.name, email: user.email },
    timeZone: user.timeZone,
    title: `${translator(context.ctx.locale)("orders.receiptTitle", { number: order.number })} · Rapport`,
  };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }, { name: "robots", content: "noindex" }];
}

export default function Receipt({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { order, customer, timeZone } = loaderData;
  const money = (minor: number) => formatMoney(locale, minor, order.currency);
  const date = (d: Date | string) => formatDate(locale, d, timeZone);
  return (
    <article className="receipt stack">
      <p className="no-print actions">
        <Link to={`/orders/${encodeURIComponent(order.number)}`}>← {t("orders.receiptBack")}</Link>
        {order.receiptUrl ? (
          <a href={order.receiptUrl} rel="noopener noreferrer" target="_blank">
            {t("orders.stripeReceipt")}
          </a>
        ) : null}
      </p>
      <p className="no-print hint">{t("orders.receiptPrintHint")}</p>
      <header>
        <p>
          <strong>{t("common.appName")}</strong>
        </p>
        <h1>{t("orders.receiptTitle", { number: order.number })}</h1>
      </header>
      <dl className="receipt-meta">
        <div>
          <dt>{t("orders.receiptBilledTo")}</dt>
          <dd>
            {customer.name ? (
              <>
                {customer.name}
                <br />
              </>
            ) : null}
            {customer.email}
          </dd>
        </div>
        <div>
          <dt>{t("orders.receiptOrderDate")}</dt>
          <dd>{date(order.placedAt)}</dd>
        </div>
        <div>
          <dt>{t("orders.receiptPaidOn")}</dt>
          <dd>{order.paidAt ? date(order.paidAt) : t("orders.receiptNotPaid")}</dd>
        </div>
        <div>
          <dt>{t("orders.colStatus")}</dt>
          <dd>{statusLabel(t, order.status)}</dd>
        </div>
      </dl>
      <table>
        <OrderItemsHead t={t} numClass="num" />
        <tbody>
          {order.items.map((i) => (
            <tr key={i.id}>
              <td>
                {i.name}
                {i.sku ? <small> ({i.sku})</small> : null}
              </td>
              <td className="num">{i.quantity.toLocaleString(locale)}</td>
              <td className="num">{money(i.unitPriceMinor)}</td>
              <td className="num">{money(i.lineMinor)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <OrderTotalRows t={t} order={order} money={money} receipt />
          {order.refunds.map((r) => (
            <DeductionRow
              key={r.id}
              label={
                <>
                  {t("orders.refunded")} ({date(r.refundedAt)})
                </>
              }
              amount={formatMoney(locale, r.amountMinor, r.currency)}
              numClass="num"
            />
          ))}
        </tfoot>
      </table>
    </article>
  );
}
