// Routing of inbound support mail (what the SMTP listener in inbound-server.ts receives):
//   support+<token>@…  → the token must verify (else refused at RCPT), the From address must be
//                         the ticket customer's email, and the reply (quotes stripped) is added to
//                         the ticket; a reply to a CLOSED ticket opens a follow-up ticket.
//   support@…          → a new ticket for the customer with that email, or for a new customer
//                         (no login) created from the sender.
// Mail from automatic responders is accepted and dropped, so two robots cannot loop.
import type { Db } from "../../db/client.ts";
import { AppError } from "../errors.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { checkAttachments, MAX_ATTACHMENTS_PER_MESSAGE, type AttachmentInput } from "./attachments.ts";
import { stripQuotedReply } from "./quote-strip.ts";
import { parseSupportRecipient } from "./reply-token.ts";
import { addCustomerMessage, BODY_MAX, createTicket, SUBJECT_MAX } from "./tickets.ts";

/** A received message, already parsed (by mailparser in the listener, or built by a test). */
export interface InboundMail {
  /** The From header's address. */
  from: string;
  /** The From header's display name, if any. */
  fromName?: string | null;
  /** Envelope recipients (RCPT TO). */
  recipients: string[];
  subject: string;
  /** The plain-text body (mailparser derives one from HTML-only mail). */
  text: string;
  attachments: (AttachmentInput & { related?: boolean })[];
  /** Lower-cased header names → values, for loop detection (auto-submitted, precedence, …). */
  headers?: Record<string, string>;
}

export type InboundResult =
  | { kind: "reply"; ticketId: string; messageId: string; droppedAttachments: string[] }
  | { kind: "ticket"; ticketId: string; number: number; customerId: string; newCustomer: boolean; followUpOf?: number; droppedAttachments: string[] }
  | { kind: "ignored"; reason: string };

/** An SMTP-level refusal: the listener answers with `responseCode` and this message. */
export class InboundRejection extends Error {
  constructor(
    public readonly responseCode: number,
    message: string,
  ) {
    super(message);
    this.name = "InboundRejection";
  }
}

/**
 * Decides at RCPT TO whether an address is ours. Returns null to accept, or the refusal:
 * an unknown mailbox or a reply token that does not verify is a permanent 550.
 */
export function recipientRefusal(address: string): InboundRejection | null {
  const r = parseSupportRecipient(address);
  if (r.kind === "support") return null;
  if (r.kind === "reply") {
    return r.ticketId ? null : new InboundRejection(550, "5.7.1 This reply address is not valid: its token does not verify. Reply from the latest email about your request, or write to the support address to open a new request.");
  }
  return new InboundRejection(550, "5.1.1 No such mailbox here: this server only accepts mail for the support address.");
}

const CJK = /[\u3400-\u9fff]/;

function isAutomatic(mail: InboundMail): boolean {
  const h = mail.headers ?? {};
  const auto = (h["auto-submitted"] ?? "").toLowerCase();
  if (auto && auto !== "no") return true;
  if (/^(bulk|junk|list|auto_reply)$/i.test((h.precedence ?? "").trim())) return true;
  if (h["x-autoreply"] || h["x-autorespond"] || h["x-auto-response-suppress"]?.toLowerCase().includes("all")) return true;
  return /^(mailer-daemon|postmaster|no-?reply)@/i.test(mail.from);
}

/**
 * Attachments as the ticket accepts them (support-core's rules: images / PDF / plain text, 10 MB,
 * at most 5): files embedded in the HTML (signature logos) are skipped silently; other refused
 * files are dropped and named in the message so that the agent knows, instead of bouncing the
 * customer's whole reply.
 */
function acceptableAttachments(list: InboundMail["attachments"]): { files: AttachmentInput[]; dropped: string[] } {
  const files: AttachmentInput[] = [];
  const dropped: string[] = [];
  for (const a of list) {
    if (a.related) continue;
    const file = { filename: a.filename || "attachment", contentType: a.contentType, content: a.content };
    if (files.length >= MAX_ATTACHMENTS_PER_MESSAGE) {
      dropped.push(file.filename);
      continue;
    }
    try {
      checkAttachments([file]);
      files.push(file);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      dropped.push(file.filename);
    }
  }
  return { files, dropped };
}

const DROPPED_LISTED = 10;

function composeBody(text: string, dropped: string[], hasFiles: boolean): string {
  // At most DROPPED_LISTED names (a mail with 1,000 attachments must still fit in BODY_MAX).
  const listed = dropped.slice(0, DROPPED_LISTED).map((n) => n.slice(0, 100));
  const more = dropped.length > listed.length ? ` and ${dropped.length - listed.length} more` : "";
  const notes = dropped.length ? `\n\n[Attachments not accepted (only images, PDF and plain text up to 10 MB, at most ${MAX_ATTACHMENTS_PER_MESSAGE}): ${listed.join(", ")}${more}]` : "";
  let body = stripQuotedReply(text);
  const room = BODY_MAX - 200 - notes.length;
  if (body.length > room) body = `${body.slice(0, room).trimEnd()}\n[…]`;
  if (!body && !notes) return hasFiles ? "[Attachments only]" : "";
  return (body + notes).trim();
}

function ticketSubject(subject: string, body: string): string {
  let s = subject.replace(/\s+/g, " ").trim();
  if (s.length < 3) s = body.split("\n").find((l) => l.trim())?.trim() ?? "";
  if (s.length < 3) s = CJK.test(body) ? "邮件咨询" : "Email request";
  return s.length > SUBJECT_MAX ? `${s.slice(0, SUBJECT_MAX - 1)}…` : s;
}

