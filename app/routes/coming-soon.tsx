// One module for customer sections that later releases build (orders, support, help, rewards):
// an honest "coming soon" page, no invented data. Registered per URL in routes.ts with its own id.
import type { Route } from "./+types/coming-soon";
import { ComingSoon } from "#app/components/coming-soon.tsx";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { translator, type MessageKey } from "#app/i18n/index.ts";

const SECTIONS: Record<string, { key: MessageKey; public: boolean }> = {
  orders: { key: "common.orders", public: false },
  support: { key: "common.support", public: false },
  help: { key: "common.help", public: true },
  rewards: { key: "common.rewards", public: false },
};

export function loader({ context, request }: Route.LoaderArgs) {
  const slug = new URL(request.url).pathname.split("/")[1] ?? "";
  const section = SECTIONS[slug];
  if (!section) throw new Response(null, { status: 404 });
  if (!section.public) requireCustomer(context, request);
  return { section: section.key, title: translator(context.ctx.locale)(section.key) };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function Page({ loaderData }: Route.ComponentProps) {
  return <ComingSoon section={loaderData.section} />;
}
