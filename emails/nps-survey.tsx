// "How likely are you to recommend us?" — the NPS survey email (0–10, each score a link to the
// tokenised survey page /survey/nps/:token?score=n, where a comment can be added).
import type { CSSProperties } from "react";
import { Link, Section } from "@react-email/components";
import type { EmailLocale } from "./i18n.ts";
import { EmailLayout, Note, Paragraph, theme } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface NpsSurveyProps {
  name?: string | null;
  /** The survey page without a score, e.g. https://portal.example.com/survey/nps/<token>. */
  url: string;
}

const strings = {
  en: {
    subject: "How likely are you to recommend us?",
    preview: "One click: rate us from 0 to 10.",
    heading: "A quick question",
    greeting: (name: string | null) => (name ? `Hi ${name},` : "Hi,"),
    ask: "How likely is it that you would recommend Rapport to a friend or colleague? Click a score (0 = not at all likely, 10 = extremely likely):",
    note: "You can add a comment on the next page. We ask at most once per survey.",
    open: "Open the survey",
  },
  "zh-CN": {
    subject: "您有多大可能向他人推荐我们？",
    preview: "一键评分：0 到 10 分。",
    heading: "一个简单的问题",
    greeting: (name: string | null) => (name ? `${name}，您好：` : "您好："),
    ask: "您有多大可能向朋友或同事推荐 Rapport？请点击分数（0 = 完全不可能，10 = 极有可能）：",
    note: "您可以在下一页添加评论。每次调查只会询问一次。",
    open: "打开调查问卷",
  },
} satisfies Record<EmailLocale, unknown>;

const scoreLink: CSSProperties = {
  border: `1px solid ${theme.brand}`,
  borderRadius: "6px",
  color: theme.brand,
  display: "inline-block",
  fontSize: "15px",
  fontWeight: 600,
  lineHeight: "20px",
  margin: "0 6px 8px 0",
  minWidth: "20px",
  padding: "8px 10px",
  textAlign: "center",
  textDecoration: "none",
};

export function scoreUrl(url: string, score: number) {
  return `${url}${url.includes("?") ? "&" : "?"}score=${score}`;
}

export function NpsSurvey(p: WithLocale<NpsSurveyProps>) {
  const t = strings[p.locale];
  return (
    <EmailLayout locale={p.locale} preview={t.preview} heading={t.heading}>
      <Paragraph>{t.greeting(p.name?.trim() || null)}</Paragraph>
      <Paragraph>{t.ask}</Paragraph>
      <Section style={{ margin: "0 0 16px" }}>
        {Array.from({ length: 11 }, (_, n) => (
          <Link key={n} href={scoreUrl(p.url, n)} style={scoreLink}>
            {String(n)}
          </Link>
        ))}
      </Section>
      <Paragraph>
        <Link href={p.url} style={{ color: theme.brand }}>
          {t.open}
        </Link>
      </Paragraph>
      <Note>{t.note}</Note>
    </EmailLayout>
  );
}

export const npsSurvey = defineEmail<NpsSurveyProps>({
  subject: (_props, locale) => strings[locale].subject,
  element: (props, locale) => <NpsSurvey {...props} locale={locale} />,
});
