// Strings of the support ticket emails (ticket-*.tsx), per locale. `en` defines the shape; `zh-CN`
// is typed by it, so a missing key is a compile error. Kept beside the templates so the support
// area owns them.
import type { EmailLocale } from "./i18n.ts";

/** The line above which a customer types an emailed reply; the inbound listener cuts there too. */
export const REPLY_ABOVE_MARKER = "##- Please type your reply above this line -##";

const en = {
  greeting: (name: string | null): string => (name ? `Hi ${name},` : "Hi there,"),
  viewRequest: "View your request",
  replyMarker: REPLY_ABOVE_MARKER,
  "ticket-received": {
    subject: (n: number, subject: string): string => `[#${n}] We received your request: ${subject}`,
    preview: (n: number): string => `Your request #${n} is with our support team.`,
    heading: "We received your request",
    body: (n: number, subject: string): string => `Thanks for getting in touch. Your request #${n} “${subject}” is with our support team, and we'll answer as soon as we can.`,
    replyHint: "You can add details by replying to this email or on your request's page.",
  },
  "ticket-reply": {
    subject: (n: number, subject: string): string => `[#${n}] Re: ${subject}`,
    preview: (agent: string): string => `${agent} replied to your request.`,
    heading: (n: number): string => `New reply to your request #${n}`,
    intro: (agent: string, subject: string): string => `${agent} replied to your request “${subject}”:`,
    replyHint: "Reply to this email to answer — your reply is added to your request. Please keep the subject line.",
  },
  "ticket-solved-csat": {
    subject: (n: number): string => `[#${n}] Your request has been solved — how did we do?`,
    preview: (n: number): string => `Request #${n} is solved. Rate our help in one click.`,
    heading: "Your request has been solved",
    body: (n: number, subject: string): string => `We've marked your request #${n} “${subject}” as solved. If something is still not right, just reply to this email and we'll reopen it.`,
    ask: "How would you rate the help you received? Click a score (1 = poor, 5 = excellent):",
    score: (n: number): string => `${n} – ${["", "Poor", "Fair", "Good", "Very good", "Excellent"][n] ?? ""}`,
    once: "We ask only once. You can add a comment on the next page.",
  },
};

export type TicketEmailStrings = typeof en;

const zhCN: TicketEmailStrings = {
  greeting: (name) => (name ? `${name}，您好：` : "您好："),
  viewRequest: "查看您的工单",
  replyMarker: "##- 请在此行上方输入您的回复 -##",
  "ticket-received": {
    subject: (n, subject) => `[#${n}] 我们已收到您的请求：${subject}`,
    preview: (n) => `您的工单 #${n} 已转交客服团队。`,
    heading: "我们已收到您的请求",
    body: (n, subject) => `感谢您联系我们。您的工单 #${n}「${subject}」已转交客服团队，我们会尽快答复。`,
    replyHint: "如需补充信息，可直接回复此邮件，或在工单页面中留言。",
  },
  "ticket-reply": {
    subject: (n, subject) => `[#${n}] 回复：${subject}`,
    preview: (agent) => `${agent} 回复了您的工单。`,
    heading: (n) => `您的工单 #${n} 有新回复`,
    intro: (agent, subject) => `${agent} 回复了您的工单「${subject}」：`,
    replyHint: "直接回复此邮件即可作答，您的回复会添加到工单中。请保留邮件主题。",
  },
  "ticket-solved-csat": {
    subject: (n) => `[#${n}] 您的工单已解决，请为我们的服务评分`,
    preview: (n) => `工单 #${n} 已解决，一键为我们的服务评分。`,
    heading: "您的工单已解决",
    body: (n, subject) => `您的工单 #${n}「${subject}」已标记为已解决。如果问题仍未解决，直接回复此邮件，我们会重新处理。`,
    ask: "您对本次服务满意吗？请点击分数（1 = 很差，5 = 非常满意）：",
    score: (n) => `${n} 分 – ${["", "很差", "较差", "一般", "满意", "非常满意"][n] ?? ""}`,
    once: "我们只会询问一次。您可以在下一页添加评论。",
  },
};

export const ticketEmailStrings: Readonly<Record<EmailLocale, TicketEmailStrings>> = { en, "zh-CN": zhCN };

export function ticketStringsFor(locale: EmailLocale): TicketEmailStrings {
  return ticketEmailStrings[locale] ?? en;
}

/** The rating link for one score: `<rateUrl>?score=N` (or `&score=N` when rateUrl has a query). */
export function rateLink(rateUrl: string, score: number): string {
  return `${rateUrl}${rateUrl.includes("?") ? "&" : "?"}score=${score}`;
}
