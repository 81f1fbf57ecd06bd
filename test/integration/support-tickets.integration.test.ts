// Support tickets end to end through the tRPC procedures: creation (SLA due times, round-robin,
// confirmation mail with the ticket's reply-to address), the status workflow with SLA pause and
// reopen, CSAT asked once, merging, canned replies, internal notes that never reach the customer,
// ownership, and the support job (breach flagging, auto-close).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { defaultSlaConfig, SLA_SETTING_KEY } from "../../server/domain/support/sla.ts";
import { replyAddressFor } from "../../server/domain/support/reply-token.ts";
import { addCustomerMessage, createTicket } from "../../server/domain/support/tickets.ts";
import { renderPlaceholders } from "../../server/domain/support/canned.ts";
import { supportCounts } from "../../server/domain/support/csat.ts";
import { run as runSupportJob } from "../../server/jobs/support.job.ts";
import { createCustomer, createOrder, createStaff } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";

const DAY = 86400_000;
const always = { start: "00:00", end: "24:00" };

/** Round the clock, so SLA arithmetic in these tests doesn't depend on the weekday they run on. */
beforeAll(async () => {
  const cfg = defaultSlaConfig();
  cfg.schedule = { timeZone: "UTC", weekly: { mon: [always], tue: [always], wed: [always], thu: [always], fri: [always], sat: [always], sun: [always] }, holidays: [] };
  await db().setting.upsert({ where: { key: SLA_SETTING_KEY }, create: { key: SLA_SETTING_KEY, value: cfg as never }, update: { value: cfg as never } });
});
afterAll(async () => {
  await db().setting.deleteMany({ where: { key: SLA_SETTING_KEY } });
});

async function customerWithCaller(overrides: Parameters<typeof createCustomer>[1] = {}) {
  const c = await createCustomer(db(), { login: true, ...overrides });
  const { caller } = await callerAs({ userId: c.userId });
  return { customer: c, caller };
}

async function agentWithCaller(name = "Ada Agent") {
  const agent = await createStaff(db(), { role: "AGENT", name });
  const { caller } = await callerAs({ userId: agent.id });
  return { agent, caller };
}

/** Every other agent unavailable, so round-robin only sees the agents a test creates. */
async function onlyTheseAgentsAvailable(ids: string[]) {
  await db().user.updateMany({ where: { staffRole: "AGENT", id: { notIn: ids } }, data: { available: false } });
  await db().user.updateMany({ where: { id: { in: ids } }, data: { available: true } });
}

