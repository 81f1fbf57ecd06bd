// Privacy: a customer's data export (everything about them, nothing secret, nobody else's data)
// and the admin-only erasure that removes personal data but keeps the books (order totals, the
// loyalty ledger and balances) exactly as they were. The last block runs over HTTP on the
// production build (`npm run build` first).
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { erasedEmail, ERASED_TEXT, MAIL_CANCELLED } from "../../server/domain/privacy/erase.ts";
import { attachmentsDir, checkAttachments, storeAttachments } from "../../server/domain/support/attachments.ts";
import { createCustomer, createLedgerEntry, createOrder, createStaff, createTicket, TEST_PASSWORD, type CustomerWithUser } from "../factories/index.ts";
import { startTestApp } from "../setup/app.ts";
import { callerAs } from "../setup/harness.ts";

const INTERNAL_NOTE = "INTERNAL-ONLY: goodwill refund approved, customer is a VIP";

/** A customer with something of everything: orders, a ticket (with an internal note and a file),
 *  points, a redemption, a referral of another customer, NPS, touchpoints, mail. */
async function richCustomer() {
  const other = await createCustomer(db(), { login: true });
  const a = await createCustomer(db(), { login: true, consentEmail: true, consentSms: true, birthday: new Date("1990-04-23T00:00:00Z") });
  const delivered = await createOrder(db(), { customerId: a.id, status: "DELIVERED", currency: "USD" });
  const refunded = await createOrder(db(), { customerId: a.id, status: "REFUNDED", currency: "EUR" });
  await db().refund.create({ data: { orderId: refunded.id, amountMinor: refunded.refundedMinor, currency: "EUR", reason: "damaged in transit", source: "manual", refundedAt: new Date() } });
  const ticket = await createTicket(db(), {
    customerId: a.id,
    order: delivered,
    status: "SOLVED",
    subject: "Dented kettle from Alice Example",
    body: "Hi, I'm Alice, my phone is +1 555 0100; the kettle arrived dented.",
    reply: "Sorry to hear that! A replacement is on its way.",
    internalNote: INTERNAL_NOTE,
    csatScore: 5,
    csatComment: "Alice says: lovely service",
  });
  const firstMessage = ticket.messages.find((m) => m.fromCustomer)!;
  const files = checkAttachments([{ filename: "dent-photo.txt", contentType: "text/plain", content: Buffer.from("a photo of the dent, honestly") }]);
  const [attachment] = await db().$transaction((tx) => storeAttachments(tx, ticket.id, firstMessage.id, files));
  await createLedgerEntry(db(), { customerId: a.id, type: "BONUS", availableDelta: 300, reason: "welcome bonus" });
  await createLedgerEntry(db(), { customerId: a.id, type: "EARN", pendingDelta: 120, reason: "order points" });
  await createLedgerEntry(db(), { customerId: a.id, type: "ADJUST", availableDelta: -40, reason: "correction" });
  const reward = await db().reward.create({ data: { kind: "FREE_SHIPPING", nameEn: "Free shipping", nameZh: "免运费", pointsCost: 100 } });
  const code = `RW-PV-${randomBytes(4).toString("hex").toUpperCase()}`;
  await db().redemption.create({ data: { customerId: a.id, rewardId: reward.id, code, pointsCost: 100, expiresAt: new Date(Date.now() + 30 * 86_400_000) } });
  await db().referral.create({ data: { referrerId: a.id, referredCustomerId: other.id, code: "ALICE-REF" } });
  await db().tierHistory.create({ data: { customerId: a.id, fromTier: "BRONZE", toTier: "SILVER", spendMinor: 50_000, reason: "spend" } });
  await db().npsResponse.create({ data: { customerId: a.id, tokenHash: randomBytes(16).toString("hex"), score: 9, comment: "Alice loves the oolong", respondedAt: new Date() } });
  const returnRequest = await db().returnRequest.create({ data: { orderId: delivered.id, customerId: a.id, reason: "damaged", comment: "Box crushed, call me on +1 555 0100" } });
  await db().touchpoint.createMany({
    data: [
      { customerId: a.id, type: "auth.sign_in_failed", channel: "web", metadata: { ip: "203.0.113.7" } },
      { customerId: a.id, type: "consent.changed", channel: "web", metadata: { email: true, sms: true } },
      { customerId: a.id, type: "help.searched", channel: "web", metadata: { query: "alice's kettle", locale: "en", resultCount: 0 } },
    ],
  });
  // Due in a day, so an app started by a later test does not try to send it.
  const pendingMail = await db().mailOutbox.create({ data: { to: a.email, template: "magic-link", props: { url: "http://x/magic?token=t", expiresInMinutes: 15 }, customerId: a.id, nextAttemptAt: new Date(Date.now() + 86_400_000) } });
  const sentMail = await db().mailOutbox.create({ data: { to: a.email, template: "order-shipped", props: { name: a.name }, customerId: a.id, status: "SENT", sentAt: new Date() } });
  return { a: a as CustomerWithUser & { user: NonNullable<CustomerWithUser["user"]> }, other, delivered, refunded, ticket, attachment: attachment!, code, returnRequest, pendingMail, sentMail };
}

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
    return "OK";
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
}

