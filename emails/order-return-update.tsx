import { orderStringsFor } from "./order-i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface OrderReturnUpdateProps {
  name?: string | null;
  orderNumber: string;
  /** The return request's new status. Staff notes are internal and never part of this email. */
  status: "APPROVED" | "REJECTED" | "RECEIVED";
  /** The order's page in the portal. */
  url: string;
}

/** "Your return is approved / could not be accepted / was received" — staff decisions on a return request. */
export function OrderReturnUpdate(p: WithLocale<OrderReturnUpdateProps>) {
  const s = orderStringsFor(p.locale);
  const t = s["order-return-update"];
  return (
    <EmailLayout locale={p.locale} preview={t.body(p.orderNumber, p.status)} heading={t.heading(p.status)}>
      <Paragraph>{s.greeting(p.name?.trim() || null)}</Paragraph>
      <Paragraph>{t.body(p.orderNumber, p.status)}</Paragraph>
      <ActionButton locale={p.locale} href={p.url}>
        {s.viewOrder}
      </ActionButton>
      <Note>{t.next(p.status)}</Note>
    </EmailLayout>
  );
}

export const orderReturnUpdate = defineEmail<OrderReturnUpdateProps>({
  subject: (p, locale) => orderStringsFor(locale)["order-return-update"].subject(p.orderNumber, p.status),
  element: (p, locale) => <OrderReturnUpdate {...p} locale={locale} />,
});
