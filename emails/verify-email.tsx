import { stringsFor } from "./i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface VerifyEmailProps {
  name?: string | null;
  url: string;
}

/** "Confirm your email address for Rapport", sent after sign-up or an email change. */
export function VerifyEmail({ locale, name, url }: WithLocale<VerifyEmailProps>) {
  const t = stringsFor(locale)["verify-email"];
  const displayName = name?.trim() || null;
  return (
    <EmailLayout locale={locale} preview={t.preview} heading={t.heading}>
      <Paragraph>{t.greeting(displayName)}</Paragraph>
      <Paragraph>{t.body}</Paragraph>
      <ActionButton locale={locale} href={url}>
        {t.button}
      </ActionButton>
      <Note>{t.ignore}</Note>
    </EmailLayout>
  );
}

export const verifyEmail = defineEmail<VerifyEmailProps>({
  subject: (_props, locale) => stringsFor(locale)["verify-email"].subject,
  element: (props, locale) => <VerifyEmail {...props} locale={locale} />,
});