/** Everything erasure must keep: per-order totals and refunds, the ledger sums, cached balances. */
async function books(customerId: string) {
  const orders = await db().order.findMany({ where: { customerId }, orderBy: { id: "asc" }, select: { id: true, number: true, status: true, totalMinor: true, refundedMinor: true, subtotalMinor: true, items: { select: { quantity: true, unitPriceMinor: true } }, refunds: { select: { amountMinor: true } } } });
  const ledger = await db().loyaltyLedgerEntry.aggregate({ where: { customerId }, _sum: { availableDelta: true, pendingDelta: true, debtDelta: true }, _count: true });
  const c = await db().customer.findUniqueOrThrow({ where: { id: customerId }, select: { pointsAvailable: true, pointsPending: true, pointsDebt: true, tier: true } });
  const redemptions = await db().redemption.findMany({ where: { customerId }, select: { code: true, pointsCost: true, status: true } });
  return { orders, ledger, balances: c, redemptions };
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("privacy.export", () => {
  it("holds the customer's own orders, tickets, ledger and more — never internal notes, secrets or other customers' data", async () => {
    const { a, other, delivered, refunded, ticket, code } = await richCustomer();
    const { caller } = await callerAs({ userId: a.userId });
    const data = await caller.privacy.export();
    const json = JSON.stringify(data);

    expect(data.profile).toMatchObject({ email: a.email, name: a.name, birthday: "1990-04-23", consents: { email: true, sms: true, push: false } });
    expect(data.login?.sessions.length).toBeGreaterThanOrEqual(1);
    expect(data.orders.map((o) => o.number).sort()).toEqual([delivered.number, refunded.number].sort());
    expect(data.orders.find((o) => o.number === delivered.number)?.items.length).toBe(delivered.items.length);
    expect(data.orders.find((o) => o.number === refunded.number)?.refunds).toEqual([expect.objectContaining({ amountMinor: refunded.refundedMinor, currency: "EUR" })]);
    expect(data.returnRequests).toEqual([expect.objectContaining({ orderNumber: delivered.number, comment: "Box crushed, call me on +1 555 0100" })]);

    const t = data.supportTickets.find((x) => x.number === ticket.number)!;
    expect(t.subject).toBe("Dented kettle from Alice Example");
    expect(t.orderNumber).toBe(delivered.number);
    expect(t.rating).toMatchObject({ score: 5, comment: "Alice says: lovely service" });
    expect(t.messages.map((m) => m.from)).toContain("support");
    expect(t.messages.find((m) => m.from === "you")?.attachments).toEqual([expect.objectContaining({ filename: "dent-photo.txt", contentType: "text/plain", size: 29 })]);
    // The note exists in the database, and is not in the export.
    expect(await db().ticketMessage.count({ where: { ticketId: ticket.id, internal: true, body: INTERNAL_NOTE } })).toBe(1);
    expect(json).not.toContain(INTERNAL_NOTE);
    expect(t.messages).toHaveLength(ticket.messages.filter((m) => !m.internal).length);

    expect(data.loyalty.ledger.map((e) => e.reason)).toEqual(["welcome bonus", "order points", "correction"]);
    expect(data.loyalty.pointsAvailable).toBe(260);
    expect(data.loyalty.redemptions).toEqual([expect.objectContaining({ code, pointsCost: 100, reward: expect.objectContaining({ nameEn: "Free shipping" }) })]);
    expect(data.loyalty.referralsMade).toEqual([expect.objectContaining({ referred: "another customer", code: "ALICE-REF" })]);
    expect(data.loyalty.tierHistory).toEqual([expect.objectContaining({ fromTier: "BRONZE", toTier: "SILVER" })]);
    expect(data.npsResponses).toEqual([expect.objectContaining({ score: 9, comment: "Alice loves the oolong" })]);
    expect(data.touchpoints.map((tp) => tp.type)).toEqual(expect.arrayContaining(["auth.sign_in_failed", "consent.changed", "help.searched"]));

    // Secrets and other people: not the password hash, no session or token hash, not the other
    // party of the referral, not the agent's email.
    const sessionHashes = (await db().session.findMany({ where: { userId: a.userId! }, select: { tokenHash: true } })).map((s) => s.tokenHash);
    expect(sessionHashes.length).toBeGreaterThan(0);
    for (const h of sessionHashes) expect(json).not.toContain(h);
    expect(json).not.toContain(a.user.passwordHash!);
    expect(json).not.toMatch(/passwordHash|tokenHash|secretHash|stripePaymentIntentId|stripeChargeId/);
    expect(json).not.toContain(other.email);
    const agent = await db().user.findUniqueOrThrow({ where: { id: ticket.assigneeId! } });
    expect(json).not.toContain(agent.email);

    // The download is a touchpoint.
    expect(await db().touchpoint.count({ where: { customerId: a.id, type: "privacy.exported", channel: "web", actorUserId: a.userId } })).toBe(1);
  });

  it("only ever exports the caller's own customer (input is ignored); staff and visitors are refused", async () => {
    const { a, delivered } = await richCustomer();
    const b = await createCustomer(db(), { login: true });
    const { caller } = await callerAs({ userId: b.userId });
    const exportWithInput = caller.privacy.export as unknown as (input: unknown) => Promise<Awaited<ReturnType<typeof caller.privacy.export>>>;
    const data = await exportWithInput({ customerId: a.id });
    expect(data.profile.email).toBe(b.email);
    const json = JSON.stringify(data);
    expect(json).not.toContain(a.email);
    expect(json).not.toContain(delivered.number);

    const admin = await createStaff(db(), { role: "ADMIN" });
    expect(await codeOf((await callerAs({ userId: admin.id })).caller.privacy.export())).toBe("FORBIDDEN");
    expect(await codeOf((await callerAs()).caller.privacy.export())).toBe("UNAUTHORIZED");
  });
});

describe("privacy.erase", () => {
  let admin: { id: string };
  beforeAll(async () => {
    admin = await createStaff(db(), { role: "ADMIN" });
  });

  it("refuses a wrong confirmation or a missing reason with messages on the fields, changing nothing", async () => {
    const { a } = await richCustomer();
    const before = { customer: await db().customer.findUniqueOrThrow({ where: { id: a.id } }), user: await db().user.findUniqueOrThrow({ where: { id: a.userId! } }), sessions: await db().session.count({ where: { userId: a.userId! } }) };
    const { caller } = await callerAs({ userId: admin.id });

    const wrong = await caller.privacy.erase({ customerId: a.id, confirmEmail: "someone-else@example.com", reason: "Customer asked by email" }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(TRPCError);
    expect(wrong).toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { confirmEmail: "staff.privacyErrConfirm" } } });
    const noReason = await caller.privacy.erase({ customerId: a.id, confirmEmail: a.email, reason: "   " }).catch((e: unknown) => e);
    expect(noReason).toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { reason: "staff.privacyErrReason" } } });

    expect(await db().customer.findUniqueOrThrow({ where: { id: a.id } })).toEqual(before.customer);
    expect(await db().user.findUniqueOrThrow({ where: { id: a.userId! } })).toEqual(before.user);
    expect(await db().session.count({ where: { userId: a.userId! } })).toBe(before.sessions);
    expect(await db().auditLog.count({ where: { action: "privacy.customer_erased", targetId: a.id } })).toBe(0);
  });

  it("anonymises the customer, ends the login, redacts what they wrote, cancels mail — and keeps the books", async () => {
    const { a, other, ticket, attachment, returnRequest, pendingMail, sentMail } = await richCustomer();
    const oldEmail = a.email;
    const { sessionToken: customerSession } = await callerAs({ userId: a.userId });
    const booksBefore = await books(a.id);
    const ticketsBefore = await db().ticket.count({ where: { customerId: a.id } });
    const messagesBefore = await db().ticketMessage.findMany({ where: { ticketId: ticket.id }, orderBy: { createdAt: "asc" } });
    const touchpointsBefore = await db().touchpoint.count({ where: { customerId: a.id } });
    expect(fs.existsSync(path.join(attachmentsDir(), attachment.id))).toBe(true);

    const { caller } = await callerAs({ userId: admin.id });
    const r = await caller.privacy.erase({ customerId: a.id, confirmEmail: ` ${oldEmail.toUpperCase()} `, reason: "Customer request by email, 2 May" });
    expect(r).toMatchObject({ customerId: a.id, attachmentsDeleted: 1, mailCancelled: 1 });

    // The profile.
    const c = await db().customer.findUniqueOrThrow({ where: { id: a.id } });
    expect(c).toMatchObject({ email: erasedEmail(a.id), name: null, birthday: null, consentEmail: false, consentSms: false, consentPush: false, referralCode: null });
    expect(c.anonymizedAt).toBeInstanceOf(Date);

    // The login: disabled, no password, email freed, signed out everywhere.
    const u = await db().user.findUniqueOrThrow({ where: { id: a.userId! } });
    expect(u).toMatchObject({ passwordHash: null, name: null });
    expect(u.email).not.toBe(oldEmail);
    expect(u.disabledAt).toBeInstanceOf(Date);
    expect(await db().session.count({ where: { userId: a.userId! } })).toBe(0);
    expect(await db().authToken.count({ where: { userId: a.userId! } })).toBe(0);
    expect(await codeOf((await callerAs({ sessionToken: customerSession })).caller.privacy.export())).toBe("UNAUTHORIZED");
    expect(await codeOf((await callerAs()).caller.auth.signIn({ email: oldEmail, password: TEST_PASSWORD }))).toBe("UNAUTHORIZED");

    // Support: the rows stay, the customer's words go; the agent's reply and the CSAT score stay.
    expect(await db().ticket.count({ where: { customerId: a.id } })).toBe(ticketsBefore);
    const t = await db().ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(t).toMatchObject({ subject: ERASED_TEXT, csatScore: 5, csatComment: ERASED_TEXT, status: "SOLVED" });
    const messagesAfter = await db().ticketMessage.findMany({ where: { ticketId: ticket.id }, orderBy: { createdAt: "asc" } });
    expect(messagesAfter).toHaveLength(messagesBefore.length);
    for (const [i, m] of messagesAfter.entries()) expect(m.body).toBe(m.fromCustomer ? ERASED_TEXT : messagesBefore[i]!.body);
    expect(messagesAfter.some((m) => !m.fromCustomer && m.body === "Sorry to hear that! A replacement is on its way.")).toBe(true);
    expect(await db().ticketAttachment.count({ where: { id: attachment.id } })).toBe(0);
    expect(fs.existsSync(path.join(attachmentsDir(), attachment.id))).toBe(false);
    expect((await db().returnRequest.findUniqueOrThrow({ where: { id: returnRequest.id } })).comment).toBe(ERASED_TEXT);
    expect(await db().npsResponse.findMany({ where: { customerId: a.id }, select: { score: true, comment: true } })).toEqual([{ score: 9, comment: ERASED_TEXT }]);

    // The books: identical.
    expect(await books(a.id)).toEqual(booksBefore);
    expect(booksBefore.ledger._sum.availableDelta).toBe(260);
    expect(booksBefore.orders.length).toBe(2);

    // Mail: the pending one is cancelled, none keeps the address.
    expect(await db().mailOutbox.findUniqueOrThrow({ where: { id: pendingMail.id } })).toMatchObject({ status: "FAILED", lastError: MAIL_CANCELLED, to: erasedEmail(a.id) });
    expect(await db().mailOutbox.findUniqueOrThrow({ where: { id: sentMail.id } })).toMatchObject({ status: "SENT", to: erasedEmail(a.id), props: {} });
    expect(await db().mailOutbox.count({ where: { to: { equals: oldEmail, mode: "insensitive" } } })).toBe(0);

    // Touchpoints: rows kept (plus privacy.erased), personal values gone, analytics values kept.
    expect(await db().touchpoint.count({ where: { customerId: a.id } })).toBe(touchpointsBefore + 1);
    const tps = await db().touchpoint.findMany({ where: { customerId: a.id, type: { in: ["auth.sign_in_failed", "consent.changed", "help.searched"] } }, select: { type: true, metadata: true } });
    expect(Object.fromEntries(tps.map((x) => [x.type, x.metadata]))).toEqual({ "auth.sign_in_failed": {}, "consent.changed": { email: true, sms: true }, "help.searched": { locale: "en", resultCount: 0 } });
    expect(await db().touchpoint.count({ where: { customerId: a.id, type: "privacy.erased", actorUserId: admin.id } })).toBe(1);

    // Audited, without the old address in clear.
    const entry = await db().auditLog.findFirstOrThrow({ where: { action: "privacy.customer_erased", targetId: a.id } });
    expect(entry).toMatchObject({ actorId: admin.id, targetType: "customer", data: expect.objectContaining({ reason: "Customer request by email, 2 May", emailSha256: sha256(oldEmail.toLowerCase()) }) });
    expect(JSON.stringify(entry.data)).not.toContain(oldEmail);

    // The other party of the referral is untouched.
    expect(await db().customer.findUniqueOrThrow({ where: { id: other.id }, select: { email: true, anonymizedAt: true } })).toEqual({ email: other.email, anonymizedAt: null });

    // The address can sign up again, as a new customer.
    const fresh = await callerAs();
    const signedUp = await fresh.caller.auth.signUp({ email: oldEmail, password: "a-brand-new-passphrase-42", name: "Someone New", locale: "en" });
    const newUser = await db().user.findUniqueOrThrow({ where: { id: signedUp.userId }, include: { customer: true } });
    expect(newUser.email).toBe(oldEmail);
    expect(newUser.customer?.id).toBeDefined();
    expect(newUser.customer?.id).not.toBe(a.id);
    expect(await db().order.count({ where: { customerId: newUser.customer!.id } })).toBe(0);

    // Staff see when it happened.
    expect((await caller.privacy.status({ customerId: a.id })).erasedAt).toEqual(c.anonymizedAt);
  });

  it("is for admins only: agents, marketers and customers are refused and nothing changes", async () => {
    const { a } = await richCustomer();
    for (const role of ["AGENT", "MARKETER"] as const) {
      const staff = await createStaff(db(), { role });
      expect(await codeOf((await callerAs({ userId: staff.id })).caller.privacy.erase({ customerId: a.id, confirmEmail: a.email, reason: "x" }))).toBe("FORBIDDEN");
      // They may still see the status on the customer page.
      expect(await codeOf((await callerAs({ userId: staff.id })).caller.privacy.status({ customerId: a.id }))).toBe("OK");
    }
    expect(await codeOf((await callerAs({ userId: a.userId })).caller.privacy.erase({ customerId: a.id, confirmEmail: a.email, reason: "x" }))).toBe("FORBIDDEN");
    expect(await codeOf((await callerAs()).caller.privacy.erase({ customerId: a.id, confirmEmail: a.email, reason: "x" }))).toBe("UNAUTHORIZED");
    expect((await db().customer.findUniqueOrThrow({ where: { id: a.id } })).anonymizedAt).toBeNull();
  });

  it("says clearly when the customer was already erased, or does not exist", async () => {
    const a = await createCustomer(db(), { login: true });
    const { caller } = await callerAs({ userId: admin.id });
    await caller.privacy.erase({ customerId: a.id, confirmEmail: a.email, reason: "Asked on the phone" });
    for (const confirmEmail of [a.email, erasedEmail(a.id)]) {
      const again = await caller.privacy.erase({ customerId: a.id, confirmEmail, reason: "Asked on the phone" }).catch((e: unknown) => e);
      expect(again).toMatchObject({ code: "CONFLICT", message: "This customer's personal data has already been erased.", cause: { fieldErrors: { form: "staff.privacyErrAlreadyErased" } } });
    }
    expect(await db().auditLog.count({ where: { action: "privacy.customer_erased", targetId: a.id } })).toBe(1);
    expect(await codeOf(caller.privacy.erase({ customerId: "no-such-customer", confirmEmail: "x@example.com", reason: "x" }))).toBe("NOT_FOUND");
  });
});

