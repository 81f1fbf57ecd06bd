// Support procedures. Every procedure declares its policy (see ../procedures.ts).
// Customer procedures always filter by ctx.customerId and never return internal notes; staff
// procedures (agents and admins) see the whole thread.
import { z } from "zod";
import { AppError } from "../../domain/errors.ts";
import { CATEGORIES, PRIORITIES, REPLY_STATUSES, STATUSES, addCustomerMessage, agentMessage, assignTicket, closeByCustomer, createTicket, mergeTickets, setAvailability, setPriority, setStatus } from "../../domain/support/tickets.ts";
import { attachmentForCustomer, attachmentForStaff, customerTicket, listMyTickets, orderChoices, orderIdByNumber } from "../../domain/support/customer-views.ts";
import { agentTicket, agentsList, inboxCounts, inboxList, VIEWS } from "../../domain/support/inbox.ts";
import { deleteCanned, listCanned, renderCanned, saveCanned } from "../../domain/support/canned.ts";
import { csatReport, rateTicket, supportCounts } from "../../domain/support/csat.ts";
import { router } from "../init.ts";
import { authedProcedure, customerProcedure, publicProcedure, staffProcedure } from "../procedures.ts";

const agentOnly = staffProcedure("AGENT");
const ticketNumber = z.coerce.number().int().positive().max(2_147_483_647);
const attachments = z
  .array(z.object({ filename: z.string().max(500), contentType: z.string().max(200), content: z.custom<Buffer>((v) => Buffer.isBuffer(v), "errors.invalid") }))
  .max(20)
  .optional();
const body = z.string().max(100_000);

