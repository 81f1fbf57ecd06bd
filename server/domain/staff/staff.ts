// Staff administration: list, change role, disable/enable. Every change is audited.
import type { Db } from "../../db/client.ts";
import type { StaffRole } from "../../db/generated/enums.ts";
import { audit } from "../audit/audit.ts";
import { AppError } from "../errors.ts";

export async function listStaff(db: Db) {
  const [users, invites] = await Promise.all([
    db.user.findMany({ where: { staffRole: { not: null } }, orderBy: { createdAt: "asc" }, select: { id: true, email: true, name: true, staffRole: true, disabledAt: true, createdAt: true, available: true } }),
    db.staffInvite.findMany({ where: { acceptedAt: null, expiresAt: { gt: new Date() } }, orderBy: { createdAt: "desc" }, select: { id: true, email: true, role: true, expiresAt: true, createdAt: true } }),
  ]);
  return { users, invites };
}

async function activeAdmins(db: Db) {
  return db.user.count({ where: { staffRole: "ADMIN", disabledAt: null } });
}

export async function setStaffRole(db: Db, actor: { id: string; ip: string | null }, input: { userId: string; role: StaffRole }) {
  const target = await db.user.findUnique({ where: { id: input.userId } });
  if (!target?.staffRole) throw new AppError("NOT_FOUND", "No such staff member.");
  if (target.staffRole === "ADMIN" && input.role !== "ADMIN" && (await activeAdmins(db)) <= 1) {
    throw new AppError("PRECONDITION_FAILED", "Rapport needs at least one active admin.", { role: "errors.lastAdmin" });
  }
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: target.id }, data: { staffRole: input.role } });
    await audit(tx, { actorId: actor.id, action: "staff.role_changed", targetType: "user", targetId: target.id, data: { from: target.staffRole, to: input.role }, ip: actor.ip });
  });
  return { ok: true as const };
}

export async function setStaffDisabled(db: Db, actor: { id: string; ip: string | null }, input: { userId: string; disabled: boolean }) {
  const target = await db.user.findUnique({ where: { id: input.userId } });
  if (!target?.staffRole) throw new AppError("NOT_FOUND", "No such staff member.");
  if (input.disabled && target.id === actor.id) throw new AppError("PRECONDITION_FAILED", "You cannot disable your own account.", { userId: "errors.disableSelf" });
  if (input.disabled && target.staffRole === "ADMIN" && !target.disabledAt && (await activeAdmins(db)) <= 1) {
    throw new AppError("PRECONDITION_FAILED", "Rapport needs at least one active admin.", { userId: "errors.lastAdmin" });
  }
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: target.id }, data: { disabledAt: input.disabled ? new Date() : null } });
    // Disabling signs the person out everywhere at once.
    if (input.disabled) await tx.session.deleteMany({ where: { userId: target.id } });
    await audit(tx, { actorId: actor.id, action: input.disabled ? "staff.disabled" : "staff.enabled", targetType: "user", targetId: target.id, ip: actor.ip });
  });
  return { ok: true as const };
}

export async function revokeInvite(db: Db, actor: { id: string; ip: string | null }, inviteId: string) {
  const inv = await db.staffInvite.findUnique({ where: { id: inviteId } });
  if (!inv || inv.acceptedAt || inv.expiresAt <= new Date()) throw new AppError("NOT_FOUND", "No such invitation (it may have been used, revoked or expired).");
  await db.$transaction(async (tx) => {
    await tx.staffInvite.update({ where: { id: inv.id }, data: { expiresAt: new Date() } });
    await audit(tx, { actorId: actor.id, action: "staff.invite_revoked", targetType: "staffInvite", targetId: inv.id, data: { email: inv.email }, ip: actor.ip });
  });
  return { ok: true as const };
}
