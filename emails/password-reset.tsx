import { stringsFor } from "./i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface PasswordResetProps {
  url: string;
  expiresInMinutes: number;
}

/** Link to choose a new password. */
export function PasswordReset({ locale, url, expiresInMinutes }: WithLocale<PasswordResetProps>) {
  const t = stringsFor(locale)["password-reset"];
  return (
    <EmailLayout locale={locale} preview={t.preview(expiresInMinutes)} heading={t.heading}>
      <Paragraph>{t.body}</Paragraph>
      <ActionButton locale={locale} href={url}>
        {t.button}
      </ActionButton>
      <Note>{t.expiry(expiresInMinutes)}</Note>
      <Note>{t.ignore}</Note>
    </EmailLayout>
  );
}

export const passwordReset = defineEmail<PasswordResetProps>({
  subject: (_props, locale) => stringsFor(locale)["password-reset"].subject,
  element: (props, locale) => <PasswordReset {...props} locale={locale} />,
});
