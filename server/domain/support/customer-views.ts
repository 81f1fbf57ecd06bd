// What a customer sees of their tickets. Every query is filtered by the customer's id, and message
// queries always carry `internal: false`: internal notes (and files attached to them) never leave
// the server on this path.
import { Prisma } from "../../db/generated/client.ts";
import { sqlRows } from "../../db/sql.ts";
import type { Db } from "../../db/client.ts";
import type { TicketStatus } from "../../db/generated/enums.ts";
import { AppError } from "../errors.ts";
import { readAttachmentContent } from "./attachments.ts";

interface MyTicketRow {
  id: string;
  number: number;
  subject: string;
  category: string;
  status: TicketStatus;
  createdAt: Date;
  updatedAt: Date;
  mergedIntoNumber: number | null;
}

/**
 * The customer's tickets, newest first (at most 200). One SQL statement: the Prisma findMany with
 * the nested `mergedInto` select was two queries plus their compilation on every visit of
 * /support (issue #14); the result is the same.
 */
export async function listMyTickets(db: Db, customerId: string) {
  const rows = await sqlRows<MyTicketRow[]>(db, Prisma.sql`
    SELECT t.id, t.number, t.subject, t.category, t.status::text AS status, t."createdAt", t."updatedAt", m.number AS "mergedIntoNumber"
    FROM "Ticket" t
    LEFT JOIN "Ticket" m ON m.id = t."mergedIntoId"
    WHERE t."customerId" = ${customerId}
    ORDER BY t."createdAt" DESC
    LIMIT 200`);
  return rows.map(({ mergedIntoNumber, ...t }) => ({ ...t, mergedInto: mergedIntoNumber === null ? null : { number: mergedIntoNumber } }));
}

export async function customerTicket(db: Db, customerId: string, number: number) {
  const t = await db.ticket.findFirst({
    where: { number, customerId },
    select: {
      id: true,
      number: true,
      subject: true,
      category: true,
      status: true,
      createdAt: true,
      updatedAt: true,
      solvedAt: true,
      closedAt: true,
      csatScore: true,
      csatComment: true,
      csatRatedAt: true,
      order: { select: { number: true } },
      mergedInto: { select: { number: true } },
      messages: {
        where: { internal: false },
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          fromCustomer: true,
          body: true,
          channel: true,
          createdAt: true,
          author: { select: { name: true, staffRole: true } },
          attachments: { select: { id: true, filename: true, contentType: true, size: true } },
        },
      },
    },
  });
  if (!t) throw new AppError("NOT_FOUND", "No such ticket.");
  const { messages, ...ticket } = t;
  return {
    ...ticket,
    canReply: ticket.status !== "CLOSED",
    canRate: (ticket.status === "SOLVED" || ticket.status === "CLOSED") && ticket.csatScore === null && !ticket.mergedInto,
    messages: messages.map((m) => ({
      id: m.id,
      fromCustomer: m.fromCustomer,
      body: m.body,
      channel: m.channel,
      createdAt: m.createdAt,
      // Staff are shown by name only (never their email or role).
      authorName: m.fromCustomer ? null : (m.author?.name ?? null),
      attachments: m.attachments,
    })),
  };
}

/** An attachment the customer may download: on their own ticket, on a message that is not an internal note. */
export async function attachmentForCustomer(db: Db, customerId: string, id: string) {
  const a = await db.ticketAttachment.findFirst({ where: { id, ticket: { customerId }, message: { internal: false } }, select: { id: true, filename: true, contentType: true, size: true } });
  if (!a) throw new AppError("NOT_FOUND", "No such attachment.");
  return { ...a, content: await readAttachmentContent(a.id) };
}

export async function attachmentForStaff(db: Db, id: string) {
  const a = await db.ticketAttachment.findUnique({ where: { id }, select: { id: true, filename: true, contentType: true, size: true } });
  if (!a) throw new AppError("NOT_FOUND", "No such attachment.");
  return { ...a, content: await readAttachmentContent(a.id) };
}

/** The customer's own recent orders, for "this is about order …". */
export async function orderChoices(db: Db, customerId: string) {
  return db.order.findMany({ where: { customerId }, orderBy: { placedAt: "desc" }, take: 50, select: { id: true, number: true, placedAt: true, status: true } });
}

export async function orderIdByNumber(db: Db, customerId: string, number: string) {
  const o = await db.order.findFirst({ where: { customerId, number }, select: { id: true } });
  if (!o) throw new AppError("BAD_REQUEST", "Please choose one of your own orders.", { order: "support.errOrder" });
  return o.id;
}
