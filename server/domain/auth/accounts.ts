// Accounts: sign-up, sign-in (password and magic link), email verification and customer claim,
// password reset, sign-out, staff invitations. Pure business rules over Prisma; no HTTP here.
import type { Db, Tx } from "../../db/client.ts";
import type { AuthTokenPurpose, StaffRole } from "../../db/generated/enums.ts";
import { audit } from "../audit/audit.ts";
import { AppError } from "../errors.ts";
import { fromDbLocale, toDbLocale, type Locale } from "../locale.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { attachReferral } from "../loyalty/referrals.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.ts";
import { hit, peek, reset, tooMany } from "./rate-limit.ts";
import { createSession } from "./sessions.ts";
import { hashToken, newToken } from "./tokens.ts";

export interface AuthDeps {
  db: Db;
  appUrl: string;
  ip: string | null;
  userAgent: string | null;
  /** Called after a commit that enqueued mail, so it goes out at once. */
  mailQueued?: () => void;
}

export const TOKEN_TTL_MS: Record<AuthTokenPurpose, number> = {
  VERIFY_EMAIL: 48 * 3600_000,
  MAGIC_LINK: 15 * 60_000,
  PASSWORD_RESET: 60 * 60_000,
};
export const INVITE_TTL_DAYS = 7;

export const LIMITS = {
  signInPerIp: (ip: string) => ({ key: `signin:ip:${ip}`, max: 30, windowMs: 15 * 60_000 }),
  signInFailuresPerEmail: (email: string) => ({ key: `signin:email:${email}`, max: 5, windowMs: 15 * 60_000 }),
  signUpPerIp: (ip: string) => ({ key: `signup:ip:${ip}`, max: 10, windowMs: 60 * 60_000 }),
  emailLinksPerEmail: (email: string) => ({ key: `maillink:${email}`, max: 5, windowMs: 60 * 60_000 }),
};

async function issueToken(tx: Tx, userId: string, purpose: AuthTokenPurpose) {
  const token = newToken();
  // A new link replaces older unused ones of the same purpose.
  await tx.authToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: new Date() } });
  await tx.authToken.create({ data: { tokenHash: hashToken(token), userId, purpose, expiresAt: new Date(Date.now() + TOKEN_TTL_MS[purpose]) } });
  return token;
}

/** Consumes a single-use token; throws a clear error when it is unknown, used or expired. */
async function consumeToken(tx: Tx, token: string, purpose: AuthTokenPurpose) {
  const row = await tx.authToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.purpose !== purpose) throw new AppError("BAD_REQUEST", "This link is not valid.", { token: "errors.tokenInvalid" });
  if (row.usedAt) throw new AppError("BAD_REQUEST", "This link has already been used.", { token: "errors.tokenUsed" });
  if (row.expiresAt < new Date()) throw new AppError("BAD_REQUEST", "This link has expired.", { token: "errors.tokenExpired" });
  // Single use even under concurrency: only one request flips usedAt.
  const flipped = await tx.authToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (flipped.count !== 1) throw new AppError("BAD_REQUEST", "This link has already been used.", { token: "errors.tokenUsed" });
  return row;
}

/** Links the unclaimed customer with this email to the user (called once the email is verified). */
async function claimCustomer(tx: Tx, user: { id: string; email: string; name: string | null; locale: "en" | "zh_CN"; staffRole: StaffRole | null }) {
  if (user.staffRole) return null;
  const existing = await tx.customer.findUnique({ where: { email: user.email } });
  if (existing?.userId === user.id) return existing;
  if (existing && !existing.userId) {
    const claimed = await tx.customer.update({ where: { id: existing.id }, data: { userId: user.id, name: existing.name ?? user.name } });
    await recordTouchpoint(tx, { customerId: claimed.id, type: "account.claimed", channel: "web", actorUserId: user.id });
    return claimed;
  }
  if (!existing) {
    return tx.customer.create({ data: { email: user.email, name: user.name, locale: user.locale, userId: user.id } });
  }
  return null;
}

