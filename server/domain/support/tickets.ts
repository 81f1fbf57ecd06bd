// Support tickets: creation, the customer's and the agents' messages, the status workflow
// NEW → OPEN → PENDING → SOLVED → CLOSED (a customer reply reopens), priorities, assignment and
// merging. SLA due times come from the business-hours engine (sla.ts); the clock pauses while a
// ticket waits on the customer (PENDING) or is SOLVED, and the paused business minutes push the
// targets out when it resumes. Every change records a touchpoint; staff changes are audited.
import type { Db, Tx } from "../../db/client.ts";
import type { TicketPriority, TicketStatus } from "../../db/generated/enums.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { audit } from "../audit/audit.ts";
import { AppError } from "../errors.ts";
import { recordTouchpoint, type Channel } from "../touchpoints/record.ts";
import { addBusinessMinutes, businessMinutesBetween, loadSlaConfig, type SlaConfig } from "./sla.ts";
import { checkAttachments, storeAttachments, type AttachmentInput } from "./attachments.ts";
import { nextRoundRobinAgent } from "./assignment.ts";
import { mailAgentReply, mailCsatRequest, mailTicketReceived } from "./notify.ts";

export const CATEGORIES = ["general", "order", "delivery", "returns", "billing", "account", "rewards"] as const;
export type Category = (typeof CATEGORIES)[number];
export const STATUSES: TicketStatus[] = ["NEW", "OPEN", "PENDING", "SOLVED", "CLOSED"];
export const PRIORITIES: TicketPriority[] = ["LOW", "NORMAL", "HIGH", "URGENT"];
export const SUBJECT_MAX = 200;
export const BODY_MAX = 20_000;

export type MessageChannel = "portal" | "email";

export interface CreateTicketInput {
  customerId: string;
  subject: string;
  body: string;
  category?: string;
  orderId?: string | null;
  channel: MessageChannel;
  actorUserId?: string | null;
  attachments?: AttachmentInput[];
  /** Base URL for links in emails (default APP_URL). */
  appUrl?: string;
}

export interface CustomerMessageInput {
  ticketId: string;
  customerId: string;
  body: string;
  channel: MessageChannel;
  actorUserId?: string | null;
  attachments?: AttachmentInput[];
}

const touchpointChannel = (c: MessageChannel): Channel => (c === "email" ? "email" : "web");

function fail(field: string, key: string, message: string): never {
  throw new AppError("BAD_REQUEST", message, { [field]: key });
}

function cleanSubject(s: string) {
  const subject = s.replace(/\s+/g, " ").trim();
  if (subject.length < 3) fail("subject", "support.errSubjectShort", "Please enter a subject of at least 3 characters.");
  if (subject.length > SUBJECT_MAX) fail("subject", "support.errSubjectLong", `The subject can be at most ${SUBJECT_MAX} characters.`);
  return subject;
}

function cleanBody(s: string) {
  const body = s.replace(/\r\n/g, "\n").trim();
  if (!body) fail("body", "support.errBodyEmpty", "Please write a message.");
  if (body.length > BODY_MAX) fail("body", "support.errBodyLong", `The message can be at most ${BODY_MAX} characters.`);
  return body;
}

// --- SLA bookkeeping -------------------------------------------------------------------------

interface SlaState {
  createdAt: Date;
  priority: TicketPriority;
  status: TicketStatus;
  pausedMinutes: number;
  slaPausedAt: Date | null;
  firstRespondedAt: Date | null;
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  solvedAt: Date | null;
  slaBreachedAt: Date | null;
}

/** Targets counted in business minutes from creation, pushed out by the minutes spent paused. */
export function dueDates(cfg: SlaConfig, t: { createdAt: Date; priority: TicketPriority; pausedMinutes: number }) {
  const p = cfg.policies[t.priority];
  return {
    firstResponseDueAt: addBusinessMinutes(t.createdAt, p.firstResponseMinutes + t.pausedMinutes, cfg.schedule),
    resolutionDueAt: addBusinessMinutes(t.createdAt, p.resolutionMinutes + t.pausedMinutes, cfg.schedule),
  };
}

