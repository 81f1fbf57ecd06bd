// Resource route: help articles matching a ticket subject (used by the new-request form as you type).
import type { Route } from "./+types/suggest";

export async function loader({ context, request }: Route.LoaderArgs) {
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 300);
  const suggestions = q.trim().length >= 3 ? await context.trpc.support.suggest({ q }) : [];
  return { suggestions };
}
