// Touchpoints: every contact between the business and a customer.
// Domain touchpoints are written with the transaction of the change they describe (record());
// view-type touchpoints (page views, searches) go through the buffered writer (buffer.ts).
import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";

export type Channel = "web" | "email" | "api" | "system" | "staff";

export interface TouchpointInput {
  customerId: string | null;
  type: string;
  channel: Channel;
  actorUserId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  metadata?: Prisma.InputJsonValue;
  occurredAt?: Date;
}

export async function recordTouchpoint(tx: Tx, t: TouchpointInput) {
  await tx.touchpoint.create({
    data: {
      customerId: t.customerId,
      type: t.type,
      channel: t.channel,
      actorUserId: t.actorUserId ?? null,
      subjectType: t.subjectType ?? null,
      subjectId: t.subjectId ?? null,
      metadata: t.metadata,
      occurredAt: t.occurredAt ?? new Date(),
    },
  });
}
