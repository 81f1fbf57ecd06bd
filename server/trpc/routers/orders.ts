// Orders procedures. Every procedure declares its policy (see ../procedures.ts).
// Customers: list, detail, requestReturn (always scoped to ctx.customerId: another customer's order
// is NOT_FOUND). Staff: find, staffDetail (agents, marketers read-only, admins), setStatus and
// updateReturn (agents and admins; audited).
import { z } from "zod";
import { customerOrderDetail, listCustomerOrders, ORDER_STATUSES, staffFindOrders, staffOrderDetail } from "../../domain/orders/queries.ts";
import { RETURN_ACTIONS, requestReturn, updateReturnRequest } from "../../domain/orders/returns.ts";
import { setOrderStatusByStaff } from "../../domain/orders/staff.ts";
import { router } from "../init.ts";
import { customerProcedure, staffProcedure } from "../procedures.ts";

const readStaff = staffProcedure("AGENT", "MARKETER");
const actingStaff = staffProcedure("AGENT");

const orderNumber = z.string().trim().min(1).max(64);

export const listInput = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  q: z.string().max(100).optional(),
  page: z.number().int().min(1).max(100_000).optional(),
  pageSize: z.number().int().min(1).max(100).optional(),
});

export const returnInput = z.object({
  number: orderNumber,
  // Checked by the domain so the message is specific ("choose a reason"), not "invalid".
  reason: z.string().max(50),
  comment: z.string().max(2000).nullish(),
  items: z.array(z.object({ orderItemId: z.string().min(1).max(100), quantity: z.number().int().min(0).max(100_000) })).max(200),
});

export const ordersRouter = router({
  list: customerProcedure.input(listInput).query(({ ctx, input }) => listCustomerOrders(ctx.db, ctx.customerId, input)),

  detail: customerProcedure
    .meta({ resource: { kind: "order", field: "number" } })
    .input(z.object({ number: orderNumber }))
    .query(async ({ ctx, input }) => {
      const order = await customerOrderDetail(ctx.db, ctx.customerId, input.number);
      // A view-type touchpoint: buffered, like page views (and off with them, for benchmarks).
      if (ctx.env.TOUCHPOINT_VIEWS !== "off") {
        ctx.views.push({ customerId: ctx.customerId, type: "order.viewed", channel: "web", actorUserId: ctx.user.id, subjectType: "order", subjectId: order.id, metadata: { number: order.number } });
      }
      return order;
    }),

  requestReturn: customerProcedure.input(returnInput).mutation(async ({ ctx, input }) => {
    const r = await requestReturn(ctx.db, { userId: ctx.user.id, customerId: ctx.customerId }, input, { appUrl: ctx.env.APP_URL });
    ctx.mailQueued();
    return r;
  }),

  find: readStaff.input(z.object({ q: z.string().max(200).default("") })).query(({ ctx, input }) => staffFindOrders(ctx.db, input.q)),

  staffDetail: readStaff.input(z.object({ number: orderNumber })).query(({ ctx, input }) => staffOrderDetail(ctx.db, input.number)),

  setStatus: actingStaff
    .input(z.object({ number: orderNumber, status: z.enum(ORDER_STATUSES), reason: z.string().max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const r = await setOrderStatusByStaff(ctx.db, { userId: ctx.user.id, ip: ctx.ip }, input, { appUrl: ctx.env.APP_URL });
      ctx.mailQueued();
      return r;
    }),

  updateReturn: actingStaff
    .input(z.object({ id: z.string().min(1).max(100), action: z.enum(RETURN_ACTIONS), note: z.string().max(1000).nullish() }))
    .mutation(async ({ ctx, input }) => {
      const r = await updateReturnRequest(ctx.db, { userId: ctx.user.id, ip: ctx.ip }, input, { appUrl: ctx.env.APP_URL });
      ctx.mailQueued();
      return r;
    }),
});
