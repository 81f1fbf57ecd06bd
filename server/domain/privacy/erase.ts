// Erasure ("right to be forgotten") that keeps the books consistent. In one transaction the
// customer's personal data is removed or overwritten while every financial row stays: orders,
// items, refunds, the loyalty ledger and the cached balances are untouched, so revenue, refund and
// points totals (and the analytics built on them) do not move. Modules that mail or reward a
// customer already skip rows with `anonymizedAt` set. Attachment bytes are files on disk, removed
// after the commit (a rolled-back erasure must not lose them).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { audit } from "../audit/audit.ts";
import { LIMITS } from "../auth/accounts.ts";
import { AppError, type FieldMessage } from "../errors.ts";
import { attachmentsDir } from "../support/attachments.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { pendingErasureRequest } from "./requests.ts";
import { redactStripeEventsOfOrders } from "./stripe-redact.ts";

/** What replaces free text the customer wrote (ticket messages and subjects, comments). */
export const ERASED_TEXT = "[erased]";
export const MAX_REASON_LENGTH = 500;
/** Why cancelled outbox mail was not sent (MailOutbox.lastError). */
export const MAIL_CANCELLED = "Cancelled: the customer's personal data was erased.";

/** A unique address that can never receive mail (.invalid is reserved, RFC 2606). */
export function erasedEmail(id: string) {
  return `erased-${id}@erased.invalid`;
}

export function sha256(text: string) {
  return createHash("sha256").update(text).digest("hex");
}

/** Touchpoint metadata keys whose *string* values may hold personal data; dropped on erasure.
 *  Booleans and numbers under these names (e.g. consent.changed's { email: true }) are kept. */
export const PERSONAL_METADATA_KEYS = ["ip", "userAgent", "query", "guestId", "name", "email", "phone", "address", "comment", "body", "subject", "url", "to", "message"];

export interface EraseInput {
  customerId: string;
  /** Must equal the customer's current email (case-insensitive): a guard against the wrong page. */
  confirmEmail: string;
  reason: string;
}

