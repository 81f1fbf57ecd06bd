import { toDbLocale } from "../../domain/locale.ts";
import { localeSchema } from "../../domain/auth/schemas.ts";
import { recordTouchpoint } from "../../domain/touchpoints/record.ts";
import { z } from "zod";
import { LOCALE_COOKIE } from "../context.ts";
import { router } from "../init.ts";
import { customerProcedure, publicProcedure } from "../procedures.ts";

export const portalRouter = router({
  /** Language switch: saved on the user when signed in, in a cookie for guests (and both). */
  setLocale: publicProcedure.input(z.object({ locale: localeSchema })).mutation(async ({ ctx, input }) => {
    ctx.setCookie(`${LOCALE_COOKIE}=${input.locale}; Path=/; SameSite=Lax; Max-Age=${365 * 86400}`);
    const user = ctx.session?.user;
    if (user && user.locale !== input.locale) {
      await ctx.db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { locale: toDbLocale(input.locale) } });
        if (user.customerId) {
          await tx.customer.update({ where: { id: user.customerId }, data: { locale: toDbLocale(input.locale) } });
          await recordTouchpoint(tx, { customerId: user.customerId, type: "profile.updated", channel: "web", actorUserId: user.id, metadata: { fields: ["locale"], locale: input.locale } });
        }
      });
    }
    return { locale: input.locale };
  }),

  /** The customer's home page: real counts from their own records. */
  summary: customerProcedure.query(async ({ ctx }) => {
    const [customer, orders, openTickets, lastOrder] = await Promise.all([
      ctx.db.customer.findUniqueOrThrow({ where: { id: ctx.customerId }, select: { name: true, tier: true, pointsAvailable: true, pointsPending: true } }),
      ctx.db.order.count({ where: { customerId: ctx.customerId } }),
      ctx.db.ticket.count({ where: { customerId: ctx.customerId, status: { in: ["NEW", "OPEN", "PENDING"] } } }),
      ctx.db.order.findFirst({ where: { customerId: ctx.customerId }, orderBy: { placedAt: "desc" }, select: { number: true, status: true, placedAt: true, totalMinor: true, currency: true } }),
    ]);
    return { ...customer, orders, openTickets, lastOrder };
  }),
});
