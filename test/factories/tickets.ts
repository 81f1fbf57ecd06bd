// Support tickets with a message thread that matches the status:
//   NEW      customer message only, unassigned unless an assignee is given
//   OPEN     customer message, agent reply, customer follow-up (the agent owes an answer)
//   PENDING  customer message, agent reply (waiting for the customer)
//   SOLVED   customer message, agent reply, customer thanks; solvedAt (+ optional CSAT)
//   CLOSED   as SOLVED, closedAt a few days later
// An internal note (internal = true, by the assignee) can be added to any non-NEW ticket.
import type { Ticket, TicketMessage, TicketPriority, TicketStatus } from "../../server/db/generated/client.ts";
import { addMs, DAY, factoryContext, HOUR, MINUTE, type FactoryContext } from "./random.ts";
import { createCustomer, createStaff } from "./users.ts";
import { inTransaction, refId, type DbClient, type Ref } from "./types.ts";

/** Service-level targets used for the *DueAt fields (calendar hours; the app may recompute). */
export const SLA_HOURS: Record<TicketPriority, { firstResponse: number; resolution: number }> = {
  URGENT: { firstResponse: 1, resolution: 8 },
  HIGH: { firstResponse: 4, resolution: 24 },
  NORMAL: { firstResponse: 8, resolution: 72 },
  LOW: { firstResponse: 24, resolution: 120 },
};

export interface TicketOverrides {
  /** Owner; created when neither is given. */
  customer?: Ref;
  customerId?: string;
  /** The order the ticket is about; must belong to the customer. */
  order?: { id: string; customerId: string } | null;
  subject?: string;
  category?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  /** Agent; for non-NEW tickets one is created when not given. */
  assignee?: Ref | null;
  createdAt?: Date;
  /** The first message. */
  body?: string;
  /** The agent's reply (statuses other than NEW). */
  reply?: string;
  /** The customer's second message (OPEN: follow-up; SOLVED/CLOSED: thanks). */
  followUp?: string;
  /** true = a default note; a string = that note. */
  internalNote?: boolean | string;
  /** "portal" or "email" for the customer's messages. */
  channel?: string;
  csatScore?: number | null;
  csatComment?: string | null;
}

export type TicketWithMessages = Ticket & { messages: TicketMessage[] };