export async function eraseCustomer(db: Db, actor: { id: string; ip?: string | null }, input: EraseInput) {
  const c = await db.customer.findUnique({ where: { id: input.customerId }, include: { user: { select: { id: true, email: true } } } });
  if (!c) throw new AppError("NOT_FOUND", "No such customer.");
  if (c.anonymizedAt) throw new AppError("CONFLICT", "This customer's personal data has already been erased.", { form: "staff.privacyErrAlreadyErased" });

  const fieldErrors: Record<string, FieldMessage> = {};
  if (input.confirmEmail.trim().toLowerCase() !== c.email.toLowerCase()) fieldErrors.confirmEmail = "staff.privacyErrConfirm";
  const reason = input.reason.trim();
  if (!reason) fieldErrors.reason = "staff.privacyErrReason";
  else if (reason.length > MAX_REASON_LENGTH) fieldErrors.reason = { key: "staff.privacyErrReasonLong", params: { max: MAX_REASON_LENGTH } };
  if (Object.keys(fieldErrors).length) throw new AppError("BAD_REQUEST", "Check the confirmation and the reason.", fieldErrors);

  const now = new Date();
  const oldEmails = Array.from(new Set([c.email, c.user?.email].filter((e): e is string => Boolean(e)).map((e) => e.toLowerCase())));

  const result = await db.$transaction(
    async (tx) => {
      // The flip is conditional, so two admins erasing at once cannot both succeed.
      const flipped = await tx.customer.updateMany({
        where: { id: c.id, anonymizedAt: null },
        data: {
          anonymizedAt: now,
          email: erasedEmail(c.id),
          name: null,
          birthday: null,
          externalId: null,
          referralCode: null,
          timeZone: "UTC",
          consentEmail: false,
          consentSms: false,
          consentPush: false,
        },
      });
      if (flipped.count !== 1) throw new AppError("CONFLICT", "This customer's personal data has already been erased.", { form: "staff.privacyErrAlreadyErased" });

      // The login: signed out everywhere, no password, disabled, and its email freed for a new sign-up.
      if (c.user) {
        await tx.session.deleteMany({ where: { userId: c.user.id } });
        await tx.authToken.deleteMany({ where: { userId: c.user.id } });
        await tx.user.update({ where: { id: c.user.id }, data: { email: erasedEmail(c.user.id), name: null, passwordHash: null, timeZone: "UTC", disabledAt: now } });
      }
      // Rate-limit counters are keyed by email address.
      await tx.rateLimit.deleteMany({ where: { key: { in: oldEmails.flatMap((e) => [LIMITS.signInFailuresPerEmail(e).key, LIMITS.emailLinksPerEmail(e).key]) } } });

      // Support: the rows stay (SLA and CSAT reports count them); what the customer wrote goes.
      const tickets = await tx.ticket.findMany({ where: { customerId: c.id }, select: { id: true } });
      const ticketIds = tickets.map((t) => t.id);
      await tx.ticket.updateMany({ where: { id: { in: ticketIds } }, data: { subject: ERASED_TEXT } });
      await tx.ticket.updateMany({ where: { id: { in: ticketIds }, csatComment: { not: null } }, data: { csatComment: ERASED_TEXT } });
      const messages = await tx.ticketMessage.updateMany({ where: { ticketId: { in: ticketIds }, fromCustomer: true }, data: { body: ERASED_TEXT } });
      const attachments = await tx.ticketAttachment.findMany({ where: { ticketId: { in: ticketIds } }, select: { id: true } });
      await tx.ticketAttachment.deleteMany({ where: { id: { in: attachments.map((a) => a.id) } } });

      await tx.returnRequest.updateMany({ where: { customerId: c.id, comment: { not: null } }, data: { comment: ERASED_TEXT } });
      await tx.npsResponse.updateMany({ where: { customerId: c.id, comment: { not: null } }, data: { comment: ERASED_TEXT } });
      // Search terms stay in the content-gap report, no longer linked to the person.
      await tx.helpSearchLog.updateMany({ where: { customerId: c.id }, data: { customerId: null } });

      // Mail: nothing more goes out to them; past rows keep their template and dates only.
      const mailWhere: Prisma.MailOutboxWhereInput = { OR: [{ customerId: c.id }, ...oldEmails.map((e) => ({ to: { equals: e, mode: "insensitive" as const } }))] };
      const cancelled = await tx.mailOutbox.updateMany({ where: { AND: [mailWhere, { status: "PENDING" }] }, data: { status: "FAILED", lastError: MAIL_CANCELLED } });
      await tx.mailOutbox.updateMany({ where: mailWhere, data: { to: erasedEmail(c.id), props: {}, headers: Prisma.DbNull } });
      await tx.capturedMail.deleteMany({ where: { OR: oldEmails.map((e) => ({ to: { contains: e, mode: "insensitive" as const } })) } });

      // Touchpoints keep type, channel and time (aggregate analytics stay right); personal values go.
      const touchpoints = await tx.$executeRaw`
        UPDATE "Touchpoint" SET "metadata" = (
          SELECT coalesce(jsonb_object_agg(e.k, e.v), '{}'::jsonb) FROM jsonb_each("metadata") AS e(k, v)
          WHERE NOT (e.k = ANY(${PERSONAL_METADATA_KEYS}::text[]) AND jsonb_typeof(e.v) = 'string'))
        WHERE "customerId" = ${c.id} AND jsonb_typeof("metadata") = 'object' AND "metadata" ?| ${PERSONAL_METADATA_KEYS}::text[]`;

      // Stripe events stay (idempotency, reconciliation); the billing/shipping identity in them goes.
      const stripeEventsRedacted = await redactStripeEventsOfOrders(tx, c.id);
      // The customer's own confirmed requests (/account) are done with this erasure.
      const requests = await tx.erasureRequest.updateMany({ where: { customerId: c.id, confirmedAt: { not: null }, completedAt: null }, data: { completedAt: now, completedById: actor.id } });

      await recordTouchpoint(tx, { customerId: c.id, type: "privacy.erased", channel: "staff", actorUserId: actor.id, occurredAt: now });
      const counts = { tickets: ticketIds.length, messagesRedacted: messages.count, attachmentsDeleted: attachments.length, mailCancelled: cancelled.count, touchpointsRedacted: touchpoints, stripeEventsRedacted, requestsCompleted: requests.count };
      // Never the old address in clear: its SHA-256 lets a later request ("was I erased?") be matched.
      await audit(tx, { actorId: actor.id, action: "privacy.customer_erased", targetType: "customer", targetId: c.id, ip: actor.ip ?? null, data: { reason, emailSha256: sha256(c.email.toLowerCase()), loginUserId: c.user?.id ?? null, ...counts } });
      return { attachmentIds: attachments.map((a) => a.id), counts };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );

  // After the commit: remove the bytes. A file that cannot be removed is reported, not fatal
  // (its row is gone, so nothing can serve it).
  const dir = attachmentsDir();
  let filesFailed = 0;
  for (const id of result.attachmentIds) {
    try {
      await fs.promises.rm(path.join(dir, id), { force: true });
    } catch {
      filesFailed++;
    }
  }
  return { customerId: c.id, erasedAt: now, ...result.counts, filesFailed };
}

/** When the customer's personal data was erased (null: never), and since when they have been
 *  asking for it themselves (a confirmed request from /account not yet processed; null: none). */
export async function erasureStatus(db: Db, customerId: string) {
  const c = await db.customer.findUnique({ where: { id: customerId }, select: { anonymizedAt: true } });
  if (!c) throw new AppError("NOT_FOUND", "No such customer.");
  const pending = c.anonymizedAt ? null : await pendingErasureRequest(db, customerId);
  return { erasedAt: c.anonymizedAt, requestedAt: pending?.confirmedAt ?? null };
}
