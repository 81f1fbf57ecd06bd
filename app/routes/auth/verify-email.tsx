// /verify-email?sent=<email> says where the link went; /verify-email?token=… confirms with a POST
// (a link scanner's GET must not use up a single-use token). A referral code left by a referral
// link in this browser is attached on confirmation, and the page says whether it applied.
import { data, Form, Link, useActionData, useSearchParams } from "react-router";
import type { Route } from "./+types/verify-email";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { attempt } from "#app/lib/forms.server.ts";
import { clearReferralCookie, referralCodeFrom } from "#app/lib/referral-cookie.server.ts";
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
  const referralCode = referralCodeFrom(request) || undefined;
  const r = await attempt(() => context.trpc.auth.verifyEmail({ token: String(form.get("token") ?? ""), referralCode }));
  if (!("userId" in r)) return r;
  // The referral link's code has been used (or refused for a reason shown below): forget it.
  const headers = r.referral ? { "Set-Cookie": clearReferralCookie() } : undefined;
  return data({ ok: true as const, referral: r.referral }, { headers });
}

export default function VerifyEmail() {
  const t = useT();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>() as (FormResult & { referral?: { applied: boolean; code: string; reason?: string } | null }) | undefined;
  const token = params.get("token");
  if (result?.ok) {
    const referral = result.referral;
    return (
      <section className="narrow stack">
        <h1>{t("auth.verifiedTitle")}</h1>
        <Notice>{t("auth.verifiedBody")}</Notice>
        {referral?.applied ? <Notice>{t("auth.referralApplied", { code: referral.code })}</Notice> : null}
        {referral && !referral.applied ? (
          <p className="notice" role="status">
            {t("auth.referralNotApplied", { code: referral.code })} {t(referral.reason ?? "rewards.errReferralCode")}
          </p>
        ) : null}
        <p>
          <Link to={referral?.applied ? "/rewards" : "/"} className="button">
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
