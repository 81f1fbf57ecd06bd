import type { CSSProperties } from "react";
import { Link, Section } from "@react-email/components";
import { rateLink, ticketStringsFor } from "./ticket-i18n.ts";
import { EmailLayout, Note, Paragraph, theme } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface TicketSolvedCsatProps {
  /** The customer's name, if known. */
  name?: string | null;
  ticketNumber: number;
  subject: string;
  /** The ticket's page in the portal, e.g. https://portal.example.com/support/42. */
  url: string;
  /** The rating page without a score, e.g. https://portal.example.com/support/42/rate; links add ?score=1…5. */
  rateUrl: string;
}

const scoreLink: CSSProperties = {
  border: `1px solid ${theme.brand}`,
  borderRadius: "6px",
  color: theme.brand,
  display: "block",
  fontSize: "15px",
  fontWeight: 600,
  lineHeight: "20px",
  margin: "0 0 8px",
  padding: "10px 16px",
  textDecoration: "none",
};

/** "Your request has been solved": asks once for a 1–5 rating, each score a link to the rating page. */
export function TicketSolvedCsat(p: WithLocale<TicketSolvedCsatProps>) {
  const s = ticketStringsFor(p.locale);
  const t = s["ticket-solved-csat"];
  return (
    <EmailLayout locale={p.locale} preview={t.preview(p.ticketNumber)} heading={t.heading}>
      <Paragraph>{s.greeting(p.name?.trim() || null)}</Paragraph>
      <Paragraph>{t.body(p.ticketNumber, p.subject)}</Paragraph>
      <Paragraph>{t.ask}</Paragraph>
      <Section style={{ margin: "0 0 16px" }}>
        {[1, 2, 3, 4, 5].map((n) => (
          <Link key={n} href={rateLink(p.rateUrl, n)} style={scoreLink}>
            {t.score(n)}
          </Link>
        ))}
      </Section>
      <Note>{t.once}</Note>
      <Paragraph>
        <Link href={p.url} style={{ color: theme.brand }}>
          {s.viewRequest}
        </Link>
      </Paragraph>
    </EmailLayout>
  );
}

export const ticketSolvedCsat = defineEmail<TicketSolvedCsatProps>({
  subject: (p, locale) => ticketStringsFor(locale)["ticket-solved-csat"].subject(p.ticketNumber),
  element: (p, locale) => <TicketSolvedCsat {...p} locale={locale} />,
});