describe("erasure and stored Stripe events", () => {
  /** A checkout session and a refund as Stripe sends them, with the buyer's identity in them. */
  function stripeEvents(tag: string, person: { name: string; email: string }, refs: { session: string; pi: string }) {
    const address = { line1: `${tag} 12 Tea Street`, city: "Springfield", postal_code: "12345", country: "US", line2: null, state: null };
    return [
      {
        id: `evt_cs_${tag}`,
        type: "checkout.session.completed",
        created: 1_700_000_000,
        data: { object: { id: refs.session, object: "checkout.session", payment_intent: refs.pi, amount_total: 4451, currency: "usd", customer_email: person.email, customer_details: { email: person.email, name: person.name, phone: "+1 555 0199", address, tax_ids: [] }, shipping_details: { name: person.name, address }, metadata: { orderRef: tag } } },
      },
      {
        id: `evt_ch_${tag}`,
        type: "charge.refunded",
        created: 1_700_000_100,
        data: { object: { id: `ch_${tag}`, object: "charge", payment_intent: refs.pi, amount: 4451, amount_refunded: 1000, receipt_email: person.email, billing_details: { email: person.email, name: person.name, phone: "+1 555 0199", address }, payment_method_details: { type: "card", card: { brand: "visa", last4: "4242" } } } },
      },
    ];
  }

  async function customerWithStripeOrder(tag: string) {
    const c = await createCustomer(db(), { login: true, name: `Payer ${tag}` });
    const order = await createOrder(db(), { customerId: c.id, status: "PAID", currency: "USD" });
    const refs = { session: `cs_test_${tag}`, pi: `pi_test_${tag}` };
    await db().order.update({ where: { id: order.id }, data: { stripeCheckoutSessionId: refs.session, stripePaymentIntentId: refs.pi } });
    const events = stripeEvents(tag, { name: c.name!, email: c.email }, refs);
    for (const e of events) await db().stripeEvent.create({ data: { id: e.id, type: e.type, paymentIntentId: refs.pi, checkoutSessionId: e.type.startsWith("checkout") ? refs.session : null, payload: e, appliedAt: new Date(), orderId: e.type.startsWith("checkout") ? order.id : null } });
    return { c, order, events };
  }

  it("redacts the billing name, email, phone and address in the customer's Stripe events, keeping the events and their amounts", async () => {
    const admin = await createStaff(db(), { role: "ADMIN" });
    const tag = randomBytes(4).toString("hex");
    const { c, events } = await customerWithStripeOrder(`a${tag}`);
    const bystander = await customerWithStripeOrder(`b${tag}`);
    const bystanderBefore = await db().stripeEvent.findMany({ where: { id: { in: bystander.events.map((e) => e.id) } }, orderBy: { id: "asc" } });

    const { caller } = await callerAs({ userId: admin.id });
    const r = await caller.privacy.erase({ customerId: c.id, confirmEmail: c.email, reason: "Asked in writing" });
    expect(r).toMatchObject({ stripeEventsRedacted: 2 });

    const after = await db().stripeEvent.findMany({ where: { id: { in: events.map((e) => e.id) } }, orderBy: { id: "asc" } });
    expect(after).toHaveLength(2);
    for (const e of after) {
      const text = JSON.stringify(e.payload);
      expect(text).not.toContain(c.email);
      expect(text).not.toContain(c.name!);
      expect(text).not.toContain("+1 555 0199");
      expect(text).not.toContain("12 Tea Street");
      expect(e.appliedAt).toBeInstanceOf(Date);
    }
    const cs = after.find((e) => e.type === "checkout.session.completed")!.payload as { id: string; data: { object: Record<string, unknown> } };
    expect(cs.id).toBe(events[0]!.id);
    expect(cs.data.object).toMatchObject({ id: `cs_test_a${tag}`, payment_intent: `pi_test_a${tag}`, amount_total: 4451, currency: "usd", customer_email: null, customer_details: { email: null, name: null, phone: null, address: null }, shipping_details: { name: null, address: null }, metadata: { orderRef: `a${tag}` } });
    const ch = after.find((e) => e.type === "charge.refunded")!.payload as { data: { object: Record<string, unknown> } };
    expect(ch.data.object).toMatchObject({ amount: 4451, amount_refunded: 1000, receipt_email: null, billing_details: { email: null, name: null, phone: null, address: null }, payment_method_details: { type: "card", card: { brand: "visa", last4: "4242" } } });

    // The event ids stay, so a redelivery is still recognised and not applied twice.
    const { receiveStripeEvent } = await import("../../server/domain/orders/stripe-events.ts");
    expect(await receiveStripeEvent(db(), events[1]!)).toEqual({ status: "duplicate" });
    // Another customer's events are untouched.
    expect(await db().stripeEvent.findMany({ where: { id: { in: bystander.events.map((e) => e.id) } }, orderBy: { id: "asc" } })).toEqual(bystanderBefore);
    expect(JSON.stringify(bystanderBefore.map((e) => e.payload))).toContain(bystander.c.email);
    const entry = await db().auditLog.findFirstOrThrow({ where: { action: "privacy.customer_erased", targetId: c.id } });
    expect(entry.data).toMatchObject({ stripeEventsRedacted: 2 });
  });
});

