import { orderStringsFor } from "./order-i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface OrderDeliveredProps {
  name?: string | null;
  orderNumber: string;
  /** The order's page in the portal. */
  url: string;
}

/** "Your order has been delivered". */
export function OrderDelivered(p: WithLocale<OrderDeliveredProps>) {
  const s = orderStringsFor(p.locale);
  const t = s["order-delivered"];
  return (
    <EmailLayout locale={p.locale} preview={t.preview(p.orderNumber)} heading={t.heading}>
      <Paragraph>{s.greeting(p.name?.trim() || null)}</Paragraph>
      <Paragraph>{t.body(p.orderNumber)}</Paragraph>
      <ActionButton locale={p.locale} href={p.url}>
        {s.viewOrder}
      </ActionButton>
      <Note>{t.help}</Note>
    </EmailLayout>
  );
}

export const orderDelivered = defineEmail<OrderDeliveredProps>({
  subject: (p, locale) => orderStringsFor(locale)["order-delivered"].subject(p.orderNumber),
  element: (p, locale) => <OrderDelivered {...p} locale={locale} />,
});
