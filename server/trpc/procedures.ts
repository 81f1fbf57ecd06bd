// The only procedure builders routers may use. Each sets the policy meta the access test reads.
import { TRPCError } from "@trpc/server";
import { AppError } from "../domain/errors.ts";
import { baseProcedure, type StaffRoleName } from "./init.ts";

export const publicProcedure = baseProcedure.meta({ policy: { kind: "public" } });

/** Any signed-in user, customer or staff. */
export const authedProcedure = baseProcedure.meta({ policy: { kind: "authenticated" } }).use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
  return next({ ctx: { session: ctx.session, user: ctx.session.user } });
});

/** A signed-in customer whose login owns a customer record. */
export const customerProcedure = baseProcedure.meta({ policy: { kind: "customer" } }).use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
  const user = ctx.session.user;
  if (user.staffRole) throw new TRPCError({ code: "FORBIDDEN", message: "This is for customer accounts." });
  if (!user.customerId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Confirm your email address to see your account.", cause: new AppError("FORBIDDEN", "Confirm your email address to see your account.", { form: "errors.verifyToContinue" }) });
  }
  return next({ ctx: { session: ctx.session, user, customerId: user.customerId } });
});

/** Staff with one of `roles` (ADMIN is always allowed); no roles = any staff member. */
export function staffProcedure(...roles: StaffRoleName[]) {
  const allowed: StaffRoleName[] = roles.length ? Array.from(new Set<StaffRoleName>([...roles, "ADMIN"])) : ["AGENT", "MARKETER", "ADMIN"];
  return baseProcedure.meta({ policy: { kind: "staff", roles: allowed } }).use(({ ctx, next }) => {
    if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
    const role = ctx.session.user.staffRole;
    if (!role || !allowed.includes(role)) throw new TRPCError({ code: "FORBIDDEN", message: "Your role does not allow this." });
    return next({ ctx: { session: ctx.session, user: ctx.session.user, staffRole: role } });
  });
}
