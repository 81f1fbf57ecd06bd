// Database-backed sessions. The cookie holds a random token; the database holds its SHA-256.
import { Prisma } from "../../db/generated/client.ts";
import { sqlRows } from "../../db/sql.ts";
import type { Db, Tx } from "../../db/client.ts";
import type { Locale as DbLocale, StaffRole } from "../../db/generated/enums.ts";
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

interface SessionRow {
  id: string;
  expiresAtMs: number;
  lastSeenAtMs: number;
  userId: string;
  email: string;
  name: string | null;
  locale: string;
  timeZone: string;
  staffRole: string | null;
  emailVerified: boolean;
  disabled: boolean;
  customerId: string | null;
}

/**
 * The session for a cookie token, checked against the database on every request (so a signed-out,
 * expired or revoked session, or a disabled user, stops working at once). One SQL statement joins
 * session, user and customer: it runs on every page and API call, and the equivalent Prisma
 * `findUnique` with a nested `include` costs three round trips plus query compilation (issue #14).
 * Timestamps come back as epoch milliseconds (the columns hold UTC, as Prisma writes them).
 */
export async function resolveSession(db: Db, token: string | undefined | null): Promise<ActiveSession | null> {
  if (!token || token.length > 200) return null;
  const rows = await sqlRows<SessionRow[]>(db, Prisma.sql`
    SELECT s.id,
           (extract(epoch FROM s."expiresAt") * 1000)::float8 AS "expiresAtMs",
           (extract(epoch FROM s."lastSeenAt") * 1000)::float8 AS "lastSeenAtMs",
           u.id AS "userId", u.email, u.name, u.locale::text AS locale, u."timeZone",
           u."staffRole"::text AS "staffRole", (u."emailVerifiedAt" IS NOT NULL) AS "emailVerified",
           (u."disabledAt" IS NOT NULL) AS disabled, c.id AS "customerId"
    FROM "Session" s
    JOIN "User" u ON u.id = s."userId"
    LEFT JOIN "Customer" c ON c."userId" = u.id
    WHERE s."tokenHash" = ${hashToken(token)}
    LIMIT 1`);
  const row = rows[0];
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAtMs < now || row.disabled) {
    await db.session.deleteMany({ where: { id: row.id } });
    return null;
  }
  if (now - row.lastSeenAtMs > TOUCH_EVERY_MS) {
    await db.session.update({ where: { id: row.id }, data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + SESSION_TTL_MS) } });
  }
  const staffRole = row.staffRole as StaffRole | null;
  return {
    id: row.id,
    user: {
      id: row.userId,
      email: row.email,
      name: row.name,
      locale: fromDbLocale(row.locale as DbLocale),
      timeZone: row.timeZone,
      staffRole,
      emailVerified: row.emailVerified,
      customerId: staffRole ? null : row.customerId,
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