describe("self-service erasure requests", () => {
  async function requestedBy(c: { id: string; email: string }) {
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { customerId: c.id, template: "privacy-erasure-confirm" }, orderBy: { createdAt: "desc" } });
    expect(mail.to).toBe(c.email);
    const url = new URL((mail.props as { url: string }).url);
    expect(url.pathname).toBe("/account/erasure");
    expect((mail.props as { expiresInHours: number }).expiresInHours).toBe(24);
    return url.searchParams.get("token")!;
  }

  it("a customer asks, confirms by the emailed link, sees it pending; staff see it and erasing marks it done", async () => {
    const admin = await createStaff(db(), { role: "ADMIN" });
    const agent = await createStaff(db(), { role: "AGENT" });
    const c = await createCustomer(db(), { login: true });
    const other = await createCustomer(db(), { login: true });
    const me = (await callerAs({ userId: c.userId })).caller;
    expect(await me.privacy.myErasureRequest()).toEqual({ pendingSince: null, linkSentAt: null, linkExpiresAt: null });

    await me.privacy.requestErasure({ acknowledge: true });
    const token = await requestedBy(c);
    expect(await db().erasureRequest.count({ where: { customerId: c.id, tokenHash: sha256(token) } })).toBe(1);
    const sent = await me.privacy.myErasureRequest();
    expect(sent.pendingSince).toBeNull();
    expect(sent.linkSentAt).toBeInstanceOf(Date);
    // Not confirmed yet: staff see nothing.
    expect((await (await callerAs({ userId: agent.id })).caller.privacy.status({ customerId: c.id })).requestedAt).toBeNull();

    // A wrong token, or someone else using the link, confirms nothing.
    expect(await me.privacy.confirmErasure({ token: "not-a-token" }).catch((e: unknown) => e)).toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { token: "errors.tokenInvalid" } } });
    expect(await (await callerAs({ userId: other.userId })).caller.privacy.confirmErasure({ token }).catch((e: unknown) => e)).toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { token: "errors.tokenInvalid" } } });
    expect(await db().erasureRequest.count({ where: { customerId: c.id, confirmedAt: { not: null } } })).toBe(0);

    const confirmed = await me.privacy.confirmErasure({ token });
    expect(confirmed.confirmedAt).toBeInstanceOf(Date);
    expect(await me.privacy.confirmErasure({ token }).catch((e: unknown) => e)).toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { token: "errors.tokenUsed" } } });
    expect((await me.privacy.myErasureRequest()).pendingSince).toEqual(confirmed.confirmedAt);
    expect(await me.privacy.requestErasure({ acknowledge: true }).catch((e: unknown) => e)).toMatchObject({ code: "CONFLICT", cause: { fieldErrors: { form: "account.erasureErrPending" } } });
    expect(await db().touchpoint.count({ where: { customerId: c.id, type: { in: ["privacy.erasure_requested", "privacy.erasure_confirmed"] } } })).toBe(2);

    // Staff: on the customer page and in the list; customers cannot list requests.
    const staff = (await callerAs({ userId: agent.id })).caller;
    expect((await staff.privacy.status({ customerId: c.id })).requestedAt).toEqual(confirmed.confirmedAt);
    expect((await staff.privacy.pendingRequests()).filter((p) => p.customerId === c.id)).toEqual([expect.objectContaining({ customerId: c.id, email: c.email, confirmedAt: confirmed.confirmedAt })]);
    expect(await codeOf(me.privacy.pendingRequests())).toBe("FORBIDDEN");

    // The existing erase action processes it.
    await (await callerAs({ userId: admin.id })).caller.privacy.erase({ customerId: c.id, confirmEmail: c.email, reason: "Self-service request" });
    const row = await db().erasureRequest.findFirstOrThrow({ where: { customerId: c.id, confirmedAt: { not: null } } });
    expect(row.completedAt).toBeInstanceOf(Date);
    expect(row.completedById).toBe(admin.id);
    expect((await staff.privacy.pendingRequests()).some((p) => p.customerId === c.id)).toBe(false);
    const entry = await db().auditLog.findFirstOrThrow({ where: { action: "privacy.customer_erased", targetId: c.id } });
    expect(entry.data).toMatchObject({ requestsCompleted: 1 });
  });

  it("an expired link confirms nothing; a new request replaces the old link", async () => {
    const c = await createCustomer(db(), { login: true });
    const me = (await callerAs({ userId: c.userId })).caller;
    await me.privacy.requestErasure({ acknowledge: true });
    const first = await requestedBy(c);
    await db().erasureRequest.updateMany({ where: { tokenHash: sha256(first) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await me.privacy.confirmErasure({ token: first }).catch((e: unknown) => e)).toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { token: "errors.tokenExpired" } } });

    await me.privacy.requestErasure({ acknowledge: true });
    const second = await requestedBy(c);
    expect(second).not.toBe(first);
    await me.privacy.requestErasure({ acknowledge: true });
    const third = await requestedBy(c);
    expect(await me.privacy.confirmErasure({ token: second }).catch((e: unknown) => e)).toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { token: "errors.tokenExpired" } } });
    await me.privacy.confirmErasure({ token: third });
    expect(await db().erasureRequest.count({ where: { customerId: c.id, confirmedAt: { not: null } } })).toBe(1);
  });

  it("needs the explicit acknowledgement and a customer login", async () => {
    const c = await createCustomer(db(), { login: true });
    const admin = await createStaff(db(), { role: "ADMIN" });
    expect(await codeOf((await callerAs({ userId: c.userId })).caller.privacy.requestErasure({} as never))).toBe("BAD_REQUEST");
    expect(await codeOf((await callerAs({ userId: admin.id })).caller.privacy.requestErasure({ acknowledge: true }))).toBe("FORBIDDEN");
    expect(await codeOf((await callerAs()).caller.privacy.requestErasure({ acknowledge: true }))).toBe("UNAUTHORIZED");
    expect(await db().erasureRequest.count({ where: { customerId: c.id } })).toBe(0);
  });
});

