// Hardening (issue #13), hostile input, part 2 (part 1: xss.test.ts, whose detectors and rules this
// file shares through xss-lib.ts): every XSS payload of xss-payloads.ts in the fields written by
// marketers (segment names and descriptions, campaign names, email subjects and Markdown bodies in
// English and Chinese, automation templates), by customers after the fact (CSAT comments, NPS
// comments, return-request comments) and by the warehouse through the fulfilment API (carrier,
// tracking number, tracking URL — which ends up in an href). Written through the real paths (tRPC
// procedures as the user, /api/v1 with an API key), then every page that shows them is opened in
// Chromium as the role that sees it, and the mail the app sent (campaign test sends and deliveries,
// shipping mail) is scanned for live markup. Same verdict as part 1: a payload fails when it runs,
// causes a CSP violation or reaches the DOM as live markup; every page must also SHOW the payloads
// of its plain-text fields, so a page that never rendered them cannot pass.
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { createApiKey } from "../../server/domain/apikeys/apikeys.ts";
import { callerAs } from "../setup/harness.ts";
import { createCustomer, createOrder, createStaff } from "../factories/index.ts";
import { waitFor } from "../e2e/browser.ts";
import { recordHardening } from "./report.ts";
import { expectShown, oneLine, packPayloads, union, XssRig } from "./xss-lib.ts";
import { payloadId, XSS_PAYLOADS, type XssPayload } from "./xss-payloads.ts";

// Field numbers (the hundreds of a payload id), after part 1's (1–20).
const F = {
  segmentName: 30,
  segmentDescription: 31,
  campaignName: 32,
  campaignSubjectEn: 33,
  campaignSubjectZh: 34,
  campaignBodyEn: 35,
  campaignBodyZh: 36,
  automationSubjectEn: 37,
  automationSubjectZh: 38,
  automationBodyEn: 39,
  automationBodyZh: 40,
  csatComment: 41,
  npsComment: 42,
  returnComment: 43,
  carrier: 44,
  trackingNumber: 45,
  trackingUrl: 46,
  trackingUrlRaw: 47,
} as const;
type FieldName = keyof typeof F;
const FIELD_OF = new Map<number, FieldName>(Object.entries(F).map(([k, v]) => [v, k as FieldName]));
const fieldOfId = (id: number) => FIELD_OF.get(Math.floor(id / 100));

const P = XSS_PAYLOADS;
const pay = (field: FieldName, p: XssPayload) => p.make(payloadId(F[field], p));
const ids = (field: FieldName, ps: XssPayload[] = P) => ps.map((p) => payloadId(F[field], p));
const pack = (field: FieldName, limit: number) => packPayloads(P, (p) => pay(field, p), limit);
const text = (field: FieldName, g: XssPayload[]) => g.map((p) => oneLine(pay(field, p))).join(" ");
const idsOf = (field: FieldName, groups: XssPayload[][]) => groups.flat().map((p) => payloadId(F[field], p));
/** A Markdown body with every payload, each as a block and inline. */
const markdownBody = (field: FieldName, extra = "") =>
  `# Hello {{firstName}}\n\n${extra}${P.map((p) => `${pay(field, p)}\n\nInline ${p.n}: ${oneLine(pay(field, p))}`).join("\n\n")}\n`;

const rig = new XssRig();
const watcher = rig.watcher;
const stamp = Date.now().toString(36);
const visitAll = (ctx: BrowserContext, urls: string[]) => rig.visitAll(ctx, urls);

/** One row per group of fields: the distinct payload ids of those fields that got through. */
function record(name: string, fields: FieldName[], tried: number, detail: string) {
  const mine = watcher.findings.filter((f) => f.id !== undefined && fields.includes(fieldOfId(f.id)!));
  recordHardening({ area: "payloads", name: `XSS: ${name}`, tried, failed: new Set(mine.map((f) => f.id)).size, detail });
}
function recordUnattributed(what: string, visitsBefore: number, mails: number) {
  const visited = watcher.visits.length - visitsBefore;
  const unattributed = watcher.findings.filter((f) => f.id === undefined || !fieldOfId(f.id));
  recordHardening({ area: "payloads", name: `XSS: CSP violations / live markup on the ${what} pages not tied to one payload`, tried: visited, failed: unattributed.length, detail: `${visited} page views + ${mails} sent emails scanned` });
}