/** Routes one message to its ticket(s). Throws InboundRejection for mail the sender must hear about. */
export async function routeInboundMail(db: Db, mail: InboundMail): Promise<InboundResult[]> {
  const from = mail.from.trim().toLowerCase();
  if (!from.includes("@")) throw new InboundRejection(550, "5.1.7 The message has no valid From address.");
  if (isAutomatic(mail)) return [{ kind: "ignored", reason: "automatic reply" }];

  const targets = mail.recipients.map(parseSupportRecipient);
  const replyIds = [...new Set(targets.flatMap((t) => (t.kind === "reply" && t.ticketId ? [t.ticketId] : [])))];
  const { files, dropped } = acceptableAttachments(mail.attachments);
  const body = composeBody(mail.text, dropped, files.length > 0);
  if (!body) throw new InboundRejection(550, "5.6.0 The message is empty once the quoted earlier messages are removed. Please write your reply above the quoted text.");

  if (replyIds.length) {
    const results: InboundResult[] = [];
    for (const ticketId of replyIds) results.push(await replyToTicket(db, { ticketId, from, subject: mail.subject, body, files, dropped }));
    return results;
  }
  if (targets.some((t) => t.kind === "support")) {
    return [await openTicketByEmail(db, { from, fromName: mail.fromName ?? null, subject: mail.subject, body, files, dropped })];
  }
  throw new InboundRejection(550, "5.1.1 No such mailbox here.");
}

async function replyToTicket(db: Db, m: { ticketId: string; from: string; subject: string; body: string; files: AttachmentInput[]; dropped: string[] }): Promise<InboundResult> {
  const ticket = await db.ticket.findUnique({ where: { id: m.ticketId }, select: { id: true, number: true, subject: true, customerId: true, customer: { select: { email: true, anonymizedAt: true, userId: true } } } });
  // The token verified, so the ticket existed; a deleted ticket or an erased customer is refused.
  if (!ticket || ticket.customer.anonymizedAt) throw new InboundRejection(550, "5.1.1 This request no longer exists.");
  if (ticket.customer.email.toLowerCase() !== m.from) {
    throw new InboundRejection(550, "5.7.1 Only the customer who opened this request can reply to it by email. Please reply from the address our email was sent to.");
  }
  try {
    const { messageId } = await addCustomerMessage(db, { ticketId: ticket.id, customerId: ticket.customerId, body: m.body, channel: "email", actorUserId: ticket.customer.userId, attachments: m.files });
    return { kind: "reply", ticketId: ticket.id, messageId, droppedAttachments: m.dropped };
  } catch (e) {
    // A reply to a closed request opens a follow-up, as help desks do, rather than bouncing.
    if (e instanceof AppError && e.code === "PRECONDITION_FAILED") {
      const subject = ticketSubject(m.subject || ticket.subject, m.body);
      const created = await createTicket(db, { customerId: ticket.customerId, subject, body: `(#${ticket.number})\n\n${m.body}`, channel: "email", actorUserId: ticket.customer.userId, attachments: m.files });
      return { kind: "ticket", ticketId: created.id, number: created.number, customerId: ticket.customerId, newCustomer: false, followUpOf: ticket.number, droppedAttachments: m.dropped };
    }
    throw e;
  }
}

async function openTicketByEmail(db: Db, m: { from: string; fromName: string | null; subject: string; body: string; files: AttachmentInput[]; dropped: string[] }): Promise<InboundResult> {
  const locale = CJK.test(`${m.subject} ${m.body} ${m.fromName ?? ""}`) ? "zh_CN" : "en";
  const customer = await findOrCreateCustomer(db, m.from, m.fromName?.replace(/\s+/g, " ").trim().slice(0, 100) || null, locale);
  const subject = ticketSubject(m.subject, m.body);
  const ticket = await createTicket(db, { customerId: customer.id, subject, body: m.body, channel: "email", actorUserId: customer.userId, attachments: m.files });
  return { kind: "ticket", ticketId: ticket.id, number: ticket.number, customerId: customer.id, newCustomer: customer.isNew, droppedAttachments: m.dropped };
}

/** The customer with this email, or a new one without a login (claimable later by signing up). */
async function findOrCreateCustomer(db: Db, email: string, name: string | null, locale: "en" | "zh_CN"): Promise<{ id: string; userId: string | null; isNew: boolean }> {
  for (let attempt = 0; ; attempt++) {
    // Customer emails are stored lower-cased (sign-up, orders, factories): an exact, indexed lookup.
    const existing = await db.customer.findUnique({ where: { email }, select: { id: true, userId: true, anonymizedAt: true } });
    if (existing && !existing.anonymizedAt) return { id: existing.id, userId: existing.userId, isNew: false };
    if (existing) throw new InboundRejection(550, "5.7.1 This address belongs to an erased customer record.");
    try {
      return await db.$transaction(async (tx) => {
        const c = await tx.customer.create({ data: { email, name, locale }, select: { id: true } });
        await recordTouchpoint(tx, { customerId: c.id, type: "customer.created", channel: "email", metadata: { source: "support-email" } });
        return { id: c.id, userId: null, isNew: true };
      });
    } catch (e) {
      // Two mails from the same new sender at once: the loser of the race reads the winner's row.
      if ((e as { code?: string }).code === "P2002" && attempt === 0) continue;
      throw e;
    }
  }
}
