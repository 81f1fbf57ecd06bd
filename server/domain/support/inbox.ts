// The agents' inbox and ticket page. Views (unassigned, mine, open, SLA breached, all), filters and
// search, ordered by the next SLA due time. The inbox orders on one column kept by the domain code
// (slaDueAt), read per status along an index, so a page stays fast with 100k tickets.
import type { Db } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";
import type { TicketPriority, TicketStatus } from "../../db/generated/enums.ts";
import { customer360, touchpointTimeline } from "../customers/customer-360.ts";
import { AppError } from "../errors.ts";

export const VIEWS = ["unassigned", "mine", "open", "breached", "all"] as const;
export type InboxView = (typeof VIEWS)[number];
export const PAGE_SIZE = 50;

export interface InboxFilters {
  view?: InboxView;
  status?: TicketStatus;
  priority?: TicketPriority;
  category?: string;
  /** An agent id, or "none" for unassigned. */
  assigneeId?: string;
  q?: string;
  page?: number;
}

const ACTIVE: TicketStatus[] = ["NEW", "OPEN", "PENDING"];
const ALL: TicketStatus[] = ["NEW", "OPEN", "PENDING", "SOLVED", "CLOSED"];
/** Counts stop here; the page shows "1000+" (counting a 40k backlog exactly costs more than the page). */
export const COUNT_CAP = 1000;

/** The statuses a view covers, and its other conditions. */
function viewScope(view: InboxView, agentId: string, now: Date): { statuses: TicketStatus[]; where: Prisma.TicketWhereInput } {
  switch (view) {
    case "unassigned":
      return { statuses: ACTIVE, where: { assigneeId: null } };
    case "mine":
      return { statuses: ACTIVE, where: { assigneeId: agentId } };
    case "open":
      return { statuses: ACTIVE, where: {} };
    case "breached":
      return { statuses: ["NEW", "OPEN"], where: { slaDueAt: { lt: now } } };
    case "all":
      return { statuses: ALL, where: {} };
  }
}

/** Customers whose email matches: the exact address when there is one (unique index), else a capped substring match. */
async function customerIdsMatching(db: Db, term: string) {
  if (term.includes("@")) {
    const exact = await db.customer.findUnique({ where: { email: term.toLowerCase() }, select: { id: true } });
    if (exact) return [exact.id];
  }
  const rows = await db.customer.findMany({ where: { email: { contains: term, mode: "insensitive" } }, select: { id: true }, take: 200 });
  return rows.map((r) => r.id);
}

async function searchWhere(db: Db, q: string): Promise<Prisma.TicketWhereInput | null> {
  const term = q.trim().slice(0, 200);
  if (!term) return null;
  const num = /^#?(\d{1,9})$/.exec(term);
  if (num) return { number: Number(num[1]) };
  const ids = await customerIdsMatching(db, term);
  if (term.includes("@")) return { customerId: { in: ids } };
  return { OR: [{ subject: { contains: term, mode: "insensitive" } }, ...(ids.length ? [{ customerId: { in: ids } }] : [])] };
}

const ORDER: Prisma.TicketOrderByWithRelationInput[] = [{ slaDueAt: { sort: "asc", nulls: "last" } }, { number: "asc" }];
type Key = { id: string; slaDueAt: Date | null; number: number };
const byDue = (a: Key, b: Key) => (a.slaDueAt && b.slaDueAt ? a.slaDueAt.getTime() - b.slaDueAt.getTime() : a.slaDueAt ? -1 : b.slaDueAt ? 1 : 0) || a.number - b.number;

const ROW = {
  id: true,
  number: true,
  subject: true,
  status: true,
  priority: true,
  category: true,
  slaDueAt: true,
  slaBreachedAt: true,
  firstResponseDueAt: true,
  resolutionDueAt: true,
  firstRespondedAt: true,
  createdAt: true,
  updatedAt: true,
  customer: { select: { email: true, name: true } },
  assignee: { select: { id: true, name: true, email: true } },
} satisfies Prisma.TicketSelect;

/**
 * One page of a view, ordered by the next SLA due time (no due time last), then ticket number.
 * Without a search, each status is read separately along the (status|assignee, status, slaDueAt,
 * number) index, stopping after the rows the page needs, and the short lists are merged: an
 * IN-list over statuses would make PostgreSQL sort the whole backlog instead.
 */
