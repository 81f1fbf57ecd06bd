// Mail to the customer about a ticket, through the durable outbox (same transaction as the change).
// Every such mail carries Reply-To = the ticket's signed reply address, so an emailed answer lands
// on the right ticket. Internal notes are never passed to these functions.
import type { Tx } from "../../db/client.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { env } from "../../env.ts";
import { fromDbLocale } from "../locale.ts";
import type { Locale as DbLocale } from "../../db/generated/enums.ts";
import { replyAddressFor } from "./reply-token.ts";

export interface MailTicket {
  id: string;
  number: number;
  subject: string;
  customerId: string;
}
export interface MailCustomer {
  email: string;
  name: string | null;
  locale: DbLocale;
}

export function portalBase(appUrl?: string) {
  return (appUrl ?? env().APP_URL).replace(/\/$/, "");
}
export function ticketUrl(number: number, appUrl?: string) {
  return `${portalBase(appUrl)}/support/${number}`;
}

function base(ticket: MailTicket, customer: MailCustomer) {
  return { to: customer.email, locale: fromDbLocale(customer.locale), customerId: ticket.customerId, headers: { "Reply-To": replyAddressFor(ticket.id) } };
}

export async function mailTicketReceived(tx: Tx, ticket: MailTicket, customer: MailCustomer, appUrl?: string) {
  await enqueueMail(tx, {
    ...base(ticket, customer),
    template: "ticket-received",
    props: { name: customer.name, ticketNumber: ticket.number, subject: ticket.subject, url: ticketUrl(ticket.number, appUrl) },
  });
}

export async function mailAgentReply(tx: Tx, ticket: MailTicket, customer: MailCustomer, reply: { body: string; agentName: string }, appUrl?: string) {
  await enqueueMail(tx, {
    ...base(ticket, customer),
    template: "ticket-reply",
    props: { name: customer.name, ticketNumber: ticket.number, subject: ticket.subject, body: reply.body, agentName: reply.agentName, url: ticketUrl(ticket.number, appUrl) },
  });
}

export async function mailCsatRequest(tx: Tx, ticket: MailTicket, customer: MailCustomer, appUrl?: string) {
  await enqueueMail(tx, {
    ...base(ticket, customer),
    template: "ticket-solved-csat",
    props: { name: customer.name, ticketNumber: ticket.number, subject: ticket.subject, rateUrl: `${ticketUrl(ticket.number, appUrl)}/rate`, url: ticketUrl(ticket.number, appUrl) },
  });
}
