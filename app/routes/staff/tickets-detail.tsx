// The agent's ticket page: the whole thread with internal notes set apart, reply or internal note
// (with canned replies rendered on the server for this ticket), status / priority / assignee,
// merging a duplicate, SLA due times, and the customer's 360° sidebar.
import { Form, Link, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/tickets-detail";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { formatDate, formatMoney, hasKey } from "#app/i18n/index.ts";
import { attempt, isFormFailure, tagged } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import { filesFrom } from "../support/files.server.ts";
import { or404, ticketNumber } from "../support/tickets.server.ts";
import { FieldErrorLine, ThreadMessage } from "../support/ui.tsx";
import { statusLabel } from "../orders/format.ts";

const STATUSES = ["NEW", "OPEN", "PENDING", "SOLVED", "CLOSED"] as const;
const PRIORITIES = ["URGENT", "HIGH", "NORMAL", "LOW"] as const;
const REPLY_STATUSES = ["PENDING", "OPEN", "SOLVED"] as const;

export async function loader({ context, request, params }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT");
  const number = ticketNumber(params);
  const cannedId = (new URL(request.url).searchParams.get("canned") ?? "").slice(0, 100);
  const [detail, canned] = await or404(() =>
    Promise.all([context.trpc.support.agentTicket({ number }), cannedId ? context.trpc.support.renderCanned({ number, cannedId }).catch(() => null) : Promise.resolve(null)]),
  );
  return { ...detail, cannedId, cannedBody: canned?.body ?? null, me: context.ctx.session!.user.id };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data ? `#${data.ticket.number} ${data.ticket.subject} · Rapport` : "Rapport" }];
}

type Result = FormResult & { intent: string; notice?: string };

export async function action({ request, context, params }: Route.ActionArgs) {
  requireStaff(context, request, "AGENT");
  const number = ticketNumber(params);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const done = (notice: string) => ({ ok: true, intent, notice }) as Result;
  // tagged(): spreading the failure into an object would lose `intent` (React Router unwraps it to its data).
  const failed = (r: unknown) => (isFormFailure(r) ? tagged(r, { intent }) : { ...(r as object), intent }) as unknown as Result;
  switch (intent) {
    case "reply": {
      const body = String(form.get("body") ?? "");
      const internal = form.get("mode") === "internal";
      const status = String(form.get("status") ?? "PENDING") as (typeof REPLY_STATUSES)[number];
      const attachments = await filesFrom(form);
      const r = await attempt(() => context.trpc.support.agentReply({ number, body, internal, status: internal ? undefined : status, attachments }), { body });
      return "messageId" in r ? done(internal ? "support.noteSaved" : "support.sent") : failed(r);
    }
    case "status": {
      const r = await attempt(() => context.trpc.support.setStatus({ number, status: String(form.get("status") ?? "") }));
      return "status" in r ? done("support.saved") : failed(r);
    }
    case "priority": {
      const r = await attempt(() => context.trpc.support.setPriority({ number, priority: String(form.get("priority") ?? "") }));
      return "priority" in r ? done("support.saved") : failed(r);
    }
    case "assign": {
      const r = await attempt(() => context.trpc.support.assign({ number, assigneeId: String(form.get("assigneeId") ?? "") || null }));
      return "assigneeId" in r ? done("support.saved") : failed(r);
    }
    case "merge": {
      const r = await attempt(() => context.trpc.support.merge({ number, target: Number(form.get("target")) || 0 }), { target: String(form.get("target") ?? "") });
      return "targetNumber" in r ? done("support.saved") : failed(r);
    }
  }
  return { ok: false, intent, formError: "errors.invalid" } as Result;
}

const noteStyle = { background: "#fff6d5", borderLeft: "6px solid #b7791f" } as const;
const grid = { display: "grid", gap: "1.5rem", gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 24rem), 1fr))", alignItems: "start" } as const;

