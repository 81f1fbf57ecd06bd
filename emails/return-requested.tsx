// "A customer asked to return items": sent to staff (agents and admins, or the address in the
// Setting orders.returnsNotifyEmail) when a return request is made. Strings live here, beside the
// template, so the orders area owns them; `zh-CN` is typed by `en`.
import type { EmailLocale } from "./i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface ReturnRequestedProps {
  orderNumber: string;
  customerName?: string | null;
  customerEmail: string;
  /** A code of RETURN_REASONS (server/domain/orders/returns.ts). */
  reason: string;
  comment?: string | null;
  items: { name: string; quantity: number }[];
  /** The order's staff page. */
  url: string;
}

const en = {
  subject: (n: string): string => `Return requested for order ${n}`,
  preview: (who: string, n: string): string => `${who} asked to return items from order ${n}.`,
  heading: "A customer asked for a return",
  body: (who: string, n: string): string => `${who} asked to return these items from order ${n}:`,
  item: (name: string, qty: number): string => `${qty} × ${name}`,
  reason: (r: string): string => `Reason: ${r}`,
  comment: (c: string): string => `Customer's words: “${c}”`,
  button: "Open the order",
  next: "Approve or reject the request on the order page; the customer sees its status there.",
  footer: "You're receiving this email because you are on the Rapport staff.",
  reasons: {
    damaged: "arrived damaged",
    wrong_item: "wrong item sent",
    does_not_fit: "does not fit",
    not_as_described: "not as described",
    changed_mind: "changed their mind",
    other: "other",
  } as Record<string, string>,
};

const zhCN: typeof en = {
  subject: (n) => `订单 ${n} 收到退货申请`,
  preview: (who, n) => `${who} 申请退回订单 ${n} 中的商品。`,
  heading: "客户提交了退货申请",
  body: (who, n) => `${who} 申请退回订单 ${n} 中的以下商品：`,
  item: (name, qty) => `${qty} × ${name}`,
  reason: (r) => `退货原因：${r}`,
  comment: (c) => `客户留言：“${c}”`,
  button: "打开订单",
  next: "请在订单页面批准或拒绝该申请；客户会在订单页面看到处理状态。",
  footer: "您收到这封邮件，是因为您是 Rapport 的员工。",
  reasons: {
    damaged: "商品到货时已损坏",
    wrong_item: "发错了商品",
    does_not_fit: "尺寸不合适",
    not_as_described: "与描述不符",
    changed_mind: "不想要了",
    other: "其他",
  },
};

const strings: Record<EmailLocale, typeof en> = { en, "zh-CN": zhCN };

export function ReturnRequested(p: WithLocale<ReturnRequestedProps>) {
  const t = strings[p.locale] ?? en;
  const who = p.customerName?.trim() ? `${p.customerName.trim()} <${p.customerEmail}>` : p.customerEmail;
  return (
    <EmailLayout locale={p.locale} preview={t.preview(who, p.orderNumber)} heading={t.heading} footer={t.footer}>
      <Paragraph>{t.body(who, p.orderNumber)}</Paragraph>
      {p.items.map((i, n) => (
        <Paragraph key={n}>{t.item(i.name, i.quantity)}</Paragraph>
      ))}
      <Paragraph>{t.reason(t.reasons[p.reason] ?? p.reason)}</Paragraph>
      {p.comment?.trim() ? <Paragraph>{t.comment(p.comment.trim())}</Paragraph> : null}
      <ActionButton locale={p.locale} href={p.url}>
        {t.button}
      </ActionButton>
      <Note>{t.next}</Note>
    </EmailLayout>
  );
}

export const returnRequested = defineEmail<ReturnRequestedProps>({
  subject: (p, locale) => (strings[locale] ?? en).subject(p.orderNumber),
  element: (p, locale) => <ReturnRequested {...p} locale={locale} />,
});
