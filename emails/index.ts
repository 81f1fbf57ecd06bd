import { render, toPlainText } from "@react-email/render";
import { isEmailLocale, type EmailLocale } from "./i18n.ts";
import type { EmailTemplate } from "./template.ts";
import { verifyEmail } from "./verify-email.tsx";
import { magicLink } from "./magic-link.tsx";
import { passwordReset } from "./password-reset.tsx";
import { staffInvite } from "./staff-invite.tsx";
import { orderConfirmation } from "./order-confirmation.tsx";
import { orderShipped } from "./order-shipped.tsx";
import { orderDelivered } from "./order-delivered.tsx";
import { orderRefund } from "./order-refund.tsx";
import { orderReturnUpdate } from "./order-return-update.tsx";
import { ticketReceived } from "./ticket-received.tsx";
import { ticketReply } from "./ticket-reply.tsx";
import { ticketSolvedCsat } from "./ticket-solved-csat.tsx";
import { returnRequested } from "./return-requested.tsx";
import { npsSurvey } from "./nps-survey.tsx";
import { privacyErasureConfirm } from "./privacy-erasure-confirm.tsx";
import { loyaltyCode } from "./loyalty-code.tsx";
import { loyaltyCodeExpired } from "./loyalty-code-expired.tsx";
import { loyaltyExpiryReminder } from "./loyalty-expiry-reminder.tsx";
import { loyaltyTierChanged } from "./loyalty-tier-changed.tsx";
import { loyaltyReferralRewarded } from "./loyalty-referral-rewarded.tsx";

export type { EmailLocale } from "./i18n.ts";
export { emailLocales, isEmailLocale, toEmailLocale } from "./i18n.ts";
export type { EmailTemplate } from "./template.ts";

/**
 * Every transactional email, by name. Adding a template = one file in emails/
 * (exporting `defineEmail<Props>({ subject, element })`), one line here, and
 * its strings in emails/i18n.ts.
 */
const templates = {
  "loyalty-code": loyaltyCode,
  "loyalty-code-expired": loyaltyCodeExpired,
  "loyalty-expiry-reminder": loyaltyExpiryReminder,
  "loyalty-tier-changed": loyaltyTierChanged,
  "loyalty-referral-rewarded": loyaltyReferralRewarded,
  "verify-email": verifyEmail,
  "magic-link": magicLink,
  "password-reset": passwordReset,
  "staff-invite": staffInvite,
  "order-confirmation": orderConfirmation,
  "order-shipped": orderShipped,
  "order-delivered": orderDelivered,
  "order-refund": orderRefund,
  "order-return-update": orderReturnUpdate,
  "ticket-received": ticketReceived,
  "ticket-reply": ticketReply,
  "ticket-solved-csat": ticketSolvedCsat,
  "return-requested": returnRequested,
  "nps-survey": npsSurvey,
  "privacy-erasure-confirm": privacyErasureConfirm,
} as const;

export type TemplateName = keyof typeof templates;

/** Map from template name to the props it takes. */
export type TemplateProps = {
  [K in TemplateName]: (typeof templates)[K] extends EmailTemplate<infer P> ? P : never;
};

export const templateNames = Object.freeze(Object.keys(templates)) as readonly TemplateName[];

export function isTemplateName(x: string): x is TemplateName {
  return Object.hasOwn(templates, x);
}

/** html-to-text would shout headings ("CONFIRM YOUR EMAIL"); keep them as written. */
const plainTextOptions = {
  selectors: [{ selector: "h1", options: { uppercase: false } }],
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Renders a template to a localised subject, an HTML body and a plain-text body. */
export async function renderEmail<K extends TemplateName>(
  name: K,
  locale: EmailLocale,
  props: TemplateProps[K],
): Promise<RenderedEmail> {
  if (!isTemplateName(name)) throw new Error(`Unknown email template: ${String(name)}`);
  const lang: EmailLocale = isEmailLocale(locale) ? locale : "en";
  const template = templates[name] as EmailTemplate<TemplateProps[K]>;
  const element = template.element(props, lang);
  const html = await render(element);
  // Exactly what render(element, { plainText: true, htmlToTextOptions }) does,
  // without rendering the React tree a second time.
  const text = toPlainText(html, plainTextOptions);
  // A subject is a single header line: never let a prop smuggle in a line break.
  const subject = template.subject(props, lang).replace(/\s+/g, " ").trim();
  return { subject, html, text };
}
