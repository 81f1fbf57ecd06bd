// Segments for marketers (and admins): rule-based customer groups with a live count and preview,
// saved with their size over time. Rules are validated by segmentRulesSchema in the domain, so the
// messages are keyed by form field (rule.N.value …). Mutations are audited in the domain.
import { z } from "zod";
import { countSegment, deleteSegment, getSegment, listSegments, parseRules, previewSegment, saveSegment, segmentOptions } from "../../domain/campaigns/segments.ts";
import { router } from "../init.ts";
import { staffProcedure } from "../procedures.ts";

const marketer = staffProcedure("MARKETER");
const id = z.string().min(1).max(100);
// Only "is an object" here: the tree itself is checked by parseRules, whose field errors the form shows.
const rules = z.custom<object>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "segments.errRules");

export const segmentsRouter = router({
  list: marketer.query(({ ctx }) => listSegments(ctx.db)),

  options: marketer.query(({ ctx }) => segmentOptions(ctx.db)),

  get: marketer.input(z.object({ id })).query(({ ctx, input }) => getSegment(ctx.db, input.id)),

  count: marketer.input(z.object({ rules })).query(async ({ ctx, input }) => ({ count: await countSegment(ctx.db, parseRules(input.rules)) })),

  preview: marketer.input(z.object({ rules, limit: z.number().int().min(1).max(50).optional() })).query(async ({ ctx, input }) => {
    const parsed = parseRules(input.rules);
    const asOf = new Date();
    const [count, customers] = await Promise.all([countSegment(ctx.db, parsed, asOf), previewSegment(ctx.db, parsed, asOf, input.limit ?? 10)]);
    return { count, customers };
  }),

  save: marketer
    .input(z.object({ id: id.optional().nullable(), name: z.string().max(1000), description: z.string().max(10_000).optional().nullable(), rules }))
    .mutation(({ ctx, input }) => saveSegment(ctx.db, { ...input, actorId: ctx.user.id, ip: ctx.ip })),

  delete: marketer.input(z.object({ id })).mutation(({ ctx, input }) => deleteSegment(ctx.db, { id: input.id, actorId: ctx.user.id, ip: ctx.ip })),
});
