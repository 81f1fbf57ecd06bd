import { z } from "zod";
import { customer360, searchCustomers, timelineFacets, touchpointTimeline } from "../../domain/customers/customer-360.ts";
import { router } from "../init.ts";
import { staffProcedure } from "../procedures.ts";

const anyStaff = staffProcedure("AGENT", "MARKETER");

export const staffRouter = router({
  me: staffProcedure().query(({ ctx }) => ({ id: ctx.user.id, name: ctx.user.name, email: ctx.user.email, role: ctx.staffRole })),

  searchCustomers: anyStaff.input(z.object({ q: z.string().max(200).default("") })).query(({ ctx, input }) => searchCustomers(ctx.db, input.q)),

  customer: anyStaff.input(z.object({ id: z.string().min(1).max(100) })).query(async ({ ctx, input }) => {
    const [profile, facets] = await Promise.all([customer360(ctx.db, input.id), timelineFacets(ctx.db, input.id)]);
    return { ...profile, facets };
  }),

  timeline: anyStaff
    .input(z.object({ customerId: z.string().min(1).max(100), type: z.string().max(100).optional(), channel: z.string().max(50).optional(), cursor: z.string().max(100).optional(), take: z.number().int().min(1).max(200).optional() }))
    .query(({ ctx, input }) => touchpointTimeline(ctx.db, input.customerId, input)),
});
