import { formatMoney, orderStringsFor } from "./order-i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface OrderConfirmationProps {
  name?: string | null;
  orderNumber: string;
  /** The order's page in the portal. */
  url: string;
  currency: string;
  items: { name: string; quantity: number; unitPriceMinor: number }[];
  subtotalMinor: number;
  shippingMinor: number;
  taxMinor: number;
  discountMinor: number;
  totalMinor: number;
}

/** "Thanks for your order": sent when an order is paid (not for imported orders). */
export function OrderConfirmation(p: WithLocale<OrderConfirmationProps>) {
  const s = orderStringsFor(p.locale);
  const t = s["order-confirmation"];
  const money = (m: number) => formatMoney(m, p.currency, p.locale);
  return (
    <EmailLayout locale={p.locale} preview={t.preview(p.orderNumber, money(p.totalMinor))} heading={t.heading}>
      <Paragraph>{s.greeting(p.name?.trim() || null)}</Paragraph>
      <Paragraph>{t.body(p.orderNumber)}</Paragraph>
      {p.items.map((i, n) => (
        <Note key={n}>{t.item(i.name, i.quantity, money(i.quantity * i.unitPriceMinor))}</Note>
      ))}
      <Note>
        {t.subtotal}: {money(p.subtotalMinor)}
      </Note>
      {p.shippingMinor > 0 ? (
        <Note>
          {t.shipping}: {money(p.shippingMinor)}
        </Note>
      ) : null}
      {p.taxMinor > 0 ? (
        <Note>
          {t.tax}: {money(p.taxMinor)}
        </Note>
      ) : null}
      {p.discountMinor > 0 ? (
        <Note>
          {t.discount}: −{money(p.discountMinor)}
        </Note>
      ) : null}
      <Paragraph>
        {t.total}: {money(p.totalMinor)}
      </Paragraph>
      <ActionButton locale={p.locale} href={p.url}>
        {s.viewOrder}
      </ActionButton>
    </EmailLayout>
  );
}

export const orderConfirmation = defineEmail<OrderConfirmationProps>({
  subject: (p, locale) => orderStringsFor(locale)["order-confirmation"].subject(p.orderNumber),
  element: (p, locale) => <OrderConfirmation {...p} locale={locale} />,
});