/** The one target the inbox sorts on: first response until answered, then resolution; none when the clock is stopped. */
export function nextDue(t: { status: TicketStatus; firstRespondedAt: Date | null; firstResponseDueAt: Date | null; resolutionDueAt: Date | null }) {
  if (t.status !== "NEW" && t.status !== "OPEN") return null;
  return t.firstRespondedAt ? t.resolutionDueAt : t.firstResponseDueAt;
}

const PAUSED: TicketStatus[] = ["PENDING", "SOLVED", "CLOSED"];

/** The column changes for moving `t` to status `to` at `now` (pause/resume, solved/closed stamps, next due). */
export function statusPatch(cfg: SlaConfig, t: SlaState, to: TicketStatus, now: Date): Prisma.TicketUncheckedUpdateInput {
  const patch: Prisma.TicketUncheckedUpdateInput = { status: to };
  const state = { ...t };
  const wasPaused = PAUSED.includes(t.status);
  const pauses = PAUSED.includes(to);
  if (wasPaused && !pauses && t.slaPausedAt) {
    const paused = businessMinutesBetween(t.slaPausedAt, now, cfg.schedule);
    state.pausedMinutes = t.pausedMinutes + paused;
    Object.assign(state, dueDates(cfg, state));
    patch.pausedMinutes = state.pausedMinutes;
    patch.firstResponseDueAt = state.firstResponseDueAt;
    patch.resolutionDueAt = state.resolutionDueAt;
    patch.slaPausedAt = null;
  }
  if (!wasPaused && pauses) patch.slaPausedAt = now;
  if (to === "SOLVED" || to === "CLOSED") {
    if (!t.solvedAt) patch.solvedAt = now;
    if (!t.slaBreachedAt && state.resolutionDueAt && now > state.resolutionDueAt && !wasPaused) patch.slaBreachedAt = now;
  } else if (t.solvedAt) {
    patch.solvedAt = null;
  }
  if (to === "CLOSED") patch.closedAt = now;
  patch.slaDueAt = nextDue({ status: to, firstRespondedAt: state.firstRespondedAt, firstResponseDueAt: state.firstResponseDueAt, resolutionDueAt: state.resolutionDueAt });
  return patch;
}

/** Where an agent may move a ticket by hand. CLOSED comes from SOLVED (or the auto-close job). */
const AGENT_TRANSITIONS: Record<TicketStatus, TicketStatus[]> = {
  NEW: ["OPEN", "PENDING", "SOLVED"],
  OPEN: ["PENDING", "SOLVED"],
  PENDING: ["OPEN", "SOLVED"],
  SOLVED: ["OPEN", "CLOSED"],
  CLOSED: [],
};
export function canMove(from: TicketStatus, to: TicketStatus) {
  return AGENT_TRANSITIONS[from].includes(to);
}

// --- customers ---------------------------------------------------------------------------------

