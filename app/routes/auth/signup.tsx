import { Form, Link, redirect, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/signup";
import { Field, FormError, type FormResult } from "#app/components/form.tsx";
import { attempt, formValues } from "#app/lib/forms.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { isLocale, translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Create account · Rapport" }];
}

export function loader({ context }: Route.LoaderArgs) {
  if (context.ctx.session) throw redirect("/");
  return { title: translator(context.ctx.locale)("auth.signUpTitle") };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const values = formValues(form, "email", "name", "locale", "website");
  // Honeypot: people never fill the hidden "website" field; bots do.
  if (values.website) return redirect(`/verify-email?sent=${encodeURIComponent(values.email)}`);
  const locale = isLocale(values.locale) ? values.locale : context.ctx.locale;
  const r = await attempt(() => context.trpc.auth.signUp({ email: values.email, name: values.name, password: String(form.get("password") ?? ""), locale }), values);
  if (!("userId" in r)) return r;
  return redirect(`/verify-email?sent=${encodeURIComponent(values.email.trim().toLowerCase())}`);
}

export default function Signup() {
  const t = useT();
  const locale = useLocale();
  const result = useActionData<typeof action>() as FormResult | undefined;
  const busy = useNavigation().state === "submitting";
  const errors = result?.fieldErrors ?? {};
  return (
    <section className="narrow">
      <h1>{t("auth.signUpTitle")}</h1>
      <p>{t("auth.signUpIntro")}</p>
      <FormError error={result?.formError} />
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="locale" value={locale} />
        <div className="visually-hidden" aria-hidden="true">
          <label>
            Website <input name="website" tabIndex={-1} autoComplete="off" />
          </label>
        </div>
        <Field name="name" label={t("auth.name")} autoComplete="name" required defaultValue={result?.values?.name} error={errors.name} />
        <Field name="email" type="email" label={t("auth.email")} autoComplete="email" required defaultValue={result?.values?.email} error={errors.email} />
        <Field name="password" type="password" label={t("auth.password")} hint={t("auth.passwordHint")} autoComplete="new-password" required minLength={10} error={errors.password} />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t("auth.submitSignUp")}
          </button>
        </div>
      </Form>
      <p>
        {t("auth.haveAccount")} <Link to="/login">{t("common.signIn")}</Link>
      </p>
    </section>
  );
}