export async function signUp(deps: AuthDeps, input: { email: string; password: string; name: string; locale: Locale }) {
  const { db } = deps;
  const ipLimit = LIMITS.signUpPerIp(deps.ip ?? "unknown");
  const counted = await hit(db, ipLimit);
  if (counted.count > ipLimit.max) throw tooMany(counted.resetAt, "sign-ups from this network");
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    throw new AppError("CONFLICT", "An account with this email already exists.", { email: "errors.emailTaken" });
  }
  const passwordHash = await hashPassword(input.password);
  const result = await db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: input.email, passwordHash, name: input.name, locale: toDbLocale(input.locale) } });
    // A customer created earlier from an order is claimed only after the email is verified.
    const unclaimed = await tx.customer.findUnique({ where: { email: input.email } });
    const customer = unclaimed ? null : await tx.customer.create({ data: { email: input.email, name: input.name, locale: toDbLocale(input.locale), userId: user.id } });
    const customerId = customer?.id ?? unclaimed?.id ?? null;
    await recordTouchpoint(tx, { customerId, type: "account.signed_up", channel: "web", actorUserId: user.id, metadata: { pendingClaim: Boolean(unclaimed) } });
    const token = await issueToken(tx, user.id, "VERIFY_EMAIL");
    await enqueueMail(tx, { to: user.email, template: "verify-email", locale: input.locale, props: { name: input.name, url: `${deps.appUrl}/verify-email?token=${token}` }, customerId });
    const { token: sessionToken } = await createSession(tx, user.id, deps);
    return { userId: user.id, sessionToken };
  }).catch((e: unknown) => {
    if (e && typeof e === "object" && "code" in e && (e as { code: string }).code === "P2002") {
      throw new AppError("CONFLICT", "An account with this email already exists.", { email: "errors.emailTaken" });
    }
    throw e;
  });
  deps.mailQueued?.();
  return result;
}

export async function signIn(deps: AuthDeps, input: { email: string; password: string }) {
  const { db } = deps;
  const ipLimit = LIMITS.signInPerIp(deps.ip ?? "unknown");
  const emailLimit = LIMITS.signInFailuresPerEmail(input.email);
  const ipCount = await hit(db, ipLimit);
  if (ipCount.count > ipLimit.max) throw tooMany(ipCount.resetAt, "sign-in attempts");
  const failures = await peek(db, emailLimit);
  if (failures.count >= emailLimit.max) throw tooMany(failures.resetAt, "sign-in attempts");

  const user = await db.user.findUnique({ where: { email: input.email }, include: { customer: { select: { id: true } } } });
  const ok = user && !user.disabledAt ? await verifyPassword(user.passwordHash, input.password) : (await verifyPassword(await dummyHash(), input.password), false);
  if (!user || !ok) {
    const failed = await hit(db, emailLimit);
    const customerId = user?.customer?.id ?? (await db.customer.findUnique({ where: { email: input.email }, select: { id: true } }))?.id ?? null;
    await db.$transaction(async (tx) => {
      if (customerId) await recordTouchpoint(tx, { customerId, type: "auth.sign_in_failed", channel: "web", metadata: { ip: deps.ip } });
      if (user?.staffRole) await audit(tx, { actorId: null, action: "auth.sign_in_failed", targetType: "user", targetId: user.id, ip: deps.ip });
    });
    if (failed.count >= emailLimit.max) throw tooMany(failed.resetAt, "sign-in attempts");
    throw new AppError("UNAUTHORIZED", "Email or password is incorrect.", { password: "errors.badCredentials" });
  }
  await reset(db, emailLimit.key);
  return db.$transaction(async (tx) => {
    const { token } = await createSession(tx, user.id, deps);
    await recordTouchpoint(tx, { customerId: user.customer?.id ?? null, type: "auth.signed_in", channel: "web", actorUserId: user.id, metadata: { method: "password" } });
    if (user.staffRole) await audit(tx, { actorId: user.id, action: "auth.signed_in", targetType: "user", targetId: user.id, ip: deps.ip });
    return { userId: user.id, sessionToken: token, staffRole: user.staffRole };
  });
}

/** Sends a magic sign-in link if an account exists; the answer never reveals whether it does. */
export async function requestMagicLink(deps: AuthDeps, input: { email: string }) {
  await sendEmailLink(deps, input.email, "MAGIC_LINK");
}
export async function requestPasswordReset(deps: AuthDeps, input: { email: string }) {
  await sendEmailLink(deps, input.email, "PASSWORD_RESET");
}

async function sendEmailLink(deps: AuthDeps, email: string, purpose: "MAGIC_LINK" | "PASSWORD_RESET") {
  const { db } = deps;
  const limit = LIMITS.emailLinksPerEmail(email);
  const counted = await hit(db, limit);
  if (counted.count > limit.max) throw tooMany(counted.resetAt, "emails to this address");
  const user = await db.user.findUnique({ where: { email }, include: { customer: { select: { id: true } } } });
  if (!user || user.disabledAt) return;
  await db.$transaction(async (tx) => {
    const token = await issueToken(tx, user.id, purpose);
    const minutes = TOKEN_TTL_MS[purpose] / 60_000;
    const locale = fromDbLocale(user.locale);
    if (purpose === "MAGIC_LINK") {
      await enqueueMail(tx, { to: email, template: "magic-link", locale, props: { url: `${deps.appUrl}/magic?token=${token}`, expiresInMinutes: minutes }, customerId: user.customer?.id });
    } else {
      await enqueueMail(tx, { to: email, template: "password-reset", locale, props: { url: `${deps.appUrl}/reset-password?token=${token}`, expiresInMinutes: minutes }, customerId: user.customer?.id });
    }
    await recordTouchpoint(tx, { customerId: user.customer?.id ?? null, type: purpose === "MAGIC_LINK" ? "auth.magic_link_sent" : "auth.password_reset_requested", channel: "email", actorUserId: user.id });
  });
  deps.mailQueued?.();
}

