// The agents' inbox: views (unassigned, mine, all open, SLA breached, all), filters, search, and
// tickets ordered by the next SLA due time. Everything is a GET form, so it works without JS and
// every state has a URL. The availability toggle controls round-robin assignment.
import { Form, Link, useNavigation } from "react-router";
import type { Route } from "./+types/inbox";
import { Notice } from "#app/components/form.tsx";
import { formatDate, translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

const VIEWS = ["unassigned", "mine", "open", "breached", "all"] as const;
const STATUSES = ["NEW", "OPEN", "PENDING", "SOLVED", "CLOSED"] as const;
const PRIORITIES = ["URGENT", "HIGH", "NORMAL", "LOW"] as const;
type View = (typeof VIEWS)[number];

function pick<T extends string>(v: string | null, options: readonly T[]): T | undefined {
  return options.includes(v as T) ? (v as T) : undefined;
}

export async function loader({ context, request }: Route.LoaderArgs) {
  const user = requireStaff(context, request, "AGENT");
  const sp = new URL(request.url).searchParams;
  const filters = {
    view: pick(sp.get("view"), VIEWS) ?? "open",
    status: pick(sp.get("status"), STATUSES),
    priority: pick(sp.get("priority"), PRIORITIES),
    category: (sp.get("category") ?? "").slice(0, 50) || undefined,
    assigneeId: (sp.get("assignee") ?? "").slice(0, 100) || undefined,
    q: (sp.get("q") ?? "").slice(0, 200) || undefined,
    page: Math.max(1, Math.min(2000, Number(sp.get("page")) || 1)),
  };
  const [inbox, agents, categories] = await Promise.all([context.trpc.support.inbox(filters), context.trpc.support.agents(), context.trpc.support.categories()]);
  const me = agents.find((a) => a.id === user.id);
  return { inbox, agents, categories, filters, available: me?.available ?? false, title: translator(context.ctx.locale)("support.inboxTitle") };
}

export async function action({ request, context }: Route.ActionArgs) {
  requireStaff(context, request, "AGENT");
  const form = await request.formData();
  await context.trpc.support.setAvailability({ available: form.get("available") === "true" });
  return { ok: true };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

function href(filters: Record<string, string | number | undefined>, patch: Record<string, string | number | undefined>) {
  const sp = new URLSearchParams();
  const all = { ...filters, ...patch };
  for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== "" && !(k === "page" && v === 1)) sp.set(k === "assigneeId" ? "assignee" : k, String(v));
  const s = sp.toString();
  return `/staff/inbox${s ? `?${s}` : ""}`;
}

export default function Inbox({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const busy = useNavigation().state !== "idle";
  const { inbox, agents, categories, filters, available } = loaderData;
  const counts = inbox.counts as Record<string, number>;
  const now = Date.now();
  const num = new Intl.NumberFormat(locale);
  return (
    <section className="stack-lg">
      <header className="stack">
        <h1>{t("support.inboxTitle")}</h1>
        <p>
          <Link to="/staff/canned">{t("support.cannedLink")}</Link> · <Link to="/staff/csat">{t("support.reportLink")}</Link>
        </p>
      </header>

      <section aria-labelledby="avail-h" className="panel">
        <h2 id="avail-h">{t("support.availability")}</h2>
        <Form method="post" className="inline-form">
          <p>{available ? t("support.availableOn") : t("support.availableOff")}</p>
          <input type="hidden" name="available" value={available ? "false" : "true"} />
          <button type="submit" className="button small secondary" disabled={busy}>
            {available ? t("support.becomeUnavailable") : t("support.becomeAvailable")}
          </button>
        </Form>
      </section>

      <nav aria-label={t("support.views")}>
        <ul className="nav-list">
          {VIEWS.map((v: View) => (
            <li key={v}>
              <Link to={href({}, { view: v })} aria-current={filters.view === v ? "page" : undefined}>
                {filters.view === v ? <strong>{t(`support.view${v}`)}</strong> : t(`support.view${v}`)}
                {v in counts ? ` (${counts[v]! >= inbox.counts.cap ? `${num.format(inbox.counts.cap)}+` : num.format(counts[v]!)})` : ""}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <Form method="get" className="filters" aria-label={t("support.filters")}>
        <input type="hidden" name="view" value={filters.view} />
        <div className="field">
          <label htmlFor="q">{t("support.searchLabel")}</label>
          <input id="q" name="q" type="search" defaultValue={filters.q ?? ""} aria-describedby="q-hint" />
          <p id="q-hint" className="hint">
            {t("support.searchHint")}
          </p>
        </div>
        <div className="field">
          <label htmlFor="f-status">{t("support.filterStatus")}</label>
          <select id="f-status" name="status" defaultValue={filters.status ?? ""}>
            <option value="">{t("support.any")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`support.agentStatus${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-priority">{t("support.filterPriority")}</label>
          <select id="f-priority" name="priority" defaultValue={filters.priority ?? ""}>
            <option value="">{t("support.any")}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`support.priority${p}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-category">{t("support.filterCategory")}</label>
          <select id="f-category" name="category" defaultValue={filters.category ?? ""}>
            <option value="">{t("support.any")}</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {t(`support.category${c}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-assignee">{t("support.filterAssignee")}</label>
          <select id="f-assignee" name="assignee" defaultValue={filters.assigneeId ?? ""}>
            <option value="">{t("support.any")}</option>
            <option value="none">{t("support.unassigned")}</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name || a.email}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="button">
            {t("support.apply")}
          </button>
          <Link to={href({}, { view: filters.view })}>{t("support.clear")}</Link>
        </div>
      </Form>

      {inbox.items.length === 0 ? (
        <Notice>{t("support.noTickets")}</Notice>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption>
              {t(`support.view${filters.view}`)} · {t("support.pageN", { page: inbox.page })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("support.colNumber")}</th>
                <th scope="col">{t("support.colSubject")}</th>
                <th scope="col">{t("support.colCustomer")}</th>
                <th scope="col">{t("support.colStatus")}</th>
                <th scope="col">{t("support.colPriority")}</th>
                <th scope="col">{t("support.colAssignee")}</th>
                <th scope="col">{t("support.colDue")}</th>
              </tr>
            </thead>
            <tbody>
              {inbox.items.map((tk) => {
                const overdue = tk.slaDueAt !== null && new Date(tk.slaDueAt).getTime() < now;
                return (
                  <tr key={tk.id}>
                    <th scope="row">
                      <Link to={`/staff/tickets/${tk.number}`}>#{tk.number}</Link>
                    </th>
                    <td>
                      <Link to={`/staff/tickets/${tk.number}`}>{tk.subject}</Link>
                    </td>
                    <td>{tk.customer.name ? `${tk.customer.name} <${tk.customer.email}>` : tk.customer.email}</td>
                    <td>{t(`support.agentStatus${tk.status}`)}</td>
                    <td>{t(`support.priority${tk.priority}`)}</td>
                    <td>{tk.assignee ? tk.assignee.name || tk.assignee.email : t("support.unassigned")}</td>
                    <td>
                      {tk.slaDueAt ? formatDate(locale, tk.slaDueAt, tz, true) : t("support.noDue")}
                      {overdue || tk.breached ? (
                        <>
                          {" "}
                          <span className="badge" style={{ background: "#b42318", color: "#fff" }}>
                            {t("support.breached")}
                          </span>
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label={t("support.pageN", { page: inbox.page })}>
        {inbox.page > 1 ? <Link to={href(filters, { page: inbox.page - 1 })}>{t("support.prevPage")}</Link> : null}
        {inbox.hasMore ? <Link to={href(filters, { page: inbox.page + 1 })}>{t("support.nextPage")}</Link> : null}
      </nav>
    </section>
  );
}
