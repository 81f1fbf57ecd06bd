// Campaigns and care automations are built by a later release: an honest placeholder until then.
import type { Route } from "./+types/campaigns";
import { ComingSoon } from "#app/components/coming-soon.tsx";
import { translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";

export function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "MARKETER");
  return { title: translator(context.ctx.locale)("common.campaigns") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function Page() {
  return <ComingSoon section="common.campaigns" />;
}
