// Resource route: help articles matching a ticket subject (the help center's help.suggest), used by
// the new-request form as the customer types.
import type { Route } from "./+types/suggest";

export async function loader({ context, request }: Route.LoaderArgs) {
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 200);
  const suggestions = q.trim().length >= 3 ? await context.trpc.help.suggest({ q: q.slice(0, 200) }) : [];
  return { suggestions };
}
