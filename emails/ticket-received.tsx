import { ticketStringsFor } from "./ticket-i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface TicketReceivedProps {
  /** The customer's name, if known. */
  name?: string | null;
  ticketNumber: number;
  subject: string;
  /** The ticket's page in the portal, e.g. https://portal.example.com/support/42. */
  url: string;
}

/** To the customer when a ticket is opened (portal or email): "we got your request #N". */
export function TicketReceived(p: WithLocale<TicketReceivedProps>) {
  const s = ticketStringsFor(p.locale);
  const t = s["ticket-received"];
  return (
    <EmailLayout locale={p.locale} preview={t.preview(p.ticketNumber)} heading={t.heading}>
      <Paragraph>{s.greeting(p.name?.trim() || null)}</Paragraph>
      <Paragraph>{t.body(p.ticketNumber, p.subject)}</Paragraph>
      <ActionButton locale={p.locale} href={p.url}>
        {s.viewRequest}
      </ActionButton>
      <Note>{t.replyHint}</Note>
    </EmailLayout>
  );
}

export const ticketReceived = defineEmail<TicketReceivedProps>({
  subject: (p, locale) => ticketStringsFor(locale)["ticket-received"].subject(p.ticketNumber, p.subject),
  element: (p, locale) => <TicketReceived {...p} locale={locale} />,
});