export async function createTicket(db: Db, input: CreateTicketInput): Promise<{ id: string; number: number }> {
  const subject = cleanSubject(input.subject);
  const body = cleanBody(input.body);
  const category = input.category?.trim() || "general";
  if (!(CATEGORIES as readonly string[]).includes(category)) fail("category", "support.errCategory", "Please choose a category from the list.");
  const files = checkAttachments(input.attachments);
  const channel = touchpointChannel(input.channel);

  const result = await db.$transaction(async (tx) => {
    const customer = await tx.customer.findUnique({ where: { id: input.customerId }, select: { id: true, email: true, name: true, locale: true, anonymizedAt: true } });
    if (!customer || customer.anonymizedAt) throw new AppError("NOT_FOUND", "No such customer.");
    let orderId: string | null = null;
    if (input.orderId) {
      const order = await tx.order.findFirst({ where: { id: input.orderId, customerId: customer.id }, select: { id: true } });
      if (!order) fail("order", "support.errOrder", "Please choose one of your own orders.");
      orderId = order.id;
    }
    const cfg = await loadSlaConfig(tx);
    const now = new Date();
    const due = dueDates(cfg, { createdAt: now, priority: "NORMAL", pausedMinutes: 0 });
    const assigneeId = await nextRoundRobinAgent(tx);
    const ticket = await tx.ticket.create({
      data: {
        customerId: customer.id,
        orderId,
        subject,
        category,
        status: "NEW",
        priority: "NORMAL",
        assigneeId,
        ...due,
        slaDueAt: due.firstResponseDueAt,
        createdAt: now,
      },
    });
    const message = await tx.ticketMessage.create({ data: { ticketId: ticket.id, authorId: input.actorUserId ?? null, fromCustomer: true, body, channel: input.channel, createdAt: now } });
    await storeAttachments(tx, ticket.id, message.id, files);
    await recordTouchpoint(tx, {
      customerId: customer.id,
      type: "ticket.created",
      channel,
      actorUserId: input.actorUserId ?? null,
      subjectType: "ticket",
      subjectId: ticket.id,
      metadata: { number: ticket.number, category, orderId, attachments: files.length, assigned: Boolean(assigneeId) },
    });
    await mailTicketReceived(tx, ticket, customer, input.appUrl);
    return { id: ticket.id, number: ticket.number };
  });
  return result;
}

/** The customer's message on their ticket (portal or email). Reopens PENDING/SOLVED; a merged ticket forwards to its target. */
export async function addCustomerMessage(db: Db, input: CustomerMessageInput): Promise<{ messageId: string }> {
  const body = cleanBody(input.body);
  const files = checkAttachments(input.attachments);
  return db.$transaction(async (tx) => {
    const found = await tx.ticket.findFirst({ where: { id: input.ticketId, customerId: input.customerId } });
    if (!found) throw new AppError("NOT_FOUND", "No such ticket.");
    let ticket: NonNullable<typeof found> = found;
    for (let hops = 0; ticket.mergedIntoId && hops < 5; hops++) {
      const target = await tx.ticket.findFirst({ where: { id: ticket.mergedIntoId, customerId: input.customerId } });
      if (!target) break;
      ticket = target;
    }
    if (ticket.status === "CLOSED") {
      throw new AppError("PRECONDITION_FAILED", "This request is closed. Please open a new one.", { body: "support.errClosed" });
    }
    const now = new Date();
    const message = await tx.ticketMessage.create({ data: { ticketId: ticket.id, authorId: input.actorUserId ?? null, fromCustomer: true, body, channel: input.channel, createdAt: now } });
    await storeAttachments(tx, ticket.id, message.id, files);
    const reopen = ticket.status === "PENDING" || ticket.status === "SOLVED";
    if (reopen) {
      const cfg = await loadSlaConfig(tx);
      await tx.ticket.update({ where: { id: ticket.id }, data: statusPatch(cfg, ticket, "OPEN", now) });
    } else {
      await tx.ticket.update({ where: { id: ticket.id }, data: { updatedAt: now } });
    }
    await recordTouchpoint(tx, {
      customerId: ticket.customerId,
      type: "ticket.customer_replied",
      channel: touchpointChannel(input.channel),
      actorUserId: input.actorUserId ?? null,
      subjectType: "ticket",
      subjectId: ticket.id,
      metadata: { number: ticket.number, attachments: files.length, ...(reopen ? { reopenedFrom: ticket.status } : {}) },
    });
    return { messageId: message.id };
  });
}

