// The audit log (admins only): every staff action and security-relevant account event, newest
// first, filtered by action prefix (e.g. "staff."), paged with ?cursor= (older entries).
import { Form, Link } from "react-router";
import type { Route } from "./+types/audit";
import { formatDate, translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

const PAGE = 50;

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "ADMIN");
  const url = new URL(request.url);
  const action = (url.searchParams.get("action") ?? "").trim().slice(0, 100);
  const rawCursor = url.searchParams.get("cursor") ?? "";
  // The procedure accepts only a row id; anything else is ignored (shows the newest page).
  const cursor = /^\d{1,18}$/.test(rawCursor) ? rawCursor : undefined;
  const log = await context.trpc.admin.auditLog({ action: action || undefined, cursor, take: PAGE });
  return { log, action, paged: Boolean(cursor), title: translator(context.ctx.locale)("admin.auditTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

function compactJson(value: unknown, max = 200) {
  if (value === null || value === undefined) return "";
  const s = JSON.stringify(value) ?? "";
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function pageHref(action: string, cursor?: string) {
  const sp = new URLSearchParams();
  if (action) sp.set("action", action);
  if (cursor) sp.set("cursor", cursor);
  const s = sp.toString();
  return `/admin/audit${s ? `?${s}` : ""}`;
}

export default function Audit({ loaderData }: Route.ComponentProps) {
  const { log, action, paged } = loaderData;
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  return (
    <section className="stack">
      <h1>{t("admin.auditTitle")}</h1>
      <Form method="get" className="filters" role="search">
        <div className="field">
          <label htmlFor="audit-action">{t("admin.actionFilter")}</label>
          <p id="audit-action-hint" className="hint">
            {t("admin.actionHint")}
          </p>
          <input id="audit-action" name="action" type="search" defaultValue={action} maxLength={100} aria-describedby="audit-action-hint" />
        </div>
        <button type="submit" className="button">
          {t("admin.filter")}
        </button>
        {action ? (
          <Link to="/admin/audit" className="link-button">
            {t("admin.clearFilter")}
          </Link>
        ) : null}
      </Form>

      {log.items.length === 0 ? (
        <p className="notice" role="status">
          {action ? t("admin.noEntriesFiltered", { action }) : t("admin.noEntries")}
        </p>
      ) : (
        <table className="data-table">
          <caption>{action ? t("admin.auditCaptionFiltered", { action, tz }) : t("admin.auditCaption", { tz })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.colTime")}</th>
              <th scope="col">{t("admin.colActor")}</th>
              <th scope="col">{t("admin.colAction")}</th>
              <th scope="col">{t("admin.colTarget")}</th>
              <th scope="col">{t("admin.colData")}</th>
              <th scope="col">{t("admin.colIp")}</th>
            </tr>
          </thead>
          <tbody>
            {log.items.map((e) => {
              const json = compactJson(e.data);
              return (
                <tr key={e.id}>
                  <td>
                    <time dateTime={new Date(e.createdAt).toISOString()}>{formatDate(locale, e.createdAt, tz, true)}</time>
                  </td>
                  <td>{e.actor ? (e.actor.name ? `${e.actor.name} <${e.actor.email}>` : e.actor.email) : t("admin.system")}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.targetType || e.targetId ? [e.targetType, e.targetId].filter(Boolean).join(" ") : ""}</td>
                  <td>{json ? <code title={json.endsWith("…") ? JSON.stringify(e.data) : undefined}>{json}</code> : null}</td>
                  <td>{e.ip ?? ""}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {log.nextCursor || paged ? (
        <nav className="pager" aria-label={t("admin.auditPages")}>
          {paged ? <Link to={pageHref(action)}>{t("admin.newest")}</Link> : null}
          {log.nextCursor ? <Link to={pageHref(action, log.nextCursor)}>{t("admin.olderEntries")}</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}
