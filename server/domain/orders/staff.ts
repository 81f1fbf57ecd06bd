// Manual order status changes by staff: the transition itself is lifecycle.transitionOrder (the one
// place where an order's state changes); this adds the required reason and the audit entry, in the
// same transaction.
import type { Db } from "../../db/client.ts";
import type { OrderStatus } from "../../db/generated/client.ts";
import { audit } from "../audit/audit.ts";
import { AppError } from "../errors.ts";
import { transitionOrder } from "./lifecycle.ts";

export async function setOrderStatusByStaff(
  db: Db,
  actor: { userId: string; ip: string | null },
  input: { number: string; status: OrderStatus; reason: string },
  opts: { appUrl: string },
) {
  const reason = input.reason.trim();
  if (!reason) throw new AppError("BAD_REQUEST", "Give a reason for the change.", { reason: "orders.errors.reasonRequiredStaff" });
  return db.$transaction(async (tx) => {
    const order = await tx.order.findUnique({ where: { number: input.number }, select: { id: true, status: true } });
    if (!order) throw new AppError("NOT_FOUND", "No such order.");
    if (order.status === input.status) throw new AppError("CONFLICT", "The order already has this status.", { status: "orders.errors.sameStatus" });
    const r = await transitionOrder(tx, { orderId: order.id, to: input.status, at: new Date(), actor: { kind: "staff", userId: actor.userId }, reason, appUrl: opts.appUrl });
    await audit(tx, {
      actorId: actor.userId,
      action: "order.status_changed",
      targetType: "order",
      targetId: order.id,
      data: { number: input.number, from: order.status, to: r.order.status, reason },
      ip: actor.ip,
    });
    return { number: input.number, from: order.status, status: r.order.status };
  });
}
