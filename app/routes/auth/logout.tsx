import { redirect } from "react-router";
import type { Route } from "./+types/logout";

export async function action({ context }: Route.ActionArgs) {
  if (context.ctx.session) await context.trpc.auth.signOut();
  return redirect("/login?signedOut=1");
}

// Signing out changes state, so it is POST-only (no sign-out by a link or an <img>).
export function loader() {
  return redirect("/");
}
