// Staff view of one order: customer, items and totals, Stripe ids and the Stripe events received,
// shipments, refunds, the full timeline (with staff-only details), return requests with their
// actions, and the manual status change (reason required, audited). Marketers see it read-only.
import { data, Form, Link, redirect, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/orders-detail";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, formatDate, formatMoney, type Locale } from "#app/i18n/index.ts";
import { attempt, isFormFailure, isTrpcCode, tagged } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import { statusLabel } from "../orders/format.ts";
import { OrderItemsHead, OrderTimeline, ReturnRequestSummary, ShipmentSummary } from "../orders/components.tsx";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  const user = requireStaff(context, request, "AGENT", "MARKETER");
  let order;
  try {
    order = await context.trpc.orders.staffDetail({ number: params.number });
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw data(null, { status: 404 });
    throw e;
  }
  const done = new URL(request.url).searchParams.get("done");
  return { order, canAct: user.staffRole === "AGENT" || user.staffRole === "ADMIN", done: done === "status" || done === "return" ? done : null, title: `${order.number} · Rapport` };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export async function action({ context, request, params }: Route.ActionArgs) {
  requireStaff(context, request, "AGENT");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const back = `/staff/orders/${encodeURIComponent(params.number)}`;
  if (intent === "status") {
    const values = { status: String(form.get("status") ?? ""), reason: String(form.get("reason") ?? "") };
    const r = await attempt(() => context.trpc.orders.setStatus({ number: params.number, status: values.status as "PAID", reason: values.reason }), values);
    if (!isFormFailure(r)) throw redirect(`${back}?done=status`);
    return tagged(r, { intent });
  }
  if (intent === "return") {
    const id = String(form.get("returnId") ?? "");
    const values = { note: String(form.get("note") ?? ""), returnId: id };
    const r = await attempt(() => context.trpc.orders.updateReturn({ id, action: String(form.get("action") ?? "") as "approve", note: values.note || null }), values);
    if (!isFormFailure(r)) throw redirect(`${back}?done=return#returns`);
    return tagged(r, { intent, returnId: id });
  }
  return data({ ok: false, formError: "errors.invalid", fieldErrors: {}, intent }, { status: 400 });
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return null;
  const entries = typeof value === "object" && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : [];
  if (!entries.length) return null;
  return (
    <small>
      {entries.map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join(" · ")}
    </small>
  );
}

export default function StaffOrder({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale: Locale = useLocale();
  const timeZone = useRoot().user?.timeZone ?? "UTC";
  const { order, canAct, done } = loaderData;
  const result = useActionData<typeof action>() as (FormResult & { intent?: string; returnId?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  const money = (minor: number, currency = order.currency) => formatMoney(locale, minor, currency);
  const when = (d: Date | string | null) => (d ? formatDate(locale, d, timeZone, true) : "—");
  const se = result?.intent === "status" ? (result.fieldErrors ?? {}) : {};
  const sv = result?.intent === "status" ? result.values : undefined;

  return (
    <article className="stack-lg">
      <p>
        <Link to="/staff/orders">← {t("orders.staffTitle")}</Link>
      </p>
      <header className="stack">
        <h1>{t("orders.staffDetailTitle", { number: order.number })}</h1>
        <p>
          <span className="badge">{statusLabel(t, order.status)}</span> {t("orders.placedOn", { date: when(order.placedAt) })} · {money(order.totalMinor)}
          {order.refundedMinor ? ` (${t("orders.refunded")} ${money(order.refundedMinor)})` : ""}
        </p>
        {done === "status" ? <Notice>{t("orders.staffStatusChanged", { status: statusLabel(t, order.status) })}</Notice> : null}
        {done === "return" ? <Notice>{t("orders.staffReturnUpdated")}</Notice> : null}
      </header>

      <section aria-labelledby="customer-h" className="panel">
        <h2 id="customer-h">{t("orders.staffCustomer")}</h2>
        <p>
          {order.customer.name ? `${order.customer.name} · ` : ""}
          {order.customer.email} — <Link to={`/staff/customers/${encodeURIComponent(order.customer.id)}`}>{t("orders.staffOpenCustomer")}</Link>
        </p>
      </section>

      <section aria-labelledby="items-h" className="panel">
        <h2 id="items-h">{t("orders.items")}</h2>
        <div className="table-wrap">
          <table className="data-table">
            <OrderItemsHead t={t} sku />
            <tbody>
              {order.items.map((i) => (
                <tr key={i.id}>
                  <th scope="row">{i.name}</th>
                  <td>{i.sku ?? "—"}</td>
                  <td>{i.quantity}</td>
                  <td>{money(i.unitPriceMinor)}</td>
                  <td>{money(i.quantity * i.unitPriceMinor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <dl className="kv">
          <dt>{t("orders.subtotal")}</dt>
          <dd>{money(order.subtotalMinor)}</dd>
          <dt>{t("orders.shipping")}</dt>
          <dd>{money(order.shippingMinor)}</dd>
          <dt>{t("orders.tax")}</dt>
          <dd>{money(order.taxMinor)}</dd>
          <dt>{t("orders.discount")}</dt>
          <dd>{money(order.discountMinor)}</dd>
          <dt>{t("orders.total")}</dt>
          <dd>
            <strong>{money(order.totalMinor)}</strong>
          </dd>
        </dl>
      </section>

      <section aria-labelledby="stripe-h" className="panel">
        <h2 id="stripe-h">{t("orders.staffPayment")}</h2>
        <dl className="kv">
          <dt>{t("orders.staffSource")}</dt>
          <dd>{order.source}</dd>
          <dt>{t("orders.staffStripeCheckout")}</dt>
          <dd>
            <code>{order.stripeCheckoutSessionId ?? "—"}</code>
          </dd>
          <dt>{t("orders.staffStripePaymentIntent")}</dt>
          <dd>
            <code>{order.stripePaymentIntentId ?? "—"}</code>
          </dd>
          <dt>{t("orders.staffStripeCharge")}</dt>
          <dd>
            <code>{order.stripeChargeId ?? "—"}</code>
          </dd>
          <dt>{t("orders.staffStripeReceipt")}</dt>
          <dd>{order.stripeReceiptUrl ? <a href={order.stripeReceiptUrl} rel="noopener noreferrer" target="_blank">{order.stripeReceiptUrl}</a> : "—"}</dd>
          {order.paymentFailureMessage ? (
            <>
              <dt>{t("orders.staffPaymentFailure")}</dt>
              <dd>{order.paymentFailureMessage}</dd>
            </>
          ) : null}
          {order.disputedAt ? (
            <>
              <dt>{t("orders.staffDisputed")}</dt>
              <dd>{when(order.disputedAt)}</dd>
            </>
          ) : null}
        </dl>
        <h3>{t("orders.staffStripeEvents")}</h3>
        {order.stripeEvents.length === 0 ? (
          <p>{t("orders.staffNoStripeEvents")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("orders.colEventId")}</th>
                  <th scope="col">{t("orders.colType")}</th>
                  <th scope="col">{t("orders.colReceived")}</th>
                  <th scope="col">{t("orders.colApplied")}</th>
                  <th scope="col">{t("orders.colError")}</th>
                </tr>
              </thead>
              <tbody>
                {order.stripeEvents.map((e) => (
                  <tr key={e.id}>
                    <th scope="row">
                      <code>{e.id}</code>
                    </th>
                    <td>{e.type}</td>
                    <td>{when(e.receivedAt)}</td>
                    <td>{e.appliedAt ? when(e.appliedAt) : t("orders.notApplied")}</td>
                    <td>{e.error ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="shipping-h" className="panel">
        <h2 id="shipping-h">{t("orders.shipments")}</h2>
        {order.shipments.length === 0 ? (
          <p>—</p>
        ) : (
          <ul className="plain-list">
            {order.shipments.map((s) => (
              <li key={s.id}>
                <ShipmentSummary t={t} shipment={s} />{" "}
                {s.trackingUrl ? (
                  <a href={s.trackingUrl} rel="noopener noreferrer" target="_blank">
                    {t("orders.trackParcel")} ↗
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="refunds-h" className="panel">
        <h2 id="refunds-h">{t("orders.staffRefunds")}</h2>
        {order.refunds.length === 0 ? (
          <p>{t("orders.staffNoRefunds")}</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("orders.colDate")}</th>
                <th scope="col">{t("orders.colAmount")}</th>
                <th scope="col">{t("orders.colReason")}</th>
                <th scope="col">{t("orders.colSource")}</th>
                <th scope="col">{t("orders.colStripeRefund")}</th>
              </tr>
            </thead>
            <tbody>
              {order.refunds.map((r) => (
                <tr key={r.id}>
                  <td>{when(r.refundedAt)}</td>
                  <td>{money(r.amountMinor, r.currency)}</td>
                  <td>{r.reason ?? ""}</td>
                  <td>{r.source}</td>
                  <td>
                    <code>{r.stripeRefundId ?? "—"}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="returns-h" id="returns" className="panel stack">
        <h2 id="returns-h">{t("orders.staffReturns")}</h2>
        {order.returnRequests.length === 0 ? (
          <p>{t("orders.staffNoReturns")}</p>
        ) : (
          <ul className="plain-list stack">
            {order.returnRequests.map((r) => {
              const mine = result?.intent === "return" && result.returnId === r.id;
              const actions: ("approve" | "reject" | "receive")[] = r.status === "REQUESTED" ? ["approve", "reject"] : r.status === "APPROVED" ? ["receive"] : [];
              return (
                <li key={r.id} className="stack">
                  <ReturnRequestSummary t={t} request={r} requested={when(r.createdAt)} />
                  {canAct && actions.length ? (
                    <Form key={r.status} method="post" className="stack">
                      {mine ? <FormError error={result?.formError} /> : null}
                      <input type="hidden" name="intent" value="return" />
                      <input type="hidden" name="returnId" value={r.id} />
                      <div className="field">
                        <label htmlFor={`note-${r.id}`}>{t("orders.staffReturnNote")}</label>
                        <input id={`note-${r.id}`} name="note" maxLength={1000} />
                      </div>
                      <div className="actions">
                        {actions.map((a) => (
                          <button key={a} type="submit" name="action" value={a} className={`button small${a === "reject" ? " secondary" : ""}`} disabled={busy}>
                            {t(a === "approve" ? "orders.staffApprove" : a === "reject" ? "orders.staffReject" : "orders.staffReceive")}
                          </button>
                        ))}
                      </div>
                    </Form>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="status-h" className="panel stack">
        <h2 id="status-h">{t("orders.staffChangeStatus")}</h2>
        {!canAct ? (
          <p>{t("orders.staffReadOnly")}</p>
        ) : order.allowedStatuses.length === 0 ? (
          <p>{t("orders.staffNoTransitions", { status: statusLabel(t, order.status) })}</p>
        ) : (
          <Form key={order.status} method="post" className="stack" noValidate>
            <p className="hint">{t("orders.staffChangeStatusHint")}</p>
            {result?.intent === "status" ? <FormError error={result.formError} /> : null}
            <input type="hidden" name="intent" value="status" />
            <div className={`field${se.status ? " has-error" : ""}`}>
              <label htmlFor="new-status">{t("orders.staffNewStatus")}</label>
              <select id="new-status" name="status" defaultValue={sv?.status ?? order.allowedStatuses[0]} aria-invalid={se.status ? true : undefined} aria-describedby={se.status ? "new-status-error" : undefined}>
                {order.allowedStatuses.map((s) => (
                  <option key={s} value={s}>
                    {statusLabel(t, s)}
                  </option>
                ))}
              </select>
              {se.status ? (
                <p id="new-status-error" className="field-error" role="alert">
                  {fieldMessage(t, se.status)}
                </p>
              ) : null}
            </div>
            <div className={`field${se.reason ? " has-error" : ""}`}>
              <label htmlFor="status-reason">{t("orders.staffReason")}</label>
              <p id="status-reason-hint" className="hint">
                {t("orders.staffReasonHint")}
              </p>
              <textarea
                id="status-reason"
                name="reason"
                rows={2}
                maxLength={1000}
                required
                defaultValue={sv?.reason ?? ""}
                aria-invalid={se.reason ? true : undefined}
                aria-describedby={se.reason ? "status-reason-hint status-reason-error" : "status-reason-hint"}
              />
              {se.reason ? (
                <p id="status-reason-error" className="field-error" role="alert">
                  {fieldMessage(t, se.reason)}
                </p>
              ) : null}
            </div>
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                {t("orders.staffChangeSubmit")}
              </button>
            </div>
          </Form>
        )}
      </section>

      <OrderTimeline
        t={t}
        events={order.events}
        when={when}
        detail={(e) => (
          <>
            {" "}
            <Json value={e.data} />
          </>
        )}
      />
    </article>
  );
}