/** Creates a ticket and its messages (timestamps ordered, all ≤ ctx.now). */
export async function createTicket(db: DbClient, overrides: TicketOverrides = {}, ctx: FactoryContext = factoryContext()): Promise<TicketWithMessages> {
  const { rng } = ctx;
  const now = ctx.now;
  const status: TicketStatus = overrides.status ?? "NEW";
  const priority: TicketPriority = overrides.priority ?? "NORMAL";
  const customerId0 = overrides.customerId ?? (overrides.customer ? refId(overrides.customer) : undefined);
  if (overrides.order && customerId0 && overrides.order.customerId !== customerId0) {
    throw new Error(`createTicket: order ${overrides.order.id} belongs to another customer`);
  }
  const defaultAgeHours: Record<TicketStatus, [number, number]> = { NEW: [0.2, 6], OPEN: [3, 48], PENDING: [6, 96], SOLVED: [48, 24 * 60], CLOSED: [24 * 7, 24 * 300] };
  const [a, b] = defaultAgeHours[status];
  const createdAt = overrides.createdAt ?? new Date(now.getTime() - Math.floor((a + rng.float() * (b - a)) * HOUR));
  const sla = SLA_HOURS[priority];
  const channel = overrides.channel ?? "portal";

  // Planned gaps, scaled to fit between createdAt and now.
  const replyGap = Math.floor(rng.float() * sla.firstResponse * HOUR * 0.9) + 5 * MINUTE;
  const followGap = rng.int(20, 600) * MINUTE;
  const solveGap = rng.int(10, 240) * MINUTE;
  const closeGap = rng.int(3, 5) * DAY;
  const gaps = { reply: 0, follow: 0, solve: 0, close: 0 };
  if (status !== "NEW") gaps.reply = replyGap;
  if (status === "OPEN" || status === "SOLVED" || status === "CLOSED") gaps.follow = followGap;
  if (status === "SOLVED" || status === "CLOSED") gaps.solve = solveGap;
  if (status === "CLOSED") gaps.close = closeGap;
  const planned = gaps.reply + gaps.follow + gaps.solve + gaps.close;
  const room = Math.max(0, now.getTime() - createdAt.getTime());
  const k = planned > room ? room / planned : 1;
  const replyAt = addMs(createdAt, Math.floor(gaps.reply * k));
  const followAt = addMs(replyAt, Math.floor(gaps.follow * k));
  const solvedAt = addMs(followAt, Math.floor(gaps.solve * k));
  const closedAt = addMs(solvedAt, Math.floor(gaps.close * k));

  const subject = overrides.subject ?? "Question about my order";
  return inTransaction(db, async (tx) => {
    const customerId = customerId0 ?? (await createCustomer(tx, { createdAt: new Date(createdAt.getTime() - 30 * DAY) }, ctx)).id;
    let assigneeId: string | null = overrides.assignee ? refId(overrides.assignee) : null;
    if (status !== "NEW" && !assigneeId && overrides.assignee !== null) assigneeId = (await createStaff(tx, { role: "AGENT" }, ctx)).id;
    if (status !== "NEW" && !assigneeId) throw new Error("createTicket: a non-NEW ticket needs an assignee to author the reply");

    const messages: { authorId: string | null; fromCustomer: boolean; internal: boolean; body: string; channel: string; createdAt: Date }[] = [
      { authorId: null, fromCustomer: true, internal: false, body: overrides.body ?? "Hello, could you help me with this? Thank you.", channel, createdAt },
    ];
    if (status !== "NEW") {
      if (overrides.internalNote) {
        const note = typeof overrides.internalNote === "string" ? overrides.internalNote : "Checked the order history and the carrier's page before replying.";
        messages.push({ authorId: assigneeId, fromCustomer: false, internal: true, body: note, channel: "portal", createdAt: addMs(createdAt, Math.floor((replyAt.getTime() - createdAt.getTime()) / 2)) });
      }
      messages.push({ authorId: assigneeId, fromCustomer: false, internal: false, body: overrides.reply ?? "Thanks for reaching out. I've looked into this and will keep you posted.", channel: "portal", createdAt: replyAt });
    }
    if (gaps.follow > 0) {
      const followUp = overrides.followUp ?? (status === "OPEN" ? "Thanks. Is there any update?" : "That solved it, thank you!");
      messages.push({ authorId: null, fromCustomer: true, internal: false, body: followUp, channel, createdAt: followAt });
    }

    const solved = status === "SOLVED" || status === "CLOSED";
    const last = messages.reduce((m, x) => (x.createdAt > m ? x.createdAt : m), createdAt);
    return tx.ticket.create({
      data: {
        customerId,
        orderId: overrides.order?.id ?? null,
        subject,
        category: overrides.category ?? (overrides.order ? "order" : "general"),
        status,
        priority,
        assigneeId,
        firstResponseDueAt: addMs(createdAt, sla.firstResponse * HOUR),
        resolutionDueAt: addMs(createdAt, sla.resolution * HOUR),
        firstRespondedAt: status === "NEW" ? null : replyAt,
        solvedAt: solved ? solvedAt : null,
        closedAt: status === "CLOSED" ? closedAt : null,
        csatScore: solved ? (overrides.csatScore ?? null) : null,
        csatComment: solved ? (overrides.csatComment ?? null) : null,
        createdAt,
        updatedAt: status === "CLOSED" ? closedAt : solved ? solvedAt : last,
        messages: { create: messages },
      },
      include: { messages: { orderBy: { createdAt: "asc" } } },
    });
  });
}
