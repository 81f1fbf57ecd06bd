// Resource route: a help article suggested on the ticket form was opened. Records the
// "help.suggestion_opened" touchpoint (counted for deflection) and goes to the article,
// marked ?from=ticket-form. Safe for guests (nothing is recorded against a customer then).
import { redirect } from "react-router";
import type { Route } from "./+types/suggested";

export async function loader({ context, params }: Route.LoaderArgs) {
  const slug = (params.slug ?? "").slice(0, 200);
  if (slug) await context.trpc.support.suggestionOpened({ slug });
  return redirect(slug ? `/help/${encodeURIComponent(slug)}?from=ticket-form` : "/help");
}
