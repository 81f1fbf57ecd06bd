// The public unsubscribe link of campaign mail (/u/<token>), no sign-in. GET shows the (masked)
// address and the email's subject, in the customer's own language, with ONE button; GET changes nothing.
// POST — the button, or a mail provider's RFC 8058 one-click POST (body
// "List-Unsubscribe=One-Click", no cookie, no CSRF token; server/http.ts lets it past React
// Router's origin check) — turns email marketing consent off and answers 200 with a confirmation.
// A forged or altered token changes nothing and gets a "not valid" page with status 404.
import { data, Form, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/unsubscribe";
import { Notice } from "#app/components/form.tsx";
import { isLocale, translator, type Locale } from "#app/i18n/index.ts";
import { isTrpcCode } from "#app/lib/forms.server.ts";
import { useLocale } from "#app/lib/i18n.ts";

export async function loader({ context, params }: Route.LoaderArgs) {
  const info = await context.trpc.campaigns.unsubscribeInfo({ token: params.token });
  // The customer's language when the link is valid; the visitor's otherwise.
  const locale: Locale = info.valid && isLocale(info.locale) ? info.locale : context.ctx.locale;
  const title = translator(locale)("campaigns.unsubTitle");
  if (!info.valid) return data({ valid: false as const, locale, email: null, subject: null, subscribed: false, title }, { status: 404 });
  return { valid: true as const, locale, email: info.email, subject: info.subject, subscribed: info.subscribed, title };
}

export async function action({ context, params }: Route.ActionArgs) {
  // The body (the button's, or RFC 8058's "List-Unsubscribe=One-Click") carries nothing we need:
  // the signed token in the URL is the whole request.
  try {
    const r = await context.trpc.campaigns.unsubscribe({ token: params.token });
    return { ok: true as const, unsubscribed: r.unsubscribed, locale: r.locale as Locale };
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) return data({ ok: false as const, unsubscribed: false, locale: context.ctx.locale }, { status: 404 });
    throw e;
  }
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }, { name: "robots", content: "noindex" }];
}

export default function Unsubscribe({ loaderData }: Route.ComponentProps) {
  const visitor = useLocale();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const locale: Locale = (loaderData.valid ? loaderData.locale : result?.ok ? result.locale : null) ?? visitor;
  const t = translator(locale);

  if (!loaderData.valid || result?.ok === false) {
    return (
      <article className="narrow stack" lang={locale}>
        <h1>{t("campaigns.unsubTitle")}</h1>
        <p role="alert">{t("campaigns.unsubInvalid")}</p>
      </article>
    );
  }
  if (result?.ok || !loaderData.subscribed) {
    return (
      <article className="narrow stack" lang={locale}>
        <h1>{t("campaigns.unsubTitle")}</h1>
        <Notice>{result?.ok && result.unsubscribed ? t("campaigns.unsubDone") : t("campaigns.unsubAlready")}</Notice>
        <p>{t("campaigns.unsubChange")}</p>
      </article>
    );
  }
  return (
    <article className="narrow stack" lang={locale}>
      <h1>{t("campaigns.unsubTitle")}</h1>
      <p>{loaderData.email ? t("campaigns.unsubIntro", { email: loaderData.email }) : t("campaigns.unsubIntroNoEmail")}</p>
      {loaderData.subject ? <p>{t("campaigns.unsubFrom", { subject: loaderData.subject })}</p> : null}
      <p className="hint">{t("campaigns.unsubExplain")}</p>
      <Form method="post">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit" className="button" disabled={busy}>
          {t("campaigns.unsubButton")}
        </button>
      </Form>
    </article>
  );
}
