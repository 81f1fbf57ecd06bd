import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { getProfile, updateConsent, updateProfile } from "../../domain/account/profile.ts";
import { consentInput, profileInput } from "../../domain/auth/schemas.ts";
import { recordTouchpoint } from "../../domain/touchpoints/record.ts";
import { router } from "../init.ts";
import { authedProcedure, customerProcedure } from "../procedures.ts";

export const accountRouter = router({
  profile: authedProcedure.query(({ ctx }) => getProfile(ctx.db, ctx.user.id)),

  updateProfile: authedProcedure.input(profileInput).mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.user, input)),

  updateConsent: customerProcedure.input(consentInput).mutation(({ ctx, input }) => updateConsent(ctx.db, { id: ctx.user.id, customerId: ctx.customerId }, input)),

  sessions: authedProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db.session.findMany({ where: { userId: ctx.user.id, expiresAt: { gt: new Date() } }, orderBy: { lastSeenAt: "desc" } });
    return rows.map((s) => ({ id: s.id, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, userAgent: s.userAgent, ip: s.ip, current: s.id === ctx.session.id }));
  }),

  revokeSession: authedProcedure
    .meta({ resource: { kind: "session", field: "id" } })
    .input(z.object({ id: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const done = await ctx.db.$transaction(async (tx) => {
        const deleted = await tx.session.deleteMany({ where: { id: input.id, userId: ctx.user.id } });
        if (deleted.count && ctx.user.customerId) await recordTouchpoint(tx, { customerId: ctx.user.customerId, type: "auth.session_revoked", channel: "web", actorUserId: ctx.user.id });
        return deleted.count;
      });
      if (!done) throw new TRPCError({ code: "NOT_FOUND", message: "No such session." });
      return { revoked: true as const };
    }),
});
