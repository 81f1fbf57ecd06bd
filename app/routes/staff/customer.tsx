// The staff 360° view of one customer: profile, login, consent, loyalty, spend, recent orders and
// tickets, and the touchpoint timeline (GET filters + keyset "older" pagination, no JS needed).
import { data, Form, Link, useActionData } from "react-router";
import type { Route } from "./+types/customer";
import { formatDate, formatMoney, hasKey, type T } from "#app/i18n/index.ts";
import { isTrpcCode } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import { attempt, formValues, isFormFailure, tagged } from "#app/lib/forms.server.ts";
import { FormError, type FormResult } from "#app/components/form.tsx";
import { CustomerInsights } from "./customer-insights.tsx";
import { CustomerPrivacy, ErasedNotice } from "./customer-privacy.tsx";

const TIMELINE_PAGE = 50;

export async function loader({ context, request, params }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT", "MARKETER");
  const url = new URL(request.url);
  const type = (url.searchParams.get("type") ?? "").slice(0, 100) || undefined;
  const channel = (url.searchParams.get("channel") ?? "").slice(0, 50) || undefined;
  const cursor = (url.searchParams.get("cursor") ?? "").slice(0, 100) || undefined;

  let customer;
  try {
    customer = await context.trpc.staff.customer({ id: params.id });
  } catch (e) {
    // NOT_FOUND for a missing customer; BAD_REQUEST for an id no customer could have.
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw data(null, { status: 404 });
    throw e;
  }

  let invalidCursor = false;
  let timeline;
  try {
    timeline = await context.trpc.staff.timeline({ customerId: customer.id, type, channel, cursor, take: TIMELINE_PAGE });
  } catch (e) {
    // A stale or hand-edited ?cursor= : say so and show the newest page instead of failing.
    if (!cursor || !isTrpcCode(e, "BAD_REQUEST")) throw e;
    invalidCursor = true;
    timeline = await context.trpc.staff.timeline({ customerId: customer.id, type, channel, take: TIMELINE_PAGE });
  }

  const [insights, privacy] = await Promise.all([context.trpc.analytics.customerInsights({ customerId: customer.id }), context.trpc.privacy.status({ customerId: customer.id })]);

  return {
    customer,
    insights,
    erasedAt: privacy.erasedAt,
    erasureRequestedAt: privacy.requestedAt,
    timeline,
    filters: { type: type ?? "", channel: channel ?? "", paged: Boolean(cursor) && !invalidCursor },
    invalidCursor,
    title: customer.name || customer.email,
  };
}

/** Marketers send an NPS survey from here (agents don't see the button; the procedure refuses
 *  them); admins erase the customer's personal data (intent "erase", ADMIN-only procedure). */
export async function action({ context, request, params }: Route.ActionArgs) {
  requireStaff(context, request, "AGENT", "MARKETER");
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "erase") {
    const values = formValues(form, "confirmEmail", "reason");
    const r = await attempt(() => context.trpc.privacy.erase({ customerId: params.id, confirmEmail: values.confirmEmail.slice(0, 320), reason: values.reason.slice(0, 2000) }), values);
    return isFormFailure(r) ? tagged(r, { intent }) : { ok: true, intent, erased: true };
  }
  if (intent !== "sendNps") return { ok: false, formError: "errors.invalid" };
  const r = await attempt(() => context.trpc.analytics.sendNpsSurvey({ customerId: params.id }));
  return "id" in r ? { ok: true, npsSent: true } : r;
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data ? `${data.title} · Rapport` : "Rapport" }];
}

/** A translated label when one exists, else the code itself (new codes appear before their labels). */
function label(t: T, key: string, code: string) {
  return hasKey(key) ? t(key) : code;
}
function touchpointTypeLabel(t: T, type: string) {
  return label(t, `staff.tp_${type.replace(/[^a-zA-Z0-9]/g, "_")}`, type);
}
function channelLabel(t: T, channel: string) {
  return label(t, `staff.channel_${channel}`, channel);
}

function tierLabel(t: T, tier: string) {
  return label(t, `staff.tier${tier}`, tier);
}

function localeName(t: T, l: string) {
  return l === "zh_CN" || l === "zh-CN" ? t("staff.localeZh") : l === "en" ? t("staff.localeEn") : l;
}

/** A one-line summary of touchpoint metadata: `key: value` pairs, long values shortened. */
function metadataSummary(metadata: unknown, max = 160): string {
  if (metadata === null || metadata === undefined) return "";
  const show = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v) ?? "");
  const text =
    typeof metadata === "object" && !Array.isArray(metadata)
      ? Object.entries(metadata as Record<string, unknown>)
          .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map(show).join(", ") : show(v)}`)
          .join(" · ")
      : show(metadata);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function timelineHref(customerId: string, filters: { type: string; channel: string }, cursor?: string) {
  const sp = new URLSearchParams();
  if (filters.type) sp.set("type", filters.type);
  if (filters.channel) sp.set("channel", filters.channel);
  if (cursor) sp.set("cursor", cursor);
  const s = sp.toString();
  return `/staff/customers/${encodeURIComponent(customerId)}${s ? `?${s}` : ""}#timeline`;
}