export const supportRouter = router({
  // --- customers -------------------------------------------------------------------------------
  myTickets: customerProcedure.query(({ ctx }) => listMyTickets(ctx.db, ctx.customerId)),

  ticket: customerProcedure
    .meta({ resource: { kind: "ticket", field: "number" } })
    .input(z.object({ number: ticketNumber }))
    .query(({ ctx, input }) => customerTicket(ctx.db, ctx.customerId, input.number)),

  orderChoices: customerProcedure.query(({ ctx }) => orderChoices(ctx.db, ctx.customerId)),

  create: customerProcedure
    .input(z.object({ subject: z.string().max(1000), body, category: z.string().max(50).optional(), orderNumber: z.string().max(100).optional().nullable(), attachments }))
    .mutation(async ({ ctx, input }) => {
      const orderId = input.orderNumber ? await orderIdByNumber(ctx.db, ctx.customerId, input.orderNumber) : null;
      const r = await createTicket(ctx.db, { customerId: ctx.customerId, subject: input.subject, body: input.body, category: input.category, orderId, channel: "portal", actorUserId: ctx.user.id, attachments: input.attachments, appUrl: ctx.env.APP_URL });
      ctx.mailQueued();
      return r;
    }),

  // Filtered by ctx.customerId like the others; no resource meta because it needs more than the id.
  reply: customerProcedure
    .input(z.object({ number: ticketNumber, body, attachments }))
    .mutation(async ({ ctx, input }) => {
      const t = await ctx.db.ticket.findFirst({ where: { number: input.number, customerId: ctx.customerId }, select: { id: true } });
      if (!t) throw new AppError("NOT_FOUND", "No such ticket.");
      return addCustomerMessage(ctx.db, { ticketId: t.id, customerId: ctx.customerId, body: input.body, channel: "portal", actorUserId: ctx.user.id, attachments: input.attachments });
    }),

  close: customerProcedure
    .meta({ resource: { kind: "ticket", field: "number" } })
    .input(z.object({ number: ticketNumber }))
    .mutation(({ ctx, input }) => closeByCustomer(ctx.db, { number: input.number, customerId: ctx.customerId, actorUserId: ctx.user.id })),

  // Filtered by ctx.customerId like the others; no resource meta because it needs more than the id.
  rate: customerProcedure
    .input(z.object({ number: ticketNumber, score: z.coerce.number().int().optional(), comment: z.string().max(10_000).optional().nullable() }))
    .mutation(({ ctx, input }) => rateTicket(ctx.db, { number: input.number, customerId: ctx.customerId, actorUserId: ctx.user.id, score: input.score ?? 0, comment: input.comment })),

  /** Download: the customer who owns the ticket (not files on internal notes), or an agent/admin. */
  attachment: authedProcedure
    .meta({ resource: { kind: "attachment", field: "id" } })
    .input(z.object({ id: z.string().min(1).max(100) }))
    .query(({ ctx, input }) => {
      const role = ctx.user.staffRole;
      if (role === "AGENT" || role === "ADMIN") return attachmentForStaff(ctx.db, input.id);
      if (!ctx.user.customerId) throw new AppError("NOT_FOUND", "No such attachment.");
      return attachmentForCustomer(ctx.db, ctx.user.customerId, input.id);
    }),

  // --- agents ----------------------------------------------------------------------------------
  inbox: agentOnly
    .input(
      z.object({
        view: z.enum(VIEWS).optional(),
        status: z.enum(STATUSES as [string, ...string[]]).optional(),
        priority: z.enum(PRIORITIES as [string, ...string[]]).optional(),
        category: z.string().max(50).optional(),
        assigneeId: z.string().max(100).optional(),
        q: z.string().max(200).optional(),
        page: z.number().int().min(1).max(2000).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const [list, counts] = await Promise.all([inboxList(ctx.db, ctx.user.id, input as Parameters<typeof inboxList>[2]), inboxCounts(ctx.db, ctx.user.id)]);
      return { ...list, counts };
    }),

  agents: agentOnly.query(({ ctx }) => agentsList(ctx.db)),

  agentTicket: agentOnly.input(z.object({ number: ticketNumber })).query(async ({ ctx, input }) => {
    const [detail, canned, agents] = await Promise.all([agentTicket(ctx.db, input.number), listCanned(ctx.db), agentsList(ctx.db)]);
    return { ...detail, canned: canned.map((c) => ({ id: c.id, title: c.title })), agents };
  }),

  agentReply: agentOnly
    .input(z.object({ number: ticketNumber, body, internal: z.boolean().default(false), status: z.enum(REPLY_STATUSES).optional(), attachments }))
    .mutation(async ({ ctx, input }) => {
      const r = await agentMessage(ctx.db, { number: input.number, agent: ctx.user, body: input.body, internal: input.internal, status: input.status, attachments: input.attachments, ip: ctx.ip, appUrl: ctx.env.APP_URL });
      ctx.mailQueued();
      return r;
    }),

  setStatus: agentOnly.input(z.object({ number: ticketNumber, status: z.enum(STATUSES as [string, ...string[]]) })).mutation(async ({ ctx, input }) => {
    const r = await setStatus(ctx.db, { number: input.number, agentId: ctx.user.id, status: input.status as (typeof STATUSES)[number], ip: ctx.ip, appUrl: ctx.env.APP_URL });
    ctx.mailQueued();
    return r;
  }),

  setPriority: agentOnly
    .input(z.object({ number: ticketNumber, priority: z.enum(PRIORITIES as [string, ...string[]]) }))
    .mutation(({ ctx, input }) => setPriority(ctx.db, { number: input.number, agentId: ctx.user.id, priority: input.priority as (typeof PRIORITIES)[number], ip: ctx.ip })),

  assign: agentOnly
    .input(z.object({ number: ticketNumber, assigneeId: z.string().max(100).nullable() }))
    .mutation(({ ctx, input }) => assignTicket(ctx.db, { number: input.number, agentId: ctx.user.id, assigneeId: input.assigneeId || null, ip: ctx.ip })),

  merge: agentOnly
    .input(z.object({ number: ticketNumber, target: z.coerce.number().int().positive().max(2_147_483_647) }))
    .mutation(({ ctx, input }) => mergeTickets(ctx.db, { sourceNumber: input.number, targetNumber: input.target, agentId: ctx.user.id, ip: ctx.ip })),

  setAvailability: agentOnly.input(z.object({ available: z.boolean() })).mutation(({ ctx, input }) => setAvailability(ctx.db, { agentId: ctx.user.id, available: input.available, ip: ctx.ip })),

  cannedList: agentOnly.query(({ ctx }) => listCanned(ctx.db)),

  cannedSave: agentOnly
    .input(z.object({ id: z.string().max(100).optional().nullable(), title: z.string().max(1000), body: z.string().max(100_000) }))
    .mutation(({ ctx, input }) => saveCanned(ctx.db, { ...input, actorId: ctx.user.id, ip: ctx.ip })),

  cannedDelete: agentOnly.input(z.object({ id: z.string().min(1).max(100) })).mutation(({ ctx, input }) => deleteCanned(ctx.db, { id: input.id, actorId: ctx.user.id, ip: ctx.ip })),

  renderCanned: agentOnly
    .input(z.object({ number: ticketNumber, cannedId: z.string().min(1).max(100) }))
    .query(({ ctx, input }) => renderCanned(ctx.db, { cannedId: input.cannedId, number: input.number, agent: ctx.user })),

  report: agentOnly.input(z.object({ weeks: z.number().int().min(1).max(104).optional() })).query(async ({ ctx, input }) => {
    const [csat, counts] = await Promise.all([csatReport(ctx.db, input.weeks ?? 12), supportCounts(ctx.db, input.weeks ?? 12)]);
    return { ...csat, counts };
  }),

  categories: publicProcedure.query(() => [...CATEGORIES]),
});
