import { stringsFor } from "./i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface AccountExistsProps {
  /** Where the owner can sign in or reset the password. */
  url: string;
}

/**
 * Sent instead of a verification email when someone signs up with an address
 * that already has an account, so the sign-up form never reveals whether an
 * email is registered.
 */
export function AccountExists({ locale, url }: WithLocale<AccountExistsProps>) {
  const t = stringsFor(locale)["account-exists"];
  return (
    <EmailLayout locale={locale} preview={t.preview} heading={t.heading}>
      <Paragraph>{t.body}</Paragraph>
      <Paragraph>{t.ifYou}</Paragraph>
      <ActionButton locale={locale} href={url}>
        {t.button}
      </ActionButton>
      <Note>{t.ignore}</Note>
    </EmailLayout>
  );
}

export const accountExists = defineEmail<AccountExistsProps>({
  subject: (_props, locale) => stringsFor(locale)["account-exists"].subject,
  element: (props, locale) => <AccountExists {...props} locale={locale} />,
});
