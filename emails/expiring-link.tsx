import { stringsFor } from "./i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface ExpiringLinkProps {
  url: string;
  expiresInMinutes: number;
}

type Kind = "magic-link" | "password-reset";

/** A single-use link with an expiry, requested for this address (sign-in or password reset). */
export function ExpiringLink({ kind, locale, url, expiresInMinutes }: WithLocale<ExpiringLinkProps> & { kind: Kind }) {
  const t = stringsFor(locale)[kind];
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

export function expiringLinkEmail(kind: Kind) {
  return defineEmail<ExpiringLinkProps>({
    subject: (_props, locale) => stringsFor(locale)[kind].subject,
    element: (props, locale) => <ExpiringLink {...props} kind={kind} locale={locale} />,
  });
}