export default function AgentTicket({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const { ticket, messages, customer, otherTickets, touchpoints, canned, agents, cannedId, cannedBody, me } = loaderData;
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const errorsFor = (intent: string) => (result?.intent === intent ? (result.fieldErrors ?? {}) : {});
  const re = errorsFor("reply");
  const date = (d: Date | string | null) => (d ? formatDate(locale, d, tz, true) : t("support.noDue"));
  const now = Date.now();
  const overdue = (d: Date | string | null, done: boolean) => !done && d !== null && new Date(d).getTime() < now && (ticket.status === "NEW" || ticket.status === "OPEN");
  const replyOk = result?.intent === "reply" && result.ok;
  const tpLabel = (type: string) => {
    const code = type.replace(/[^a-zA-Z0-9]/g, "_");
    const k = [`support.tp_${code}`, `staff.tp_${code}`].find(hasKey);
    return k ? t(k) : type;
  };

  return (
    <article className="stack-lg">
      <p>
        <Link to="/staff/inbox">{t("support.backToInbox")}</Link>
      </p>
      <header className="stack">
        <h1>{t("support.agentTicketTitle", { number: ticket.number, subject: ticket.subject })}</h1>
        <p>
          <span className="badge">{t(`support.agentStatus${ticket.status}`)}</span> <span className="badge">{t(`support.priority${ticket.priority}`)}</span> {t(`support.category${ticket.category}`)}
          {ticket.order ? <> · {t("support.aboutOrder", { number: ticket.order.number })}</> : null}
        </p>
        {ticket.mergedInto ? (
          <Notice>
            <Link to={`/staff/tickets/${ticket.mergedInto.number}`}>{t("support.mergedNotice", { number: ticket.mergedInto.number })}</Link>
          </Notice>
        ) : null}
        {ticket.mergedFrom.map((m) => (
          <p key={m.number}>
            <Link to={`/staff/tickets/${m.number}`}>{t("support.mergedFrom", { number: m.number })}</Link>
          </p>
        ))}
        {result?.ok && result.notice ? <Notice>{t(result.notice)}</Notice> : null}
      </header>

      <div style={grid}>
        <div className="stack-lg">
          <ol className="plain-list stack" aria-label={t("support.title")}>
            {messages.map((m) => (
              <ThreadMessage
                key={m.id}
                t={t}
                message={m}
                internal={m.internal}
                style={m.internal ? noteStyle : undefined}
                author={m.fromCustomer ? `${t("support.customerLabel")}: ${customer.name || customer.email}` : `${t("support.agentLabel")}: ${m.author?.name || m.author?.email || "—"}`}
                date={date(m.createdAt)}
              />
            ))}
          </ol>

          {ticket.mergedInto ? null : (
            <section className="panel stack" aria-labelledby="compose-h">
              <h2 id="compose-h">{t("support.composeTitle")}</h2>
              {canned.length ? (
                <Form method="get" className="inline-form" aria-label={t("support.insertCanned")}>
                  <label htmlFor="canned">{t("support.cannedChoose")}</label>{" "}
                  <select id="canned" name="canned" defaultValue={cannedId}>
                    <option value="">{t("support.cannedNone")}</option>
                    {canned.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.title}
                      </option>
                    ))}
                  </select>{" "}
                  <button type="submit" className="button small secondary">
                    {t("support.insert")}
                  </button>
                </Form>
              ) : null}
              {result?.intent === "reply" ? <FormError error={result.formError} /> : null}
              <Form method="post" encType="multipart/form-data" className="stack" noValidate key={replyOk ? `sent-${messages.length}` : `draft-${cannedId}`}>
                <input type="hidden" name="intent" value="reply" />
                <div className={`field${re.body ? " has-error" : ""}`}>
                  <label htmlFor="reply-body">{t("support.messageLabel")}</label>
                  <textarea id="reply-body" name="body" rows={8} defaultValue={replyOk ? "" : (result?.intent === "reply" ? result.values?.body : undefined) ?? cannedBody ?? ""} aria-invalid={re.body ? true : undefined} />
                  <FieldErrorLine t={t} error={re.body} />
                </div>
                <fieldset>
                  <legend>{t("support.replyMode")}</legend>
                  <label className="check">
                    <input type="radio" name="mode" value="public" defaultChecked /> {t("support.modePublic")}
                  </label>
                  <label className="check">
                    <input type="radio" name="mode" value="internal" /> {t("support.modeInternal")}
                  </label>
                </fieldset>
                <div className="field">
                  <label htmlFor="reply-status">{t("support.thenStatus")}</label>
                  <select id="reply-status" name="status" defaultValue="PENDING">
                    {REPLY_STATUSES.map((s) => (
                      <option key={s} value={s}>
                        {t(`support.agentStatus${s}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <div className={`field${re.attachments ? " has-error" : ""}`}>
                  <label htmlFor="reply-files">{t("support.attachmentsLabel")}</label>
                  <input id="reply-files" name="attachments" type="file" multiple accept="image/*,application/pdf,text/plain" />
                  <FieldErrorLine t={t} error={re.attachments} />
                </div>
                <div className="actions">
                  <button type="submit" className="button" disabled={busy}>
                    {t("support.send2")}
                  </button>
                </div>
              </Form>
            </section>
          )}
        </div>

        <aside className="stack-lg" aria-label={t("support.sidebar")}>
          <section className="panel stack" aria-labelledby="props-h">
            <h2 id="props-h">{t("support.properties")}</h2>
            {["status", "priority", "assign", "merge"].includes(result?.intent ?? "") ? <FormError error={result?.formError} /> : null}
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="status" />
              <label htmlFor="p-status">{t("support.statusLabel")}</label>{" "}
              <select id="p-status" name="status" defaultValue={ticket.status} key={ticket.status}>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`support.agentStatus${s}`)}
                  </option>
                ))}
              </select>{" "}
              <button type="submit" className="button small secondary" disabled={busy}>
                {t("support.save")}
              </button>
              <FieldErrorLine t={t} error={errorsFor("status").status} />
            </Form>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="priority" />
              <label htmlFor="p-priority">{t("support.priorityLabel")}</label>{" "}
              <select id="p-priority" name="priority" defaultValue={ticket.priority} key={ticket.priority}>
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {t(`support.priority${p}`)}
                  </option>
                ))}
              </select>{" "}
              <button type="submit" className="button small secondary" disabled={busy}>
                {t("support.save")}
              </button>
            </Form>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="assign" />
              <label htmlFor="p-assignee">{t("support.assigneeLabel")}</label>{" "}
              <select id="p-assignee" name="assigneeId" defaultValue={ticket.assignee?.id ?? ""} key={ticket.assignee?.id ?? "none"}>
                <option value="">{t("support.unassigned")}</option>
                {agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name || a.email}
                  </option>
                ))}
              </select>{" "}
              <button type="submit" className="button small secondary" disabled={busy}>
                {t("support.save")}
              </button>
              <FieldErrorLine t={t} error={errorsFor("assign").assigneeId} />
            </Form>
            {ticket.assignee?.id !== me ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="assign" />
                <input type="hidden" name="assigneeId" value={me} />
                <button type="submit" className="button small secondary" disabled={busy}>
                  {t("support.assignToMe")}
                </button>
              </Form>
            ) : null}
            <dl className="kv">
              <dt>{t("support.dueFirst")}</dt>
              <dd>
                {date(ticket.firstResponseDueAt)}
                {overdue(ticket.firstResponseDueAt, Boolean(ticket.firstRespondedAt)) ? <strong> · {t("support.breached")}</strong> : null}
              </dd>
              <dt>{t("support.respondedAt")}</dt>
              <dd>{date(ticket.firstRespondedAt)}</dd>
              <dt>{t("support.dueResolution")}</dt>
              <dd>
                {date(ticket.resolutionDueAt)}
                {overdue(ticket.resolutionDueAt, Boolean(ticket.solvedAt)) ? <strong> · {t("support.breached")}</strong> : null}
              </dd>
              <dt>{t("support.csat")}</dt>
              <dd>
                {ticket.csatScore !== null ? t("support.csatValue", { score: ticket.csatScore }) : t("support.csatNone")}
                {ticket.csatComment ? <> — “{ticket.csatComment}”</> : null}
              </dd>
            </dl>
            {ticket.slaPausedAt ? <p>{t("support.slaPausedSince", { date: date(ticket.slaPausedAt) })}</p> : null}
            {ticket.slaBreachedAt ? (
              <p role="status">
                <strong>{t("support.slaBreachedAt", { date: date(ticket.slaBreachedAt) })}</strong>
              </p>
            ) : null}
          </section>

          {ticket.mergedInto || ticket.status === "CLOSED" ? null : (
            <section className="panel stack" aria-labelledby="merge-h">
              <h2 id="merge-h">{t("support.mergeTitle")}</h2>
              <p className="hint">{t("support.mergeHint")}</p>
              <Form method="post" className="stack">
                <input type="hidden" name="intent" value="merge" />
                <div className={`field${errorsFor("merge").target ? " has-error" : ""}`}>
                  <label htmlFor="merge-target">{t("support.mergeTarget")}</label>
                  <input id="merge-target" name="target" inputMode="numeric" defaultValue={result?.intent === "merge" ? (result.values?.target ?? "") : ""} />
                  <FieldErrorLine t={t} error={errorsFor("merge").target} />
                </div>
                <div className="actions">
                  <button type="submit" className="button small secondary" disabled={busy}>
                    {t("support.mergeSubmit")}
                  </button>
                </div>
              </Form>
            </section>
          )}

          <section className="panel stack" aria-labelledby="c360-h">
            <h2 id="c360-h">{t("support.sidebar")}</h2>
            <p>
              <strong>{customer.name || customer.email}</strong>
              <br />
              {customer.email}
            </p>
            <dl className="kv">
              <dt>{t("support.tier")}</dt>
              <dd>{hasKey(`staff.tier${customer.tier}`) ? t(`staff.tier${customer.tier}`) : customer.tier}</dd>
              <dt>{t("support.points")}</dt>
              <dd>{new Intl.NumberFormat(locale).format(customer.pointsAvailable)}</dd>
            </dl>
            <h3>{t("support.recentOrders")}</h3>
            {customer.orders.length ? (
              <ul className="plain-list">
                {customer.orders.slice(0, 5).map((o) => (
                  <li key={o.id}>
                    <Link to={`/staff/orders/${encodeURIComponent(o.number)}`}>{o.number}</Link> · {statusLabel(t, o.status)} · {formatMoney(locale, o.totalMinor, o.currency)} · <small>{formatDate(locale, o.placedAt, tz)}</small>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t("support.none")}</p>
            )}
            <h3>{t("support.otherTickets")}</h3>
            {otherTickets.length ? (
              <ul className="plain-list">
                {otherTickets.map((o) => (
                  <li key={o.id}>
                    <Link to={`/staff/tickets/${o.number}`}>
                      #{o.number} {o.subject}
                    </Link>{" "}
                    · {t(`support.agentStatus${o.status}`)}
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t("support.none")}</p>
            )}
            <h3>{t("support.recentActivity")}</h3>
            {touchpoints.length ? (
              <ul className="plain-list">
                {touchpoints.map((tp) => (
                  <li key={tp.id}>
                    {tpLabel(tp.type)} · <small>{formatDate(locale, tp.occurredAt, tz, true)}</small>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t("support.none")}</p>
            )}
            <p>
              <Link to={`/staff/customers/${encodeURIComponent(customer.id)}`}>{t("support.open360")}</Link>
            </p>
          </section>
        </aside>
      </div>
    </article>
  );
}
