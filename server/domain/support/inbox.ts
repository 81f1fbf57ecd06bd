// The agents' inbox and ticket page. Views (unassigned, mine, open, SLA breached, all), filters and
// search, ordered by the next SLA due time. The inbox reads one indexed column (slaDueAt) for the
// order, so a page stays fast with 100k tickets (indexes on status/assignee + slaDueAt).
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

function viewWhere(view: InboxView, agentId: string, now: Date): Prisma.TicketWhereInput {
  switch (view) {
    case "unassigned":
      return { assigneeId: null, status: { in: ACTIVE } };
    case "mine":
      return { assigneeId: agentId, status: { in: ACTIVE } };
    case "open":
      return { status: { in: ACTIVE } };
    case "breached":
      return { status: { in: ["NEW", "OPEN"] }, slaDueAt: { lt: now } };
    case "all":
      return {};
  }
}

function searchWhere(q: string): Prisma.TicketWhereInput | null {
  const term = q.trim().slice(0, 200);
  if (!term) return null;
  const num = /^#?(\d{1,9})$/.exec(term);
  if (num) return { number: Number(num[1]) };
  if (term.includes("@")) return { customer: { email: { contains: term, mode: "insensitive" } } };
  return { OR: [{ subject: { contains: term, mode: "insensitive" } }, { customer: { email: { contains: term, mode: "insensitive" } } }] };
}

export async function inboxList(db: Db, agentId: string, f: InboxFilters, now = new Date()) {
  const view = f.view ?? "open";
  const and: Prisma.TicketWhereInput[] = [viewWhere(view, agentId, now)];
  if (f.status) and.push({ status: f.status });
  if (f.priority) and.push({ priority: f.priority });
  if (f.category) and.push({ category: f.category });
  if (f.assigneeId) and.push({ assigneeId: f.assigneeId === "none" ? null : f.assigneeId });
  const search = f.q ? searchWhere(f.q) : null;
  if (search) and.push(search);
  const where: Prisma.TicketWhereInput = { AND: and };
  const page = Math.max(1, Math.min(f.page ?? 1, 2000));
  const rows = await db.ticket.findMany({
    where,
    orderBy: [{ slaDueAt: { sort: "asc", nulls: "last" } }, { number: "desc" }],
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE + 1,
    select: {
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
    },
  });
  return {
    view,
    page,
    hasMore: rows.length > PAGE_SIZE,
    items: rows.slice(0, PAGE_SIZE).map((t) => ({ ...t, breached: Boolean(t.slaDueAt && t.slaDueAt < now) || Boolean(t.slaBreachedAt) })),
  };
}

export async function inboxCounts(db: Db, agentId: string, now = new Date()) {
  const [unassigned, mine, open, breached] = await Promise.all(
    (["unassigned", "mine", "open", "breached"] as const).map((v) => db.ticket.count({ where: viewWhere(v, agentId, now) })),
  );
  return { unassigned, mine, open, breached };
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
