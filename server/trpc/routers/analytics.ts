// Analytics procedures. Every procedure declares its policy (see ../procedures.ts).
import { z } from "zod";
import { audit } from "../../domain/audit/audit.ts";
import { customerInsights, dashboard } from "../../domain/analytics/dashboard.ts";
import { answerNpsSurvey, getNpsSurvey, NPS_COMMENT_MAX, sendNpsSurvey } from "../../domain/analytics/nps.ts";
import { runScoring } from "../../domain/analytics/scoring.ts";
import { parseAsOf } from "../../domain/analytics/summary.ts";
import { AppError } from "../../domain/errors.ts";
import { router } from "../init.ts";
import { publicProcedure, staffProcedure } from "../procedures.ts";

const token = z.string().min(10).max(200);

export const analyticsRouter = router({
  /** Everything the /marketing/analytics dashboards draw. */
  dashboard: staffProcedure("MARKETER")
    .input(z.object({ months: z.number().int().min(3).max(24).optional() }))
    .query(({ ctx, input }) => dashboard(ctx.db, input)),

  /** Scores, segments, campaigns, CSAT and NPS of one customer (the staff 360° page). */
  customerInsights: staffProcedure("AGENT", "MARKETER")
    .input(z.object({ customerId: z.string().min(1).max(100) }))
    .query(async ({ ctx, input }) => {
      const exists = await ctx.db.customer.findUnique({ where: { id: input.customerId }, select: { id: true } });
      if (!exists) throw new AppError("NOT_FOUND", "No such customer.");
      return customerInsights(ctx.db, input.customerId);
    }),

  /** Recompute every customer's scores now (the nightly job does the same as of yesterday). */
  runScoring: staffProcedure("MARKETER")
    .input(
      z.object({
        asOf: z.string().max(20),
        period: z.enum(["day", "week", "month"]).default("week"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const asOfDay = parseAsOf(input.asOf);
      if (asOfDay === null) throw new AppError("BAD_REQUEST", "Invalid as-of date.", { asOf: "analytics.asOfInvalid" });
      if (asOfDay > Math.floor(Date.now() / 86_400_000)) throw new AppError("BAD_REQUEST", "The as-of date is in the future.", { asOf: "analytics.asOfFuture" });
      const r = await runScoring(ctx.db, {
        asOfDay,
        period: input.period,
        store: true,
        inTransaction: (tx, res) =>
          audit(tx, { actorId: ctx.user.id, action: "analytics.scoring.run", targetType: "analytics", data: { asOf: res.asOf, period: res.period, customers: res.customers }, ip: ctx.ip }),
      });
      return { asOf: r.asOf, customers: r.customers, repeatCustomers: r.repeatCustomers, converged: Boolean(r.bgnbd?.converged && r.gammaGamma?.converged) };
    }),

  /** Send one customer an NPS survey email (campaigns use sendNpsSurvey per recipient). */
  sendNpsSurvey: staffProcedure("MARKETER")
    .input(z.object({ customerId: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const r = await ctx.db.$transaction(async (tx) => {
        const s = await sendNpsSurvey(tx, { customerId: input.customerId, appUrl: ctx.env.APP_URL, actorUserId: ctx.user.id });
        await audit(tx, { actorId: ctx.user.id, action: "analytics.nps.sent", targetType: "customer", targetId: input.customerId, data: { surveyId: s.id }, ip: ctx.ip });
        return s;
      });
      ctx.mailQueued();
      return { id: r.id };
    }),

  /** The public survey page: state of the survey behind a token. */
  npsSurvey: publicProcedure.input(z.object({ token })).query(({ ctx, input }) => getNpsSurvey(ctx.db, input.token)),

  npsRespond: publicProcedure
    .input(
      z.object({
        token,
        // Range and length are checked in answerNpsSurvey, with messages for the form fields.
        score: z.number().nullable(),
        comment: z.string().max(NPS_COMMENT_MAX * 4).optional(),
      }),
    )
    .mutation(({ ctx, input }) => answerNpsSurvey(ctx.db, input)),
});
