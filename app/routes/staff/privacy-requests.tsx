// Staff work list of self-service erasure requests: customers who asked on /account and confirmed
// by email, oldest first. Each links to the customer page, where an admin erases (which marks the
// request done). Read-only, so it needs no form.
import { Link } from "react-router";
import type { Route } from "./+types/privacy-requests";
import { formatDate, translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT", "MARKETER");
  const requests = await context.trpc.privacy.pendingRequests();
  return { requests, title: translator(context.ctx.locale)("staff.privacyRequestsTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function PrivacyRequests({ loaderData }: Route.ComponentProps) {
  const { requests } = loaderData;
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  return (
    <section className="stack">
      <h1>{t("staff.privacyRequestsTitle")}</h1>
      <p>{t("staff.privacyRequestsIntro")}</p>
      {requests.length === 0 ? (
        <p className="notice" role="status">
          {t("staff.privacyRequestsEmpty")}
        </p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t("staff.privacyRequestsCustomer")}</th>
              <th scope="col">{t("staff.colEmail")}</th>
              <th scope="col">{t("staff.privacyRequestsConfirmed")}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/staff/customers/${r.customerId}`}>{r.name || r.email}</Link>
                </td>
                <td>{r.email}</td>
                <td>{formatDate(locale, r.confirmedAt, tz, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
