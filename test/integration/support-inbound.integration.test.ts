// Support mail in over real SMTP: nodemailer sends to the inbound listener on loopback.
// A reply to a signed reply address lands on the right ticket with the quotes stripped; a forged
// token is refused at RCPT and changes nothing; a stranger's reply with a valid token is refused;
// mail to the plain support address opens a ticket for a known or a brand-new customer.
import nodemailer, { type Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { setEnv } from "../../server/env.ts";
import { startInboundServer, type InboundServer } from "../../server/domain/support/inbound-server.ts";
import { replyAddressFor } from "../../server/domain/support/reply-token.ts";
import { createTicket } from "../../server/domain/support/tickets.ts";
import { createCustomer } from "../factories/index.ts";
import { testEnv } from "../setup/harness.ts";

let server: InboundServer;
let transport: Transporter;
const SUPPORT = "support@rapport.test"; // testEnv(): APP_URL http://localhost:3999 → rapport.test

beforeAll(async () => {
  setEnv(testEnv());
  server = await startInboundServer(db(), { port: 0 });
  transport = nodemailer.createTransport({ host: "127.0.0.1", port: server.port, secure: false, ignoreTLS: true, pool: false });
});
afterAll(async () => {
  transport?.close();
  await server?.close();
});

async function customerWithTicket(subject: string) {
  const customer = await createCustomer(db(), { login: true });
  const ticket = await createTicket(db(), { customerId: customer.id, subject, body: "My first message.", channel: "portal" });
  return { customer, ticket };
}

const messagesOf = (ticketId: string) => db().ticketMessage.findMany({ where: { ticketId }, orderBy: { createdAt: "asc" }, include: { attachments: true } });

describe("inbound support mail", () => {
  it("appends an emailed reply to the right ticket, without the quoted history", async () => {
    const a = await customerWithTicket("Mug arrived broken");
    const other = await customerWithTicket("Where is my parcel?");
    const text = [
      "It is order R-1001, photo attached.",
      "",
      "-- ",
      "Ann",
      "",
      `On Mon, 23 Nov 2026 at 10:02, Rapport Support <${replyAddressFor(a.ticket.id)}> wrote:`,
      "> Could you tell us the order number?",
      ">",
      "> Grace",
    ].join("\r\n");
    const info = await transport.sendMail({
      from: `"Ann" <${a.customer.email.toUpperCase()}>`,
      to: replyAddressFor(a.ticket.id),
      subject: `[#${a.ticket.number}] Re: Mug arrived broken`,
      text,
      attachments: [
        { filename: "notes.txt", content: "crack on the handle\n", contentType: "text/plain" },
        { filename: "setup.exe", content: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]), contentType: "application/octet-stream" },
      ],
    });
    expect(info.accepted).toEqual([replyAddressFor(a.ticket.id)]);

    const thread = await messagesOf(a.ticket.id);
    expect(thread).toHaveLength(2);
    const reply = thread[1]!;
    expect(reply).toMatchObject({ fromCustomer: true, internal: false, channel: "email", authorId: a.customer.userId });
    expect(reply.body).toContain("It is order R-1001, photo attached.");
    expect(reply.body).not.toContain("Could you tell us");
    expect(reply.body).not.toContain("Ann\n");
    // The allowed file is stored; the program is dropped and named for the agent.
    expect(reply.attachments.map((f) => [f.filename, f.contentType])).toEqual([["notes.txt", "text/plain"]]);
    expect(reply.body).toContain("setup.exe");
    // Nothing reached the other ticket.
    expect(await messagesOf(other.ticket.id)).toHaveLength(1);
    const tp = await db().touchpoint.findFirst({ where: { customerId: a.customer.id, type: "ticket.customer_replied" } });
    expect(tp).toMatchObject({ channel: "email", subjectId: a.ticket.id });
  });

  it("refuses a forged token at RCPT with a 550 and changes nothing", async () => {
    const a = await customerWithTicket("Refund question");
    const genuine = replyAddressFor(a.ticket.id);
    const token = genuine.slice("support+".length, genuine.indexOf("@"));
    const forged = `support+${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}@rapport.test`;
    const before = { messages: await db().ticketMessage.count(), tickets: await db().ticket.count(), customers: await db().customer.count() };

    const error = await transport.sendMail({ from: a.customer.email, to: forged, subject: "Re: Refund question", text: "Please refund me twice." }).then(
      () => null,
      (e: unknown) => e as { responseCode?: number; response?: string; code?: string },
    );
    expect(error).toMatchObject({ responseCode: 550, code: "EENVELOPE" });
    expect(error?.response).toMatch(/token does not verify/);
    expect({ messages: await db().ticketMessage.count(), tickets: await db().ticket.count(), customers: await db().customer.count() }).toEqual(before);
  });

  it("refuses a valid reply address used by someone other than the ticket's customer", async () => {
    const a = await customerWithTicket("Account locked");
    const before = await db().ticketMessage.count();
    const error = await transport.sendMail({ from: "mallory@example.com", to: replyAddressFor(a.ticket.id), subject: "Re: Account locked", text: "Change the email to mallory@example.com" }).then(
      () => null,
      (e: unknown) => e as { responseCode?: number; response?: string },
    );
    expect(error).toMatchObject({ responseCode: 550 });
    expect(error?.response).toMatch(/Only the customer who opened this request/);
    expect(await db().ticketMessage.count()).toBe(before);
  });

  it("opens a ticket for a new customer when a stranger writes to the support address", async () => {
    const email = `newcomer-${Date.now()}@example.com`;
    await transport.sendMail({ from: `"李雷" <${email}>`, to: SUPPORT, subject: "退货怎么办？", text: "你好，我想退一个杯子。\n\n发自我的iPhone" });

    const customer = await db().customer.findUniqueOrThrow({ where: { email }, include: { tickets: { include: { messages: true } } } });
    expect(customer).toMatchObject({ name: "李雷", userId: null, locale: "zh_CN" });
    expect(customer.tickets).toHaveLength(1);
    const ticket = customer.tickets[0]!;
    expect(ticket).toMatchObject({ subject: "退货怎么办？", status: "NEW" });
    expect(ticket.messages.map((m) => [m.body, m.channel, m.fromCustomer])).toEqual([["你好，我想退一个杯子。", "email", true]]);
    // The customer is told the request was received, in Chinese, with the ticket's reply address.
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { to: email, template: "ticket-received" } });
    expect(mail).toMatchObject({ locale: "zh_CN" });
    expect(mail.headers).toMatchObject({ "Reply-To": replyAddressFor(ticket.id) });
    expect(await db().touchpoint.count({ where: { customerId: customer.id, type: "customer.created" } })).toBe(1);
  });

  it("opens a ticket for a known customer writing to the support address", async () => {
    const known = await createCustomer(db(), { login: true });
    const before = await db().customer.count();
    await transport.sendMail({ from: known.email, to: SUPPORT.toUpperCase(), subject: "Change my delivery address", text: "Please ship to my office instead." });
    expect(await db().customer.count()).toBe(before);
    const ticket = await db().ticket.findFirstOrThrow({ where: { customerId: known.id }, include: { messages: true } });
    expect(ticket.subject).toBe("Change my delivery address");
    expect(ticket.messages[0]).toMatchObject({ body: "Please ship to my office instead.", channel: "email" });
  });

  it("opens a follow-up request when the customer replies to a closed one", async () => {
    const a = await customerWithTicket("Late delivery");
    await db().ticket.update({ where: { id: a.ticket.id }, data: { status: "CLOSED", closedAt: new Date() } });
    await transport.sendMail({ from: a.customer.email, to: replyAddressFor(a.ticket.id), subject: `[#${a.ticket.number}] Re: Late delivery`, text: "It happened again with my next order.\n\n> old quote" });
    expect(await messagesOf(a.ticket.id)).toHaveLength(1);
    const followUp = await db().ticket.findFirstOrThrow({ where: { customerId: a.customer.id, id: { not: a.ticket.id } }, include: { messages: true } });
    expect(followUp.status).toBe("NEW");
    expect(followUp.messages[0]!.body).toBe(`(#${a.ticket.number})\n\nIt happened again with my next order.`);
  });

  it("refuses a message over 25 MB and changes nothing", async () => {
    const a = await customerWithTicket("Big files");
    const error = await transport
      .sendMail({ from: a.customer.email, to: replyAddressFor(a.ticket.id), subject: "Re: Big files", text: "Here is everything.", attachments: [{ filename: "huge.txt", content: Buffer.alloc(26 * 1024 * 1024, "a") }] })
      .then(
        () => null,
        (e: unknown) => e as { responseCode?: number; response?: string },
      );
    expect(error).toMatchObject({ responseCode: 552 });
    expect(await messagesOf(a.ticket.id)).toHaveLength(1);
  });

  it("refuses mail for other mailboxes and drops automatic replies", async () => {
    const error = await transport.sendMail({ from: "someone@example.com", to: "postmaster@rapport.test", subject: "hi", text: "hello" }).then(
      () => null,
      (e: unknown) => e as { responseCode?: number },
    );
    expect(error).toMatchObject({ responseCode: 550 });

    const robot = `robot-${Date.now()}@example.com`;
    await transport.sendMail({ from: robot, to: SUPPORT, subject: "Out of office", text: "I am away until Monday.", headers: { "Auto-Submitted": "auto-replied" } });
    expect(await db().customer.count({ where: { email: robot } })).toBe(0);
  });
});
