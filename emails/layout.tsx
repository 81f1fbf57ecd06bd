import type { CSSProperties, ReactNode } from "react";
import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from "@react-email/components";
import { stringsFor, type EmailLocale } from "./i18n.ts";

/** Brand colours and type, shared by every email. */
export const theme = {
  brand: "#4338ca",
  text: "#1f2937",
  muted: "#6b7280",
  border: "#e5e7eb",
  background: "#f3f4f6",
  fontFamily:
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, ' +
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans SC", sans-serif',
} as const;

const styles = {
  body: {
    backgroundColor: theme.background,
    fontFamily: theme.fontFamily,
    margin: 0,
    padding: "24px 0",
  },
  container: {
    backgroundColor: "#ffffff",
    border: `1px solid ${theme.border}`,
    borderRadius: "8px",
    margin: "0 auto",
    maxWidth: "560px",
    padding: "32px 40px",
  },
  brand: {
    color: theme.brand,
    fontSize: "20px",
    fontWeight: 700,
    letterSpacing: "0.02em",
    lineHeight: "28px",
    margin: "0 0 24px",
  },
  heading: {
    color: theme.text,
    fontSize: "22px",
    fontWeight: 600,
    lineHeight: "30px",
    margin: "0 0 16px",
  },
  paragraph: {
    color: theme.text,
    fontSize: "15px",
    lineHeight: "24px",
    margin: "0 0 16px",
  },
  muted: {
    color: theme.muted,
    fontSize: "13px",
    lineHeight: "20px",
    margin: "0 0 12px",
  },
  buttonSection: {
    margin: "8px 0 24px",
  },
  button: {
    backgroundColor: theme.brand,
    borderRadius: "6px",
    color: "#ffffff",
    display: "inline-block",
    fontSize: "15px",
    fontWeight: 600,
    lineHeight: "20px",
    padding: "12px 24px",
    textDecoration: "none",
  },
  fallbackLink: {
    color: theme.brand,
    wordBreak: "break-all",
  },
  hr: {
    borderColor: theme.border,
    margin: "24px 0 16px",
  },
  footer: {
    color: theme.muted,
    fontSize: "12px",
    lineHeight: "18px",
    margin: 0,
  },
} satisfies Record<string, CSSProperties>;

export interface EmailLayoutProps {
  locale: EmailLocale;
  /** Inbox preview line (hidden in the body, skipped in the plain-text version). */
  preview: string;
  heading: string;
  /** Footer line; defaults to "You're receiving this email because of your Rapport account." */
  footer?: string;
  children: ReactNode;
}

/** The frame every Rapport email shares: brand, heading, content, sign-off, footer. */
export function EmailLayout({ locale, preview, heading, footer, children }: EmailLayoutProps) {
  const t = stringsFor(locale).layout;
  return (
    <Html lang={locale} dir="ltr">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>{t.brand}</Text>
          <Heading as="h1" style={styles.heading}>
            {heading}
          </Heading>
          {children}
          <Text style={styles.paragraph}>{t.signOff}</Text>
          <Hr style={styles.hr} />
          <Text style={styles.footer}>{footer ?? t.footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}

/** A body paragraph. */
export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.paragraph}>{children}</Text>;
}

/** Small grey print (expiry notes, "ignore this email if…"). */
export function Note({ children }: { children: ReactNode }) {
  return <Text style={styles.muted}>{children}</Text>;
}

/**
 * The call to action: a button, followed by the raw link for mail clients
 * that block buttons. In the plain-text version the button renders as
 * "label url", so the fallback paragraph is skipped there.
 */
export function ActionButton({
  locale,
  href,
  children,
}: {
  locale: EmailLocale;
  href: string;
  children: ReactNode;
}) {
  const t = stringsFor(locale).layout;
  return (
    <>
      <Section style={styles.buttonSection}>
        <Button href={href} style={styles.button}>
          {children}
        </Button>
      </Section>
      <Text style={styles.muted} data-skip-in-text="true">
        {t.linkFallback}
        <br />
        <Link href={href} style={styles.fallbackLink}>
          {href}
        </Link>
      </Text>
    </>
  );
}
