import { Form, Link, redirect, useActionData, useNavigation, useSearchParams } from "react-router";
import type { Route } from "./+types/login";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { attempt, formValues, safeRedirect } from "#app/lib/forms.server.ts";
import { staffHome } from "#app/lib/guards.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Sign in · Rapport" }];
}

export function loader({ context }: Route.LoaderArgs) {
  const user = context.ctx.session?.user;
  if (user) throw redirect(user.staffRole ? staffHome(user.staffRole) : "/");
  return { title: `${translator(context.ctx.locale)("auth.signInTitle")}` };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const values = formValues(form, "email", "intent", "redirectTo");
  if (values.intent === "magic") {
    const r = await attempt(() => context.trpc.auth.requestMagicLink({ email: values.email }), values);
    return "sent" in r ? { ok: true, magicSent: values.email } : r;
  }
  const r = await attempt(() => context.trpc.auth.signIn({ email: values.email, password: String(form.get("password") ?? "") }), values);
  if (!("userId" in r)) return r;
  return redirect(safeRedirect(values.redirectTo, r.staffRole ? staffHome(r.staffRole) : "/"));
}

export default function Login() {
  const t = useT();
  const result = useActionData<typeof action>() as (FormResult & { magicSent?: string }) | undefined;
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const errors = result?.fieldErrors ?? {};
  return (
    <section className="narrow">
      <h1>{t("auth.signInTitle")}</h1>
      <p>{t("auth.signInIntro")}</p>
      {params.get("signedOut") ? <Notice>{t("auth.signedOut")}</Notice> : null}
      {result?.magicSent ? <Notice>{t("auth.magicSent", { email: result.magicSent })}</Notice> : null}
      <FormError error={result?.formError} />
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field name="email" type="email" label={t("auth.email")} autoComplete="email" required defaultValue={result?.values?.email} error={errors.email} />
        <Field name="password" type="password" label={t("auth.password")} autoComplete="current-password" error={errors.password} />
        <div className="actions">
          <button type="submit" name="intent" value="password" className="button" disabled={busy}>
            {t("auth.submitSignIn")}
          </button>
          <Link to="/forgot-password">{t("auth.forgot")}</Link>
        </div>
        <fieldset className="subtle">
          <legend>{t("auth.orMagic")}</legend>
          <button type="submit" name="intent" value="magic" className="button secondary" formNoValidate disabled={busy}>
            {t("auth.sendMagic")}
          </button>
        </fieldset>
      </Form>
      <p>
        {t("auth.noAccount")} <Link to="/signup">{t("common.signUp")}</Link>
      </p>
    </section>
  );
}
