import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { loyaltyStrings } from "./loyalty-i18n.ts";
import { defineEmail, type WithLocale } from "./template.ts";

export interface LoyaltyTierChangedProps {
  name?: string | null;
  /** The customer's rewards page. */
  url: string;
  direction: "up" | "down";
  fromTier: string;
  toTier: string;
  benefits: string;
  multiplier: number;
}

/** A tier upgrade (at once) or downgrade (monthly evaluation). */
export function LoyaltyTierChanged({ locale, url, name, direction, fromTier, toTier, benefits, multiplier }: WithLocale<LoyaltyTierChangedProps>) {
  const t = loyaltyStrings(locale).tier;
  const heading = direction === "up" ? t.headingUp(toTier) : t.headingDown(toTier);
  const body = direction === "up" ? t.bodyUp(fromTier, toTier) : t.bodyDown(fromTier, toTier);
  return (
    <EmailLayout locale={locale} preview={body} heading={heading}>
      <Paragraph>{loyaltyStrings(locale).greeting(name?.trim() || null)}</Paragraph>
      <Paragraph>{body}</Paragraph>
      {benefits ? <Paragraph>{t.benefits(benefits, multiplier)}</Paragraph> : null}
      <ActionButton locale={locale} href={url}>
        {loyaltyStrings(locale).button}
      </ActionButton>
      <Note>{loyaltyStrings(locale).where}</Note>
    </EmailLayout>
  );
}

export const loyaltyTierChanged = defineEmail<LoyaltyTierChangedProps>({
  subject: (p, locale) => (p.direction === "up" ? loyaltyStrings(locale).tier.subjectUp(p.toTier) : loyaltyStrings(locale).tier.subjectDown(p.toTier)),
  element: (p, locale) => <LoyaltyTierChanged {...p} locale={locale} />,
});
