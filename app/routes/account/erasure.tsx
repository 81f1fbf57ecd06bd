// /account/erasure?token=… from the erasure confirmation email: one button POSTs the single-use
// token (README Decisions 5), which records the request for staff. Signed in as the customer the
// mail was sent to (a sign-in redirect brings them back here with the token).
import { Form, Link, useActionData, useSearchParams } from "react-router";
import type { Route } from "./+types/erasure";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { attempt, isFormFailure } from "#app/lib/forms.server.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export function loader({ context, request }: Route.LoaderArgs) {
  requireCustomer(context, request);
  return { title: `${translator(context.ctx.locale)("account.erasureConfirmTitle")} · Rapport` };
}

export async function action({ request, context }: Route.ActionArgs) {
  requireCustomer(context, request);
  const form = await request.formData();
  const r = await attempt(() => context.trpc.privacy.confirmErasure({ token: String(form.get("token") ?? "").slice(0, 200) }));
  return isFormFailure(r) ? r : { ok: true as const };
}

export default function ErasureConfirm() {
  const t = useT();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>() as FormResult | undefined;
  const error = result?.fieldErrors?.token ?? result?.formError;
  return (
    <section className="narrow stack">
      <h1>{t("account.erasureConfirmTitle")}</h1>
      {result?.ok ? <Notice>{t("account.erasureConfirmed")}</Notice> : null}
      <FormError error={error} />
      {result?.ok || error ? null : (
        <Form method="post" className="stack">
          <p>{t("account.erasureConfirmIntro")}</p>
          <input type="hidden" name="token" value={params.get("token") ?? ""} />
          <button type="submit" className="button danger">
            {t("account.erasureConfirmButton")}
          </button>
        </Form>
      )}
      <p>
        <Link to="/account">{t("account.erasureBack")}</Link>
      </p>
    </section>
  );
}
