// A marketer's campaign email: their Markdown body (already rendered and sanitised) in the shared
// layout, with an unsubscribe link and an open-tracking pixel. Rendered ONCE per campaign and
// language with {{…}} placeholders left in (server/domain/campaigns/render.ts fills them per
// recipient), which is what makes a 100,000-recipient send cheap.
import { Img, Link } from "@react-email/components";
import type { EmailLocale } from "./i18n.ts";
import { EmailLayout, Note, theme } from "./layout.tsx";

const strings = {
  en: {
    footer: "You're receiving this email because you agreed to hear from Rapport.",
    unsubscribe: "Unsubscribe",
    unsubscribeNote: "Don't want these emails?",
  },
  "zh-CN": {
    footer: "您收到这封邮件，是因为您同意接收 Rapport 的营销信息。",
    unsubscribe: "退订",
    unsubscribeNote: "不想再收到此类邮件？",
  },
} satisfies Record<EmailLocale, unknown>;

export interface CampaignEmailProps {
  locale: EmailLocale;
  subject: string;
  bodyHtml: string;
  unsubscribeUrl: string;
  pixelUrl: string;
}

export function CampaignEmail(p: CampaignEmailProps) {
  const t = strings[p.locale];
  return (
    <EmailLayout locale={p.locale} preview={p.subject} heading={p.subject} footer={t.footer}>
      <div style={{ color: theme.text, fontSize: "15px", lineHeight: "24px" }} dangerouslySetInnerHTML={{ __html: p.bodyHtml }} />
      <Note>
        {t.unsubscribeNote}{" "}
        <Link href={p.unsubscribeUrl} style={{ color: theme.brand }}>
          {t.unsubscribe}
        </Link>
      </Note>
      <Img src={p.pixelUrl} width="1" height="1" alt="" style={{ display: "block", border: 0 }} />
    </EmailLayout>
  );
}
