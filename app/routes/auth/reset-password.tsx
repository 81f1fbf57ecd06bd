import { Form, Link, useActionData, useNavigation, useSearchParams } from "react-router";
import type { Route } from "./+types/reset-password";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { attempt } from "#app/lib/forms.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export function loader({ context }: Route.LoaderArgs) {
  return { title: translator(context.ctx.locale)("auth.resetTitle") };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const r = await attempt(() => context.trpc.auth.resetPassword({ token: String(form.get("token") ?? ""), password: String(form.get("password") ?? "") }));
  return "userId" in r ? { ok: true } : r;
}

export default function ResetPassword() {
  const t = useT();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>() as FormResult | undefined;
  const busy = useNavigation().state === "submitting";
  if (result?.ok) {
    return (
      <section className="narrow">
        <h1>{t("auth.resetTitle")}</h1>
        <Notice>{t("auth.resetDone")}</Notice>
        <p>
          <Link to="/" className="button">
            {t("auth.continue")}
          </Link>
        </p>
      </section>
    );
  }
  const tokenError = result?.fieldErrors?.token;
  return (
    <section className="narrow">
      <h1>{t("auth.resetTitle")}</h1>
      <FormError error={tokenError ?? result?.formError} />
      {tokenError ? (
        <p>
          <Link to="/forgot-password">{t("auth.forgot")}</Link>
        </p>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="token" value={params.get("token") ?? ""} />
        <Field name="password" type="password" label={t("auth.newPassword")} hint={t("auth.passwordHint")} autoComplete="new-password" required minLength={10} error={result?.fieldErrors?.password} />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t("auth.submitReset")}
          </button>
        </div>
      </Form>
    </section>
  );
}
