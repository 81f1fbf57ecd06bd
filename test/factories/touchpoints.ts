// Touchpoints: contacts between the business and a customer.
import type { Prisma, Touchpoint } from "../../server/db/generated/client.ts";
import { factoryContext, type FactoryContext } from "./random.ts";
import type { DbClient, Ref } from "./types.ts";
import { refId } from "./types.ts";

/** Channels used by the app (server/domain/touchpoints/record.ts). */
export type TouchpointChannel = "web" | "email" | "api" | "system" | "staff";

export interface TouchpointOverrides {
  customer?: Ref | null;
  customerId?: string | null;
  /** Default "page.viewed" (the app's type; see server/http.ts). */
  type?: string;
  /** Default "web". */
  channel?: TouchpointChannel;
  occurredAt?: Date;
  actorUserId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  metadata?: Prisma.InputJsonValue;
}

function toData(o: TouchpointOverrides, ctx: FactoryContext): Prisma.TouchpointCreateManyInput {
  const customerId = o.customerId !== undefined ? o.customerId : o.customer ? refId(o.customer) : null;
  return {
    customerId,
    type: o.type ?? "page.viewed",
    channel: o.channel ?? "web",
    occurredAt: o.occurredAt ?? ctx.now,
    actorUserId: o.actorUserId ?? null,
    subjectType: o.subjectType ?? null,
    subjectId: o.subjectId ?? null,
    ...(o.metadata !== undefined ? { metadata: o.metadata } : {}),
  };
}

export async function createTouchpoint(db: DbClient, overrides: TouchpointOverrides = {}, ctx: FactoryContext = factoryContext()): Promise<Touchpoint> {
  return db.touchpoint.create({ data: toData(overrides, ctx) });
}

/** Many touchpoints in one INSERT. Returns how many were written. */
export async function createTouchpoints(db: DbClient, list: TouchpointOverrides[], ctx: FactoryContext = factoryContext()): Promise<number> {
  if (list.length === 0) return 0;
  const res = await db.touchpoint.createMany({ data: list.map((o) => toData(o, ctx)) });
  return res.count;
}
