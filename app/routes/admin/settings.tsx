// The settings hub: links to each program's settings page (loyalty, support SLA, marketing).
import { Link } from "react-router";
import type { Route } from "./+types/settings";
import { translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useT } from "#app/lib/i18n.ts";

export function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "ADMIN");
  return { title: translator(context.ctx.locale)("rewards.settingsHubTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function Settings() {
  const t = useT();
  return (
    <section className="stack">
      <h1>{t("rewards.settingsHubTitle")}</h1>
      <p className="lead">{t("rewards.settingsHubIntro")}</p>
      <div className="cards">
        <section className="card">
          <h2>
            <Link to="/admin/settings/loyalty">{t("rewards.settingsLoyalty")}</Link>
          </h2>
          <p className="card-note">{t("rewards.settingsLoyaltyDesc")}</p>
        </section>
        <section className="card">
          <h2>
            <Link to="/admin/settings/sla">{t("rewards.settingsSla")}</Link>
          </h2>
          <p className="card-note">{t("rewards.settingsSlaDesc")}</p>
        </section>
        <section className="card">
          <h2>
            <Link to="/admin/settings/marketing">{t("campaigns.settingsLink")}</Link>
          </h2>
          <p className="card-note">{t("campaigns.settingsLinkDesc")}</p>
        </section>
      </div>
    </section>
  );
}
