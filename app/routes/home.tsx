import { Link, redirect } from "react-router";
import type { Route } from "./+types/home";
import { staffHome } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { formatDate, translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }, { name: "description", content: "Track orders, get help and use your rewards." }];
}

export async function loader({ context }: Route.LoaderArgs) {
  const user = context.ctx.session?.user;
  const title = `${translator(context.ctx.locale)("common.home")} · Rapport`;
  if (user?.staffRole) throw redirect(staffHome(user.staffRole));
  if (!user || !user.customerId) return { title, summary: null, name: user?.name ?? null, timeZone: user?.timeZone ?? "UTC" };
  return { title, summary: await context.trpc.portal.summary(), name: user.name, timeZone: user.timeZone };
}

export default function Home({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { summary, name } = loaderData;
  if (!summary) {
    return (
      <section className="hero">
        <h1>{name ? t("account.welcome", { name }) : t("account.welcomeGuest")}</h1>
        <p className="lead">{t("common.tagline")}</p>
        {name ? null : (
          <>
            <p>{t("account.guestIntro")}</p>
            <p className="actions">
              <Link to="/login" className="button">
                {t("common.signIn")}
              </Link>
              <Link to="/signup" className="button secondary">
                {t("common.signUp")}
              </Link>
              <Link to="/help">{t("common.help")}</Link>
            </p>
          </>
        )}
      </section>
    );
  }
  return (
    <section>
      <h1>{t("account.welcome", { name: summary.name ?? name ?? "" })}</h1>
      <ul className="cards" aria-label={t("common.account")}>
        <li className="card">
          <Link to="/orders">
            <span className="card-label">{t("account.summaryOrders")}</span>
            <span className="card-value">{summary.orders}</span>
          </Link>
        </li>
        <li className="card">
          <Link to="/support">
            <span className="card-label">{t("account.summaryOpenTickets")}</span>
            <span className="card-value">{summary.openTickets}</span>
          </Link>
        </li>
        <li className="card">
          <Link to="/rewards">
            <span className="card-label">{t("account.summaryPoints")}</span>
            <span className="card-value">{summary.pointsAvailable.toLocaleString(locale)}</span>
            {summary.pointsPending ? <span className="card-note">{t("account.summaryPending", { points: summary.pointsPending.toLocaleString(locale) })}</span> : null}
          </Link>
        </li>
        <li className="card">
          <Link to="/rewards">
            <span className="card-label">{t("account.summaryTier")}</span>
            <span className="card-value">{t(`staff.tier${summary.tier}`)}</span>
          </Link>
        </li>
      </ul>
      {summary.lastOrder ? (
        <p>
          <Link to={`/orders/${encodeURIComponent(summary.lastOrder.number)}`}>
            {t("account.lastOrder", {
              number: summary.lastOrder.number,
              status: t(`account.status${summary.lastOrder.status}`),
              date: formatDate(locale, summary.lastOrder.placedAt, loaderData.timeZone),
            })}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
