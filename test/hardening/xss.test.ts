// Hardening (issue #13), hostile input: every XSS payload of xss-payloads.ts is written into every
// field a user can write — through the real paths (tRPC procedures as the user, the inbound SMTP
// listener for support mail, the CSV order import, query strings) — and every page that shows them
// is opened in Chromium as the role that sees it. A payload fails when it runs (it calls
// `__xss(id)` or opens a dialog), when the page reports a Content-Security-Policy violation (the
// pages are checked clean first, so a violation is the payload's), or when it reaches the DOM as
// live markup (an event-handler attribute, a javascript:/data: URL, a script, frame, object, base
// or meta-refresh element) that only the CSP stops. Every page must also SHOW the payloads of its
// plain-text fields (as text), so a page that never rendered them cannot pass.
import nodemailer from "nodemailer";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgPool, db } from "../../server/db/client.ts";
import { importOrdersCsv } from "../../server/domain/orders/csv-import.ts";
import { callerAs } from "../setup/harness.ts";
import { createCustomer, createStaff, type CustomerWithUser } from "../factories/index.ts";
import { freePort, waitFor, type E2eApp } from "../e2e/browser.ts";
import { recordHardening } from "./report.ts";
import { expectShown, oneLine, packPayloads, scanDocument, union, XssRig } from "./xss-lib.ts";
import { payloadId, XSS_PAYLOADS, type XssPayload } from "./xss-payloads.ts";

// Field numbers (the hundreds of a payload id).
const F = {
  customerName: 1,
  staffName: 2,
  ticketSubject: 3,
  ticketBody: 4,
  portalAttachment: 5,
  emailSubject: 6,
  emailBody: 7,
  emailAttachment: 8,
  agentReply: 9,
  articleTitle: 10,
  articleSummary: 11,
  articleMarkdown: 12,
  cannedTitle: 13,
  cannedBody: 14,
  rewardName: 15,
  rewardDescription: 16,
  csvName: 17,
  csvOrderNumber: 18,
  pointsReason: 19,
  query: 20,
} as const;
type FieldName = keyof typeof F;
const FIELD_OF = new Map<number, FieldName>(Object.entries(F).map(([k, v]) => [v, k as FieldName]));
const fieldOfId = (id: number) => FIELD_OF.get(Math.floor(id / 100));

const P = XSS_PAYLOADS;
const pay = (field: FieldName, p: XssPayload) => p.make(payloadId(F[field], p));
const ids = (field: FieldName, ps: XssPayload[] = P) => ps.map((p) => payloadId(F[field], p));

// ---------------------------------------------------------------------------------------------

// The app, the browser, and what pages report: test/hardening/xss-lib.ts (shared with xss-marketing.test.ts).
const rig = new XssRig();
let app: E2eApp;
const watcher = rig.watcher;
const stamp = Date.now().toString(36);
const contextFor = (userId: string | null) => rig.contextFor(userId);
const signInAs = (ctx: BrowserContext, userId: string) => rig.signInAs(ctx, userId);
const visitAll = (ctx: BrowserContext, urls: string[]) => rig.visitAll(ctx, urls);

/**
 * Packs the payloads into groups whose text (joined by spaces, after `prefix`) fits `limit`
 * characters, so one record carries several (fewer records, fewer page views). A payload longer
 * than the limit on its own cannot be written into that field and is left out (counted).
 */
function pack(field: FieldName, limit: number, maxCount = Infinity, prefix = ""): XssPayload[][] {
  return packPayloads(P, (p) => pay(field, p), limit, maxCount, prefix);
}
const text = (field: FieldName, g: XssPayload[], sep = " ") => g.map((p) => (sep === " " ? oneLine(pay(field, p)) : pay(field, p))).join(sep);
const idsOf = (field: FieldName, groups: XssPayload[][]) => groups.flat().map((p) => payloadId(F[field], p));

beforeAll(async () => {
  const inboundPort = await freePort();
  await rig.start({ INBOUND_SMTP_PORT: String(inboundPort) });
  app = rig.app;
});

afterAll(() => rig.stop("xss"));

