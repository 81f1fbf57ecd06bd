// Labels shared by the customer and staff order pages (not a route: routes.ts does not list it).
import { hasKey, type T } from "#app/i18n/index.ts";

export const ORDER_STATUSES = ["PLACED", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"] as const;
export type OrderStatusName = (typeof ORDER_STATUSES)[number];

/** A translated label when one exists, else the code itself (a new code shows before its label). */
function label(t: T, key: string, code: string) {
  return hasKey(key) ? t(key) : code;
}
export const statusLabel = (t: T, status: string) => label(t, `orders.status_${status}`, status);
export const eventLabel = (t: T, type: string) => label(t, `orders.event_${type}`, type.replace(/_/g, " "));
export const shipmentStatusLabel = (t: T, status: string) => label(t, `orders.shipment_${status}`, status);
export const returnStatusLabel = (t: T, status: string) => label(t, `orders.returnStatus_${status}`, status);
export const reasonLabel = (t: T, reason: string) => label(t, `orders.reason_${reason}`, reason);
