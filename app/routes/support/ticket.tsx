// One of the customer's requests: the thread (never internal notes — the procedure doesn't return
// them), a reply form with attachments, closing, and the rating link once solved.
import { Form, Link, redirect, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/ticket";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { formatDate } from "#app/i18n/index.ts";
import { attempt } from "#app/lib/forms.server.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import { filesFrom } from "./files.server.ts";
import { loadOwnTicket, ticketNumber } from "./tickets.server.ts";
import { FieldErrorLine, ThreadMessage } from "./ui.tsx";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  const ticket = await loadOwnTicket(context, request, params);
  const url = new URL(request.url);
  return { ticket, created: url.searchParams.get("created") === "1", rated: url.searchParams.get("rated") === "1" };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data ? `#${data.ticket.number} ${data.ticket.subject} · Rapport` : "Rapport" }];
}

export async function action({ request, context, params }: Route.ActionArgs) {
  requireCustomer(context, request);
  const number = ticketNumber(params);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "close") {
    const r = await attempt(() => context.trpc.support.close({ number }));
    if ("status" in r) throw redirect(`/support/${number}`);
    return { ...(r as unknown as object), intent } as FormResult & { intent: string };
  }
  const body = String(form.get("body") ?? "");
  const attachments = await filesFrom(form);
  const r = await attempt(() => context.trpc.support.reply({ number, body, attachments }), { body });
  if ("messageId" in r) return { ok: true, intent: "reply" } as FormResult & { intent: string };
  return { ...(r as unknown as object), intent: "reply" } as FormResult & { intent: string };
}

export default function CustomerTicket({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const { ticket, created, rated } = loaderData;
  const result = useActionData<typeof action>() as (FormResult & { intent?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  const fe = result?.fieldErrors ?? {};
  const replyOk = result?.intent === "reply" && result.ok;
  return (
    <article className="stack-lg">
      <p>
        <Link to="/support">{t("support.backToRequests")}</Link>
      </p>
      <header className="stack">
        <h1>
          {t("support.ticketTitle", { number: ticket.number })}: {ticket.subject}
        </h1>
        <p>
          <span className="badge">{t(`support.status${ticket.status}`)}</span> {t(`support.category${ticket.category}`)}
          {ticket.order ? <> · {t("support.aboutOrder", { number: ticket.order.number })}</> : null}
        </p>
        {ticket.mergedInto ? (
          <Notice>
            <Link to={`/support/${ticket.mergedInto.number}`}>{t("support.mergedInto", { number: ticket.mergedInto.number })}</Link>
          </Notice>
        ) : null}
        {created ? <Notice>{t("support.created", { number: ticket.number })}</Notice> : null}
        {rated ? <Notice>{t("support.ratedThanks")}</Notice> : null}
      </header>

      <ol className="plain-list stack" aria-label={t("support.title")}>
        {ticket.messages.map((m) => (
          <ThreadMessage key={m.id} t={t} message={m} author={m.fromCustomer ? t("support.you") : (m.authorName ?? t("support.supportTeam"))} date={formatDate(locale, m.createdAt, tz, true)} />
        ))}
      </ol>

      {ticket.csatScore !== null ? <p>{t("support.yourRating", { score: ticket.csatScore })}</p> : null}
      {ticket.canRate ? (
        <p>
          <Link to={`/support/${ticket.number}/rate`} className="button">
            {t("support.rateCta")}
          </Link>
        </p>
      ) : null}

      {ticket.canReply && !ticket.mergedInto ? (
        <section aria-labelledby="reply-h" className="panel stack">
          <h2 id="reply-h">{t("support.replyTitle")}</h2>
          {replyOk ? <Notice>{t("support.replied")}</Notice> : null}
          {result?.intent === "reply" ? <FormError error={result.formError} /> : null}
          <Form method="post" encType="multipart/form-data" className="stack" noValidate key={replyOk ? "sent" : "draft"}>
            <input type="hidden" name="intent" value="reply" />
            <div className={`field${fe.body ? " has-error" : ""}`}>
              <label htmlFor="reply-body">{t("support.replyLabel")}</label>
              <textarea id="reply-body" name="body" rows={6} defaultValue={replyOk ? "" : (result?.values?.body ?? "")} aria-invalid={fe.body ? true : undefined} />
              <FieldErrorLine t={t} error={fe.body} />
            </div>
            <div className={`field${fe.attachments ? " has-error" : ""}`}>
              <label htmlFor="reply-files">{t("support.attachmentsLabel")}</label>
              <p className="hint">{t("support.attachmentsHint")}</p>
              <input id="reply-files" name="attachments" type="file" multiple accept="image/*,application/pdf,text/plain" />
              <FieldErrorLine t={t} error={fe.attachments} />
            </div>
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                {t("support.sendReply")}
              </button>
            </div>
          </Form>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="close" />
            <p className="hint">{t("support.closeHint")}</p>
            {result?.intent === "close" ? <FormError error={result.formError} /> : null}
            <div className="actions">
              <button type="submit" className="button secondary" disabled={busy}>
                {t("support.closeRequest")}
              </button>
            </div>
          </Form>
        </section>
      ) : (
        <p>{t("support.closedNotice")}</p>
      )}
    </article>
  );
}