describe("hostile input: XSS payloads in every user-writable field, rendered in Chromium", () => {
  it("the detectors work: a payload without CSP runs and is seen; with the app's CSP it is blocked and reported; the app's pages are clean without payloads", async () => {
    expect(P.length).toBeGreaterThanOrEqual(50);
    const customer = await createCustomer(db(), { login: true, name: "Clean Customer" });
    const ctx = await contextFor(customer.userId);
    const page = await ctx.newPage();
    // 1. No CSP (about:blank): an injected handler runs and the exposed function reports it.
    await page.setContent(`<img src=x onerror="__xss(9901)">`);
    await waitFor("the control payload to run", async () => watcher.findings.some((f) => f.kind === "executed" && f.id === 9901));
    // 2. The app's pages with its CSP, without payloads: nothing found.
    const before = watcher.findings.length;
    for (const url of ["/", "/orders", "/support", "/support/new", "/rewards", "/account", "/help", "/help/search?q=delivery"]) await watcher.visit(page, `${app.url}${url}`);
    expect(watcher.findings.slice(before), "findings on clean customer pages").toEqual([]);
    // 3. Markup injected into that page: the CSP blocks the handler, the page reports the
    //    violation, and the DOM scan finds the live handler; nothing runs.
    await page.evaluate(() => document.body.insertAdjacentHTML("beforeend", `<img src=x onerror="__xss(9902)">`));
    await waitFor("the CSP violation of the control payload", () => page.evaluate(() => (window as unknown as { __cspViolations: unknown[] }).__cspViolations.length > 0));
    const scan = (await page.evaluate(`(${scanDocument.toString()})(null)`)) as ReturnType<typeof scanDocument>;
    expect(scan.live.map((l) => l.id)).toContain(9902);
    expect(watcher.findings.some((f) => f.id === 9902)).toBe(false);
    watcher.findings.length = 0;
    await page.close();
  });

  it("names, tickets, inbound mail, attachments, articles, canned replies, rewards, CSV cells and reasons: no payload runs on any page that shows them", async () => {
    const t0 = Date.now();
    // ---- the people
    const admin = await createStaff(db(), { role: "ADMIN", name: "Hardening Admin" });
    const agent = await createStaff(db(), { role: "AGENT", name: "Hardening Agent" });
    const asAdmin = (await callerAs({ userId: admin.id })).caller;
    const asAgent = (await callerAs({ userId: agent.id })).caller;
    // Staff with payload names (each sets their own through the profile procedure), not available
    // for round-robin so no other test's tickets go to them.
    const staffNames = pack("staffName", 100);
    for (const g of staffNames) {
      const s = await createStaff(db(), { role: "AGENT", name: "Agent" });
      const c = (await callerAs({ userId: s.id })).caller;
      await c.support.setAvailability({ available: false });
      await c.account.updateProfile({ name: text("staffName", g), locale: "en", timeZone: "UTC" });
    }
    await asAgent.support.setAvailability({ available: true });
    // The customer who writes tickets and owns the imported orders; customers with payload names.
    const owner = await createCustomer(db(), { login: true, name: "Olive Owner", email: `xss-owner-${stamp}@example.test` });
    const asOwner = (await callerAs({ userId: owner.userId! })).caller;
    const customerNames = pack("customerName", 100);
    const named: CustomerWithUser[] = [];
    for (const [i, g] of customerNames.entries()) {
      // The staff customer search shows 25 rows: two batches, found by their email prefix.
      const c = await createCustomer(db(), { login: true, email: `xss-name-${i < 25 ? "a" : "b"}${i}-${stamp}@example.test` });
      await (await callerAs({ userId: c.userId! })).caller.account.updateProfile({ name: text("customerName", g), locale: "en", timeZone: "UTC" });
      named.push(c);
    }

    // ---- tickets from the portal: subject (packed), body, one attachment per payload; an agent
    //      answers each, every other answer an internal note
    const portalGroups = pack("ticketSubject", 200, 5); // at most 5 attachments per message
    const portalTickets: number[] = [];
    for (const [i, g] of portalGroups.entries()) {
      const r = await asOwner.support.create({
        subject: text("ticketSubject", g),
        body: `Body ${i}:\n${text("ticketBody", g, "\n\n")}`,
        category: "general",
        attachments: g.map((p) => ({ filename: pay("portalAttachment", p), contentType: "text/plain", content: Buffer.from(`file ${p.n}`) })),
      });
      portalTickets.push(r.number);
      await asAgent.support.agentReply({ number: r.number, body: text("agentReply", g, "\n"), internal: i % 2 === 1 });
    }

    // ---- tickets by email to the support address (inbound SMTP): subject, text and HTML body,
    //      attachment names
    expect(app.inboundSmtpPort, "inbound SMTP listener").toBeTruthy();
    const mailGroups = pack("emailSubject", 200, 5);
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: app.inboundSmtpPort!, secure: false, ignoreTLS: true });
    for (const [i, g] of mailGroups.entries()) {
      await transport.sendMail({
        from: owner.email,
        to: app.services.env.SUPPORT_ADDRESS,
        subject: text("emailSubject", g),
        text: `Mail ${i}:\n${text("emailBody", g, "\n")}`,
        html: `<p>Mail ${i}:</p>${g.map((p) => `<p>${pay("emailBody", p)}</p>`).join("")}`,
        attachments: g.map((p) => ({ filename: oneLine(pay("emailAttachment", p)), content: Buffer.from(`attached ${p.n}`), contentType: "text/plain" })),
      });
    }
    transport.close();
    const emailTickets = (
      await waitFor("the inbound mail tickets", async () => {
        const rows = await db().ticket.findMany({ where: { customerId: owner.id, messages: { some: { channel: "email" } } }, select: { number: true } });
        return rows.length === mailGroups.length ? rows : null;
      })
    ).map((r) => r.number);

    // ---- help articles by staff: title (packed), summary, Markdown body with every payload
    const categoryId = (await asAgent.help.categories())[0]?.id ?? (await db().helpCategory.create({ data: { slug: `xss-${stamp}`, nameEn: "XSS", nameZh: "XSS", position: 99 } })).id;
    const titleGroups = pack("articleTitle", 200);
    const articles: { id: string; slug: string }[] = [];
    for (const [i, g] of titleGroups.entries()) {
      const a = await asAgent.help.save({
        locale: i % 2 ? "zh-CN" : "en",
        slug: `xss-${stamp}-${i}`,
        title: text("articleTitle", g),
        summary: text("articleSummary", g).slice(0, 300),
        bodyMarkdown: `# Article ${i}\n\n${P.map((p) => `${pay("articleMarkdown", p)}\n\nInline ${p.n}: ${oneLine(pay("articleMarkdown", p))}`).join("\n\n")}\n`,
        categoryId,
        publish: true,
      });
      articles.push({ id: a.id, slug: a.slug });
    }

    // ---- canned replies (title and body)
    for (const p of P) await asAgent.support.cannedSave({ title: pay("cannedTitle", p), body: `Hello {{customer.name}}, ${pay("cannedBody", p)}` });

    // ---- rewards catalog (admin, loyalty settings): names and descriptions, affordable by the owner
    const rewardIds: string[] = [];
    const rewarded = pack("rewardName", 80, 1).flat(); // names are at most 80 characters
    for (const p of rewarded) {
      const name = oneLine(pay("rewardName", p));
      const r = await asAdmin.loyalty.saveReward({ reward: { kind: "FREE_SHIPPING", nameEn: name, nameZh: name, descriptionEn: pay("rewardDescription", p), descriptionZh: pay("rewardDescription", p), pointsCost: 1 } });
      rewardIds.push(r.id);
    }
    // Points for the owner, with payloads as the adjustment reasons (agent, /staff/loyalty).
    const reasonGroups = pack("pointsReason", 300);
    for (const g of reasonGroups) await asAgent.loyalty.adjust({ customerId: owner.id, points: 10, reason: text("pointsReason", g) });

    // ---- CSV import: payload order numbers (one each, when it fits the 64-character column and
    //      is one line) and customer names (packed)
    const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const numbered = P.filter((p) => pay("csvOrderNumber", p).length <= 64 && pay("csvOrderNumber", p) === oneLine(pay("csvOrderNumber", p)));
    // The detail pages are opened for the numbers that can be one URL path segment.
    const linkable = numbered.filter((p) => !/[/?#%\\]/.test(pay("csvOrderNumber", p)));
    const csvNames = pack("csvName", 200);
    const lines = ["customer_id,email,name,order_number,ordered_at,currency,total,status"];
    for (const p of numbered) lines.push(["", owner.email, "Owner", csvField(pay("csvOrderNumber", p)), "2026-01-02", "USD", "12.50", "delivered"].join(","));
    for (const [i, g] of csvNames.entries()) lines.push(["", `xss-csv-${i}-${stamp}@example.test`, csvField(text("csvName", g)), `XSSCSV-${stamp}-${i}`, "2026-01-03", "EUR", "9.99", "paid"].join(","));
    const client = await pgPool().connect();
    try {
      const report = await importOrdersCsv(
        client,
        (async function* () {
          yield Buffer.from(lines.join("\r\n") + "\r\n");
        })(),
      );
      expect(report.errors).toEqual([]);
      expect(report.imported).toBe(numbered.length + csvNames.length);
    } finally {
      client.release();
    }
    const csvCustomers = await db().customer.findMany({ where: { email: { startsWith: "xss-csv-", endsWith: `-${stamp}@example.test` } }, select: { id: true } });
    expect(csvCustomers).toHaveLength(csvNames.length);
    const seededMs = Date.now() - t0;

    // =========================================================================================
    // The pages, as the roles that see them
    const allTickets = [...portalTickets, ...emailTickets];
    const orderUrl = (p: XssPayload) => encodeURIComponent(pay("csvOrderNumber", p));
    const custCtx = await contextFor(owner.userId!);
    const staffCtx = await contextFor(agent.id);
    const adminCtx = await contextFor(admin.id);
    const staff360Ctx = await contextFor(agent.id);
    const accountCtx = await contextFor(null);
    const [customerPages, staffPages, adminPages, c360, accountShown] = await Promise.all([
      // the owner (customer pages)
      (async () => ({
        home: await visitAll(custCtx, ["/"]),
        support: await visitAll(custCtx, ["/support"]),
        ticket: await visitAll(custCtx, allTickets.map((n) => `/support/${n}`)),
        orders: await visitAll(custCtx, Array.from({ length: Math.ceil(numbered.length / 20) }, (_, i) => `/orders?page=${i + 1}`)),
        order: await visitAll(custCtx, linkable.map((p) => `/orders/${orderUrl(p)}`)),
        receipt: await visitAll(custCtx, linkable.map((p) => `/orders/${orderUrl(p)}/receipt`)),
        rewards: await visitAll(custCtx, ["/rewards"]),
        help: await visitAll(custCtx, ["/help", `/help/search?q=${encodeURIComponent("article")}`]),
        article: await visitAll(custCtx, articles.map((a) => `/help/${a.slug}`)),
      }))(),
      // the agent (staff pages)
      (async () => ({
        inbox: await visitAll(staffCtx, [`/staff/inbox?view=all&q=${encodeURIComponent(owner.email)}`]),
        ticket: await visitAll(staffCtx, allTickets.map((n) => `/staff/tickets/${n}`)),
        customers: await visitAll(staffCtx, [`/staff/customers?q=xss-name-a`, `/staff/customers?q=xss-name-b`, `/staff/customers?q=xss-csv-`]),
        orders: await visitAll(staffCtx, [`/staff/orders?q=${encodeURIComponent(owner.email)}`]),
        order: await visitAll(staffCtx, linkable.map((p) => `/staff/orders/${orderUrl(p)}`)),
        canned: await visitAll(staffCtx, ["/staff/canned"]),
        help: await visitAll(staffCtx, [`/staff/help?q=${encodeURIComponent("article")}`, "/staff/help"]),
        helpEdit: await visitAll(staffCtx, articles.map((a) => `/staff/help/${a.id}`)),
        loyalty: await visitAll(staffCtx, [`/staff/loyalty/${owner.id}`]),
      }))(),
      // the admin
      (async () => ({
        staff: await visitAll(adminCtx, ["/admin/staff"]),
        loyalty: await visitAll(adminCtx, ["/admin/settings/loyalty"]),
        audit: await visitAll(adminCtx, ["/admin/audit", "/admin/audit?action=loyalty.reward", "/admin/audit?action=support.canned", "/admin/audit?action=help"]),
      }))(),
      // the customer 360 of every customer with a payload name (agent)
      visitAll(staff360Ctx, [owner, ...named, ...csvCustomers].map((c) => `/staff/customers/${c.id}`)),
      // each customer with a payload name: their own account page (one context, session swapped)
      (async () => {
        const accountPage = await accountCtx.newPage();
        let shown = new Set<number>();
        for (const c of named) {
          await signInAs(accountCtx, c.userId!);
          shown = union(shown, await watcher.visit(accountPage, `${app.url}/account`));
        }
        return shown;
      })(),
    ]);
    // The mail the app sent about these tickets (subjects and bodies carry the payloads): the
    // admin mailbox, a few messages' pages, and every message's HTML scanned for live markup.
    const mails = await waitFor("the ticket mail to the owner", async () => {
      const rows = await db().capturedMail.findMany({ where: { to: { contains: owner.email } }, select: { id: true, html: true, subject: true } });
      return rows.length >= allTickets.length ? rows : null;
    });
    const mailbox = await visitAll(adminCtx, [`/admin/mailbox?to=${encodeURIComponent(owner.email)}`, ...mails.slice(0, 6).map((m) => `/admin/mailbox/${m.id}`)]);
    const scanPage = await adminCtx.newPage();
    let mailShown = new Set<number>();
    for (const m of mails) if (m.html) mailShown = union(mailShown, await watcher.scanHtml(scanPage, `mail ${m.id} "${m.subject}"`, m.html));
    const viewedMs = Date.now() - t0 - seededMs;

    expect(watcher.visits.filter((v) => v.status !== 200).map((v) => `${v.status} ${v.url}`), "pages that did not answer 200").toEqual([]);
    // ---- every page showed the payloads of its plain-text fields (as text or attribute values)
    const filenameKept = (field: FieldName) => (id: number) => !/[/\\"]/.test(pay(field, P[(id % 100) - 1]!));
    const ticketText = [...idsOf("ticketSubject", portalGroups), ...idsOf("ticketBody", portalGroups), ...idsOf("emailSubject", mailGroups), ...idsOf("emailBody", mailGroups)];
    const attachments = [...idsOf("portalAttachment", portalGroups).filter(filenameKept("portalAttachment")), ...idsOf("emailAttachment", mailGroups).filter(filenameKept("emailAttachment"))];
    const publicReplies = portalGroups.filter((_, i) => i % 2 === 0);
    expectShown("/support: ticket subjects", [...idsOf("ticketSubject", portalGroups), ...idsOf("emailSubject", mailGroups)], customerPages.support);
    expectShown("/support/<n>: subjects, bodies", ticketText, customerPages.ticket);
    expectShown("/support/<n>: attachment names", attachments, customerPages.ticket);
    expectShown("/support/<n>: agent replies", idsOf("agentReply", publicReplies), customerPages.ticket);
    expectShown("/orders: order numbers", ids("csvOrderNumber", numbered), customerPages.orders);
    expectShown("/orders/<n>: order numbers", ids("csvOrderNumber", linkable), customerPages.order);
    expectShown("/orders/<n>/receipt: order numbers", ids("csvOrderNumber", linkable), customerPages.receipt);
    expectShown("/rewards: reward names", ids("rewardName", rewarded), customerPages.rewards);
    expectShown("/help/<slug>: titles", idsOf("articleTitle", titleGroups), customerPages.article);
    expectShown("/account: names", idsOf("customerName", customerNames), accountShown);
    expectShown("/staff/inbox: subjects", [...idsOf("ticketSubject", portalGroups), ...idsOf("emailSubject", mailGroups)], staffPages.inbox);
    expectShown("/staff/tickets/<n>: subjects, bodies, notes, attachment names", [...ticketText, ...attachments, ...idsOf("agentReply", portalGroups)], staffPages.ticket);
    expectShown("/staff/tickets/<n>: staff names, canned titles", [...idsOf("staffName", staffNames), ...ids("cannedTitle")], staffPages.ticket);
    expectShown("/staff/customers: names", [...idsOf("customerName", customerNames), ...idsOf("csvName", csvNames)], staffPages.customers);
    expectShown("/staff/customers/<id>: names", [...idsOf("customerName", customerNames), ...idsOf("csvName", csvNames)], c360);
    expectShown("/staff/orders: order numbers", ids("csvOrderNumber", numbered), staffPages.orders);
    expectShown("/staff/orders/<n>: order numbers", ids("csvOrderNumber", linkable), staffPages.order);
    expectShown("/staff/canned: titles and bodies", [...ids("cannedTitle"), ...ids("cannedBody")], staffPages.canned);
    expectShown("/staff/help: titles", idsOf("articleTitle", titleGroups), staffPages.help);
    expectShown("/staff/help/<id>: Markdown source in the editor", ids("articleMarkdown"), staffPages.helpEdit);
    expectShown("/staff/loyalty/<id>: reasons", idsOf("pointsReason", reasonGroups), staffPages.loyalty);
    expectShown("/admin/staff: staff names", idsOf("staffName", staffNames), adminPages.staff);
    expectShown("/admin/settings/loyalty: reward names", ids("rewardName", rewarded), adminPages.loyalty);
    expectShown("/admin/mailbox: subjects", idsOf("ticketSubject", portalGroups).slice(0, 3), mailbox);
    expectShown("sent mail: ticket subjects", idsOf("ticketSubject", portalGroups), mailShown);

    // ---- the verdict, per group of fields
    const visited = watcher.visits.length;
    const groups: { name: string; fields: FieldName[]; tried: number }[] = [
      { name: "names (customer and staff profiles)", fields: ["customerName", "staffName"], tried: idsOf("customerName", customerNames).length + idsOf("staffName", staffNames).length },
      { name: "ticket subject, body, attachment names, agent replies and notes (portal)", fields: ["ticketSubject", "ticketBody", "portalAttachment", "agentReply"], tried: 4 * idsOf("ticketSubject", portalGroups).length },
      { name: "inbound email subject, body and attachment names (SMTP)", fields: ["emailSubject", "emailBody", "emailAttachment"], tried: 3 * idsOf("emailSubject", mailGroups).length },
      { name: "help article title, summary and Markdown (staff editor)", fields: ["articleTitle", "articleSummary", "articleMarkdown"], tried: 2 * idsOf("articleTitle", titleGroups).length + P.length },
      { name: "canned replies (title, body)", fields: ["cannedTitle", "cannedBody"], tried: 2 * P.length },
      { name: "reward names and descriptions, points-adjustment reasons", fields: ["rewardName", "rewardDescription", "pointsReason"], tried: 2 * rewarded.length + idsOf("pointsReason", reasonGroups).length },
      { name: "CSV import cells (order number, customer name)", fields: ["csvName", "csvOrderNumber"], tried: numbered.length + idsOf("csvName", csvNames).length },
    ];
    for (const g of groups) {
      const mine = watcher.findings.filter((f) => f.id !== undefined && g.fields.includes(fieldOfId(f.id)!));
      recordHardening({ area: "payloads", name: `XSS: ${g.name}`, tried: g.tried, failed: new Set(mine.map((f) => f.id)).size, detail: `${P.length} payloads` });
    }
    const unattributed = watcher.findings.filter((f) => f.id === undefined || !fieldOfId(f.id));
    recordHardening({
      area: "payloads",
      name: "XSS: CSP violations / live markup on those pages not tied to one payload",
      tried: visited,
      failed: unattributed.length,
      detail: `${visited} page views + ${mails.length} sent emails scanned; seeded in ${(seededMs / 1000).toFixed(0)} s, viewed in ${(viewedMs / 1000).toFixed(0)} s`,
    });
    expect(watcher.findings, "payloads that ran, CSP violations, live markup").toEqual([]);
  }, 420_000);

  it("query strings: every payload in the parameters of the search and list pages, as visitor, customer, agent and admin", async () => {
    watcher.findings.length = 0;
    const before = watcher.visits.length;
    const customer = await createCustomer(db(), { login: true, name: "Query Customer" });
    const agent = await createStaff(db(), { role: "AGENT", name: "Query Agent" });
    const admin = await createStaff(db(), { role: "ADMIN", name: "Query Admin" });
    const [anon, cust, staff, adm] = await Promise.all([contextFor(null), contextFor(customer.userId), contextFor(agent.id), contextFor(admin.id)]);
    // Each parameter gets a different pack of payloads (joined by spaces; searches are limited to
    // 200 or 100 characters, so their packs are smaller), so one page view tries several packs.
    const specs: { ctx: BrowserContext; who: string; path: string; params: string[]; limit: number; echoes: boolean }[] = [
      { ctx: anon, who: "visitor", path: "/help/search", params: ["q", "page"], limit: 190, echoes: true },
      { ctx: anon, who: "visitor", path: "/help", params: ["from"], limit: 600, echoes: false },
      { ctx: anon, who: "visitor", path: "/login", params: ["redirectTo"], limit: 600, echoes: false },
      { ctx: anon, who: "visitor", path: "/rewards/join", params: ["ref"], limit: 600, echoes: false },
      { ctx: cust, who: "customer", path: "/orders", params: ["q", "status", "page"], limit: 190, echoes: true },
      { ctx: cust, who: "customer", path: "/support/new", params: ["order"], limit: 600, echoes: false },
      { ctx: staff, who: "agent", path: "/staff/inbox", params: ["q", "view", "status", "category", "priority", "page"], limit: 190, echoes: true },
      { ctx: staff, who: "agent", path: "/staff/customers", params: ["q"], limit: 190, echoes: true },
      { ctx: staff, who: "agent", path: "/staff/orders", params: ["q"], limit: 190, echoes: true },
      { ctx: staff, who: "agent", path: "/staff/help", params: ["q", "status", "locale"], limit: 95, echoes: true },
      { ctx: adm, who: "admin", path: "/admin/audit", params: ["action", "cursor"], limit: 600, echoes: false },
      { ctx: adm, who: "admin", path: "/admin/mailbox", params: ["to"], limit: 600, echoes: false },
    ];
    let tried = 0;
    for (const spec of specs) {
      const packs = pack("query", spec.limit);
      const urls: string[] = [];
      const inQ: number[] = [];
      for (let v = 0; v * spec.params.length < packs.length; v++) {
        const qs = spec.params.map((name, j) => {
          const g = packs[(v * spec.params.length + j) % packs.length]!;
          if (j === 0) inQ.push(...idsOf("query", [g]));
          return `${name}=${encodeURIComponent(text("query", g))}`;
        });
        urls.push(`${spec.path}?${qs.join("&")}`);
      }
      tried += idsOf("query", packs).length;
      const shown = await visitAll(spec.ctx, urls);
      // Search pages echo the query back (in the field and "results for …"): they showed it.
      if (spec.echoes) expectShown(`${spec.path} (${spec.who}) echoes q`, inQ, shown);
    }
    const visited = watcher.visits.length - before;
    recordHardening({
      area: "payloads",
      name: "XSS: query strings of search and list pages",
      tried,
      failed: new Set(watcher.findings.map((f) => f.id ?? f.url)).size,
      detail: `${P.length} payloads in every parameter of ${specs.length} pages (${specs.map((x) => `${x.path}?${x.params.join("&")}`).join(", ")}); ${visited} page views`,
    });
    expect(watcher.findings, "payloads that ran, CSP violations, live markup").toEqual([]);
  }, 300_000);
});
