import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { loyaltyStrings } from "./loyalty-i18n.ts";
import { defineEmail, type WithLocale } from "./template.ts";

export interface LoyaltyExpiryReminderProps {
  name?: string | null;
  /** The customer's rewards page. */
  url: string;
  points: number;
  /** ISO date-time of the earliest expiry. */
  expiresAt: string;
}

/** Sent once per batch of points, `reminderDays` before they expire. */
export function LoyaltyExpiryReminder({ locale, url, name, points, expiresAt }: WithLocale<LoyaltyExpiryReminderProps>) {
  const t = loyaltyStrings(locale);
  return (
    <EmailLayout locale={locale} preview={t.expiry.body(points, expiresAt)} heading={t.expiry.heading}>
      <Paragraph>{t.greeting(name?.trim() || null)}</Paragraph>
      <Paragraph>{t.expiry.body(points, expiresAt)}</Paragraph>
      <ActionButton locale={locale} href={url}>
        {t.button}
      </ActionButton>
      <Note>{t.where}</Note>
    </EmailLayout>
  );
}

export const loyaltyExpiryReminder = defineEmail<LoyaltyExpiryReminderProps>({
  subject: (p, locale) => loyaltyStrings(locale).expiry.subject(p.points),
  element: (p, locale) => <LoyaltyExpiryReminder {...p} locale={locale} />,
});