describe("support tickets", () => {
  let agentA: Awaited<ReturnType<typeof agentWithCaller>>;
  beforeEach(async () => {
    agentA = await agentWithCaller();
    await onlyTheseAgentsAvailable([agentA.agent.id]);
  });

  it("a customer opens a ticket: SLA due times, round-robin assignee, touchpoint and a confirmation mail with the ticket's reply-to address", async () => {
    const { customer, caller } = await customerWithCaller();
    const order = await createOrder(db(), { customerId: customer.id });
    const before = Date.now();
    const { number } = await caller.support.create({ subject: "  Where is   my parcel? ", body: "It has been a week.", category: "delivery", orderNumber: order.number });
    const t = await db().ticket.findUniqueOrThrow({ where: { number }, include: { messages: true } });
    expect(t).toMatchObject({ subject: "Where is my parcel?", category: "delivery", status: "NEW", priority: "NORMAL", orderId: order.id, assigneeId: agentA.agent.id, customerId: customer.id });
    // NORMAL: 8 h first response, 48 h resolution (round-the-clock schedule in this file).
    expect(t.firstResponseDueAt!.getTime() - t.createdAt.getTime()).toBe(8 * 3600_000);
    expect(t.resolutionDueAt!.getTime() - t.createdAt.getTime()).toBe(48 * 3600_000);
    expect(t.slaDueAt).toEqual(t.firstResponseDueAt);
    expect(t.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(t.messages).toHaveLength(1);
    expect(t.messages[0]).toMatchObject({ fromCustomer: true, internal: false, body: "It has been a week.", channel: "portal" });

    const tp = await db().touchpoint.findFirstOrThrow({ where: { customerId: customer.id, type: "ticket.created" } });
    expect(tp).toMatchObject({ channel: "web", subjectType: "ticket", subjectId: t.id, actorUserId: customer.userId });
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { customerId: customer.id, template: "ticket-received" } });
    expect(mail.to).toBe(customer.email);
    expect(mail.headers).toEqual({ "Reply-To": replyAddressFor(t.id) });
    expect(mail.props).toMatchObject({ ticketNumber: number, subject: "Where is my parcel?" });
  });

  it("refuses bad input with a message on the field and creates nothing", async () => {
    const { customer, caller } = await customerWithCaller();
    const other = await createCustomer(db());
    const foreignOrder = await createOrder(db(), { customerId: other.id });
    const cases: [Parameters<typeof caller.support.create>[0], string, string][] = [
      [{ subject: "Hi", body: "x" }, "subject", "support.errSubjectShort"],
      [{ subject: "A proper subject", body: "   " }, "body", "support.errBodyEmpty"],
      [{ subject: "A proper subject", body: "x", category: "lottery" }, "category", "support.errCategory"],
      [{ subject: "A proper subject", body: "x", orderNumber: foreignOrder.number }, "order", "support.errOrder"],
    ];
    for (const [input, field, key] of cases) {
      await expect(caller.support.create(input)).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { [field]: key } } });
    }
    expect(await db().ticket.count({ where: { customerId: customer.id } })).toBe(0);
  });

  it("round-robin assigns new tickets in turn among available agents only, wrapping around", async () => {
    const b = await agentWithCaller("Bea");
    const c = await agentWithCaller("Cy");
    const away = await agentWithCaller("Away");
    await onlyTheseAgentsAvailable([agentA.agent.id, b.agent.id, c.agent.id]);
    const { customer } = await customerWithCaller();
    const assignees: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      const { id } = await createTicket(db(), { customerId: customer.id, subject: `Question ${i}`, body: "Hello", channel: "portal" });
      assignees.push((await db().ticket.findUniqueOrThrow({ where: { id } })).assigneeId);
    }
    expect(assignees).not.toContain(away.agent.id);
    expect(new Set(assignees.slice(0, 3))).toEqual(new Set([agentA.agent.id, b.agent.id, c.agent.id]));
    expect(assignees.slice(3)).toEqual(assignees.slice(0, 3));

    // An agent marking themselves unavailable drops out; nobody available = unassigned.
    await b.caller.support.setAvailability({ available: false });
    await onlyTheseAgentsAvailable([b.agent.id]);
    await db().user.update({ where: { id: b.agent.id }, data: { available: false } });
    const { id } = await createTicket(db(), { customerId: customer.id, subject: "Nobody home", body: "Hello", channel: "portal" });
    expect((await db().ticket.findUniqueOrThrow({ where: { id } })).assigneeId).toBeNull();
    expect(await db().auditLog.count({ where: { actorId: b.agent.id, action: "agent.availability_changed" } })).toBe(1);
  });

  it("status workflow: a reply makes it PENDING (SLA paused), the customer's answer reopens it and pushes the targets out, solving asks for a rating once, CLOSED is final", async () => {
    const { customer, caller } = await customerWithCaller();
    const { number } = await caller.support.create({ subject: "Broken zipper", body: "The zipper broke." });
    const { caller: agent } = agentA;

    await agent.support.agentReply({ number, body: "Sorry! Could you send a photo?" });
    let t = await db().ticket.findUniqueOrThrow({ where: { number } });
    expect(t.status).toBe("PENDING");
    expect(t.firstRespondedAt).not.toBeNull();
    expect(t.slaPausedAt).not.toBeNull();
    expect(t.slaDueAt).toBeNull();
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { customerId: customer.id, template: "ticket-reply" } });
    expect(mail.headers).toEqual({ "Reply-To": replyAddressFor(t.id) });
    expect(mail.props).toMatchObject({ body: "Sorry! Could you send a photo?", agentName: "Ada Agent", ticketNumber: number });

    // Two hours waiting on the customer.
    await db().ticket.update({ where: { number }, data: { slaPausedAt: new Date(Date.now() - 2 * 3600_000) } });
    const resolutionBefore = t.resolutionDueAt!.getTime();
    await caller.support.reply({ number, body: "Here it is." });
    t = await db().ticket.findUniqueOrThrow({ where: { number } });
    expect(t.status).toBe("OPEN");
    expect(t.slaPausedAt).toBeNull();
    expect(t.pausedMinutes).toBeGreaterThanOrEqual(120);
    expect(t.pausedMinutes).toBeLessThanOrEqual(121);
    // Pushed out by the paused minutes (the engine counts whole minutes).
    expect(Math.abs(t.resolutionDueAt!.getTime() - resolutionBefore - t.pausedMinutes * 60_000)).toBeLessThan(60_000);
    expect(t.slaDueAt).toEqual(t.resolutionDueAt);

    await agent.support.setStatus({ number, status: "SOLVED" });
    t = await db().ticket.findUniqueOrThrow({ where: { number } });
    expect(t.status).toBe("SOLVED");
    expect(t.solvedAt).not.toBeNull();
    expect(t.csatRequestedAt).not.toBeNull();

    // The customer answers again: reopened; solving again does not ask a second time.
    await caller.support.reply({ number, body: "Actually, one more thing." });
    expect((await db().ticket.findUniqueOrThrow({ where: { number } })).status).toBe("OPEN");
    await agent.support.agentReply({ number, body: "Done!", status: "SOLVED" });
    expect(await db().mailOutbox.count({ where: { customerId: customer.id, template: "ticket-solved-csat" } })).toBe(1);

    // Not every move is allowed by hand.
    await expect(agent.support.setStatus({ number, status: "NEW" })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { status: { key: "support.errTransition" } } } });
    await agent.support.setStatus({ number, status: "CLOSED" });
    await expect(agent.support.setStatus({ number, status: "OPEN" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.support.reply({ number, body: "Hello?" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", cause: { fieldErrors: { body: "support.errClosed" } } });

    const types = (await db().touchpoint.findMany({ where: { customerId: customer.id, subjectType: "ticket" }, select: { type: true } })).map((x) => x.type);
    expect(types).toEqual(expect.arrayContaining(["ticket.created", "ticket.agent_replied", "ticket.customer_replied", "ticket.status_changed", "ticket.csat_requested"]));
    const actions = (await db().auditLog.findMany({ where: { actorId: agentA.agent.id, targetId: t.id }, select: { action: true } })).map((x) => x.action);
    expect(actions).toEqual(expect.arrayContaining(["ticket.replied", "ticket.status_changed"]));
  });

  it("CSAT: only once solved, only once, 1–5, shows in the report by agent", async () => {
    const { caller } = await customerWithCaller();
    const { number } = await caller.support.create({ subject: "Refund question", body: "When will I get it?" });
    await expect(caller.support.rate({ number, score: 5 })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await agentA.caller.support.agentReply({ number, body: "Today.", status: "SOLVED" });
    await expect(caller.support.rate({ number, score: 9 })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { score: "support.errScore" } } });
    await caller.support.rate({ number, score: 4, comment: "Quick, thanks" });
    await expect(caller.support.rate({ number, score: 1 })).rejects.toMatchObject({ code: "CONFLICT" });
    const t = await db().ticket.findUniqueOrThrow({ where: { number } });
    expect(t).toMatchObject({ csatScore: 4, csatComment: "Quick, thanks" });
    expect((await caller.support.ticket({ number })).canRate).toBe(false);
    const report = await agentA.caller.support.report({});
    const row = report.byAgent.find((r) => r.key === agentA.agent.id);
    expect(row).toMatchObject({ ratings: 1, average: 4, satisfied: 100 });
    expect(report.byWeek.reduce((s, r) => s + r.ratings, 0)).toBeGreaterThanOrEqual(1);
  });

  it("internal notes never reach the customer: not in the thread, not emailed, files on notes not downloadable", async () => {
    const { customer, caller } = await customerWithCaller();
    const { number } = await caller.support.create({ subject: "Account locked", body: "I can't sign in." });
    const secret = "INTERNAL: customer flagged for chargeback risk";
    await agentA.caller.support.agentReply({ number, body: secret, internal: true, attachments: [{ filename: "risk.txt", contentType: "text/plain", content: Buffer.from("risk score 97") }] });
    await agentA.caller.support.agentReply({ number, body: "We've unlocked your account." });

    const view = await caller.support.ticket({ number });
    expect(view.messages.map((m) => m.body)).toEqual(["I can't sign in.", "We've unlocked your account."]);
    expect(JSON.stringify(view)).not.toContain("chargeback");
    expect(JSON.stringify(await caller.support.myTickets())).not.toContain("chargeback");
    // The note is a staff-only message: it didn't change the status or send mail.
    const mails = await db().mailOutbox.findMany({ where: { customerId: customer.id } });
    expect(mails.map((m) => m.template).sort()).toEqual(["ticket-received", "ticket-reply"]);
    expect(JSON.stringify(mails)).not.toContain("chargeback");
    // Its attachment: the agent may download it, the customer may not.
    const noteFile = await db().ticketAttachment.findFirstOrThrow({ where: { ticket: { number }, filename: "risk.txt" } });
    await expect(caller.support.attachment({ id: noteFile.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await agentA.caller.support.attachment({ id: noteFile.id })).content.toString()).toBe("risk score 97");
    // The agent's page shows it, marked internal.
    const detail = await agentA.caller.support.agentTicket({ number });
    expect(detail.messages.find((m) => m.body === secret)?.internal).toBe(true);
    // Touchpoints carry no note text.
    const tps = await db().touchpoint.findMany({ where: { customerId: customer.id }, select: { type: true, metadata: true } });
    expect(JSON.stringify(tps)).not.toContain("chargeback");
  });

  it("one customer can never read, answer, close or rate another's ticket", async () => {
    const a = await customerWithCaller();
    const b = await customerWithCaller();
    const { number } = await a.caller.support.create({ subject: "Private matter", body: "Just for me." });
    await expect(b.caller.support.ticket({ number })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.caller.support.reply({ number, body: "Hi" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.caller.support.close({ number })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.caller.support.rate({ number, score: 5 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const t = await db().ticket.findUniqueOrThrow({ where: { number } });
    await expect(addCustomerMessage(db(), { ticketId: t.id, customerId: b.customer.id, body: "Hi", channel: "email" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db().ticketMessage.count({ where: { ticketId: t.id } })).toBe(1);
    expect((await b.caller.support.myTickets()).length).toBe(0);
  });

  it("merging a duplicate moves its messages, closes it with a pointer, and later replies to it land on the target", async () => {
    const { customer, caller } = await customerWithCaller();
    const first = await caller.support.create({ subject: "Wrong size", body: "I got an M instead of an L." });
    const dup = await caller.support.create({ subject: "Wrong size again", body: "Writing again about the size." });
    const other = await customerWithCaller();
    const foreign = await other.caller.support.create({ subject: "Another person", body: "Hello" });
    await expect(agentA.caller.support.merge({ number: dup.number, target: foreign.number })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { target: "support.errMergeCustomer" } } });
    await expect(agentA.caller.support.merge({ number: dup.number, target: dup.number })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const r = await agentA.caller.support.merge({ number: dup.number, target: first.number });
    expect(r).toEqual({ targetNumber: first.number, moved: 1 });
    const source = await db().ticket.findUniqueOrThrow({ where: { number: dup.number }, include: { messages: true } });
    expect(source).toMatchObject({ status: "CLOSED", mergedIntoId: first.id, slaDueAt: null });
    expect(source.messages).toHaveLength(0);
    const target = await caller.support.ticket({ number: first.number });
    expect(target.messages.map((m) => m.body)).toEqual(["I got an M instead of an L.", "Writing again about the size."]);
    // The customer sees the pointer; an emailed reply to the old ticket goes to the target.
    expect((await caller.support.ticket({ number: dup.number })).mergedInto).toEqual({ number: first.number });
    await addCustomerMessage(db(), { ticketId: dup.id, customerId: customer.id, body: "Any news?", channel: "email" });
    expect((await caller.support.ticket({ number: first.number })).messages.at(-1)?.body).toBe("Any news?");
    expect(await db().auditLog.count({ where: { action: "ticket.merged", targetId: dup.id } })).toBe(1);
    expect(await db().touchpoint.count({ where: { type: "ticket.merged", subjectId: dup.id } })).toBe(1);
  });

  it("canned replies fill placeholders for the ticket on the server", async () => {
    expect(renderPlaceholders("Hi {{customer.firstName}}, order {{ order.number }} — {{agent.name}} {{unknown.thing}}", { customer: { name: "Mei Lin Chen", email: "m@x.test" }, order: { number: "R-1001" }, ticket: { number: 7 }, agent: { name: "Ada", email: "a@x.test" } })).toBe(
      "Hi Mei, order R-1001 — Ada {{unknown.thing}}",
    );
    expect(renderPlaceholders("Hi {{customer.firstName}}{{order.number}}", { customer: { name: null, email: "lee@x.test" }, order: null, ticket: { number: 1 }, agent: { name: null, email: "a@x.test" } })).toBe("Hi lee");

    const { customer, caller } = await customerWithCaller({ name: "Jonas Berg" });
    const order = await createOrder(db(), { customerId: customer.id });
    const { number } = await caller.support.create({ subject: "Late delivery", body: "Still waiting.", orderNumber: order.number });
    await expect(agentA.caller.support.cannedSave({ title: " ", body: "x" })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { title: "support.errCannedTitle" } } });
    const { id } = await agentA.caller.support.cannedSave({ title: "Shipping delay", body: "Hi {{customer.firstName}}, order {{order.number}} is on its way. — {{agent.name}}" });
    const rendered = await agentA.caller.support.renderCanned({ number, cannedId: id });
    expect(rendered.body).toBe(`Hi Jonas, order ${order.number} is on its way. — Ada Agent`);
    expect(await db().auditLog.count({ where: { action: "canned.created", targetId: id } })).toBe(1);
  });

  it("the support job flags SLA breaches once and closes tickets solved more than 4 days ago", async () => {
    const { customer, caller } = await customerWithCaller();
    const late = await caller.support.create({ subject: "Nobody answered", body: "Hello?" });
    const solved = await caller.support.create({ subject: "Old and solved", body: "Thanks" });
    await agentA.caller.support.agentReply({ number: solved.number, body: "Fixed.", status: "SOLVED" });
    await db().ticket.update({ where: { number: late.number }, data: { slaDueAt: new Date(Date.now() - 60_000) } });
    await db().ticket.update({ where: { number: solved.number }, data: { solvedAt: new Date(Date.now() - 5 * DAY) } });

    const r = await runSupportJob(db());
    expect(r.breached).toBeGreaterThanOrEqual(1);
    expect(r.closed).toBeGreaterThanOrEqual(1);
    expect((await db().ticket.findUniqueOrThrow({ where: { number: late.number } })).slaBreachedAt).not.toBeNull();
    expect(await db().ticket.findUniqueOrThrow({ where: { number: solved.number } })).toMatchObject({ status: "CLOSED" });
    expect(await db().touchpoint.count({ where: { customerId: customer.id, type: "ticket.sla_breached" } })).toBe(1);
    await runSupportJob(db());
    expect(await db().touchpoint.count({ where: { customerId: customer.id, type: "ticket.sla_breached" } })).toBe(1);

    // The breached view of the inbox lists it; search by number and by email finds it.
    const breached = await agentA.caller.support.inbox({ view: "breached" });
    expect(breached.items.map((i) => i.number)).toContain(late.number);
    expect((await agentA.caller.support.inbox({ view: "all", q: `#${late.number}` })).items.map((i) => i.number)).toEqual([late.number]);
    expect((await agentA.caller.support.inbox({ view: "all", q: customer.email })).items.map((i) => i.number).sort()).toEqual([late.number, solved.number].sort());
  });

  it("the inbox views: unassigned, mine, filters, ordered by the next SLA due time", async () => {
    await onlyTheseAgentsAvailable([]);
    const { caller } = await customerWithCaller();
    const a = await caller.support.create({ subject: "First", body: "x", category: "billing" });
    const b = await caller.support.create({ subject: "Second", body: "x", category: "billing" });
    await agentA.caller.support.setPriority({ number: b.number, priority: "URGENT" });
    const unassigned = await agentA.caller.support.inbox({ view: "unassigned", category: "billing" });
    const nums = unassigned.items.map((i) => i.number);
    // URGENT is due sooner, so it comes first.
    expect(nums.indexOf(b.number)).toBeLessThan(nums.indexOf(a.number));
    await agentA.caller.support.assign({ number: a.number, assigneeId: agentA.agent.id });
    const mine = await agentA.caller.support.inbox({ view: "mine" });
    expect(mine.items.map((i) => i.number)).toContain(a.number);
    expect(mine.items.map((i) => i.number)).not.toContain(b.number);
    expect((await agentA.caller.support.inbox({ view: "all", priority: "URGENT", category: "billing" })).items.map((i) => i.number)).toContain(b.number);
    expect(mine.counts.mine).toBeGreaterThanOrEqual(1);
  });

  it("deflection: a help suggestion opened from the ticket form with no ticket within 24 h counts as deflected", async () => {
    const before = await supportCounts(db());
    const deflected = await customerWithCaller();
    const notDeflected = await customerWithCaller();
    const opened = new Date(Date.now() - 30 * 3600_000);
    for (const c of [deflected.customer, notDeflected.customer]) {
      await db().touchpoint.create({ data: { customerId: c.id, type: "help.suggestion_opened", channel: "web", subjectType: "help_article", subjectId: "track-order", occurredAt: opened, metadata: { from: "ticket-form" } } });
    }
    // This one sent a ticket two hours after reading the article.
    const { id } = await createTicket(db(), { customerId: notDeflected.customer.id, subject: "Still lost", body: "The article didn't help.", channel: "portal" });
    await db().ticket.update({ where: { id }, data: { createdAt: new Date(opened.getTime() + 2 * 3600_000) } });
    const after = await supportCounts(db());
    expect(after.suggestionsOpened - before.suggestionsOpened).toBe(2);
    expect(after.deflected - before.deflected).toBe(1);
  });
});
