import { formatMoney, orderStringsFor } from "./order-i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface OrderRefundProps {
  name?: string | null;
  orderNumber: string;
  /** The order's page in the portal. */
  url: string;
  currency: string;
  /** This refund. */
  amountMinor: number;
  /** All refunds of the order so far, this one included. */
  refundedMinor: number;
  totalMinor: number;
  full: boolean;
}

/** A full or partial refund, with the amount in the order's currency. */
export function OrderRefund(p: WithLocale<OrderRefundProps>) {
  const s = orderStringsFor(p.locale);
  const t = s["order-refund"];
  const money = (m: number) => formatMoney(m, p.currency, p.locale);
  return (
    <EmailLayout locale={p.locale} preview={t.preview(p.orderNumber, money(p.amountMinor))} heading={t.heading(p.full)}>
      <Paragraph>{s.greeting(p.name?.trim() || null)}</Paragraph>
      <Paragraph>{t.body(p.orderNumber, money(p.amountMinor))}</Paragraph>
      <Paragraph>{p.full ? t.full : t.partial(money(p.refundedMinor), money(p.totalMinor))}</Paragraph>
      <ActionButton locale={p.locale} href={p.url}>
        {s.viewOrder}
      </ActionButton>
      <Note>{t.bank}</Note>
    </EmailLayout>
  );
}

export const orderRefund = defineEmail<OrderRefundProps>({
  subject: (p, locale) => orderStringsFor(locale)["order-refund"].subject(p.orderNumber, p.full),
  element: (p, locale) => <OrderRefund {...p} locale={locale} />,
});
