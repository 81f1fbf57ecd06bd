// The staff customer page's privacy card: the "erased on" notice, and for admins the erasure form
// (type the customer's email to confirm, give a reason). Works without JavaScript.
import { Form, useNavigation } from "react-router";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { formatDate } from "#app/i18n/index.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

/** "Erased on …", or the customer's own confirmed request waiting to be processed. */
export function ErasedNotice({ erasedAt, requestedAt }: { erasedAt: Date | string | null; requestedAt?: Date | string | null }) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  if (!erasedAt && requestedAt) {
    return (
      <p className="notice warning" role="status">
        {t("staff.privacyRequested", { date: formatDate(locale, requestedAt, tz, true) })}
      </p>
    );
  }
  if (!erasedAt) return null;
  return (
    <p className="notice" role="status">
      {t("staff.privacyErased", { date: formatDate(locale, erasedAt, tz, true) })}
    </p>
  );
}

export function CustomerPrivacy({ email, erasedAt, result }: { email: string; erasedAt: Date | string | null; result?: FormResult & { intent?: string; erased?: boolean } }) {
  const t = useT();
  const root = useRoot();
  const busy = useNavigation().state === "submitting";
  const mine = result?.intent === "erase" ? result : undefined;
  if (mine?.ok && mine.erased) return <Notice>{t("staff.privacyErasedNow")}</Notice>;
  if (erasedAt || root.user?.staffRole !== "ADMIN") return null;
  const fe = mine?.fieldErrors ?? {};
  return (
    <section aria-labelledby="c360-privacy" className="card">
      <h2 id="c360-privacy">{t("staff.privacyTitle")}</h2>
      <p>{t("staff.privacyIntro")}</p>
      <FormError error={mine?.formError} />
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value="erase" />
        <Field name="confirmEmail" type="email" label={t("staff.privacyConfirmLabel")} hint={t("staff.privacyConfirmHint", { email })} autoComplete="off" required defaultValue={mine?.values?.confirmEmail ?? ""} error={fe.confirmEmail} />
        <Field name="reason" label={t("staff.privacyReasonLabel")} hint={t("staff.privacyReasonHint")} required maxLength={500} defaultValue={mine?.values?.reason ?? ""} error={fe.reason} />
        <div className="actions">
          <button type="submit" className="button danger" disabled={busy}>
            {t("staff.privacyErase")}
          </button>
        </div>
      </Form>
    </section>
  );
}