export async function signInWithMagicLink(deps: AuthDeps, input: { token: string }) {
  return deps.db.$transaction(async (tx) => {
    const row = await consumeToken(tx, input.token, "MAGIC_LINK");
    let user = await tx.user.findUniqueOrThrow({ where: { id: row.userId } });
    if (user.disabledAt) throw new AppError("FORBIDDEN", "This account is disabled.", { token: "errors.accountDisabled" });
    // Following the link proves the address, so it also verifies the email (and claims the customer).
    if (!user.emailVerifiedAt) user = await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    const customer = await claimCustomer(tx, user);
    const { token } = await createSession(tx, user.id, deps);
    await recordTouchpoint(tx, { customerId: customer?.id ?? null, type: "auth.signed_in", channel: "email", actorUserId: user.id, metadata: { method: "magic_link" } });
    if (user.staffRole) await audit(tx, { actorId: user.id, action: "auth.signed_in", targetType: "user", targetId: user.id, ip: deps.ip, data: { method: "magic_link" } });
    return { userId: user.id, sessionToken: token, staffRole: user.staffRole };
  });
}

/**
 * Confirms the email (and claims the customer record with that address). With `referralCode` —
 * the code a referral link (/rewards/join?ref=…) left in this browser — the customer is then
 * attached to the referrer, in its own transaction: a code that does not apply (own code, already
 * referred, not a new customer…) never undoes the confirmation; `referral` says what happened.
 */
export async function verifyEmail(deps: AuthDeps, input: { token: string; referralCode?: string }) {
  const verified = await deps.db.$transaction(async (tx) => {
    const row = await consumeToken(tx, input.token, "VERIFY_EMAIL");
    const user = await tx.user.update({ where: { id: row.userId }, data: { emailVerifiedAt: new Date() }, include: { customer: { select: { id: true } } } });
    const customer = (await claimCustomer(tx, user)) ?? user.customer;
    await recordTouchpoint(tx, { customerId: customer?.id ?? null, type: "account.email_verified", channel: "email", actorUserId: user.id });
    return { userId: user.id, customerId: customer?.id ?? null };
  });
  const code = input.referralCode?.trim();
  if (!code || !verified.customerId) return { userId: verified.userId, referral: null };
  try {
    await attachReferral(deps.db, verified.customerId, code);
    return { userId: verified.userId, referral: { applied: true as const, code } };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const reason = e.fieldErrors?.code;
    return { userId: verified.userId, referral: { applied: false as const, code, reason: typeof reason === "string" ? reason : "rewards.errReferralCode" } };
  }
}

export async function resendVerification(deps: AuthDeps, userId: string) {
  const user = await deps.db.user.findUniqueOrThrow({ where: { id: userId } });
  if (user.emailVerifiedAt) return { alreadyVerified: true };
  const limit = LIMITS.emailLinksPerEmail(user.email);
  const counted = await hit(deps.db, limit);
  if (counted.count > limit.max) throw tooMany(counted.resetAt, "emails to this address");
  await deps.db.$transaction(async (tx) => {
    const token = await issueToken(tx, user.id, "VERIFY_EMAIL");
    await enqueueMail(tx, { to: user.email, template: "verify-email", locale: fromDbLocale(user.locale), props: { name: user.name, url: `${deps.appUrl}/verify-email?token=${token}` } });
  });
  deps.mailQueued?.();
  return { alreadyVerified: false };
}

