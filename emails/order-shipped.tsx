import { Link } from "@react-email/components";
import { orderStringsFor } from "./order-i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface OrderShippedProps {
  name?: string | null;
  orderNumber: string;
  /** The order's page in the portal. */
  url: string;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
}

/** "Your order is on its way", with the carrier's tracking link when known. */
export function OrderShipped(p: WithLocale<OrderShippedProps>) {
  const s = orderStringsFor(p.locale);
  const t = s["order-shipped"];
  return (
    <EmailLayout locale={p.locale} preview={t.preview(p.orderNumber)} heading={t.heading}>
      <Paragraph>{s.greeting(p.name?.trim() || null)}</Paragraph>
      <Paragraph>{t.body(p.orderNumber)}</Paragraph>
      {p.carrier && p.trackingNumber ? <Paragraph>{t.carrier(p.carrier, p.trackingNumber)}</Paragraph> : <Note>{t.noTracking}</Note>}
      {p.trackingUrl ? (
        <Paragraph>
          <Link href={p.trackingUrl}>{t.track}</Link>
        </Paragraph>
      ) : null}
      <ActionButton locale={p.locale} href={p.url}>
        {s.viewOrder}
      </ActionButton>
    </EmailLayout>
  );
}

export const orderShipped = defineEmail<OrderShippedProps>({
  subject: (p, locale) => orderStringsFor(locale)["order-shipped"].subject(p.orderNumber),
  element: (p, locale) => <OrderShipped {...p} locale={locale} />,
});
