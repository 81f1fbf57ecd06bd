import { data, Form, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/index";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { attempt, formValues, isFormFailure, tagged } from "#app/lib/forms.server.ts";
import { requireUser } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { fieldMessage, formatDate, isLocale, translator } from "#app/i18n/index.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Rapport" }];
}

export async function loader({ context, request }: Route.LoaderArgs) {
  requireUser(context, request);
  const [profile, sessions] = await Promise.all([context.trpc.account.profile(), context.trpc.account.sessions()]);
  const isCustomer = Boolean(profile.customerId) && !context.ctx.session?.user.staffRole;
  const erasure = isCustomer ? await context.trpc.privacy.myErasureRequest() : null;
  return { profile, sessions, erasure, title: `${translator(context.ctx.locale)("account.title")} · Rapport` };
}

export async function action({ request, context }: Route.ActionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  if (intent === "profile") {
    const values = formValues(form, "name", "locale", "timeZone", "birthday");
    const r = await attempt(() => context.trpc.account.updateProfile({ name: values.name, locale: (isLocale(values.locale) ? values.locale : "x") as "en", timeZone: values.timeZone, birthday: values.birthday || null }), values);
    return isFormFailure(r) ? tagged(r, { intent }) : { ok: true, intent };
  }
  if (intent === "consent") {
    const r = await attempt(() => context.trpc.account.updateConsent({ email: form.get("email") === "on", sms: form.get("sms") === "on", push: form.get("push") === "on" }));
    return isFormFailure(r) ? tagged(r, { intent }) : { ok: true, intent };
  }
  if (intent === "revoke") {
    const r = await attempt(() => context.trpc.account.revokeSession({ id: String(form.get("sessionId") ?? "") }));
    return isFormFailure(r) ? tagged(r, { intent }) : { ok: true, intent };
  }
  if (intent === "erasure") {
    // The checkbox is the customer's explicit "yes, I understand"; unticked, nothing is sent.
    if (form.get("acknowledge") !== "on") return data({ ok: false, intent, fieldErrors: { acknowledge: "account.erasureErrAcknowledge" }, formError: null }, { status: 400 });
    const r = await attempt(() => context.trpc.privacy.requestErasure({ acknowledge: true }));
    return isFormFailure(r) ? tagged(r, { intent }) : { ok: true, intent };
  }
  return { ok: false, intent, formError: "errors.invalid" };
}