/** The customer closes their own request (counts as solved if it wasn't). */
export async function closeByCustomer(db: Db, input: { number: number; customerId: string; actorUserId: string }) {
  return db.$transaction(async (tx) => {
    const ticket = await tx.ticket.findFirst({ where: { number: input.number, customerId: input.customerId } });
    if (!ticket) throw new AppError("NOT_FOUND", "No such ticket.");
    if (ticket.status === "CLOSED") return { status: ticket.status };
    const cfg = await loadSlaConfig(tx);
    await tx.ticket.update({ where: { id: ticket.id }, data: statusPatch(cfg, ticket, "CLOSED", new Date()) });
    await recordTouchpoint(tx, { customerId: ticket.customerId, type: "ticket.closed", channel: "web", actorUserId: input.actorUserId, subjectType: "ticket", subjectId: ticket.id, metadata: { number: ticket.number, by: "customer", from: ticket.status } });
    return { status: "CLOSED" as const };
  });
}

// --- agents ------------------------------------------------------------------------------------

export interface Agent {
  id: string;
  name: string | null;
  email: string;
}

async function ticketByNumber(tx: Tx, number: number) {
  const ticket = await tx.ticket.findUnique({ where: { number }, include: { customer: { select: { email: true, name: true, locale: true } } } });
  if (!ticket) throw new AppError("NOT_FOUND", "No such ticket.");
  return ticket;
}

export const REPLY_STATUSES = ["OPEN", "PENDING", "SOLVED"] as const;

/** An agent's public reply (emailed to the customer) or internal note (never shown to the customer). */
export async function agentMessage(
  db: Db,
  input: { number: number; agent: Agent; body: string; internal: boolean; status?: (typeof REPLY_STATUSES)[number]; attachments?: AttachmentInput[]; ip?: string | null; appUrl?: string },
) {
  const body = cleanBody(input.body);
  const files = checkAttachments(input.attachments);
  return db.$transaction(async (tx) => {
    const ticket = await ticketByNumber(tx, input.number);
    if (ticket.mergedIntoId) throw new AppError("PRECONDITION_FAILED", "This ticket was merged into another.", { body: "support.errMerged" });
    const now = new Date();
    const message = await tx.ticketMessage.create({ data: { ticketId: ticket.id, authorId: input.agent.id, fromCustomer: false, internal: input.internal, body, channel: "portal", createdAt: now } });
    await storeAttachments(tx, ticket.id, message.id, files);
    if (input.internal) {
      await tx.ticket.update({ where: { id: ticket.id }, data: { updatedAt: now } });
      await recordTouchpoint(tx, { customerId: ticket.customerId, type: "ticket.note_added", channel: "staff", actorUserId: input.agent.id, subjectType: "ticket", subjectId: ticket.id, metadata: { number: ticket.number } });
      await audit(tx, { actorId: input.agent.id, action: "ticket.note_added", targetType: "ticket", targetId: ticket.id, data: { number: ticket.number, messageId: message.id }, ip: input.ip });
      return { messageId: message.id, status: ticket.status };
    }
    if (ticket.status === "CLOSED") throw new AppError("PRECONDITION_FAILED", "This ticket is closed.", { body: "support.errClosedAgent" });
    const to = input.status ?? "PENDING";
    const cfg = await loadSlaConfig(tx);
    const firstResponse = !ticket.firstRespondedAt;
    const state = { ...ticket, firstRespondedAt: ticket.firstRespondedAt ?? now };
    const patch = to === ticket.status ? { slaDueAt: nextDue(state) } : statusPatch(cfg, state, to, now);
    if (firstResponse) {
      patch.firstRespondedAt = now;
      if (!ticket.slaBreachedAt && ticket.firstResponseDueAt && now > ticket.firstResponseDueAt && !patch.slaBreachedAt) patch.slaBreachedAt = now;
    }
    if (!ticket.assigneeId) patch.assigneeId = input.agent.id;
    await tx.ticket.update({ where: { id: ticket.id }, data: patch });
    await recordTouchpoint(tx, { customerId: ticket.customerId, type: "ticket.agent_replied", channel: "email", actorUserId: input.agent.id, subjectType: "ticket", subjectId: ticket.id, metadata: { number: ticket.number, status: to, firstResponse } });
    await audit(tx, { actorId: input.agent.id, action: "ticket.replied", targetType: "ticket", targetId: ticket.id, data: { number: ticket.number, messageId: message.id, status: to }, ip: input.ip });
    await mailAgentReply(tx, ticket, ticket.customer, { body, agentName: input.agent.name || "Rapport" }, input.appUrl);
    if (to === "SOLVED" && ticket.status !== "SOLVED") await onSolved(tx, ticket, input.agent.id, input.appUrl);
    return { messageId: message.id, status: to };
  });
}

