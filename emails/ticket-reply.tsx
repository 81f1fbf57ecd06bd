import type { CSSProperties } from "react";
import { Section, Text } from "@react-email/components";
import { ticketStringsFor } from "./ticket-i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph, theme } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface TicketReplyProps {
  /** The customer's name, if known. */
  name?: string | null;
  ticketNumber: number;
  subject: string;
  /** Display name of the agent who replied. */
  agentName: string;
  /** The reply as plain text (never HTML); line breaks are kept, markup is escaped. */
  body: string;
  /** The ticket's page in the portal, e.g. https://portal.example.com/support/42. */
  url: string;
}

const quote: CSSProperties = {
  borderLeft: `3px solid ${theme.border}`,
  margin: "0 0 16px",
  padding: "4px 0 4px 16px",
};
const quoteText: CSSProperties = { color: theme.text, fontSize: "15px", lineHeight: "24px", margin: 0, whiteSpace: "pre-wrap" };
const marker: CSSProperties = { color: theme.muted, fontSize: "12px", lineHeight: "18px", margin: "0 0 16px" };

/**
 * An agent's reply, sent with Reply-To support+<token>@… so that answering the email adds to the
 * ticket. Starts with a "reply above this line" marker where the inbound listener cuts the quote.
 */
export function TicketReply(p: WithLocale<TicketReplyProps>) {
  const s = ticketStringsFor(p.locale);
  const t = s["ticket-reply"];
  const lines = p.body.replace(/\r\n?/g, "\n").split("\n");
  return (
    <EmailLayout locale={p.locale} preview={t.preview(p.agentName)} heading={t.heading(p.ticketNumber)}>
      <Text style={marker}>{s.replyMarker}</Text>
      <Paragraph>{s.greeting(p.name?.trim() || null)}</Paragraph>
      <Paragraph>{t.intro(p.agentName, p.subject)}</Paragraph>
      <Section style={quote}>
        <Text style={quoteText}>
          {lines.map((line, i) => (
            <span key={i}>
              {i > 0 ? <br /> : null}
              {line}
            </span>
          ))}
        </Text>
      </Section>
      <Paragraph>{t.replyHint}</Paragraph>
      <ActionButton locale={p.locale} href={p.url}>
        {s.viewRequest}
      </ActionButton>
      <Note>#{p.ticketNumber}</Note>
    </EmailLayout>
  );
}

export const ticketReply = defineEmail<TicketReplyProps>({
  subject: (p, locale) => ticketStringsFor(locale)["ticket-reply"].subject(p.ticketNumber, p.subject),
  element: (p, locale) => <TicketReply {...p} locale={locale} />,
});
