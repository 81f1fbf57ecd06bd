import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";

/** Writes one audit-log entry; call inside the transaction of the action it records. */
export async function audit(tx: Tx, e: { actorId: string | null; action: string; targetType?: string; targetId?: string; data?: Prisma.InputJsonValue; ip?: string | null }) {
  await tx.auditLog.create({
    data: { actorId: e.actorId, action: e.action, targetType: e.targetType, targetId: e.targetId, data: e.data, ip: e.ip ?? null },
  });
}
