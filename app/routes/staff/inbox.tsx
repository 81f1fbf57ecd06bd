// The agent ticket inbox (SLA-ordered) is built by a later release: an honest placeholder until then.
import type { Route } from "./+types/inbox";
import { ComingSoon } from "#app/components/coming-soon.tsx";
import { translator } from "#app/i18n/index.ts";
import { requireStaff } from "#app/lib/guards.server.ts";

export function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT");
  return { title: translator(context.ctx.locale)("common.inbox") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function Page() {
  return <ComingSoon section="common.inbox" />;
}
