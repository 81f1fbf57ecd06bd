// Self-service erasure requests. A signed-in customer asks on /account; a single-use link (random
// token, only its SHA-256 stored, like the sign-in and verification links) is mailed to their
// address; following it shows a page whose one button POSTs the token (README Decisions 5), which
// confirms the request. Confirmed requests wait for staff, who erase with eraseCustomer (erase.ts),
// which marks them done in the same transaction.
import type { Db } from "../../db/client.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { LIMITS } from "../auth/accounts.ts";
import { hit, tooMany } from "../auth/rate-limit.ts";
import { hashToken, newToken } from "../auth/tokens.ts";
import { AppError } from "../errors.ts";
import { fromDbLocale } from "../locale.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";

/** How long the confirmation link in the email stays valid. */
export const ERASURE_LINK_TTL_MS = 24 * 3600_000;

export interface RequestDeps {
  db: Db;
  appUrl: string;
  /** Called after a commit that enqueued mail, so it goes out at once. */
  mailQueued?: () => void;
}

const ALREADY_PENDING = () => new AppError("CONFLICT", "Your erasure request is already confirmed and waiting for our team.", { form: "account.erasureErrPending" });

/** Mails the customer a link to confirm that they want their personal data erased. */
export async function requestErasure(deps: RequestDeps, who: { customerId: string; userId: string }) {
  const { db } = deps;
  const c = await db.customer.findUnique({ where: { id: who.customerId }, select: { id: true, email: true, locale: true, anonymizedAt: true, userId: true } });
  if (!c || c.userId !== who.userId) throw new AppError("NOT_FOUND", "No such customer.");
  if (c.anonymizedAt) throw new AppError("CONFLICT", "Your personal data has already been erased.", { form: "account.erasureErrErased" });
  if (await db.erasureRequest.findFirst({ where: { customerId: c.id, confirmedAt: { not: null }, completedAt: null }, select: { id: true } })) throw ALREADY_PENDING();
  // The same per-address budget as sign-in and reset links: nobody can flood a mailbox.
  const limit = LIMITS.emailLinksPerEmail(c.email.toLowerCase());
  const counted = await hit(db, limit);
  if (counted.count > limit.max) throw tooMany(counted.resetAt, "emails to this address");

  const token = newToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ERASURE_LINK_TTL_MS);
  await db.$transaction(async (tx) => {
    // A new link replaces older unconfirmed ones.
    await tx.erasureRequest.updateMany({ where: { customerId: c.id, confirmedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
    await tx.erasureRequest.create({ data: { customerId: c.id, tokenHash: hashToken(token), expiresAt } });
    await enqueueMail(tx, {
      to: c.email,
      template: "privacy-erasure-confirm",
      locale: fromDbLocale(c.locale),
      props: { url: `${deps.appUrl}/account/erasure?token=${encodeURIComponent(token)}`, expiresInHours: ERASURE_LINK_TTL_MS / 3600_000 },
      customerId: c.id,
    });
    await recordTouchpoint(tx, { customerId: c.id, type: "privacy.erasure_requested", channel: "web", actorUserId: who.userId });
  });
  deps.mailQueued?.();
  return { sentTo: c.email, expiresAt };
}

/** Confirms the request whose link was followed; only the customer it was sent to can confirm it. */
export async function confirmErasure(db: Db, who: { customerId: string; userId: string }, input: { token: string }) {
  const token = input.token.trim();
  return db.$transaction(async (tx) => {
    const row = token ? await tx.erasureRequest.findUnique({ where: { tokenHash: hashToken(token) } }) : null;
    if (!row || row.customerId !== who.customerId) throw new AppError("BAD_REQUEST", "This link is not valid.", { token: "errors.tokenInvalid" });
    if (row.confirmedAt) throw new AppError("BAD_REQUEST", "This link has already been used.", { token: "errors.tokenUsed" });
    if (row.expiresAt < new Date()) throw new AppError("BAD_REQUEST", "This link has expired.", { token: "errors.tokenExpired" });
    const customer = await tx.customer.findUnique({ where: { id: row.customerId }, select: { anonymizedAt: true } });
    if (customer?.anonymizedAt) throw new AppError("CONFLICT", "Your personal data has already been erased.", { form: "account.erasureErrErased" });
    const now = new Date();
    // Single use even under concurrency: only one request flips confirmedAt.
    const flipped = await tx.erasureRequest.updateMany({ where: { id: row.id, confirmedAt: null }, data: { confirmedAt: now } });
    if (flipped.count !== 1) throw new AppError("BAD_REQUEST", "This link has already been used.", { token: "errors.tokenUsed" });
    await recordTouchpoint(tx, { customerId: row.customerId, type: "privacy.erasure_confirmed", channel: "email", actorUserId: who.userId, occurredAt: now });
    return { requestId: row.id, confirmedAt: now };
  });
}

/** The customer's own view: a confirmed request waiting for staff, or a link sent and not yet followed. */
export async function myErasureRequest(db: Db, customerId: string) {
  const [pending, awaiting] = await Promise.all([
    db.erasureRequest.findFirst({ where: { customerId, confirmedAt: { not: null }, completedAt: null }, orderBy: { confirmedAt: "desc" }, select: { confirmedAt: true } }),
    db.erasureRequest.findFirst({ where: { customerId, confirmedAt: null, expiresAt: { gt: new Date() } }, orderBy: { createdAt: "desc" }, select: { createdAt: true, expiresAt: true } }),
  ]);
  return { pendingSince: pending?.confirmedAt ?? null, linkSentAt: pending ? null : (awaiting?.createdAt ?? null), linkExpiresAt: pending ? null : (awaiting?.expiresAt ?? null) };
}

/** The customer's confirmed, not yet processed request (for the staff customer page). */
export async function pendingErasureRequest(db: Db, customerId: string) {
  return db.erasureRequest.findFirst({ where: { customerId, confirmedAt: { not: null }, completedAt: null }, orderBy: { confirmedAt: "asc" }, select: { id: true, confirmedAt: true } });
}

/** Every confirmed request waiting for staff, oldest first (the staff work list). */
export async function listPendingErasureRequests(db: Db) {
  const rows = await db.erasureRequest.findMany({
    where: { confirmedAt: { not: null }, completedAt: null },
    orderBy: { confirmedAt: "asc" },
    take: 500,
    select: { id: true, confirmedAt: true, createdAt: true, customer: { select: { id: true, email: true, name: true } } },
  });
  return rows.map((r) => ({ id: r.id, requestedAt: r.createdAt, confirmedAt: r.confirmedAt!, customerId: r.customer.id, email: r.customer.email, name: r.customer.name }));
}