/** Scans every captured mail matching `where` for live markup; returns the payload ids shown. */
async function scanMails(ctx: BrowserContext, rows: { id: string; subject: string | null; html: string | null }[]) {
  const page = await ctx.newPage();
  let shown = new Set<number>();
  for (const m of rows) if (m.html) shown = union(shown, await watcher.scanHtml(page, `mail ${m.id} "${m.subject ?? ""}"`, m.html));
  await page.close();
  return shown;
}

beforeAll(async () => {
  await rig.start();
});

afterAll(() => rig.stop("xss-marketing"));

describe("hostile input, part 2: XSS payloads in marketing content, customer comments and fulfilment data, rendered in Chromium", () => {
  it("segments, campaigns (names, subjects, Markdown bodies en + zh, test sends and deliveries) and automation templates: no payload runs on the marketer's pages or in the mail", async () => {
    watcher.findings.length = 0;
    const visitsBefore = watcher.visits.length;
    const services = rig.app.services;
    const admin = await createStaff(db(), { role: "ADMIN", name: "Hardening Admin" });
    const marketer = await createStaff(db(), { role: "MARKETER", name: "Hardening Marketer" });
    const asAdmin = (await callerAs({ userId: admin.id, services })).caller;
    const asMarketer = (await callerAs({ userId: marketer.id, services })).caller;

    // Two cohorts (a sign-up day of their own, far in the future), an English and a Chinese
    // customer each: the customer 360 lists a customer's last 20 campaigns, so each cohort gets half.
    const DAY = 86_400_000;
    const base = Date.UTC(2950, 0, 1) + (parseInt(stamp.slice(-4), 36) % 3000) * 3 * DAY;
    const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
    const cohorts = await Promise.all(
      [0, 1].map(async (k) => {
        const day = base + k * 2 * DAY; // the cohorts' windows (day ± 1) do not overlap
        const rules = { kind: "group", combinator: "and", rules: [{ kind: "signedUp", op: "after", date: iso(day - DAY) }, { kind: "signedUp", op: "before", date: iso(day + DAY) }] };
        const createdAt = new Date(day + 12 * 3600_000);
        const customers = [
          await createCustomer(db(), { consentEmail: true, locale: "en", name: `Cohort ${k} English`, email: `xss-mkt-${k}-en-${stamp}@example.test`, createdAt }),
          await createCustomer(db(), { consentEmail: true, locale: "zh_CN", name: `Cohort ${k} 中文`, email: `xss-mkt-${k}-zh-${stamp}@example.test`, createdAt }),
        ];
        return { rules, customers };
      }),
    );

    // ---- segments: names (packed, 120 characters), descriptions (packed, 1,000)
    const segNames = pack("segmentName", 120);
    const segDescs = pack("segmentDescription", 1000);
    const segments: string[] = [];
    for (const [i, g] of segNames.entries()) {
      const s = await asMarketer.segments.save({ id: null, name: text("segmentName", g), description: text("segmentDescription", segDescs[i % segDescs.length]!), rules: cohorts[i % 2]!.rules });
      segments.push(s.id);
    }
    expect(segDescs.length).toBeLessThanOrEqual(segNames.length);

    // ---- campaigns: names (packed, 120), subjects (packed, 200, en and zh), every payload in
    //      both Markdown bodies. Campaign 0 stays a draft (its edit form shows the source); the
    //      others get a test send (to the marketer, en or zh) and are started to their cohort.
    const previousCap = await asMarketer.campaigns.frequencyCap();
    await asAdmin.campaigns.saveFrequencyCap({ maxMessages: 0, windowDays: 7 }); // no cap: every campaign reaches the cohort
    const nameGroups = pack("campaignName", 120);
    const subjEn = pack("campaignSubjectEn", 200);
    const subjZh = pack("campaignSubjectZh", 200);
    expect(nameGroups.length).toBeGreaterThanOrEqual(subjEn.length);
    expect(nameGroups.length - 1).toBeLessThanOrEqual(40); // ≤ 20 per cohort (the 360's list)
    const campaigns: { id: string; cohort: number; locale: "en" | "zh-CN" }[] = [];
    for (const [i, g] of nameGroups.entries()) {
      const c = await asMarketer.campaigns.save({
        id: null,
        data: {
          name: text("campaignName", g),
          kind: "EMAIL",
          segmentId: segments[i % 2]!,
          holdoutPct: 0,
          scheduledAt: null,
          endsAt: null,
          email: { subjectEn: text("campaignSubjectEn", subjEn[i % subjEn.length]!), subjectZh: text("campaignSubjectZh", subjZh[(i + 7) % subjZh.length]!), bodyEn: markdownBody("campaignBodyEn"), bodyZh: markdownBody("campaignBodyZh"), offerCode: "" },
        },
      });
      campaigns.push({ id: c.id, cohort: i % 2, locale: i % 2 ? "zh-CN" : "en" });
    }
    const [draft, ...started] = campaigns;
    for (const c of campaigns) await asMarketer.campaigns.testSend({ id: c.id, locale: c.locale });
    for (const c of started) expect((await asMarketer.campaigns.start({ id: c.id })).recipients).toBe(2);

    // ---- automations: subject groups (200) over the six automations in rounds, every payload in
    //      both bodies; each round's detail pages viewed. The original templates are put back.
    const autos = await asMarketer.automations.list();
    const originals = await Promise.all(autos.map((a) => asMarketer.automations.get({ key: a.key })));
    const autoEn = pack("automationSubjectEn", 200);
    const autoZh = pack("automationSubjectZh", 200);
    const marketerCtx = await rig.contextFor(marketer.id);
    let autoShown = new Set<number>();
    const rounds = Math.ceil(Math.max(autoEn.length, autoZh.length) / autos.length);
    try {
      for (let r = 0; r < rounds; r++) {
        for (const [k, a] of autos.entries()) {
          const j = r * autos.length + k;
          const link = a.key === "post_solve_survey" ? "Tell us: {{surveyUrl}}\n\n" : "";
          await asMarketer.automations.save({
            key: a.key,
            data: {
              subjectEn: text("automationSubjectEn", autoEn[j % autoEn.length]!),
              subjectZh: text("automationSubjectZh", autoZh[j % autoZh.length]!),
              bodyEn: markdownBody("automationBodyEn", link),
              bodyZh: markdownBody("automationBodyZh", link),
            },
          });
        }
        autoShown = union(autoShown, await visitAll(marketerCtx, ["/marketing/automations", ...autos.map((a) => `/marketing/automations/${a.key}`)]));
      }
    } finally {
      for (const o of originals) {
        await asMarketer.automations.save({ key: o.key, data: { holdoutPct: o.holdoutPct, conversionDays: o.conversionDays, ...o.email, ...o.settings } });
      }
    }

    // ---- the marketer's pages
    const [lists, segmentPages, campaignPages, editPage, c360] = await Promise.all([
      visitAll(marketerCtx, ["/marketing/segments", "/marketing/campaigns"]),
      visitAll(await rig.contextFor(marketer.id), segments.map((id) => `/marketing/segments/${id}`)),
      visitAll(await rig.contextFor(marketer.id), campaigns.map((c) => `/marketing/campaigns/${c.id}`)),
      visitAll(marketerCtx, [`/marketing/campaigns/${draft!.id}/edit`]),
      visitAll(marketerCtx, cohorts.flatMap((c) => c.customers.map((x) => `/staff/customers/${x.id}`))),
    ]);

    // ---- the mail: the test sends (to the marketer) and the deliveries (to the cohorts)
    const testSends = await waitFor("the campaign test sends", async () => {
      const rows = await db().capturedMail.findMany({ where: { to: { contains: marketer.email } }, select: { id: true, html: true, subject: true } });
      return rows.length >= campaigns.length ? rows : null;
    });
    const cohortEmails = cohorts.flatMap((c) => c.customers.map((x) => x.email));
    const delivered = await waitFor(
      "the campaign mail to the cohorts",
      async () => {
        const rows = await db().capturedMail.findMany({ where: { to: { in: cohortEmails } }, select: { id: true, html: true, subject: true } });
        return rows.length >= started.length * 2 ? rows : null;
      },
      { timeoutMs: 60_000 },
    );
    const testShown = await scanMails(marketerCtx, testSends);
    const deliveredShown = await scanMails(marketerCtx, delivered);
    await asAdmin.campaigns.saveFrequencyCap(previousCap);

    expect(watcher.visits.slice(visitsBefore).filter((v) => v.status !== 200).map((v) => `${v.status} ${v.url}`), "pages that did not answer 200").toEqual([]);
    // What each test send carries: the subject of its locale.
    const testSubjects = campaigns.flatMap((c, i) => (c.locale === "en" ? idsOf("campaignSubjectEn", [subjEn[i % subjEn.length]!]) : idsOf("campaignSubjectZh", [subjZh[(i + 7) % subjZh.length]!])));
    expectShown("/marketing/segments: names", idsOf("segmentName", segNames), lists);
    expectShown("/marketing/segments/<id>: names and descriptions", [...idsOf("segmentName", segNames), ...idsOf("segmentDescription", segDescs)], segmentPages);
    expectShown("/marketing/campaigns: names", idsOf("campaignName", nameGroups), lists);
    expectShown("/marketing/campaigns/<id>: names", idsOf("campaignName", nameGroups), campaignPages);
    expectShown("/marketing/campaigns/<id>/edit: subjects and Markdown source", [...idsOf("campaignSubjectEn", [subjEn[0]!]), ...idsOf("campaignSubjectZh", [subjZh[7 % subjZh.length]!]), ...ids("campaignBodyEn"), ...ids("campaignBodyZh")], editPage);
    expectShown("/staff/customers/<id>: campaigns received", idsOf("campaignName", nameGroups.slice(1)), c360);
    expectShown("/marketing/automations/<key>: subjects and template source", [...idsOf("automationSubjectEn", autoEn), ...idsOf("automationSubjectZh", autoZh), ...ids("automationBodyEn"), ...ids("automationBodyZh")], autoShown);
    expectShown("test sends: subjects", testSubjects, testShown);
    expectShown("deliveries: subjects en + zh", [...idsOf("campaignSubjectEn", subjEn), ...idsOf("campaignSubjectZh", subjZh)], deliveredShown);

    record("segment names and descriptions (marketer)", ["segmentName", "segmentDescription"], idsOf("segmentName", segNames).length + idsOf("segmentDescription", segDescs).length, `${segments.length} segments; list, edit pages`);
    record(
      "campaign names, subjects and Markdown bodies en + zh (marketer, test send, delivery)",
      ["campaignName", "campaignSubjectEn", "campaignSubjectZh", "campaignBodyEn", "campaignBodyZh"],
      idsOf("campaignName", nameGroups).length + idsOf("campaignSubjectEn", subjEn).length + idsOf("campaignSubjectZh", subjZh).length + 2 * P.length,
      `${campaigns.length} campaigns (${started.length} sent to 4 customers), ${testSends.length} test sends + ${delivered.length} deliveries scanned (${[...ids("campaignBodyEn"), ...ids("campaignBodyZh")].filter((id) => deliveredShown.has(id)).length} of the ${2 * P.length} body payloads shown as text in them); list, detail/results/recipients, edit, customer 360`,
    );
    record(
      "automation templates: subjects and Markdown bodies en + zh (marketer)",
      ["automationSubjectEn", "automationSubjectZh", "automationBodyEn", "automationBodyZh"],
      idsOf("automationSubjectEn", autoEn).length + idsOf("automationSubjectZh", autoZh).length + 2 * P.length,
      `${autos.length} automations × ${rounds} rounds; list and detail pages`,
    );
    recordUnattributed("marketing", visitsBefore, testSends.length + delivered.length);
    expect(watcher.findings, "payloads that ran, CSP violations, live markup").toEqual([]);
  }, 240_000);

  it("CSAT comments, NPS comments and return-request comments: no payload runs on the customer's, the agent's or the marketer's pages", async () => {
    watcher.findings.length = 0;
    const visitsBefore = watcher.visits.length;
    const services = rig.app.services;
    const agent = await createStaff(db(), { role: "AGENT", name: "Comments Agent" });
    const marketer = await createStaff(db(), { role: "MARKETER", name: "Comments Marketer" });
    const customer = await createCustomer(db(), { login: true, name: "Carla Comments", email: `xss-comments-${stamp}@example.test` });
    const asAgent = (await callerAs({ userId: agent.id, services })).caller;
    const asMarketer = (await callerAs({ userId: marketer.id, services })).caller;
    const asCustomer = (await callerAs({ userId: customer.userId!, services })).caller;
    const anon = (await callerAs({ services })).caller;
    // Packed at 1,000 characters (the fields take 2,000): 4 of each, within the 5 the customer 360 lists.
    const csatGroups = pack("csatComment", 1000);
    const npsGroups = pack("npsComment", 1000);
    const returnGroups = pack("returnComment", 1000);
    expect(Math.max(csatGroups.length, npsGroups.length)).toBeLessThanOrEqual(5);

    // ---- CSAT: a ticket per comment, solved by the agent, rated by the customer
    const tickets: number[] = [];
    for (const [i, g] of csatGroups.entries()) {
      const { number } = await asCustomer.support.create({ subject: `Rating ${i}`, body: "Please help.", category: "general" });
      await asAgent.support.agentReply({ number, body: "Done.", status: "SOLVED" });
      await asCustomer.support.rate({ number, score: (i % 5) + 1, comment: text("csatComment", g) });
      tickets.push(number);
    }
    // ---- NPS: a survey per comment (sent by the marketer), answered on the public procedure
    const tokens: string[] = [];
    for (const [i, g] of npsGroups.entries()) {
      const sent = await asMarketer.analytics.sendNpsSurvey({ customerId: customer.id });
      const mail = await db().mailOutbox.findFirstOrThrow({ where: { customerId: customer.id, template: "nps-survey" }, orderBy: { createdAt: "desc" } });
      const token = (mail.props as { url: string }).url.split("/").pop()!;
      expect((await db().npsResponse.findUniqueOrThrow({ where: { id: sent.id } })).respondedAt).toBeNull();
      expect(await anon.analytics.npsRespond({ token, score: (i * 3) % 11, comment: text("npsComment", g) })).toEqual({ answered: true, already: false });
      tokens.push(token);
    }
    // ---- returns: a delivered order, one return request (one item) per comment; a payload as the
    //      reason is refused (the reason is a fixed list) and writes nothing
    const order = await createOrder(db(), {
      customerId: customer.id,
      status: "DELIVERED",
      items: [{ sku: "MUG", name: "Ceramic mug", quantity: 10, unitPriceMinor: 1800 }],
      placedAt: new Date(Date.now() - 7 * 86_400_000),
      deliveredAt: new Date(Date.now() - 2 * 86_400_000),
    });
    const item = order.items[0]!;
    await expect(asCustomer.orders.requestReturn({ number: order.number, reason: oneLine(pay("returnComment", P[0]!)), comment: null, items: [{ orderItemId: item.id, quantity: 1 }] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { reason: "orders.errors.reasonRequired" } },
    });
    expect(await db().returnRequest.count({ where: { orderId: order.id } })).toBe(0);
    for (const [i, g] of returnGroups.entries()) {
      await asCustomer.orders.requestReturn({ number: order.number, reason: i % 2 ? "other" : "damaged", comment: text("returnComment", g), items: [{ orderItemId: item.id, quantity: 1 }] });
    }

    // ---- the pages: the customer's, the agent's, the marketer's; the survey pages (anonymous)
    const [custCtx, agentCtx, marketerCtx, anonCtx] = await Promise.all([rig.contextFor(customer.userId!), rig.contextFor(agent.id), rig.contextFor(marketer.id), rig.contextFor(null)]);
    const [customerPages, agentPages, marketerPages, surveyPages] = await Promise.all([
      (async () => ({ tickets: await visitAll(custCtx, tickets.map((n) => `/support/${n}`)), order: await visitAll(custCtx, [`/orders/${encodeURIComponent(order.number)}`]) }))(),
      (async () => ({
        tickets: await visitAll(agentCtx, tickets.map((n) => `/staff/tickets/${n}`)),
        csat: await visitAll(agentCtx, ["/staff/csat"]),
        c360: await visitAll(agentCtx, [`/staff/customers/${customer.id}`]),
        order: await visitAll(agentCtx, [`/staff/orders/${encodeURIComponent(order.number)}`]),
      }))(),
      (async () => ({ c360: await visitAll(marketerCtx, [`/staff/customers/${customer.id}`]), analytics: await visitAll(marketerCtx, ["/marketing/analytics"]) }))(),
      visitAll(anonCtx, tokens.map((t) => `/survey/nps/${t}`)),
    ]);
    void surveyPages;
    // The staff notification of each return request (it quotes the comment), scanned.
    const returnMails = await waitFor("the return-request mail", async () => {
      const rows = await db().capturedMail.findMany({ where: { OR: [{ subject: { contains: order.number } }, { text: { contains: order.number } }] }, select: { id: true, html: true, subject: true } });
      return rows.length >= returnGroups.length ? rows : null;
    });
    const mailShown = await scanMails(agentCtx, returnMails);
    void mailShown;

    expect(watcher.visits.slice(visitsBefore).filter((v) => v.status !== 200).map((v) => `${v.status} ${v.url}`), "pages that did not answer 200").toEqual([]);
    expectShown("/staff/tickets/<n>: CSAT comments", idsOf("csatComment", csatGroups), agentPages.tickets);
    expectShown("/staff/customers/<id> (agent): CSAT, NPS comments", [...idsOf("csatComment", csatGroups), ...idsOf("npsComment", npsGroups)], agentPages.c360);
    expectShown("/staff/customers/<id> (marketer): CSAT, NPS comments", [...idsOf("csatComment", csatGroups), ...idsOf("npsComment", npsGroups)], marketerPages.c360);
    expectShown("/orders/<n>: return comments", idsOf("returnComment", returnGroups), customerPages.order);
    expectShown("/staff/orders/<n>: return comments", idsOf("returnComment", returnGroups), agentPages.order);

    record("CSAT comments (customer, rating a solved ticket)", ["csatComment"], idsOf("csatComment", csatGroups).length, `${tickets.length} rated tickets; /support/<n>, /staff/tickets/<n>, /staff/csat, customer 360`);
    record("NPS comments (public survey link)", ["npsComment"], idsOf("npsComment", npsGroups).length, `${tokens.length} answered surveys; /survey/nps/<token>, customer 360 (agent, marketer), /marketing/analytics`);
    record("return-request comments and reasons (customer)", ["returnComment"], idsOf("returnComment", returnGroups).length + 1, `${returnGroups.length} return requests + 1 payload reason refused; /orders/<n>, /staff/orders/<n>, ${returnMails.length} mails scanned`);
    recordUnattributed("comment", visitsBefore, returnMails.length);
    expect(watcher.findings, "payloads that ran, CSP violations, live markup").toEqual([]);
  }, 120_000);

  it("fulfilment API: carriers, tracking numbers and tracking URLs (href) — javascript:/data: URLs refused, the rest inert on the customer's and the agent's order pages and in the shipping mail", async () => {
    watcher.findings.length = 0;
    const visitsBefore = watcher.visits.length;
    const admin = await createStaff(db(), { role: "ADMIN", name: "API Admin" });
    const agent = await createStaff(db(), { role: "AGENT", name: "API Agent" });
    const customer = await createCustomer(db(), { login: true, name: "Sam Shipping", email: `xss-ship-${stamp}@example.test` });
    const { key } = await createApiKey(db(), { id: admin.id }, { name: `XSS warehouse ${stamp}`, scopes: ["orders:read", "orders:write"] });
    const api = (method: string, path: string, body: unknown) =>
      fetch(`${rig.app.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const ORDERS = 4;
    const orders = await Promise.all(Array.from({ length: ORDERS }, (_, i) => createOrder(db(), { customerId: customer.id, status: "PAID", number: `XSSAPI-${stamp}-${i}` })));
    const orderOf = (p: XssPayload) => orders[p.n % ORDERS]!;

    // Every payload as the carrier and the tracking number, and inside an https tracking URL.
    const statuses: string[] = [];
    for (const p of P) {
      const res = await api("PUT", `/orders/${orderOf(p).number}/shipments`, {
        carrier: oneLine(pay("carrier", p)),
        tracking_number: oneLine(pay("trackingNumber", p)),
        tracking_url: `https://carrier.example.test/track?n=${oneLine(pay("trackingUrl", p))}`,
      });
      if (res.status !== 201) statuses.push(`${p.n} ${p.kind}: ${res.status} ${await res.text()}`);
    }
    expect(statuses, "shipments with payloads refused").toEqual([]);

    // Every payload as the tracking URL itself, plus URL tricks: only http(s) URLs are taken; the
    // rest get a 422 naming the field, and write nothing.
    const tricks: XssPayload[] = [
      (id: number) => ` javascript:__xss(${id})`,
      (id: number) => `\tjava\nscript:__xss(${id})`,
      (id: number) => `JAVASCRIPT:__xss(${id})`,
      (id: number) => `javascript://carrier.example.test/%0A__xss(${id})`,
      (id: number) => `data:text/html,<script>__xss(${id})</script>`,
      (id: number) => `vbscript:__xss(${id})`,
      (id: number) => `//evil.test/xss-${id}`,
      (id: number) => `https:javascript:__xss(${id})`,
      (id: number) => `http://carrier.example.test/"><img src=x onerror=__xss(${id})>`,
    ].map((make, i) => ({ n: 90 + i, kind: "tracking URL trick", make }));
    const raw = [...P, ...tricks];
    const accepted: XssPayload[] = [];
    const before = await db().shipment.count({ where: { orderId: { in: orders.map((o) => o.id) } } });
    for (const p of raw) {
      const url = pay("trackingUrlRaw", p);
      const res = await api("PUT", `/orders/${orders[0]!.number}/shipments`, { carrier: "Raw URL Express", tracking_number: `RAW-${p.n}`, tracking_url: url });
      if (res.status === 201) accepted.push(p);
      else expect({ status: res.status, body: await res.text() }, url).toMatchObject({ status: 422, body: expect.stringContaining("tracking_url must be an http(s) URL") });
    }
    // What was taken is an http(s) URL (the browser's own parse); nothing else was written.
    for (const p of accepted) expect(new URL(pay("trackingUrlRaw", p)).protocol, pay("trackingUrlRaw", p)).toMatch(/^https?:$/);
    expect(accepted.filter((p) => /^\s*(javascript|data|vbscript):/i.test(pay("trackingUrlRaw", p).replace(/[\t\n]/g, ""))), "script URLs taken").toEqual([]);
    expect(await db().shipment.count({ where: { orderId: { in: orders.map((o) => o.id) } } })).toBe(before + accepted.length);

    const [custCtx, agentCtx] = await Promise.all([rig.contextFor(customer.userId!), rig.contextFor(agent.id)]);
    const urls = orders.map((o) => `/orders/${encodeURIComponent(o.number)}`);
    const [customerShown, agentShown] = await Promise.all([visitAll(custCtx, urls), visitAll(agentCtx, urls.map((u) => `/staff${u}`))]);
    // The shipping mail (the first shipment of each order), scanned.
    const mails = await waitFor("the shipping mail", async () => {
      const rows = await db().capturedMail.findMany({ where: { to: { contains: customer.email } }, select: { id: true, html: true, subject: true } });
      return rows.length >= ORDERS ? rows : null;
    });
    const mailShown = await scanMails(agentCtx, mails);

    expect(watcher.visits.slice(visitsBefore).filter((v) => v.status !== 200).map((v) => `${v.status} ${v.url}`), "pages that did not answer 200").toEqual([]);
    const shownFields = [...ids("carrier"), ...ids("trackingNumber"), ...ids("trackingUrl"), ...ids("trackingUrlRaw", accepted)];
    expectShown("/orders/<n>: carriers, tracking numbers, tracking URLs", shownFields, customerShown);
    expectShown("/staff/orders/<n>: carriers, tracking numbers, tracking URLs", shownFields, agentShown);
    const firstShipments = orders.map((o) => P.find((p) => orderOf(p) === o)!);
    expectShown("shipping mail: tracking numbers", ids("trackingNumber", firstShipments), mailShown);

    record(
      "fulfilment API: carrier, tracking number, tracking URL (in an href)",
      ["carrier", "trackingNumber", "trackingUrl", "trackingUrlRaw"],
      3 * P.length + raw.length,
      `${P.length} shipments with payloads on ${ORDERS} orders; ${raw.length} raw tracking URLs (${tricks.length} URL tricks), ${accepted.length} taken (http(s)), ${raw.length - accepted.length} refused with 422; /orders/<n>, /staff/orders/<n>, ${mails.length} mails scanned`,
    );
    recordUnattributed("order", visitsBefore, mails.length);
    expect(watcher.findings, "payloads that ran, CSP violations, live markup").toEqual([]);
  }, 120_000);
});
