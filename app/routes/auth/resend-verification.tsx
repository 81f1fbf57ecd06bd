import { redirect } from "react-router";
import type { Route } from "./+types/resend-verification";
import { safeRedirect } from "#app/lib/forms.server.ts";
import { requireUser } from "#app/lib/guards.server.ts";

export async function action({ request, context }: Route.ActionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  await context.trpc.auth.resendVerification();
  const to = safeRedirect(form.get("redirectTo"));
  return redirect(`${to}${to.includes("?") ? "&" : "?"}resent=1`);
}

export function loader() {
  return redirect("/");
}
