// /verify-email?sent=<email> says where the link went; /verify-email?token=… confirms with a POST
// (a link scanner's GET must not use up a single-use token).
import { Form, Link, useActionData, useSearchParams } from "react-router";
import type { Route } from "./+types/verify-email";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { attempt } from "#app/lib/forms.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export function loader({ context }: Route.LoaderArgs) {
  return { title: translator(context.ctx.locale)("auth.checkEmailTitle") };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const r = await attempt(() => context.trpc.auth.verifyEmail({ token: String(form.get("token") ?? "") }));
  return "userId" in r ? { ok: true } : r;
}

export default function VerifyEmail() {
  const t = useT();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>() as FormResult | undefined;
  const token = params.get("token");
  if (result?.ok) {
    return (
      <section className="narrow">
        <h1>{t("auth.verifiedTitle")}</h1>
        <Notice>{t("auth.verifiedBody")}</Notice>
        <p>
          <Link to="/" className="button">
            {t("auth.continue")}
          </Link>
        </p>
      </section>
    );
  }
  if (token) {
    const error = result?.fieldErrors?.token ?? result?.formError;
    return (
      <section className="narrow">
        <h1>{error ? t("auth.verifyFailedTitle") : t("auth.checkEmailTitle")}</h1>
        <FormError error={error} />
        <Form method="post">
          <input type="hidden" name="token" value={token} />
          <button type="submit" className="button">
            {t("auth.continue")}
          </button>
        </Form>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>{t("auth.checkEmailTitle")}</h1>
      <p>{t("auth.checkEmailBody", { email: params.get("sent") ?? "" })}</p>
      <p>
        <Link to="/">{t("common.backHome")}</Link>
      </p>
    </section>
  );
}