/** Asks for a rating once per ticket, by email and in the portal. */
async function onSolved(tx: Tx, ticket: { id: string; number: number; subject: string; customerId: string; csatRequestedAt: Date | null; customer: { email: string; name: string | null; locale: "en" | "zh_CN" } }, actorId: string | null, appUrl?: string) {
  if (ticket.csatRequestedAt) return;
  await tx.ticket.update({ where: { id: ticket.id }, data: { csatRequestedAt: new Date() } });
  await mailCsatRequest(tx, ticket, ticket.customer, appUrl);
  await recordTouchpoint(tx, { customerId: ticket.customerId, type: "ticket.csat_requested", channel: "email", actorUserId: actorId, subjectType: "ticket", subjectId: ticket.id, metadata: { number: ticket.number } });
}

export async function setStatus(db: Db, input: { number: number; agentId: string; status: TicketStatus; ip?: string | null; appUrl?: string }) {
  return db.$transaction(async (tx) => {
    const ticket = await ticketByNumber(tx, input.number);
    if (ticket.status === input.status) return { status: ticket.status };
    if (!canMove(ticket.status, input.status)) {
      throw new AppError("BAD_REQUEST", `A ${ticket.status} ticket cannot become ${input.status}.`, { status: { key: "support.errTransition", params: { from: ticket.status, to: input.status } } });
    }
    const cfg = await loadSlaConfig(tx);
    await tx.ticket.update({ where: { id: ticket.id }, data: statusPatch(cfg, ticket, input.status, new Date()) });
    await recordTouchpoint(tx, { customerId: ticket.customerId, type: "ticket.status_changed", channel: "staff", actorUserId: input.agentId, subjectType: "ticket", subjectId: ticket.id, metadata: { number: ticket.number, from: ticket.status, to: input.status } });
    await audit(tx, { actorId: input.agentId, action: "ticket.status_changed", targetType: "ticket", targetId: ticket.id, data: { number: ticket.number, from: ticket.status, to: input.status }, ip: input.ip });
    if (input.status === "SOLVED") await onSolved(tx, ticket, input.agentId, input.appUrl);
    return { status: input.status };
  });
}

export async function setPriority(db: Db, input: { number: number; agentId: string; priority: TicketPriority; ip?: string | null }) {
  return db.$transaction(async (tx) => {
    const ticket = await ticketByNumber(tx, input.number);
    if (ticket.priority === input.priority) return { priority: ticket.priority };
    const cfg = await loadSlaConfig(tx);
    const due = dueDates(cfg, { createdAt: ticket.createdAt, priority: input.priority, pausedMinutes: ticket.pausedMinutes });
    await tx.ticket.update({ where: { id: ticket.id }, data: { priority: input.priority, ...due, slaDueAt: nextDue({ ...ticket, ...due }) } });
    await recordTouchpoint(tx, { customerId: ticket.customerId, type: "ticket.priority_changed", channel: "staff", actorUserId: input.agentId, subjectType: "ticket", subjectId: ticket.id, metadata: { number: ticket.number, from: ticket.priority, to: input.priority } });
    await audit(tx, { actorId: input.agentId, action: "ticket.priority_changed", targetType: "ticket", targetId: ticket.id, data: { number: ticket.number, from: ticket.priority, to: input.priority }, ip: input.ip });
    return { priority: input.priority };
  });
}