export default function Customer({ loaderData }: Route.ComponentProps) {
  const { customer: c, insights, timeline, filters, invalidCursor, erasedAt, erasureRequestedAt } = loaderData;
  const result = useActionData<typeof action>() as (FormResult & { npsSent?: boolean; intent?: string; erased?: boolean }) | undefined;
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const num = new Intl.NumberFormat(locale);
  const yesNo = (b: boolean) => (b ? t("staff.consentGiven") : t("staff.consentNotGiven"));

  return (
    <article className="stack">
      <p>
        <Link to="/staff/customers">{t("staff.backToCustomers")}</Link>
      </p>
      <header>
        <h1>{c.name || c.email}</h1>
        <p>
          {c.name ? <>{c.email} </> : null}
          <span className="badge">{t("staff.tierBadge", { tier: tierLabel(t, c.tier) })}</span>
        </p>
        <ErasedNotice erasedAt={erasedAt} requestedAt={erasureRequestedAt} />
      </header>

      <div className="cards">
        <section className="card" aria-labelledby="c360-profile">
          <h2 id="c360-profile">{t("staff.profile")}</h2>
          <dl className="kv">
            <dt>{t("staff.email")}</dt>
            <dd>{c.email}</dd>
            <dt>{t("staff.name")}</dt>
            <dd>{c.name || t("staff.notSet")}</dd>
            <dt>{t("staff.locale")}</dt>
            <dd>{localeName(t, c.locale)}</dd>
            <dt>{t("staff.timeZone")}</dt>
            <dd>{c.timeZone}</dd>
            <dt>{t("staff.birthday")}</dt>
            <dd>{c.birthday ? formatDate(locale, c.birthday, "UTC") : t("staff.notSet")}</dd>
            <dt>{t("staff.customerSince")}</dt>
            <dd>{formatDate(locale, c.createdAt, tz)}</dd>
          </dl>
        </section>

        <section className="card" aria-labelledby="c360-login">
          <h2 id="c360-login">{t("staff.login")}</h2>
          <p>
            {!c.login
              ? t("staff.loginNone")
              : c.login.verified
                ? t("staff.loginVerified", { date: formatDate(locale, c.login.since, tz) })
                : t("staff.loginUnverified", { date: formatDate(locale, c.login.since, tz) })}
          </p>
          <h3>{t("staff.consent")}</h3>
          <dl className="kv">
            <dt>{t("staff.consentEmail")}</dt>
            <dd>{yesNo(c.consent.email)}</dd>
            <dt>{t("staff.consentSms")}</dt>
            <dd>{yesNo(c.consent.sms)}</dd>
            <dt>{t("staff.consentPush")}</dt>
            <dd>{yesNo(c.consent.push)}</dd>
          </dl>
        </section>

        <section className="card" aria-labelledby="c360-loyalty">
          <h2 id="c360-loyalty">{t("staff.loyalty")}</h2>
          <dl className="kv">
            <dt>{t("staff.tier")}</dt>
            <dd>{tierLabel(t, c.tier)}</dd>
            <dt>{t("staff.pointsAvailable")}</dt>
            <dd>{num.format(c.pointsAvailable)}</dd>
            <dt>{t("staff.pointsPending")}</dt>
            <dd>{num.format(c.pointsPending)}</dd>
          </dl>
          <h3>{t("staff.spend")}</h3>
          {c.spend.length === 0 ? (
            <p>{t("staff.noSpend")}</p>
          ) : (
            <dl className="kv">
              {c.spend.map((s) => (
                <div key={s.currency}>
                  <dt>{s.currency}</dt>
                  <dd>{formatMoney(locale, s.netMinor, s.currency)}</dd>
                </div>
              ))}
            </dl>
          )}
          <p className="hint">{t("staff.spendHint")}</p>
        </section>
      </div>

      {result?.intent === "erase" ? null : <FormError error={result?.formError} />}
      <CustomerInsights insights={insights} npsSent={Boolean(result?.npsSent)} />

      <section aria-labelledby="c360-orders">
        <h2 id="c360-orders">{t("staff.recentOrders")}</h2>
        {c.orders.length === 0 ? (
          <p>{t("staff.noOrders")}</p>
        ) : (
          <table className="data-table">
            <caption>{t("staff.ordersCaption", { shown: c.orders.length, total: c.orderCount })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("staff.colNumber")}</th>
                <th scope="col">{t("staff.colStatus")}</th>
                <th scope="col">{t("staff.colTotal")}</th>
                <th scope="col">{t("staff.colPlaced")}</th>
              </tr>
            </thead>
            <tbody>
              {c.orders.map((o) => (
                <tr key={o.id}>
                  <th scope="row">{o.number}</th>
                  <td>{label(t, `staff.order${o.status}`, o.status)}</td>
                  <td>{formatMoney(locale, o.totalMinor, o.currency)}</td>
                  <td>{formatDate(locale, o.placedAt, tz)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="c360-tickets">
        <h2 id="c360-tickets">{t("staff.recentTickets")}</h2>
        {c.tickets.length === 0 ? (
          <p>{t("staff.noTickets")}</p>
        ) : (
          <table className="data-table">
            <caption>{t("staff.ticketsCaption", { shown: c.tickets.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("staff.colNumber")}</th>
                <th scope="col">{t("staff.colSubject")}</th>
                <th scope="col">{t("staff.colStatus")}</th>
                <th scope="col">{t("staff.colPriority")}</th>
                <th scope="col">{t("staff.colCsat")}</th>
                <th scope="col">{t("staff.colOpened")}</th>
              </tr>
            </thead>
            <tbody>
              {c.tickets.map((tk) => (
                <tr key={tk.id}>
                  <th scope="row">#{tk.number}</th>
                  <td>{tk.subject}</td>
                  <td>{label(t, `staff.ticket${tk.status}`, tk.status)}</td>
                  <td>{label(t, `staff.priority${tk.priority}`, tk.priority)}</td>
                  <td>{tk.csatScore ?? t("staff.csatNone")}</td>
                  <td>{formatDate(locale, tk.createdAt, tz)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section id="timeline" aria-labelledby="c360-timeline">
        <h2 id="c360-timeline">{t("staff.timeline")}</h2>
        <Form method="get" className="filters" preventScrollReset>
          <div className="field">
            <label htmlFor="tl-type">{t("staff.filterType")}</label>
            <select id="tl-type" name="type" defaultValue={filters.type}>
              <option value="">{t("staff.allTypes")}</option>
              {c.facets.types.map((ty) => (
                <option key={ty} value={ty}>
                  {touchpointTypeLabel(t, ty)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="tl-channel">{t("staff.filterChannel")}</label>
            <select id="tl-channel" name="channel" defaultValue={filters.channel}>
              <option value="">{t("staff.allChannels")}</option>
              {c.facets.channels.map((ch) => (
                <option key={ch} value={ch}>
                  {channelLabel(t, ch)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button">
            {t("staff.applyFilters")}
          </button>
          {filters.type || filters.channel ? (
            <Link to={timelineHref(c.id, { type: "", channel: "" })} className="link-button" preventScrollReset>
              {t("staff.clearFilters")}
            </Link>
          ) : null}
        </Form>

        {invalidCursor ? (
          <p className="notice" role="status">
            {t("staff.invalidCursor")}
          </p>
        ) : null}

        {timeline.items.length === 0 ? (
          <p>{filters.type || filters.channel ? t("staff.noTouchpointsFiltered") : t("staff.noTouchpoints")}</p>
        ) : (
          <table className="data-table">
            <caption>{t("staff.timelineCaption", { tz })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("staff.colTime")}</th>
                <th scope="col">{t("staff.colType")}</th>
                <th scope="col">{t("staff.colChannel")}</th>
                <th scope="col">{t("staff.colTouchSubject")}</th>
                <th scope="col">{t("staff.colDetails")}</th>
              </tr>
            </thead>
            <tbody>
              {timeline.items.map((tp) => {
                const summary = metadataSummary(tp.metadata);
                return (
                  <tr key={tp.id}>
                    <td>
                      <time dateTime={new Date(tp.occurredAt).toISOString()}>{formatDate(locale, tp.occurredAt, tz, true)}</time>
                    </td>
                    <td title={tp.type}>{touchpointTypeLabel(t, tp.type)}</td>
                    <td>{channelLabel(t, tp.channel)}</td>
                    <td>{tp.subjectType || tp.subjectId ? [tp.subjectType, tp.subjectId].filter(Boolean).join(" ") : ""}</td>
                    <td>{summary ? <code>{summary}</code> : null}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}

        {timeline.nextCursor || filters.paged ? (
          <nav className="pager" aria-label={t("staff.timelinePages")}>
            {filters.paged ? (
              <Link to={timelineHref(c.id, filters)} preventScrollReset>
                {t("staff.newest")}
              </Link>
            ) : null}
            {timeline.nextCursor ? (
              <Link to={timelineHref(c.id, filters, timeline.nextCursor)} preventScrollReset>
                {t("staff.older")}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>

      <CustomerPrivacy email={c.email} erasedAt={erasedAt} result={result} />
    </article>
  );
}
