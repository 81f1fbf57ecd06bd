import { stringsFor } from "./i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface MagicLinkProps {
  url: string;
  expiresInMinutes: number;
}

/** One-click sign-in link requested for this address. */
export function MagicLink({ locale, url, expiresInMinutes }: WithLocale<MagicLinkProps>) {
  const t = stringsFor(locale)["magic-link"];
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

export const magicLink = defineEmail<MagicLinkProps>({
  subject: (_props, locale) => stringsFor(locale)["magic-link"].subject,
  element: (props, locale) => <MagicLink {...props} locale={locale} />,
});
