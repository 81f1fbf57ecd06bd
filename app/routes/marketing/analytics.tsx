// Customer analytics (RFM, BG/NBD, CLV) are built by a later release: an honest placeholder until then.
import type { Route } from "./+types/analytics";
import { ComingSoon } from "#app/components/coming-soon.tsx";
import { translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";

export function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "MARKETER");
  return { title: translator(context.ctx.locale)("common.analytics") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function Page() {
  return <ComingSoon section="common.analytics" />;
}