export async function resetPassword(deps: AuthDeps, input: { token: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  return deps.db.$transaction(async (tx) => {
    const row = await consumeToken(tx, input.token, "PASSWORD_RESET");
    const user = await tx.user.update({ where: { id: row.userId }, data: { passwordHash, emailVerifiedAt: new Date() }, include: { customer: { select: { id: true } } } });
    // A reset signs out every existing session (someone else may have had the password).
    await tx.session.deleteMany({ where: { userId: user.id } });
    const customer = await claimCustomer(tx, user);
    await recordTouchpoint(tx, { customerId: customer?.id ?? user.customer?.id ?? null, type: "auth.password_reset", channel: "web", actorUserId: user.id });
    if (user.staffRole) await audit(tx, { actorId: user.id, action: "auth.password_reset", targetType: "user", targetId: user.id, ip: deps.ip });
    const { token } = await createSession(tx, user.id, deps);
    return { userId: user.id, sessionToken: token };
  });
}

export async function signOut(db: Db, session: { id: string; userId: string; customerId: string | null }) {
  await db.$transaction(async (tx) => {
    await tx.session.deleteMany({ where: { id: session.id } });
    await recordTouchpoint(tx, { customerId: session.customerId, type: "auth.signed_out", channel: "web", actorUserId: session.userId });
  });
}

export async function inviteStaff(deps: AuthDeps, actor: { id: string; name: string | null; locale: Locale }, input: { email: string; role: StaffRole }) {
  const existing = await deps.db.user.findUnique({ where: { email: input.email } });
  if (existing) throw new AppError("CONFLICT", "A user with this email already exists.", { email: "errors.emailTaken" });
  const token = newToken();
  const invite = await deps.db.$transaction(async (tx) => {
    const inv = await tx.staffInvite.create({
      data: { email: input.email, role: input.role, tokenHash: hashToken(token), invitedById: actor.id, expiresAt: new Date(Date.now() + INVITE_TTL_DAYS * 86400_000) },
    });
    await audit(tx, { actorId: actor.id, action: "staff.invited", targetType: "staffInvite", targetId: inv.id, data: { email: input.email, role: input.role }, ip: deps.ip });
    await enqueueMail(tx, {
      to: input.email,
      template: "staff-invite",
      locale: actor.locale,
      props: { inviterName: actor.name ?? "Rapport", role: input.role, url: `${deps.appUrl}/invite?token=${token}`, expiresInDays: INVITE_TTL_DAYS },
    });
    return inv;
  });
  deps.mailQueued?.();
  return { id: invite.id, email: invite.email, role: invite.role, expiresAt: invite.expiresAt };
}

export async function acceptInvite(deps: AuthDeps, input: { token: string; name: string; password: string }) {
  const invite = await deps.db.staffInvite.findUnique({ where: { tokenHash: hashToken(input.token) } });
  if (!invite) throw new AppError("BAD_REQUEST", "This invitation is not valid.", { token: "errors.tokenInvalid" });
  if (invite.acceptedAt) throw new AppError("BAD_REQUEST", "This invitation has already been used.", { token: "errors.tokenUsed" });
  if (invite.expiresAt < new Date()) throw new AppError("BAD_REQUEST", "This invitation has expired.", { token: "errors.tokenExpired" });
  const passwordHash = await hashPassword(input.password);
  return deps.db.$transaction(async (tx) => {
    const flipped = await tx.staffInvite.updateMany({ where: { id: invite.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
    if (flipped.count !== 1) throw new AppError("BAD_REQUEST", "This invitation has already been used.", { token: "errors.tokenUsed" });
    if (await tx.user.findUnique({ where: { email: invite.email } })) throw new AppError("CONFLICT", "A user with this email already exists.", { token: "errors.emailTaken" });
    const user = await tx.user.create({ data: { email: invite.email, name: input.name, passwordHash, staffRole: invite.role, emailVerifiedAt: new Date() } });
    await audit(tx, { actorId: user.id, action: "staff.invite_accepted", targetType: "user", targetId: user.id, data: { role: invite.role, inviteId: invite.id }, ip: deps.ip });
    const { token } = await createSession(tx, user.id, deps);
    return { userId: user.id, sessionToken: token, staffRole: user.staffRole };
  });
}

/** For `npm run user:create-admin`: creates (or promotes) an admin with a verified email. */
export async function createAdmin(db: Db, input: { email: string; password: string; name: string | null }) {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: input.email }, include: { customer: true } });
    if (existing?.customer) throw new AppError("CONFLICT", `${input.email} is a customer login; use another email for staff.`);
    const user = existing
      ? await tx.user.update({ where: { id: existing.id }, data: { staffRole: "ADMIN", passwordHash, emailVerifiedAt: existing.emailVerifiedAt ?? new Date(), disabledAt: null } })
      : await tx.user.create({ data: { email: input.email, name: input.name, passwordHash, staffRole: "ADMIN", emailVerifiedAt: new Date() } });
    await audit(tx, { actorId: null, action: existing ? "staff.promoted_to_admin_cli" : "staff.created_admin_cli", targetType: "user", targetId: user.id });
    return { id: user.id, created: !existing };
  });
}
