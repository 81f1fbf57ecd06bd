import { z } from "zod";
import { inviteStaff } from "../../domain/auth/accounts.ts";
import { inviteInput, staffRoleSchema } from "../../domain/auth/schemas.ts";
import { listStaff, revokeInvite, setStaffDisabled, setStaffRole } from "../../domain/staff/staff.ts";
import { router } from "../init.ts";
import { staffProcedure } from "../procedures.ts";
import { authDeps } from "./auth.ts";
import { createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from "../../domain/apikeys/apikeys.ts";

const admin = staffProcedure("ADMIN");
const id = z.string().min(1).max(100);

export const adminRouter = router({
  staff: admin.query(({ ctx }) => listStaff(ctx.db)),

  invite: admin.input(inviteInput).mutation(({ ctx, input }) => inviteStaff(authDeps(ctx), { id: ctx.user.id, name: ctx.user.name, locale: ctx.user.locale }, input)),

  revokeInvite: admin.input(z.object({ inviteId: id })).mutation(({ ctx, input }) => revokeInvite(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input.inviteId)),

  setRole: admin.input(z.object({ userId: id, role: staffRoleSchema })).mutation(({ ctx, input }) => setStaffRole(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input)),

  setDisabled: admin.input(z.object({ userId: id, disabled: z.boolean() })).mutation(({ ctx, input }) => setStaffDisabled(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input)),

  auditLog: admin
    .input(z.object({ action: z.string().max(100).optional(), cursor: z.string().regex(/^\d+$/).optional(), take: z.number().int().min(1).max(200).default(50) }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.auditLog.findMany({
        where: { ...(input.action ? { action: { startsWith: input.action } } : {}), ...(input.cursor ? { id: { lt: BigInt(input.cursor) } } : {}) },
        orderBy: { id: "desc" },
        take: input.take + 1,
        include: { actor: { select: { email: true, name: true } } },
      });
      const page = rows.slice(0, input.take);
      return {
        items: page.map((r) => ({ id: r.id.toString(), action: r.action, actor: r.actor, targetType: r.targetType, targetId: r.targetId, data: r.data, ip: r.ip, createdAt: r.createdAt })),
        nextCursor: rows.length > input.take ? page[page.length - 1]!.id.toString() : null,
      };
    }),

  mailbox: admin.input(z.object({ to: z.string().max(254).optional(), take: z.number().int().min(1).max(200).default(50) })).query(async ({ ctx, input }) => {
    const rows = await ctx.db.capturedMail.findMany({
      where: input.to ? { to: { contains: input.to, mode: "insensitive" } } : {},
      orderBy: { receivedAt: "desc" },
      take: input.take,
      select: { id: true, from: true, to: true, subject: true, receivedAt: true },
    });
    return { items: rows, capturing: !ctx.env.SMTP_URL };
  }),

  mail: admin.input(z.object({ id })).query(async ({ ctx, input }) => {
    const m = await ctx.db.capturedMail.findUnique({ where: { id: input.id } });
    return m;
  }),

  outbox: admin.query(async ({ ctx }) => {
    const [counts, failed] = await Promise.all([
      ctx.db.mailOutbox.groupBy({ by: ["status"], _count: true }),
      ctx.db.mailOutbox.findMany({ where: { status: { in: ["FAILED", "PENDING"] }, attempts: { gt: 0 } }, orderBy: { createdAt: "desc" }, take: 20, select: { id: true, to: true, template: true, status: true, attempts: true, lastError: true, nextAttemptAt: true } }),
    ]);
    return { counts: Object.fromEntries(counts.map((c) => [c.status, c._count])), problems: failed };
  }),

  // Fulfilment API keys (server/domain/apikeys): the secret is returned once, by createApiKey.
  apiKeys: admin.query(({ ctx }) => listApiKeys(ctx.db)),

  createApiKey: admin.input(createApiKeyInput).mutation(({ ctx, input }) => createApiKey(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input)),

  revokeApiKey: admin.input(z.object({ id })).mutation(({ ctx, input }) => revokeApiKey(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input.id)),
});
