import { stringsFor } from "./i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface PrivacyErasureConfirmProps {
  url: string;
  expiresInHours: number;
}

/** "Confirm that you want your personal data erased", sent after a request on /account. */
export function PrivacyErasureConfirm({ locale, url, expiresInHours }: WithLocale<PrivacyErasureConfirmProps>) {
  const t = stringsFor(locale)["privacy-erasure-confirm"];
  return (
    <EmailLayout locale={locale} preview={t.preview} heading={t.heading}>
      <Paragraph>{t.body}</Paragraph>
      <Paragraph>{t.kept}</Paragraph>
      <ActionButton locale={locale} href={url}>
        {t.button}
      </ActionButton>
      <Note>{t.expiry(expiresInHours)}</Note>
      <Note>{t.ignore}</Note>
    </EmailLayout>
  );
}

export const privacyErasureConfirm = defineEmail<PrivacyErasureConfirmProps>({
  subject: (_props, locale) => stringsFor(locale)["privacy-erasure-confirm"].subject,
  element: (props, locale) => <PrivacyErasureConfirm {...props} locale={locale} />,
});