export async function assignTicket(db: Db, input: { number: number; agentId: string; assigneeId: string | null; ip?: string | null }) {
  return db.$transaction(async (tx) => {
    const ticket = await ticketByNumber(tx, input.number);
    if (input.assigneeId) {
      const agent = await tx.user.findFirst({ where: { id: input.assigneeId, staffRole: { in: ["AGENT", "ADMIN"] }, disabledAt: null }, select: { id: true } });
      if (!agent) fail("assigneeId", "support.errAssignee", "Please choose an active agent.");
    }
    if (ticket.assigneeId === input.assigneeId) return { assigneeId: ticket.assigneeId };
    await tx.ticket.update({ where: { id: ticket.id }, data: { assigneeId: input.assigneeId } });
    await recordTouchpoint(tx, { customerId: ticket.customerId, type: "ticket.assigned", channel: "staff", actorUserId: input.agentId, subjectType: "ticket", subjectId: ticket.id, metadata: { number: ticket.number, from: ticket.assigneeId, to: input.assigneeId } });
    await audit(tx, { actorId: input.agentId, action: "ticket.assigned", targetType: "ticket", targetId: ticket.id, data: { number: ticket.number, from: ticket.assigneeId, to: input.assigneeId }, ip: input.ip });
    return { assigneeId: input.assigneeId };
  });
}

/** Merges a duplicate (source) into target: messages and attachments move, the source is closed with a pointer. */
export async function mergeTickets(db: Db, input: { sourceNumber: number; targetNumber: number; agentId: string; ip?: string | null }) {
  if (input.sourceNumber === input.targetNumber) fail("target", "support.errMergeSelf", "A ticket cannot be merged into itself.");
  return db.$transaction(async (tx) => {
    const source = await ticketByNumber(tx, input.sourceNumber);
    const target = await tx.ticket.findUnique({ where: { number: input.targetNumber } });
    if (!target) fail("target", "support.errMergeTarget", "There is no ticket with that number.");
    if (target.customerId !== source.customerId) fail("target", "support.errMergeCustomer", "Only tickets of the same customer can be merged.");
    if (source.mergedIntoId || target.mergedIntoId) fail("target", "support.errMergeMerged", "One of these tickets was already merged.");
    if (target.status === "CLOSED") fail("target", "support.errMergeClosed", "The target ticket is closed.");
    const now = new Date();
    const moved = await tx.ticketMessage.updateMany({ where: { ticketId: source.id }, data: { ticketId: target.id } });
    await tx.ticketAttachment.updateMany({ where: { ticketId: source.id }, data: { ticketId: target.id } });
    await tx.ticketMessage.create({ data: { ticketId: target.id, authorId: input.agentId, internal: true, body: `Merged ticket #${source.number} ("${source.subject}") into this one: ${moved.count} message(s) moved.`, channel: "portal", createdAt: now } });
    const cfg = await loadSlaConfig(tx);
    await tx.ticket.update({ where: { id: source.id }, data: { ...statusPatch(cfg, source, "CLOSED", now), mergedIntoId: target.id } });
    await tx.ticket.update({ where: { id: target.id }, data: { updatedAt: now } });
    const meta = { number: target.number, sourceNumber: source.number, targetNumber: target.number, moved: moved.count };
    await recordTouchpoint(tx, { customerId: source.customerId, type: "ticket.merged", channel: "staff", actorUserId: input.agentId, subjectType: "ticket", subjectId: source.id, metadata: meta });
    await audit(tx, { actorId: input.agentId, action: "ticket.merged", targetType: "ticket", targetId: source.id, data: meta, ip: input.ip });
    return { targetNumber: target.number, moved: moved.count };
  });
}

export async function setAvailability(db: Db, input: { agentId: string; available: boolean; ip?: string | null }) {
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: input.agentId }, data: { available: input.available } });
    await audit(tx, { actorId: input.agentId, action: "agent.availability_changed", targetType: "user", targetId: input.agentId, data: { available: input.available }, ip: input.ip });
    return { available: input.available };
  });
}
