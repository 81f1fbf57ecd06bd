import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { loyaltyStrings } from "./loyalty-i18n.ts";
import { defineEmail, type WithLocale } from "./template.ts";

export interface LoyaltyCodeProps {
  name?: string | null;
  /** The customer's rewards page. */
  url: string;
  rewardName: string;
  code: string;
  points: number;
  /** ISO date-time the code expires. */
  expiresAt: string;
}

/** A redeemed reward's single-use code. */
export function LoyaltyCode({ locale, url, name, rewardName, code, points, expiresAt }: WithLocale<LoyaltyCodeProps>) {
  const t = loyaltyStrings(locale);
  return (
    <EmailLayout locale={locale} preview={t.code.body(rewardName, points)} heading={t.code.heading}>
      <Paragraph>{t.greeting(name?.trim() || null)}</Paragraph>
      <Paragraph>{t.code.body(rewardName, points)}</Paragraph>
      <Paragraph>
        <strong style={{ fontSize: "20px", letterSpacing: "2px" }}>{code}</strong>
      </Paragraph>
      <Note>{t.code.expiry(expiresAt)}</Note>
      <ActionButton locale={locale} href={url}>
        {t.button}
      </ActionButton>
      <Note>{t.where}</Note>
    </EmailLayout>
  );
}

export const loyaltyCode = defineEmail<LoyaltyCodeProps>({
  subject: (p, locale) => loyaltyStrings(locale).code.subject(p.rewardName),
  element: (p, locale) => <LoyaltyCode {...p} locale={locale} />,
});