const ZONES = ["UTC", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Australia/Sydney"];

export default function Account({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { profile, sessions, erasure } = loaderData;
  const result = useActionData<typeof action>() as (FormResult & { intent?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  const errorsFor = (intent: string) => (result?.intent === intent ? (result.fieldErrors ?? {}) : {});
  const pe = errorsFor("profile");
  const v = result?.intent === "profile" && !result.ok ? result.values : undefined;
  const zones = ZONES.includes(profile.timeZone) ? ZONES : [profile.timeZone, ...ZONES];
  return (
    <section className="stack-lg">
      <h1>{t("account.title")}</h1>

      <section aria-labelledby="profile-h" className="panel">
        <h2 id="profile-h">{t("account.profile")}</h2>
        {result?.intent === "profile" && result.ok ? <Notice>{t("common.saved")}</Notice> : null}
        {result?.intent === "profile" ? <FormError error={result.formError} /> : null}
        <p>
          {t("account.emailLabel")}: <strong>{profile.email}</strong> — {profile.emailVerified ? t("account.verified") : t("account.unverified")}
        </p>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="profile" />
          <Field name="name" label={t("account.nameLabel")} autoComplete="name" defaultValue={v?.name ?? profile.name} error={pe.name} />
          <div className="field">
            <label htmlFor="locale">{t("account.localeLabel")}</label>
            <select id="locale" name="locale" defaultValue={v?.locale ?? profile.locale}>
              <option value="en">English</option>
              <option value="zh-CN">简体中文</option>
            </select>
            {pe.locale ? <p className="field-error">{fieldMessage(t, pe.locale)}</p> : null}
          </div>
          <div className={`field${pe.timeZone ? " has-error" : ""}`}>
            <label htmlFor="timeZone">{t("account.timeZoneLabel")}</label>
            <p className="hint" id="tz-hint">
              {t("account.timeZoneHint")}
            </p>
            <input id="timeZone" name="timeZone" list="zones" defaultValue={v?.timeZone ?? profile.timeZone} aria-describedby="tz-hint" aria-invalid={pe.timeZone ? true : undefined} />
            <datalist id="zones">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            {pe.timeZone ? (
              <p className="field-error" role="alert">
                {fieldMessage(t, pe.timeZone)}
              </p>
            ) : null}
          </div>
          {profile.customerId ? <Field name="birthday" type="date" label={t("account.birthdayLabel")} hint={t("account.birthdayHint")} defaultValue={v?.birthday ?? profile.birthday ?? ""} error={pe.birthday} /> : null}
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t("common.save")}
            </button>
          </div>
        </Form>
      </section>

      {profile.consent ? (
        <section aria-labelledby="consent-h" className="panel">
          <h2 id="consent-h">{t("account.consent")}</h2>
          <p>{t("account.consentIntro")}</p>
          {result?.intent === "consent" && result.ok ? <Notice>{t("common.saved")}</Notice> : null}
          {result?.intent === "consent" ? <FormError error={result.formError} /> : null}
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="consent" />
            <fieldset>
              <legend>{t("account.consent")}</legend>
              <label className="check">
                <input type="checkbox" name="email" defaultChecked={profile.consent.email} /> {t("account.consentEmail")}
              </label>
              <label className="check">
                <input type="checkbox" name="sms" defaultChecked={profile.consent.sms} /> {t("account.consentSms")}
              </label>
              <label className="check">
                <input type="checkbox" name="push" defaultChecked={profile.consent.push} /> {t("account.consentPush")}
              </label>
            </fieldset>
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                {t("account.saveConsent")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="sessions-h" className="panel">
        <h2 id="sessions-h">{t("account.sessions")}</h2>
        <p>{t("account.sessionsIntro")}</p>
        {result?.intent === "revoke" ? <FormError error={result.formError} /> : null}
        <ul className="plain-list">
          {sessions.map((s) => (
            <li key={s.id} className="row">
              <span>
                <strong>{s.current ? t("account.thisDevice") : (s.userAgent ?? "—").slice(0, 80)}</strong>
                <br />
                <small>{t("account.lastActive", { date: formatDate(locale, s.lastSeenAt, profile.timeZone, true) })}</small>
              </span>
              {s.current ? null : (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="sessionId" value={s.id} />
                  <button type="submit" className="button small secondary">
                    {t("account.revoke")}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      </section>

      {profile.customerId ? (
        <section aria-labelledby="data-h" className="panel">
          <h2 id="data-h">{t("account.yourData")}</h2>
          <p>{t("account.yourDataIntro")}</p>
          <p className="hint">{t("account.yourDataFormat")}</p>
          <p>
            {/* A plain <a> (not <Link>) to a resource route: a real download, with or without JavaScript. */}
            <a href="/account/export" className="button" download>
              {t("account.downloadData")}
            </a>
          </p>
        </section>
      ) : null}

      {erasure ? <ErasureRequest erasure={erasure} timeZone={profile.timeZone} result={result?.intent === "erasure" ? result : undefined} busy={busy} /> : null}
    </section>
  );
}

/** Asking for one's personal data to be erased: explanation, an "I understand" box, one button.
 *  The request only counts once confirmed from the email; then it shows here as pending. */
function ErasureRequest({ erasure, timeZone, result, busy }: { erasure: { pendingSince: Date | string | null; linkSentAt: Date | string | null; linkExpiresAt: Date | string | null }; timeZone: string; result?: FormResult; busy: boolean }) {
  const t = useT();
  const locale = useLocale();
  const ack = result?.fieldErrors?.acknowledge;
  return (
    <section aria-labelledby="erasure-h" className="panel">
      <h2 id="erasure-h">{t("account.erasureTitle")}</h2>
      {erasure.pendingSince ? (
        <p className="notice" role="status">
          {t("account.erasurePending", { date: formatDate(locale, erasure.pendingSince, timeZone, true) })}
        </p>
      ) : (
        <>
          <p>{t("account.erasureIntro")}</p>
          <p>{t("account.erasureKept")}</p>
          <p className="hint">{t("account.erasureHow")}</p>
          {result?.ok ? <Notice>{t("account.erasureLinkSent")}</Notice> : null}
          {!result?.ok && erasure.linkSentAt && erasure.linkExpiresAt ? <p className="hint">{t("account.erasureAwaiting", { date: formatDate(locale, erasure.linkExpiresAt, timeZone, true) })}</p> : null}
          <FormError error={result?.formError} />
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="erasure" />
            <div className={`field${ack ? " has-error" : ""}`}>
              <label className="check">
                <input type="checkbox" name="acknowledge" aria-invalid={ack ? true : undefined} /> {t("account.erasureAcknowledge")}
              </label>
              {ack ? (
                <p className="field-error" role="alert">
                  {fieldMessage(t, ack)}
                </p>
              ) : null}
            </div>
            <div className="actions">
              <button type="submit" className="button danger" disabled={busy}>
                {t("account.erasureButton")}
              </button>
            </div>
          </Form>
        </>
      )}
    </section>
  );
}
