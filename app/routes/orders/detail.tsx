// One of the customer's orders: timeline, items and totals (in the order's currency, formatted for
// the reader's locale), shipping with tracking links, refunds, receipts, "get help", and returns
// (the request form while the window is open, and the state of earlier requests).
// Another customer's order number answers 404, exactly like a number that does not exist.
import { data, Form, Link, redirect, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/detail";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, formatDate, formatMoney, translator, type FieldMessage, type Locale, type T } from "#app/i18n/index.ts";
import { attempt } from "#app/lib/forms.server.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { loadOwnOrder } from "./orders.server.ts";
import { reasonLabel, shipmentStatusLabel, statusLabel } from "./format.ts";
import { DeductionRow, OrderItemsHead, OrderTimeline, OrderTotalRows, ReturnRequestSummary, ShipmentSummary } from "./components.tsx";

const REASONS = ["damaged", "wrong_item", "does_not_fit", "not_as_described", "changed_mind", "other"] as const;

export async function loader({ context, request, params }: Route.LoaderArgs) {
  const { user, order } = await loadOwnOrder(context, request, params.number);
  const sent = new URL(request.url).searchParams.get("return") === "sent";
  return { order, timeZone: user.timeZone, sent, title: `${translator(context.ctx.locale)("orders.detailTitle", { number: order.number })} · Rapport` };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export async function action({ context, request, params }: Route.ActionArgs) {
  requireCustomer(context, request);
  const form = await request.formData();
  if (form.get("intent") !== "return") return data({ ok: false, formError: "errors.invalid", fieldErrors: {} } satisfies FormResult, { status: 400 });
  const values: Record<string, string> = { reason: String(form.get("reason") ?? ""), comment: String(form.get("comment") ?? "") };
  const items: { orderItemId: string; quantity: number }[] = [];
  const fieldErrors: Record<string, FieldMessage> = {};
  for (const [name, raw] of form) {
    if (!name.startsWith("qty_") || typeof raw !== "string") continue;
    const orderItemId = name.slice(4);
    values[name] = raw;
    const text = raw.trim();
    const quantity = text === "" ? 0 : Number(text);
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > 100_000) fieldErrors[`items.${orderItemId}`] = "orders.errors.quantityInvalid";
    else items.push({ orderItemId, quantity });
  }
  if (Object.keys(fieldErrors).length) return data({ ok: false, fieldErrors, formError: null, values } satisfies FormResult, { status: 400 });
  const r = await attempt(() => context.trpc.orders.requestReturn({ number: params.number, reason: values.reason!, comment: values.comment || null, items }), values);
  if ("id" in r) throw redirect(`/orders/${encodeURIComponent(params.number)}?return=sent#returns`);
  return r;
}

function Money({ locale, minor, currency }: { locale: Locale; minor: number; currency: string }) {
  return <>{formatMoney(locale, minor, currency)}</>;
}

type Order = Route.ComponentProps["loaderData"]["order"];

function eventDetail(t: T, locale: Locale, e: Order["events"][number], currency: string): string | null {
  const d = e.data;
  if (typeof d.carrier === "string" && typeof d.trackingNumber === "string") return t("orders.eventShipped", { carrier: d.carrier, tracking: d.trackingNumber });
  if (typeof d.amountMinor === "number") return formatMoney(locale, d.amountMinor, typeof d.currency === "string" ? d.currency : currency);
  return null;
}

export default function OrderDetail({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { order, timeZone, sent } = loaderData;
  const result = useActionData<typeof action>() as FormResult | undefined;
  const busy = useNavigation().state === "submitting";
  const money = (minor: number) => <Money locale={locale} minor={minor} currency={order.currency} />;
  const date = (d: Date | string, withTime = false) => formatDate(locale, d, timeZone, withTime);

  return (
    <article className="stack-lg">
      <p>
        <Link to="/orders">← {t("orders.backToOrders")}</Link>
      </p>
      <header className="stack">
        <h1>{t("orders.detailTitle", { number: order.number })}</h1>
        <p>
          <span className="badge">{statusLabel(t, order.status)}</span> {t("orders.placedOn", { date: date(order.placedAt) })}
        </p>
        <p className="actions">
          <Link to={`/orders/${encodeURIComponent(order.number)}/receipt`} className="button secondary small">
            {t("orders.printableReceipt")}
          </Link>
          {order.receiptUrl ? (
            <a href={order.receiptUrl} className="button secondary small" rel="noopener noreferrer" target="_blank">
              {t("orders.stripeReceipt")}
            </a>
          ) : null}
          <Link to={`/support/new?order=${encodeURIComponent(order.number)}`} className="button small">
            {t("orders.getHelp")}
          </Link>
        </p>
        <p className="hint">{t("orders.getHelpHint")}</p>
      </header>

      <section aria-labelledby="items-h" className="panel">
        <h2 id="items-h">{t("orders.items")}</h2>
        <div className="table-wrap">
          <table className="data-table">
            <OrderItemsHead t={t} />
            <tbody>
              {order.items.map((i) => (
                <tr key={i.id}>
                  <th scope="row">{i.name}</th>
                  <td>{i.quantity.toLocaleString(locale)}</td>
                  <td>{money(i.unitPriceMinor)}</td>
                  <td>{money(i.lineMinor)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <OrderTotalRows t={t} order={order} money={money} />
              {order.refundedMinor ? <DeductionRow label={t("orders.refunded")} amount={money(order.refundedMinor)} /> : null}
            </tfoot>
          </table>
        </div>
      </section>

      <section aria-labelledby="shipping-h" className="panel">
        <h2 id="shipping-h">{t("orders.shipments")}</h2>
        {order.shipments.length === 0 ? (
          <p>{order.status === "CANCELLED" ? statusLabel(t, order.status) : t("orders.noShipment")}</p>
        ) : (
          <ul className="plain-list stack">
            {order.shipments.map((s) => (
              <li key={s.id} className="stack">
                <p>
                  <ShipmentSummary t={t} shipment={s} />
                </p>
                {s.trackingUrl ? (
                  <p>
                    <a href={s.trackingUrl} rel="noopener noreferrer" target="_blank" aria-label={t("orders.trackParcelLabel", { carrier: s.carrier })}>
                      {t("orders.trackParcel")} ↗
                    </a>
                  </p>
                ) : null}
                {s.events.length ? (
                  <details>
                    <summary>{t("orders.shipmentEvents")}</summary>
                    <ol>
                      {s.events.map((e) => (
                        <li key={e.id}>
                          <time dateTime={new Date(e.occurredAt).toISOString()}>{date(e.occurredAt, true)}</time> — {shipmentStatusLabel(t, e.status)}
                          {e.description ? `: ${e.description}` : ""}
                          {e.location ? ` (${e.location})` : ""}
                        </li>
                      ))}
                    </ol>
                  </details>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <OrderTimeline
        t={t}
        events={order.events}
        when={(d) => date(d, true)}
        detail={(e) => {
          const detail = eventDetail(t, locale, e, order.currency);
          return detail ? <> — {detail}</> : null;
        }}
      />

      {order.refunds.length ? (
        <section aria-labelledby="refunds-h" className="panel">
          <h2 id="refunds-h">{t("orders.refunds")}</h2>
          <ul className="plain-list">
            {order.refunds.map((r) => (
              <li key={r.id}>{t("orders.refundLine", { amount: formatMoney(locale, r.amountMinor, r.currency), date: date(r.refundedAt) })}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="returns-h" id="returns" className="panel stack">
        <h2 id="returns-h">{t("orders.returns")}</h2>
        {sent ? <Notice>{t("orders.returnSent")}</Notice> : null}
        <ReturnState t={t} order={order} date={date} />
        {order.returnRequests.length ? (
          <>
            <h3>{t("orders.yourReturns")}</h3>
            <ul className="plain-list stack">
              {order.returnRequests.map((r) => (
                <li key={r.id}>
                  <ReturnRequestSummary t={t} request={r} requested={t("orders.returnRequestedOn", { date: date(r.createdAt) })} commentClass="hint" />
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {order.returns.eligible ? <ReturnForm key={order.returnRequests.length} order={order} result={result} busy={busy} /> : null}
      </section>
    </article>
  );
}

function ReturnState({ t, order, date }: { t: T; order: Order; date: (d: Date | string) => string }) {
  const r = order.returns;
  if (r.eligible && r.until) return <p>{t("orders.returnWindowOpen", { date: date(r.until), days: r.windowDays })}</p>;
  if (r.reason === "window_closed" && r.until) return <p>{t("orders.returnWindowClosed", { date: date(r.until) })}</p>;
  if (r.reason === "nothing_left") return <p>{t("orders.returnNothingLeft")}</p>;
  if (r.reason === "closed") return <p>{t("orders.returnClosed", { status: statusLabel(t, order.status).toLowerCase() })}</p>;
  return <p>{t("orders.returnNotDelivered")}</p>;
}

function ReturnForm({ order, result, busy }: { order: Order; result: FormResult | undefined; busy: boolean }) {
  const t = useT();
  const fe = result?.fieldErrors ?? {};
  const v = result && !result.ok ? result.values : undefined;
  const reasonError = fieldMessage(t, fe.reason);
  const commentError = fieldMessage(t, fe.comment);
  const itemsError = fieldMessage(t, fe.items);
  return (
    <Form method="post" className="stack" noValidate aria-labelledby="return-form-h">
      <h3 id="return-form-h">{t("orders.returnFormTitle")}</h3>
      <FormError error={result?.formError} />
      <input type="hidden" name="intent" value="return" />
      <div className={`field${reasonError ? " has-error" : ""}`}>
        <label htmlFor="return-reason">{t("orders.returnReason")}</label>
        <select id="return-reason" name="reason" defaultValue={v?.reason ?? ""} aria-invalid={reasonError ? true : undefined} aria-describedby={reasonError ? "return-reason-error" : undefined} required>
          <option value="">{t("orders.returnReasonChoose")}</option>
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {reasonLabel(t, r)}
            </option>
          ))}
        </select>
        {reasonError ? (
          <p id="return-reason-error" className="field-error" role="alert">
            {reasonError}
          </p>
        ) : null}
      </div>
      <fieldset aria-describedby="return-items-hint">
        <legend>{t("orders.returnItems")}</legend>
        <p id="return-items-hint" className="hint">
          {t("orders.returnItemsHint")}
        </p>
        {itemsError ? (
          <p className="field-error" role="alert">
            {itemsError}
          </p>
        ) : null}
        {order.items
          .filter((i) => i.returnable > 0)
          .map((i) => {
            const err = fieldMessage(t, fe[`items.${i.id}`]);
            const id = `qty-${i.id}`;
            return (
              <div key={i.id} className={`field${err ? " has-error" : ""}`}>
                <label htmlFor={id}>{t("orders.returnQuantityLabel", { name: i.name, max: i.returnable })}</label>
                <input
                  id={id}
                  name={`qty_${i.id}`}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={i.returnable}
                  step={1}
                  defaultValue={v?.[`qty_${i.id}`] ?? "0"}
                  aria-invalid={err ? true : undefined}
                  aria-describedby={err ? `${id}-error` : undefined}
                />
                {err ? (
                  <p id={`${id}-error`} className="field-error" role="alert">
                    {err}
                  </p>
                ) : null}
              </div>
            );
          })}
      </fieldset>
      <div className={`field${commentError ? " has-error" : ""}`}>
        <label htmlFor="return-comment">{t("orders.returnComment")}</label>
        <p id="return-comment-hint" className="hint">
          {t("orders.returnCommentHint")}
        </p>
        <textarea
          id="return-comment"
          name="comment"
          rows={3}
          maxLength={2000}
          defaultValue={v?.comment ?? ""}
          aria-invalid={commentError ? true : undefined}
          aria-describedby={commentError ? "return-comment-hint return-comment-error" : "return-comment-hint"}
        />
        {commentError ? (
          <p id="return-comment-error" className="field-error" role="alert">
            {commentError}
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {t("orders.returnSubmit")}
        </button>
      </div>
    </Form>
  );
}
