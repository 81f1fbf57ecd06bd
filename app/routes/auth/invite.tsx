// /invite?token=… from a staff invitation email: choose a name and password to join.
import { Form, redirect, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/invite";
import { Field, FormError, type FormResult } from "#app/components/form.tsx";
import { attempt, formValues } from "#app/lib/forms.server.ts";
import { staffHome } from "#app/lib/guards.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export async function loader({ context, request }: Route.LoaderArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const invitation = token ? await context.trpc.auth.invitation({ token }) : null;
  return { token, invitation, title: translator(context.ctx.locale)("auth.inviteTitle") };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const values = formValues(form, "name", "token");
  const r = await attempt(() => context.trpc.auth.acceptInvite({ token: values.token, name: values.name, password: String(form.get("password") ?? "") }), values);
  if (!("userId" in r)) return r;
  return redirect(r.staffRole ? staffHome(r.staffRole) : "/");
}

export default function Invite({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const result = useActionData<typeof action>() as FormResult | undefined;
  const busy = useNavigation().state === "submitting";
  const inv = loaderData.invitation;
  if (!inv) {
    return (
      <section className="narrow">
        <h1>{t("auth.inviteTitle")}</h1>
        <FormError error="auth.inviteInvalid" />
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>{t("auth.inviteTitle")}</h1>
      <p>{t("auth.inviteIntro", { role: t(`common.role${inv.role}`), email: inv.email })}</p>
      <FormError error={result?.fieldErrors?.token ?? result?.formError} />
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="token" value={loaderData.token} />
        <Field name="name" label={t("auth.name")} autoComplete="name" required defaultValue={result?.values?.name} error={result?.fieldErrors?.name} />
        <Field name="password" type="password" label={t("auth.password")} hint={t("auth.passwordHint")} autoComplete="new-password" required error={result?.fieldErrors?.password} />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t("auth.acceptInvite")}
          </button>
        </div>
      </Form>
    </section>
  );
}
