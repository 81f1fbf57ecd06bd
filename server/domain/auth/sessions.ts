// Database-backed sessions. The cookie holds a random token; the database holds its SHA-256.
import type { Db, Tx } from "../../db/client.ts";
import type { StaffRole } from "../../db/generated/enums.ts";
import { fromDbLocale, type Locale } from "../locale.ts";
import { hashToken, newToken } from "./tokens.ts";

export const SESSION_COOKIE = "rapport_session";
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  locale: Locale;
  timeZone: string;
  staffRole: StaffRole | null;
  emailVerified: boolean;
  /** The customer this login owns (null for staff, and for a customer login whose claim awaits email verification). */
  customerId: string | null;
}

export interface ActiveSession {
  id: string;
  user: SessionUser;
}

export async function createSession(tx: Tx, userId: string, meta: { ip?: string | null; userAgent?: string | null }) {
  const token = newToken();
  const session = await tx.session.create({
    data: { tokenHash: hashToken(token), userId, expiresAt: new Date(Date.now() + SESSION_TTL_MS), ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 300) ?? null },
  });
  return { token, session };
}

export async function resolveSession(db: Db, token: string | undefined | null): Promise<ActiveSession | null> {
  if (!token || token.length > 200) return null;
  const session = await db.session.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { include: { customer: { select: { id: true } } } } },
  });
  if (!session) return null;
  if (session.expiresAt < new Date() || session.user.disabledAt) {
    await db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (Date.now() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + SESSION_TTL_MS) } });
  }
  const u = session.user;
  return {
    id: session.id,
    user: {
      id: u.id,
      email: u.email,
      name: u.name,
      locale: fromDbLocale(u.locale),
      timeZone: u.timeZone,
      staffRole: u.staffRole,
      emailVerified: Boolean(u.emailVerifiedAt),
      customerId: u.staffRole ? null : (u.customer?.id ?? null),
    },
  };
}

export function sessionCookie(token: string, opts: { secure: boolean; maxAgeMs?: number }) {
  const maxAge = Math.floor((opts.maxAgeMs ?? SESSION_TTL_MS) / 1000);
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${opts.secure ? "; Secure" : ""}`;
}
export function clearSessionCookie(opts: { secure: boolean }) {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${opts.secure ? "; Secure" : ""}`;
}
