// The loyalty program's reaction to order events. The order domain calls this inside the same
// transaction as the order change, so points can never drift from orders.
import type { Tx } from "../../db/client.ts";

export type OrderLoyaltyEvent =
  | { type: "paid"; orderId: string; occurredAt: Date }
  | { type: "delivered"; orderId: string; occurredAt: Date }
  | { type: "refunded"; orderId: string; refundId: string; amountMinor: number; occurredAt: Date }
  | { type: "cancelled"; orderId: string; occurredAt: Date };

export async function applyLoyaltyForOrderEvent(tx: Tx, event: OrderLoyaltyEvent): Promise<void> {
  void tx;
  void event;
}
