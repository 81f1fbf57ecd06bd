// /magic?token=… from the sign-in email: a button POSTs the single-use token.
import { Form, Link, redirect, useActionData, useSearchParams } from "react-router";
import type { Route } from "./+types/magic";
import { FormError, type FormResult } from "#app/components/form.tsx";
import { attempt } from "#app/lib/forms.server.ts";
import { staffHome } from "#app/lib/guards.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export function loader({ context }: Route.LoaderArgs) {
  return { title: translator(context.ctx.locale)("auth.magicTitle") };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const r = await attempt(() => context.trpc.auth.signInWithMagicLink({ token: String(form.get("token") ?? "") }));
  if (!("userId" in r)) return r;
  return redirect(r.staffRole ? staffHome(r.staffRole) : "/");
}

export default function Magic() {
  const t = useT();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>() as FormResult | undefined;
  const error = result?.fieldErrors?.token ?? result?.formError;
  return (
    <section className="narrow">
      <h1>{t("auth.magicTitle")}</h1>
      <FormError error={error} />
      {error ? (
        <p>
          <Link to="/login">{t("common.signIn")}</Link>
        </p>
      ) : (
        <Form method="post" className="stack">
          <p>{t("auth.magicIntro")}</p>
          <input type="hidden" name="token" value={params.get("token") ?? ""} />
          <button type="submit" className="button">
            {t("auth.magicButton")}
          </button>
        </Form>
      )}
    </section>
  );
}
