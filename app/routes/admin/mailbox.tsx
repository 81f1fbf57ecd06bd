// The mailbox (admins only): whether mail is captured locally (SMTP_URL unset) or sent by SMTP,
// the outbox's health (counts by status, failed and retrying messages with their last error),
// and the mail captured by the built-in SMTP server, filterable by recipient.
import { Form, Link } from "react-router";
import type { Route } from "./+types/mailbox";
import { formatDate, hasKey, translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

const PAGE = 50;
const STATUSES = ["PENDING", "SENDING", "SENT", "FAILED"] as const;

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "ADMIN");
  const to = (new URL(request.url).searchParams.get("to") ?? "").trim().slice(0, 254);
  const [mailbox, outbox] = await Promise.all([context.trpc.admin.mailbox({ to: to || undefined, take: PAGE }), context.trpc.admin.outbox()]);
  return { to, mailbox, outbox, title: translator(context.ctx.locale)("admin.mailboxTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function Mailbox({ loaderData }: Route.ComponentProps) {
  const { to, mailbox, outbox } = loaderData;
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const num = new Intl.NumberFormat(locale);
  const counts = outbox.counts as Record<string, number>;
  const statuses = [...STATUSES, ...Object.keys(counts).filter((s) => !(STATUSES as readonly string[]).includes(s))];
  const statusLabel = (s: string) => (hasKey(`admin.status${s}`) ? t(`admin.status${s}`) : s);

  return (
    <section className="stack">
      <h1>{t("admin.mailboxTitle")}</h1>
      <p className="notice" role="status">
        {mailbox.capturing ? t("admin.capturing") : t("admin.sending")}
      </p>

      <section aria-labelledby="outbox-heading" className="stack">
        <h2 id="outbox-heading">{t("admin.outboxTitle")}</h2>
        <dl className="kv">
          {statuses.map((s) => (
            <div key={s}>
              <dt>{statusLabel(s)}</dt>
              <dd>{num.format(counts[s] ?? 0)}</dd>
            </div>
          ))}
        </dl>
        <h3>{t("admin.problemsTitle")}</h3>
        {outbox.problems.length === 0 ? (
          <p>{t("admin.noProblems")}</p>
        ) : (
          <table className="data-table">
            <caption>{t("admin.problemsCaption", { tz })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.colTo")}</th>
                <th scope="col">{t("admin.colTemplate")}</th>
                <th scope="col">{t("admin.colStatus")}</th>
                <th scope="col">{t("admin.colAttempts")}</th>
                <th scope="col">{t("admin.colLastError")}</th>
                <th scope="col">{t("admin.colNextAttempt")}</th>
              </tr>
            </thead>
            <tbody>
              {outbox.problems.map((m) => (
                <tr key={m.id}>
                  <th scope="row">{m.to}</th>
                  <td>
                    <code>{m.template}</code>
                  </td>
                  <td>{m.status === "PENDING" ? t("admin.retrying") : statusLabel(m.status)}</td>
                  <td>{num.format(m.attempts)}</td>
                  <td>{m.lastError ? <code>{m.lastError}</code> : null}</td>
                  <td>{m.status === "PENDING" ? formatDate(locale, m.nextAttemptAt, tz, true) : t("admin.noMoreAttempts")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="captured-heading" className="stack">
        <h2 id="captured-heading">{t("admin.capturedTitle")}</h2>
        <Form method="get" className="filters" role="search">
          <div className="field">
            <label htmlFor="mail-to">{t("admin.toFilter")}</label>
            <input id="mail-to" name="to" type="search" defaultValue={to} maxLength={254} />
          </div>
          <button type="submit" className="button">
            {t("admin.filter")}
          </button>
          {to ? (
            <Link to="/admin/mailbox" className="link-button">
              {t("admin.clearFilter")}
            </Link>
          ) : null}
        </Form>
        {mailbox.items.length === 0 ? (
          <p>{to ? t("admin.noMailFiltered", { to }) : t("admin.noMail")}</p>
        ) : (
          <table className="data-table">
            <caption>{t("admin.capturedCaption", { count: PAGE, tz })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.colReceived")}</th>
                <th scope="col">{t("admin.colTo")}</th>
                <th scope="col">{t("admin.colSubject")}</th>
              </tr>
            </thead>
            <tbody>
              {mailbox.items.map((m) => (
                <tr key={m.id}>
                  <td>
                    <time dateTime={new Date(m.receivedAt).toISOString()}>{formatDate(locale, m.receivedAt, tz, true)}</time>
                  </td>
                  <td>{m.to}</td>
                  <td>
                    <Link to={`/admin/mailbox/${encodeURIComponent(m.id)}`}>{m.subject || t("admin.noSubject")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
