import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { loyaltyStrings } from "./loyalty-i18n.ts";
import { defineEmail, type WithLocale } from "./template.ts";

export interface LoyaltyCodeExpiredProps {
  name?: string | null;
  /** The customer's rewards page. */
  url: string;
  rewardName: string;
  code: string;
  points: number;
}

/** An unused code expired and its points were returned. */
export function LoyaltyCodeExpired({ locale, url, name, rewardName, code, points }: WithLocale<LoyaltyCodeExpiredProps>) {
  const t = loyaltyStrings(locale);
  return (
    <EmailLayout locale={locale} preview={t.codeExpired.body(rewardName, code, points)} heading={t.codeExpired.heading}>
      <Paragraph>{t.greeting(name?.trim() || null)}</Paragraph>
      <Paragraph>{t.codeExpired.body(rewardName, code, points)}</Paragraph>
      <ActionButton locale={locale} href={url}>
        {t.button}
      </ActionButton>
      <Note>{t.where}</Note>
    </EmailLayout>
  );
}

export const loyaltyCodeExpired = defineEmail<LoyaltyCodeExpiredProps>({
  subject: (_p, locale) => loyaltyStrings(locale).codeExpired.subject,
  element: (p, locale) => <LoyaltyCodeExpired {...p} locale={locale} />,
});
