import { z } from "zod";
import * as accounts from "../../domain/auth/accounts.ts";
import { acceptInviteInput, emailOnlyInput, resetPasswordInput, signInInput, signUpInput, tokenInput, verifyEmailInput } from "../../domain/auth/schemas.ts";
import { clearSessionCookie, sessionCookie } from "../../domain/auth/sessions.ts";
import { hashToken } from "../../domain/auth/tokens.ts";
import type { Context } from "../context.ts";
import { router } from "../init.ts";
import { authedProcedure, publicProcedure } from "../procedures.ts";

export function authDeps(ctx: Context): accounts.AuthDeps {
  return { db: ctx.db, appUrl: ctx.env.APP_URL, ip: ctx.ip, userAgent: ctx.userAgent, mailQueued: ctx.mailQueued };
}
const secure = (ctx: Context) => ctx.env.APP_URL.startsWith("https:");
function setSession(ctx: Context, token: string) {
  ctx.setCookie(sessionCookie(token, { secure: secure(ctx) }));
}

export const authRouter = router({
  /** The signed-in user, or null. */
  session: publicProcedure.query(({ ctx }) => (ctx.session ? ctx.session.user : null)),

  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const r = await accounts.signUp(authDeps(ctx), input);
    setSession(ctx, r.sessionToken);
    return { userId: r.userId };
  }),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const r = await accounts.signIn(authDeps(ctx), input);
    setSession(ctx, r.sessionToken);
    return { userId: r.userId, staffRole: r.staffRole };
  }),

  requestMagicLink: publicProcedure.input(emailOnlyInput).mutation(async ({ ctx, input }) => {
    await accounts.requestMagicLink(authDeps(ctx), input);
    return { sent: true as const };
  }),

  signInWithMagicLink: publicProcedure.input(tokenInput).mutation(async ({ ctx, input }) => {
    const r = await accounts.signInWithMagicLink(authDeps(ctx), input);
    setSession(ctx, r.sessionToken);
    return { userId: r.userId, staffRole: r.staffRole };
  }),

  verifyEmail: publicProcedure.input(verifyEmailInput).mutation(({ ctx, input }) => accounts.verifyEmail(authDeps(ctx), input)),

  resendVerification: authedProcedure.mutation(({ ctx }) => accounts.resendVerification(authDeps(ctx), ctx.user.id)),

  requestPasswordReset: publicProcedure.input(emailOnlyInput).mutation(async ({ ctx, input }) => {
    await accounts.requestPasswordReset(authDeps(ctx), input);
    return { sent: true as const };
  }),

  resetPassword: publicProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
    const r = await accounts.resetPassword(authDeps(ctx), input);
    setSession(ctx, r.sessionToken);
    return { userId: r.userId };
  }),

  /** What an invitation is for (shown on the accept page); null when unusable. */
  invitation: publicProcedure.input(z.object({ token: z.string().max(200) })).query(async ({ ctx, input }) => {
    const inv = await ctx.db.staffInvite.findUnique({ where: { tokenHash: hashToken(input.token) } });
    if (!inv || inv.acceptedAt || inv.expiresAt < new Date()) return null;
    return { email: inv.email, role: inv.role, expiresAt: inv.expiresAt };
  }),

  acceptInvite: publicProcedure.input(acceptInviteInput).mutation(async ({ ctx, input }) => {
    const r = await accounts.acceptInvite(authDeps(ctx), input);
    setSession(ctx, r.sessionToken);
    return { userId: r.userId, staffRole: r.staffRole };
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    await accounts.signOut(ctx.db, { id: ctx.session.id, userId: ctx.user.id, customerId: ctx.user.customerId });
    ctx.setCookie(clearSessionCookie({ secure: secure(ctx) }));
    return { signedOut: true as const };
  }),
});
