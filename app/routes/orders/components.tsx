// Presentational pieces shared by the customer order page, the receipt and the staff order page
// (not a route: routes.ts does not list it). No server code here.
import type { ReactNode } from "react";
import type { T } from "#app/i18n/index.ts";
import { eventLabel, reasonLabel, returnStatusLabel, shipmentStatusLabel } from "./format.ts";

/** Header row of an order's items table; `sku` adds the staff SKU column, `numClass` marks number columns. */
export function OrderItemsHead({ t, sku = false, numClass }: { t: T; sku?: boolean; numClass?: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{t("orders.colProduct")}</th>
        {sku ? <th scope="col">SKU</th> : null}
        <th scope="col" className={numClass}>
          {t("orders.colQuantity")}
        </th>
        <th scope="col" className={numClass}>
          {t("orders.colUnitPrice")}
        </th>
        <th scope="col" className={numClass}>
          {t("orders.colLineTotal")}
        </th>
      </tr>
    </thead>
  );
}

function TotalRow({ label, value, className, numClass }: { label: ReactNode; value: ReactNode; className?: string; numClass?: string }) {
  return (
    <tr className={className}>
      <th scope="row" colSpan={3}>
        {label}
      </th>
      <td className={numClass}>{value}</td>
    </tr>
  );
}

type Totals = { subtotalMinor: number; shippingMinor: number; taxMinor: number; discountMinor: number; totalMinor: number };

/**
 * Footer rows of an order's items table: subtotal, shipping, tax and discount (when not zero) and
 * the total — bold on the order page, the `grand` row on the receipt.
 */
export function OrderTotalRows({ t, order, money, receipt = false }: { t: T; order: Totals; money: (minor: number) => ReactNode; receipt?: boolean }) {
  const numClass = receipt ? "num" : undefined;
  return (
    <>
      <TotalRow label={t("orders.subtotal")} value={money(order.subtotalMinor)} numClass={numClass} />
      <TotalRow label={t("orders.shipping")} value={money(order.shippingMinor)} numClass={numClass} />
      {order.taxMinor ? <TotalRow label={t("orders.tax")} value={money(order.taxMinor)} numClass={numClass} /> : null}
      {order.discountMinor ? <TotalRow label={t("orders.discount")} value={<>−{money(order.discountMinor)}</>} numClass={numClass} /> : null}
      {receipt ? (
        <TotalRow className="grand" label={t("orders.total")} value={money(order.totalMinor)} numClass={numClass} />
      ) : (
        <TotalRow label={<strong>{t("orders.total")}</strong>} value={<strong>{money(order.totalMinor)}</strong>} />
      )}
    </>
  );
}

/** Extra footer row (refunds): a label and an amount shown as a deduction. */
export function DeductionRow({ label, amount, numClass }: { label: ReactNode; amount: ReactNode; numClass?: string }) {
  return <TotalRow label={label} value={<>−{amount}</>} numClass={numClass} />;
}

/** A shipment's status badge and "carrier · tracking number". */
export function ShipmentSummary({ t, shipment }: { t: T; shipment: { status: string; carrier: string; trackingNumber: string } }) {
  return (
    <>
      <span className="badge">{shipmentStatusLabel(t, shipment.status)}</span> {t("orders.carrierTracking", { carrier: shipment.carrier, tracking: shipment.trackingNumber })}
    </>
  );
}

type TimelineEvent = { id: string; type: string; occurredAt: Date | string };

/** The order's timeline section; `detail` renders what follows an event's label. */
export function OrderTimeline<E extends TimelineEvent>({ t, events, when, detail }: { t: T; events: E[]; when: (d: Date | string) => string; detail: (e: E) => ReactNode }) {
  return (
    <section aria-labelledby="timeline-h" className="panel">
      <h2 id="timeline-h">{t("orders.timeline")}</h2>
      <ol className="plain-list">
        {events.map((e) => (
          <li key={e.id} className="row">
            <span>
              <strong>{eventLabel(t, e.type)}</strong>
              {detail(e)}
            </span>
            <time dateTime={new Date(e.occurredAt).toISOString()}>{when(e.occurredAt)}</time>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** One return request: status, when (as given), reason, the items and the customer's comment. */
export function ReturnRequestSummary({
  t,
  request,
  requested,
  commentClass,
}: {
  t: T;
  request: { status: string; reason: string; comment: string | null; items: { quantity: number; name: string }[] };
  requested: string;
  commentClass?: string;
}) {
  return (
    <>
      <p>
        <span className="badge">{returnStatusLabel(t, request.status)}</span> {requested} — {reasonLabel(t, request.reason)}
      </p>
      <ul>
        {request.items.map((i, n) => (
          <li key={n}>
            {i.quantity} × {i.name}
          </li>
        ))}
      </ul>
      {request.comment ? <p className={commentClass}>“{request.comment}”</p> : null}
    </>
  );
}