describe("privacy over HTTP", () => {
  let app: Rapport;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function signIn(email: string) {
    const res = await fetch(`${app.url}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email, password: TEST_PASSWORD, intent: "password" }), redirect: "manual" });
    expect(res.status).toBe(302);
    return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  }

  it("GET /account/export downloads the customer's JSON; a visitor is sent to sign in", async () => {
    const c = await createCustomer(db(), { login: true });
    const order = await createOrder(db(), { customerId: c.id, status: "PAID" });
    const cookie = await signIn(c.email);

    const page = await (await fetch(`${app.url}/account`, { headers: { cookie } })).text();
    expect(page).toContain('href="/account/export"');
    expect(page).toContain("Download my data");

    const res = await fetch(`${app.url}/account/export`, { headers: { cookie }, redirect: "manual" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="rapport-data-\d{4}-\d{2}-\d{2}\.json"$/);
    const body = (await res.json()) as { profile: { email: string }; orders: { number: string }[] };
    expect(body.profile.email).toBe(c.email);
    expect(body.orders.map((o) => o.number)).toEqual([order.number]);

    const anon = await fetch(`${app.url}/account/export`, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toBe("/login?redirectTo=%2Faccount%2Fexport");
  });

  it("an admin erases a customer from the staff page without JavaScript; the page then says when", async () => {
    const admin = await createStaff(db(), { role: "ADMIN" });
    const c = await createCustomer(db(), { login: true, name: "Erin Erasable" });
    const cookie = await signIn(admin.email);
    const url = `${app.url}/staff/customers/${c.id}`;
    const post = (fields: Record<string, string>) => fetch(url, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ intent: "erase", ...fields }), redirect: "manual" });

    const before = await (await fetch(url, { headers: { cookie } })).text();
    expect(before).toContain("Erase personal data");

    const wrong = await post({ confirmEmail: "nope@example.com", reason: "Customer request" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("This is not the customer&#x27;s email address. Nothing was changed.");
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).anonymizedAt).toBeNull();

    const ok = await post({ confirmEmail: c.email, reason: "Customer request" });
    expect(ok.status).toBe(200);
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).anonymizedAt).toBeInstanceOf(Date);
    const after = await (await fetch(url, { headers: { cookie } })).text();
    expect(after).toContain("personal data was erased on");
    expect(after).not.toContain("Erin Erasable");
    expect(after).not.toContain('name="confirmEmail"');
  });

  it("a customer requests erasure on /account and confirms it from the email without JavaScript; staff see it pending", async () => {
    const c = await createCustomer(db(), { login: true, name: "Rita Requester" });
    const agent = await createStaff(db(), { role: "AGENT" });
    const cookie = await signIn(c.email);
    const form = (url: string, fields: Record<string, string>) => fetch(url, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields), redirect: "manual" });

    const page = await (await fetch(`${app.url}/account`, { headers: { cookie } })).text();
    expect(page).toContain("Erase my personal data");
    expect(page).toContain('name="acknowledge"');

    const unticked = await form(`${app.url}/account`, { intent: "erasure" });
    expect(unticked.status).toBe(400);
    expect(await unticked.text()).toContain("Tick the box to confirm that you understand.");
    expect(await db().erasureRequest.count({ where: { customerId: c.id } })).toBe(0);

    const asked = await form(`${app.url}/account`, { intent: "erasure", acknowledge: "on" });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain("Follow the link in it to confirm your request.");
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { customerId: c.id, template: "privacy-erasure-confirm" } });
    const link = new URL((mail.props as { url: string }).url);
    const token = link.searchParams.get("token")!;

    const confirmPage = await (await fetch(`${app.url}/account/erasure?token=${encodeURIComponent(token)}`, { headers: { cookie } })).text();
    expect(confirmPage).toContain("Confirm the erasure request");
    expect(confirmPage).toContain(`value="${token}"`);
    expect(await db().erasureRequest.count({ where: { customerId: c.id, confirmedAt: { not: null } } })).toBe(0);
    const confirmed = await form(`${app.url}/account/erasure`, { token });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Your erasure request is confirmed");
    expect(await (await fetch(`${app.url}/account`, { headers: { cookie } })).text()).toContain("You confirmed your erasure request on");

    const staffCookie = await signIn(agent.email);
    const list = await (await fetch(`${app.url}/staff/privacy-requests`, { headers: { cookie: staffCookie } })).text();
    expect(list).toContain(`/staff/customers/${c.id}`);
    expect(list).toContain("Rita Requester");
    expect(await (await fetch(`${app.url}/staff/customers/${c.id}`, { headers: { cookie: staffCookie } })).text()).toContain("The customer asked for their personal data to be erased");
  });
});
