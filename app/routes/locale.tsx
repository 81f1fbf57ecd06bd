// The language switch: a plain form POST (works without JavaScript), saved per user or in a cookie.
import { redirect } from "react-router";
import type { Route } from "./+types/locale";
import { safeRedirect } from "#app/lib/forms.server.ts";
import { isLocale } from "#app/i18n/index.ts";

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const locale = String(form.get("locale"));
  if (isLocale(locale)) await context.trpc.portal.setLocale({ locale });
  return redirect(safeRedirect(form.get("redirectTo")));
}

export function loader() {
  return redirect("/");
}
