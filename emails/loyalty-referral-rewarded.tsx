import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { loyaltyStrings } from "./loyalty-i18n.ts";
import { defineEmail, type WithLocale } from "./template.ts";

export interface LoyaltyReferralRewardedProps {
  name?: string | null;
  /** The customer's rewards page. */
  url: string;
  points: number;
}

/** To the referrer, once the referred friend's first order passed the return window. */
export function LoyaltyReferralRewarded({ locale, url, name, points }: WithLocale<LoyaltyReferralRewardedProps>) {
  const t = loyaltyStrings(locale);
  return (
    <EmailLayout locale={locale} preview={t.referral.body(points)} heading={t.referral.heading}>
      <Paragraph>{t.greeting(name?.trim() || null)}</Paragraph>
      <Paragraph>{t.referral.body(points)}</Paragraph>
      <ActionButton locale={locale} href={url}>
        {t.button}
      </ActionButton>
      <Note>{t.where}</Note>
    </EmailLayout>
  );
}

export const loyaltyReferralRewarded = defineEmail<LoyaltyReferralRewardedProps>({
  subject: (p, locale) => loyaltyStrings(locale).referral.subject(p.points),
  element: (p, locale) => <LoyaltyReferralRewarded {...p} locale={locale} />,
});