export async function inboxList(db: Db, agentId: string, f: InboxFilters, now = new Date()) {
  const view = f.view ?? "open";
  const scope = viewScope(view, agentId, now);
  const statuses = f.status ? scope.statuses.filter((s) => s === f.status) : scope.statuses;
  const and: Prisma.TicketWhereInput[] = [scope.where];
  if (f.priority) and.push({ priority: f.priority });
  if (f.category) and.push({ category: f.category });
  if (f.assigneeId) and.push({ assigneeId: f.assigneeId === "none" ? null : f.assigneeId });
  const search = f.q ? await searchWhere(db, f.q) : null;
  if (search) and.push(search);
  const page = Math.max(1, Math.min(f.page ?? 1, 2000));
  const skip = (page - 1) * PAGE_SIZE;
  let rows: Prisma.TicketGetPayload<{ select: typeof ROW }>[] = [];
  if (statuses.length) {
    if (search) {
      rows = await db.ticket.findMany({ where: { AND: [...and, { status: { in: statuses } }] }, orderBy: ORDER, skip, take: PAGE_SIZE + 1, select: ROW });
    } else {
      const need = skip + PAGE_SIZE + 1;
      const parts = await Promise.all(statuses.map((status) => db.ticket.findMany({ where: { AND: [...and, { status }] }, orderBy: ORDER, take: need, select: { id: true, slaDueAt: true, number: true } })));
      const keys = parts.flat().sort(byDue).slice(skip, skip + PAGE_SIZE + 1);
      const full = await db.ticket.findMany({ where: { id: { in: keys.map((k) => k.id) } }, select: ROW });
      const byId = new Map(full.map((r) => [r.id, r]));
      rows = keys.map((k) => byId.get(k.id)).filter((r): r is NonNullable<typeof r> => Boolean(r));
    }
  }
  return {
    view,
    page,
    hasMore: rows.length > PAGE_SIZE,
    items: rows.slice(0, PAGE_SIZE).map((t) => ({ ...t, breached: Boolean(t.slaDueAt && t.slaDueAt < now) || Boolean(t.slaBreachedAt) })),
  };
}

/** Tickets per view, counted up to COUNT_CAP. */
export async function inboxCounts(db: Db, agentId: string, now = new Date()) {
  const [unassigned, mine, open, breached] = await Promise.all(
    (["unassigned", "mine", "open", "breached"] as const).map((v) => {
      const { statuses, where } = viewScope(v, agentId, now);
      return db.ticket.count({ where: { ...where, status: { in: statuses } }, take: COUNT_CAP });
    }),
  );
  return { unassigned, mine, open, breached, cap: COUNT_CAP };
}

export async function agentsList(db: Db) {
  return db.user.findMany({ where: { staffRole: { in: ["AGENT", "ADMIN"] }, disabledAt: null }, orderBy: [{ name: "asc" }, { email: "asc" }], select: { id: true, name: true, email: true, available: true, staffRole: true } });
}

/** The agent's ticket page: the whole thread including internal notes, and the customer's 360. */
export async function agentTicket(db: Db, number: number) {
  const t = await db.ticket.findUnique({
    where: { number },
    include: {
      order: { select: { id: true, number: true, status: true } },
      assignee: { select: { id: true, name: true, email: true } },
      mergedInto: { select: { number: true } },
      mergedFrom: { select: { number: true, subject: true } },
      messages: {
        orderBy: { createdAt: "asc" },
        include: { author: { select: { id: true, name: true, email: true } }, attachments: { select: { id: true, filename: true, contentType: true, size: true } } },
      },
    },
  });
  if (!t) throw new AppError("NOT_FOUND", "No such ticket.");
  const [customer, touchpoints] = await Promise.all([customer360(db, t.customerId), touchpointTimeline(db, t.customerId, { take: 10 })]);
  return {
    ticket: {
      id: t.id,
      number: t.number,
      subject: t.subject,
      category: t.category,
      status: t.status,
      priority: t.priority,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      firstResponseDueAt: t.firstResponseDueAt,
      resolutionDueAt: t.resolutionDueAt,
      firstRespondedAt: t.firstRespondedAt,
      slaDueAt: t.slaDueAt,
      slaPausedAt: t.slaPausedAt,
      slaBreachedAt: t.slaBreachedAt,
      solvedAt: t.solvedAt,
      closedAt: t.closedAt,
      csatScore: t.csatScore,
      csatComment: t.csatComment,
      order: t.order,
      assignee: t.assignee,
      mergedInto: t.mergedInto,
      mergedFrom: t.mergedFrom,
    },
    messages: t.messages.map((m) => ({
      id: m.id,
      fromCustomer: m.fromCustomer,
      internal: m.internal,
      body: m.body,
      channel: m.channel,
      createdAt: m.createdAt,
      author: m.author,
      attachments: m.attachments,
    })),
    customer,
    otherTickets: customer.tickets.filter((o) => o.id !== t.id),
    touchpoints: touchpoints.items,
  };
}
