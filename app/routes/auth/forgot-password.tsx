import { Form, Link, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/forgot-password";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { attempt, formValues } from "#app/lib/forms.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export function loader({ context }: Route.LoaderArgs) {
  return { title: translator(context.ctx.locale)("auth.forgotTitle") };
}

export async function action({ request, context }: Route.ActionArgs) {
  const values = formValues(await request.formData(), "email");
  const r = await attempt(() => context.trpc.auth.requestPasswordReset({ email: values.email }), values);
  return "sent" in r ? { ok: true, sentTo: values.email.trim() } : r;
}

export default function ForgotPassword() {
  const t = useT();
  const result = useActionData<typeof action>() as (FormResult & { sentTo?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <section className="narrow">
      <h1>{t("auth.forgotTitle")}</h1>
      {result?.sentTo ? (
        <Notice>{t("auth.resetSent", { email: result.sentTo })}</Notice>
      ) : (
        <>
          <p>{t("auth.forgotIntro")}</p>
          <FormError error={result?.formError} />
          <Form method="post" className="stack" noValidate>
            <Field name="email" type="email" label={t("auth.email")} autoComplete="email" required defaultValue={result?.values?.email} error={result?.fieldErrors?.email} />
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                {t("auth.sendReset")}
              </button>
            </div>
          </Form>
        </>
      )}
      <p>
        <Link to="/login">{t("common.signIn")}</Link>
      </p>
    </section>
  );
}
