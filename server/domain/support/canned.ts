// Canned replies: saved answers with placeholders filled in on the server from the ticket:
// {{customer.firstName}}, {{customer.name}}, {{order.number}}, {{ticket.number}}, {{agent.name}}.
import type { Db } from "../../db/client.ts";
import { audit } from "../audit/audit.ts";
import { AppError } from "../errors.ts";

export const PLACEHOLDERS = ["customer.firstName", "customer.name", "order.number", "ticket.number", "agent.name"] as const;

export interface PlaceholderValues {
  customer: { name: string | null; email: string };
  order: { number: string } | null;
  ticket: { number: number };
  agent: { name: string | null; email: string };
}

function firstName(name: string | null, email: string) {
  const n = name?.trim();
  if (n) return n.split(/\s+/)[0]!;
  return email.split("@")[0] ?? "";
}

/** Replaces the known placeholders (spaces inside the braces allowed); unknown ones stay as written. */
export function renderPlaceholders(template: string, v: PlaceholderValues) {
  const values: Record<string, string> = {
    "customer.firstName": firstName(v.customer.name, v.customer.email),
    "customer.name": v.customer.name?.trim() || firstName(null, v.customer.email),
    "order.number": v.order?.number ?? "",
    "ticket.number": String(v.ticket.number),
    "agent.name": v.agent.name?.trim() || v.agent.email,
  };
  return template.replace(/\{\{\s*([a-zA-Z.]+)\s*\}\}/g, (m, key: string) => (key in values ? values[key]! : m));
}

export async function listCanned(db: Db) {
  return db.cannedReply.findMany({ orderBy: { title: "asc" }, select: { id: true, title: true, body: true, updatedAt: true } });
}

function validate(input: { title: string; body: string }) {
  const title = input.title.trim();
  const body = input.body.replace(/\r\n/g, "\n").trim();
  const errors: Record<string, string> = {};
  if (!title) errors.title = "support.errCannedTitle";
  else if (title.length > 120) errors.title = "support.errCannedTitleLong";
  if (!body) errors.body = "support.errBodyEmpty";
  else if (body.length > 10_000) errors.body = "support.errBodyLong";
  if (Object.keys(errors).length) throw new AppError("BAD_REQUEST", "The canned reply is not valid.", errors);
  return { title, body };
}

export async function saveCanned(db: Db, input: { id?: string | null; title: string; body: string; actorId: string; ip?: string | null }) {
  const data = validate(input);
  return db.$transaction(async (tx) => {
    if (input.id) {
      const existing = await tx.cannedReply.findUnique({ where: { id: input.id } });
      if (!existing) throw new AppError("NOT_FOUND", "No such canned reply.");
      const row = await tx.cannedReply.update({ where: { id: input.id }, data });
      await audit(tx, { actorId: input.actorId, action: "canned.updated", targetType: "canned_reply", targetId: row.id, data: { title: row.title }, ip: input.ip });
      return { id: row.id };
    }
    const row = await tx.cannedReply.create({ data: { ...data, createdById: input.actorId } });
    await audit(tx, { actorId: input.actorId, action: "canned.created", targetType: "canned_reply", targetId: row.id, data: { title: row.title }, ip: input.ip });
    return { id: row.id };
  });
}

export async function deleteCanned(db: Db, input: { id: string; actorId: string; ip?: string | null }) {
  return db.$transaction(async (tx) => {
    const row = await tx.cannedReply.findUnique({ where: { id: input.id } });
    if (!row) throw new AppError("NOT_FOUND", "No such canned reply.");
    await tx.cannedReply.delete({ where: { id: input.id } });
    await audit(tx, { actorId: input.actorId, action: "canned.deleted", targetType: "canned_reply", targetId: row.id, data: { title: row.title }, ip: input.ip });
    return { deleted: true as const };
  });
}

/** A canned reply rendered for one ticket and the agent using it. */
export async function renderCanned(db: Db, input: { cannedId: string; number: number; agent: { name: string | null; email: string } }) {
  const [canned, ticket] = await Promise.all([
    db.cannedReply.findUnique({ where: { id: input.cannedId } }),
    db.ticket.findUnique({ where: { number: input.number }, select: { number: true, customer: { select: { name: true, email: true } }, order: { select: { number: true } } } }),
  ]);
  if (!canned || !ticket) throw new AppError("NOT_FOUND", "No such canned reply or ticket.");
  return { title: canned.title, body: renderPlaceholders(canned.body, { customer: ticket.customer, order: ticket.order, ticket: { number: ticket.number }, agent: input.agent }) };
}
