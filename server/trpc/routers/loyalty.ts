// Loyalty procedures. Every procedure declares its policy (see ../procedures.ts); the business
// rules live in server/domain/loyalty/.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { audit } from "../../domain/audit/audit.ts";
import { AppError } from "../../domain/errors.ts";
import { adjustPoints } from "../../domain/loyalty/ledger.ts";
import { customerOverview, staffLedger } from "../../domain/loyalty/overview.ts";
import { attachReferral } from "../../domain/loyalty/referrals.ts";
import { redeemReward, saveReward } from "../../domain/loyalty/rewards.ts";
import { getSettings, saveSettings } from "../../domain/loyalty/settings.ts";
import { syncStripeCodes } from "../../domain/loyalty/stripe-sync.ts";
import { router } from "../init.ts";
import { customerProcedure, staffProcedure } from "../procedures.ts";

const id = z.string().min(1).max(100);
const requestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional();

export const loyaltyRouter = router({
  /** The customer's rewards page: balances, tier and progress, history, rewards, codes, referral. */
  overview: customerProcedure.input(z.object({}).optional()).query(({ ctx }) => customerOverview(ctx.db, ctx.customerId)),

  /** One of the customer's reward codes (NOT_FOUND for anyone else's). */
  redemption: customerProcedure
    .meta({ resource: { kind: "redemption", field: "id" } })
    .input(z.object({ id }))
    .query(async ({ ctx, input }) => {
      const r = await ctx.db.redemption.findFirst({ where: { id: input.id, customerId: ctx.customerId }, include: { reward: true } });
      if (!r) throw new AppError("NOT_FOUND", "No such code.");
      return { id: r.id, code: r.code, status: r.status, expiresAt: r.expiresAt, pointsCost: r.pointsCost, rewardNameEn: r.reward.nameEn, rewardNameZh: r.reward.nameZh };
    }),

  redeem: customerProcedure.input(z.object({ rewardId: id, requestId })).mutation(async ({ ctx, input }) => {
    const r = await redeemReward(ctx.db, { customerId: ctx.customerId, rewardId: input.rewardId, requestId: input.requestId, actorUserId: ctx.user.id });
    ctx.mailQueued();
    // Create the Stripe coupon now if Stripe is configured; a failure is recorded and retried by the job.
    if (r.stripeStatus === "PENDING") void syncStripeCodes(ctx.db, { ids: [r.id] }).catch(() => {});
    return { id: r.id, code: r.code, expiresAt: r.expiresAt };
  }),

  attachReferral: customerProcedure.input(z.object({ code: z.string().max(40) })).mutation(({ ctx, input }) => attachReferral(ctx.db, ctx.customerId, input.code)),

  /** Staff: a customer's ledger, codes and tier history. */
  customerLedger: staffProcedure("AGENT", "MARKETER")
    .input(z.object({ customerId: id, take: z.number().int().min(1).max(500).optional() }))
    .query(({ ctx, input }) => staffLedger(ctx.db, input.customerId, { take: input.take })),

  /** Staff: a points adjustment with a required reason (audited). */
  adjust: staffProcedure("AGENT")
    .input(
      z.object({
        customerId: id,
        points: z.number(),
        reason: z.string().max(2000),
        requestId,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      // Checked here (not in the zod schema) so the field messages keep their rewards.* keys.
      const fieldErrors: Record<string, string> = {};
      if (!Number.isSafeInteger(input.points) || input.points === 0 || Math.abs(input.points) > 1_000_000) fieldErrors.points = "rewards.errPoints";
      const reason = input.reason.trim();
      if (reason.length < 3 || reason.length > 300) fieldErrors.reason = "rewards.errReason";
      if (Object.keys(fieldErrors).length) throw new AppError("BAD_REQUEST", "The adjustment is not valid.", fieldErrors);
      const r = await ctx.db.$transaction((tx) =>
        adjustPoints(tx, { customerId: input.customerId, points: input.points, reason, actorUserId: ctx.user.id, requestId: input.requestId ?? randomUUID(), ip: ctx.ip }, (t, e) => audit(t, { ...e, data: e.data as never })),
      );
      return { entryId: r.entry.id, balances: r.balances, duplicate: r.duplicate };
    }),

  /** Admin: the program settings in force. */
  settings: staffProcedure("ADMIN").query(({ ctx }) => getSettings(ctx.db)),

  saveSettings: staffProcedure("ADMIN")
    .input(z.object({ settings: z.unknown() }))
    .mutation(async ({ ctx, input }) => {
      if (input.settings === undefined) throw new AppError("BAD_REQUEST", "Settings are required.", { form: "errors.invalid" });
      return saveSettings(ctx.db, ctx.user.id, input.settings, ctx.ip);
    }),

  /** Admin/marketing: the rewards catalog, including inactive rewards. */
  rewards: staffProcedure("MARKETER").query(({ ctx }) => ctx.db.reward.findMany({ orderBy: [{ active: "desc" }, { pointsCost: "asc" }] })),

  saveReward: staffProcedure("ADMIN")
    .input(z.object({ id: id.nullable().optional(), reward: z.unknown() }))
    .mutation(async ({ ctx, input }) => {
      if (input.reward === undefined) throw new AppError("BAD_REQUEST", "The reward is required.", { form: "errors.invalid" });
      return saveReward(ctx.db, ctx.user.id, input.id ?? null, input.reward);
    }),
});
