// The customer's support requests, newest first.
import { Link } from "react-router";
import type { Route } from "./+types/index";
import { formatDate, translator } from "#app/i18n/index.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireCustomer(context, request);
  const tickets = await context.trpc.support.myTickets();
  return { tickets, title: translator(context.ctx.locale)("support.title") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function SupportIndex({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const { tickets } = loaderData;
  return (
    <section className="stack-lg">
      <header className="stack">
        <h1>{t("support.title")}</h1>
        <p>
          <Link to="/support/new" className="button">
            {t("support.newRequest")}
          </Link>
        </p>
      </header>
      <section aria-labelledby="my-requests">
        <h2 id="my-requests">{t("support.myRequests")}</h2>
        {tickets.length === 0 ? (
          <p>{t("support.noRequests")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("support.colNumber")}</th>
                  <th scope="col">{t("support.colSubject")}</th>
                  <th scope="col">{t("support.colStatus")}</th>
                  <th scope="col">{t("support.colUpdated")}</th>
                </tr>
              </thead>
              <tbody>
                {tickets.map((tk) => (
                  <tr key={tk.id}>
                    <th scope="row">
                      <Link to={`/support/${tk.number}`}>#{tk.number}</Link>
                    </th>
                    <td>
                      <Link to={`/support/${tk.number}`}>{tk.subject}</Link>
                    </td>
                    <td>
                      <span className="badge">{t(`support.status${tk.status}`)}</span>
                      {tk.mergedInto ? <small> {t("support.mergedInto", { number: tk.mergedInto.number })}</small> : null}
                    </td>
                    <td>{formatDate(locale, tk.updatedAt, tz, true)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
