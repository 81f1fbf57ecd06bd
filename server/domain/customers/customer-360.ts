// Staff view of customers: search and the 360° page (profile, consent, tier, points, orders,
// tickets and the touchpoint timeline). Keyset pagination keeps the timeline fast at any depth.
import type { Db } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { AppError } from "../errors.ts";

export async function searchCustomers(db: Db, q: string, take = 25) {
  const term = q.trim();
  const where: Prisma.CustomerWhereInput = term
    ? {
        OR: [
          { email: { contains: term, mode: "insensitive" } },
          { name: { contains: term, mode: "insensitive" } },
          { orders: { some: { number: { equals: term, mode: "insensitive" } } } },
        ],
      }
    : {};
  const rows = await db.customer.findMany({
    where,
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, email: true, name: true, tier: true, pointsAvailable: true, locale: true, userId: true, createdAt: true, _count: { select: { orders: true, tickets: true } } },
  });
  return rows.map(({ _count, userId, ...c }) => ({ ...c, hasLogin: Boolean(userId), orders: _count.orders, tickets: _count.tickets }));
}

export async function customer360(db: Db, id: string) {
  const c = await db.customer.findUnique({
    where: { id },
    include: {
      user: { select: { emailVerifiedAt: true, createdAt: true } },
      orders: { orderBy: { placedAt: "desc" }, take: 10, select: { id: true, number: true, status: true, totalMinor: true, currency: true, placedAt: true } },
      tickets: { orderBy: { createdAt: "desc" }, take: 10, select: { id: true, number: true, subject: true, status: true, priority: true, createdAt: true, csatScore: true } },
    },
  });
  if (!c) throw new AppError("NOT_FOUND", "No such customer.");
  const [orderCount, spend] = await Promise.all([
    db.order.count({ where: { customerId: id } }),
    db.order.groupBy({ by: ["currency"], where: { customerId: id, status: { notIn: ["CANCELLED"] } }, _sum: { totalMinor: true, refundedMinor: true } }),
  ]);
  return {
    id: c.id,
    email: c.email,
    name: c.name,
    locale: c.locale,
    timeZone: c.timeZone,
    birthday: c.birthday?.toISOString().slice(0, 10) ?? null,
    tier: c.tier,
    pointsAvailable: c.pointsAvailable,
    pointsPending: c.pointsPending,
    consent: { email: c.consentEmail, sms: c.consentSms, push: c.consentPush },
    login: c.user ? { verified: Boolean(c.user.emailVerifiedAt), since: c.user.createdAt } : null,
    createdAt: c.createdAt,
    orderCount,
    spend: spend.map((s) => ({ currency: s.currency, netMinor: (s._sum.totalMinor ?? 0) - (s._sum.refundedMinor ?? 0) })),
    orders: c.orders,
    tickets: c.tickets,
  };
}

/** Cursor = "<occurredAt ISO>~<id>" of the last row shown. */
export async function touchpointTimeline(db: Db, customerId: string, opts: { type?: string; channel?: string; cursor?: string; take?: number }) {
  const take = Math.min(opts.take ?? 50, 200);
  const where: Prisma.TouchpointWhereInput = { customerId };
  if (opts.type) where.type = opts.type;
  if (opts.channel) where.channel = opts.channel;
  if (opts.cursor) {
    const [iso, id] = opts.cursor.split("~");
    const at = new Date(iso ?? "");
    if (Number.isNaN(at.getTime()) || !/^\d+$/.test(id ?? "")) throw new AppError("BAD_REQUEST", "Invalid cursor.", { cursor: "errors.invalid" });
    where.OR = [{ occurredAt: { lt: at } }, { occurredAt: at, id: { lt: BigInt(id!) } }];
  }
  const rows = await db.touchpoint.findMany({ where, orderBy: [{ occurredAt: "desc" }, { id: "desc" }], take: take + 1 });
  const page = rows.slice(0, take);
  const last = page[page.length - 1];
  return {
    items: page.map((t) => ({ id: t.id.toString(), type: t.type, channel: t.channel, occurredAt: t.occurredAt, actorUserId: t.actorUserId, subjectType: t.subjectType, subjectId: t.subjectId, metadata: t.metadata })),
    nextCursor: rows.length > take && last ? `${last.occurredAt.toISOString()}~${last.id}` : null,
  };
}

export async function timelineFacets(db: Db, customerId: string) {
  const [types, channels] = await Promise.all([
    db.touchpoint.groupBy({ by: ["type"], where: { customerId }, _count: true, orderBy: { type: "asc" } }),
    db.touchpoint.groupBy({ by: ["channel"], where: { customerId }, _count: true, orderBy: { channel: "asc" } }),
  ]);
  return { types: types.map((t) => t.type), channels: channels.map((c) => c.channel) };
}
