// The campaign engine end to end: drafts and launches through the tRPC caller (as a marketer),
// delivery by the real outbox over loopback SMTP into the capture server, and the public links in
// the mail (open pixel, click redirect, one-click unsubscribe). Each scenario's customers signed up
// on a day of their own (far in the future), so its segment holds exactly them.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { Prisma } from "../../server/db/generated/client.ts";
import { setEnv } from "../../server/env.ts";
import { tickCampaigns } from "../../server/domain/campaigns/campaigns.ts";
import { holdoutSql, isHoldout } from "../../server/domain/campaigns/holdout.ts";
import { FREQUENCY_CAP_KEY } from "../../server/domain/campaigns/settings.ts";
import { clickToken, openToken, unsubscribeToken } from "../../server/domain/campaigns/tokens.ts";
import { applyLoyaltyForOrderEvent } from "../../server/domain/loyalty/order-events.ts";
import { startCaptureServer } from "../../server/mail/capture-server.ts";
import { processOutbox } from "../../server/mail/outbox.ts";
import { closeTransport, configureTransport } from "../../server/mail/transport.ts";
import { createCustomer, createOrder, createStaff, type CustomerOverrides } from "../factories/index.ts";
import { callerAs, testEnv } from "../setup/harness.ts";

const APP_URL = "https://portal.rapport.test";
const FROM = "Rapport <no-reply@rapport.test>";
const DAY_MS = 86_400_000;
const RUN = `cmp${Date.now().toString(36)}`;

let capture: Awaited<ReturnType<typeof startCaptureServer>>;
const arrivals: { messageId: string | null; to: string }[] = [];
let marketer: { id: string };
let caller: Awaited<ReturnType<typeof callerAs>>["caller"];
let visitor: Awaited<ReturnType<typeof callerAs>>["caller"];

beforeAll(async () => {
  setEnv(testEnv({ APP_URL, SESSION_SECRET: "s".repeat(40) }));
  capture = await startCaptureServer(db(), 0, { onMessage: (m) => arrivals.push(m) });
  configureTransport(capture.url);
  // The default cap (2 marketing emails per 7 days), whatever an earlier file left.
  await db().setting.deleteMany({ where: { key: FREQUENCY_CAP_KEY } });
  marketer = await createStaff(db(), { role: "MARKETER" });
  caller = (await callerAs({ userId: marketer.id })).caller;
  visitor = (await callerAs()).caller;
});

afterAll(async () => {
  closeTransport();
  await capture?.close();
  // The 10,000 synthetic customers of the holdout test would weigh on later files.
  await db().$executeRaw`DELETE FROM "MailOutbox" WHERE "customerId" LIKE ${`${RUN}-%`}`;
  await db().$executeRaw`DELETE FROM "CampaignRecipient" WHERE "customerId" LIKE ${`${RUN}-%`}`;
  await db().$executeRaw`DELETE FROM "Customer" WHERE "id" LIKE ${`${RUN}-%`}`;
});

let cohortN = 0;
/** A fresh sign-up day and the segment of the customers who signed up on it. */
async function cohort() {
  const day = new Date(Date.UTC(2900, 0, 1) + cohortN++ * 3 * DAY_MS);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const segment = await db().segment.create({
    data: {
      name: `Campaign test ${RUN} ${cohortN}`,
      rules: { kind: "group", combinator: "and", rules: [{ kind: "signedUp", op: "after", date: iso(new Date(day.getTime() - DAY_MS)) }, { kind: "signedUp", op: "before", date: iso(new Date(day.getTime() + DAY_MS)) }] },
    },
  });
  const createdAt = new Date(day.getTime() + 12 * 3600_000);
  return {
    segmentId: segment.id,
    createdAt,
    customer: (o: CustomerOverrides = {}) => createCustomer(db(), { consentEmail: true, ...o, createdAt }),
  };
}

const EMAIL = {
  subjectEn: "Hello {{firstName}}",
  subjectZh: "{{firstName}}，你好！春季特卖开始了：全场八折，会员再享双倍积分",
  bodyEn: "Dear {{name}}, you have **{{points}}** points as a {{tier}} member. Code: {{code}}. [Shop the sale](https://shop.example.com/sale?x=1&y=2) or [read more](https://blog.example.com/post).",
  bodyZh: "亲爱的{{name}}，您有 **{{points}}** 积分（{{tier}} 会员）。优惠码：{{code}}。[去特卖](https://shop.example.com/sale?x=1&y=2) 或 [了解更多](https://blog.example.com/post)。",
  offerCode: "SPRING10",
};

async function draft(segmentId: string, data: Record<string, unknown> = {}) {
  return caller.campaigns.save({ id: null, data: { name: `Campaign ${RUN} ${Math.random().toString(36).slice(2, 8)}`, kind: "EMAIL", segmentId, holdoutPct: 0, scheduledAt: null, endsAt: null, email: EMAIL, ...data } });
}

/** Runs the outbox until a pass sends nothing. */
async function deliverAll() {
  let total = 0;
  for (let n = await processOutbox(db(), { from: FROM }); n > 0; n = await processOutbox(db(), { from: FROM })) total += n;
  return total;
}

const mailTo = (to: string) => db().capturedMail.findMany({ where: { to } });
const recipient = (campaignId: string, customerId: string) => db().campaignRecipient.findUniqueOrThrow({ where: { campaignId_customerId_occurrence: { campaignId, customerId, occurrence: "" } } });
const outboxOf = (campaignId: string) => db().mailOutbox.findMany({ where: { campaignId } });
const header = (h: unknown, name: string) => (h as Record<string, string>)[name];
const tokenIn = (html: string, kind: "o" | "c" | "u") => [...html.matchAll(new RegExp(`/${kind === "u" ? "u" : `t/${kind}`}/([A-Za-z0-9._-]+)`, "g"))].map((m) => m[1]!);
const flat = (s: string | null) => (s ?? "").replace(/\s+/g, " ");
const flip = (t: string) => t.slice(0, -2) + (t.at(-2) === "A" ? "B" : "A") + t.at(-1);

describe("campaign email", () => {
  it("goes to each recipient in their language with placeholders filled, one-click unsubscribe headers, and tracked links", async () => {
    const g = await cohort();
    const en = await g.customer({ name: "Alice Smith", locale: "en", pointsAvailable: 1234, tier: "GOLD" });
    const zh = await g.customer({ name: "王小明", locale: "zh_CN", pointsAvailable: 88, tier: "SILVER" });
    const c = await draft(g.segmentId);
    expect(await caller.campaigns.start({ id: c.id })).toEqual({ status: "RUNNING", recipients: 2 });
    expect(await deliverAll()).toBeGreaterThanOrEqual(2);

    const [a] = await mailTo(en.email);
    const [b] = await mailTo(zh.email);
    expect(a!.subject).toBe("Hello Alice");
    expect(a!.from).toMatch(/^"?Rapport"? <no-reply@rapport\.test>$/);
    expect(flat(a!.text)).toContain("Dear Alice Smith, you have 1234 points as a GOLD member. Code: SPRING10.");
    expect(a!.html).not.toContain("{{");
    expect(b!.subject).toBe("王小明，你好！春季特卖开始了：全场八折，会员再享双倍积分"); // several encoded words, folded
    expect(flat(b!.text)).toContain("亲爱的王小明，您有 88 积分（SILVER 会员）。优惠码：SPRING10。");
    expect(b!.html).not.toContain("{{");
    expect(b!.text).not.toContain("Dear");

    for (const [m, who] of [[a!, en], [b!, zh]] as const) {
      // RFC 2369 / RFC 8058: an HTTPS one-click unsubscribe URL in angle brackets, and the POST marker.
      const unsub = header(m.headers, "list-unsubscribe");
      expect(unsub).toBe(`<${APP_URL}/u/${unsubscribeToken(who.id, c.id)}>`);
      expect(header(m.headers, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
      // The link in the body is the same signed link, and it is valid.
      expect(tokenIn(m.html!, "u")).toContain(unsubscribeToken(who.id, c.id));
      expect(await visitor.campaigns.unsubscribeInfo({ token: unsubscribeToken(who.id, c.id) })).toMatchObject({ valid: true, subscribed: true });
      // Links go through the click redirect; the raw targets are not in the HTML.
      expect(m.html).not.toContain("https://shop.example.com/sale");
      const r = await recipient(c.id, who.id);
      expect(tokenIn(m.html!, "o")).toEqual([openToken(r.id)]);
      expect(tokenIn(m.html!, "c")).toEqual([clickToken(r.id, 0), clickToken(r.id, 1)]);
      expect(r).toMatchObject({ status: "SENT", holdout: false });
      expect(r.sentAt).toBeInstanceOf(Date);
    }
    expect(await db().touchpoint.count({ where: { type: "campaign.delivered", subjectId: c.id } })).toBe(2);

    // Open pixel: recorded once.
    const r = await recipient(c.id, en.id);
    const pixel = tokenIn(a!.html!, "o")[0]!;
    expect(await visitor.campaigns.trackOpen({ token: pixel })).toEqual({ recorded: true });
    const opened = (await recipient(c.id, en.id)).openedAt;
    expect(opened).toBeInstanceOf(Date);
    expect(await visitor.campaigns.trackOpen({ token: pixel })).toEqual({ recorded: false });
    expect((await recipient(c.id, en.id)).openedAt).toEqual(opened);
    expect(await db().touchpoint.count({ where: { type: "campaign.opened", customerId: en.id } })).toBe(1);

    // Click: redirects only to the body's own links; the first click is what the recipient row keeps.
    const [click0, click1] = tokenIn(a!.html!, "c");
    expect(await visitor.campaigns.trackClick({ token: click0! })).toEqual({ url: "https://shop.example.com/sale?x=1&y=2" });
    const clicked = (await recipient(c.id, en.id)).clickedAt;
    expect(clicked).toBeInstanceOf(Date);
    expect(await visitor.campaigns.trackClick({ token: click1! })).toEqual({ url: "https://blog.example.com/post" });
    expect((await recipient(c.id, en.id)).clickedAt).toEqual(clicked);
    // A validly signed token for a link the body does not have: no redirect (no open redirect).
    await expect(visitor.campaigns.trackClick({ token: clickToken(r.id, 2) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The zh recipient clicking: its open is recorded by the click too.
    expect(await visitor.campaigns.trackClick({ token: tokenIn(b!.html!, "c")[0]! })).toEqual({ url: "https://shop.example.com/sale?x=1&y=2" });
    const rz = await recipient(c.id, zh.id);
    expect(rz.openedAt).toBeInstanceOf(Date);
    expect(rz.clickedAt).toBeInstanceOf(Date);

    // Forged or altered tokens change nothing.
    const before = await db().touchpoint.count({ where: { customerId: { in: [en.id, zh.id] } } });
    const pixelZh = tokenIn(b!.html!, "o")[0]!;
    await db().campaignRecipient.update({ where: { id: rz.id }, data: { openedAt: null } });
    expect(await visitor.campaigns.trackOpen({ token: flip(pixelZh) })).toEqual({ recorded: false });
    expect(await visitor.campaigns.trackOpen({ token: pixelZh.replace(/^o\./, "c.") })).toEqual({ recorded: false });
    const [, rid, , sig] = click0!.split(".");
    await expect(visitor.campaigns.trackClick({ token: `c.${rid}.1.${sig}` })).rejects.toMatchObject({ code: "NOT_FOUND" }); // index changed
    await expect(visitor.campaigns.trackClick({ token: flip(click0!) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const unsubEn = unsubscribeToken(en.id, c.id);
    const [, , camp, usig] = unsubEn.split(".");
    await expect(visitor.campaigns.unsubscribe({ token: flip(unsubEn) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(visitor.campaigns.unsubscribe({ token: `u.${zh.id}.${camp}.${usig}` })).rejects.toMatchObject({ code: "NOT_FOUND" }); // other customer, same signature
    expect(await visitor.campaigns.unsubscribeInfo({ token: flip(unsubEn) })).toMatchObject({ valid: false });
    expect((await db().customer.findUniqueOrThrow({ where: { id: en.id } })).consentEmail).toBe(true);
    expect((await db().customer.findUniqueOrThrow({ where: { id: zh.id } })).consentEmail).toBe(true);
    expect((await recipient(c.id, zh.id)).openedAt).toBeNull();
    expect(await db().touchpoint.count({ where: { customerId: { in: [en.id, zh.id] } } })).toBe(before);

    await tickCampaigns(db());
    expect((await caller.campaigns.get({ id: c.id })).status).toBe("COMPLETED");
  });

  it("holds out the configured share of 10,000 customers — the same ones in SQL and in JS — and mails none of them", { timeout: 180_000 }, async () => {
    const g = await cohort();
    const N = 10_000;
    await db().$executeRaw`
      INSERT INTO "Customer" ("id", "email", "name", "locale", "consentEmail", "createdAt", "updatedAt")
      SELECT ${RUN} || '-h' || g, ${RUN} || '-h' || g || '@example.test', 'Holdout ' || g, 'en', true, ${g.createdAt}, now()
      FROM generate_series(1, ${N}) g`;
    const c = await draft(g.segmentId, { holdoutPct: 10 });
    // The SQL expression the launch uses agrees with the JS function, customer by customer.
    const sqlGroups = await db().$queryRaw<{ id: string; held: boolean }[]>`
      SELECT c."id", ${holdoutSql(c.id, Prisma.sql`c."id"`, 10)} AS held FROM "Customer" c WHERE c."id" LIKE ${`${RUN}-h%`}`;
    expect(sqlGroups).toHaveLength(N);
    expect(sqlGroups.filter((r) => r.held !== isHoldout(c.id, r.id, 10))).toEqual([]);

    expect(await caller.campaigns.start({ id: c.id })).toEqual({ status: "RUNNING", recipients: N });
    const rows = await db().campaignRecipient.findMany({ where: { campaignId: c.id }, select: { customerId: true, holdout: true, status: true } });
    expect(rows).toHaveLength(N);
    const held = rows.filter((r) => r.holdout);
    expect(Math.abs((100 * held.length) / N - 10)).toBeLessThanOrEqual(2);
    expect(rows.filter((r) => r.holdout !== isHoldout(c.id, r.customerId, 10))).toEqual([]);
    expect(held.every((r) => r.status === "HOLDOUT")).toBe(true);
    expect(rows.filter((r) => !r.holdout).every((r) => r.status === "QUEUED")).toBe(true);
    // Mail is queued for the treated only.
    const outbox = await db().mailOutbox.findMany({ where: { campaignId: c.id }, select: { customerId: true, dedupeKey: true } });
    expect(outbox).toHaveLength(N - held.length);
    const heldIds = new Set(held.map((r) => r.customerId));
    expect(outbox.filter((o) => heldIds.has(o.customerId!))).toEqual([]);
    // Launching again is refused (nothing is written twice).
    await expect(caller.campaigns.start({ id: c.id })).rejects.toMatchObject({ code: "CONFLICT" });
    // Cancelling drops the 9,000-odd queued messages at once.
    await caller.campaigns.cancel({ id: c.id });
    expect(await db().mailOutbox.count({ where: { campaignId: c.id, status: "PENDING" } })).toBe(0);
    expect(await db().campaignRecipient.count({ where: { campaignId: c.id, status: "CANCELLED" } })).toBe(N - held.length);
    expect(await db().campaignRecipient.count({ where: { campaignId: c.id, status: "HOLDOUT" } })).toBe(held.length);
  });

  it("skips customers over the frequency cap (transactional mail exempt), without consent, and never mails the erased", async () => {
    const g = await cohort();
    const capped = await g.customer();
    const once = await g.customer();
    const longAgo = await g.customer();
    const viaTransactional = await g.customer();
    const noConsent = await g.customer({ consentEmail: false });
    const erased = await g.customer({ anonymizedAt: new Date() });
    const erasedLater = await g.customer();
    // Earlier marketing mail: 2 in the last 7 days, 1, 2 more than 7 days ago, 2 transactional.
    const earlier = async (transactional: boolean, at: Date, who: string[]) => {
      const k = await db().campaign.create({ data: { name: `Earlier ${RUN}`, kind: "EMAIL", status: "COMPLETED", config: {}, transactional } });
      for (const customerId of who) await db().campaignRecipient.create({ data: { campaignId: k.id, customerId, status: "SENT", enteredAt: at, sentAt: at } });
    };
    const now = Date.now();
    await earlier(false, new Date(now - 2 * DAY_MS), [capped.id, once.id]);
    await earlier(false, new Date(now - 1 * DAY_MS), [capped.id]);
    await earlier(false, new Date(now - 8 * DAY_MS), [longAgo.id]);
    await earlier(false, new Date(now - 9 * DAY_MS), [longAgo.id]);
    await earlier(true, new Date(now - DAY_MS), [viaTransactional.id]);
    await earlier(true, new Date(now - DAY_MS), [viaTransactional.id]);

    const c = await draft(g.segmentId);
    expect(await caller.campaigns.start({ id: c.id })).toEqual({ status: "RUNNING", recipients: 6 }); // the erased one is not even a recipient
    expect(await recipient(c.id, capped.id)).toMatchObject({ status: "SKIPPED", skipReason: "cap" });
    expect(await recipient(c.id, noConsent.id)).toMatchObject({ status: "SKIPPED", skipReason: "consent" });
    for (const who of [once, longAgo, viaTransactional, erasedLater]) expect(await recipient(c.id, who.id)).toMatchObject({ status: "QUEUED", skipReason: null });
    expect(await db().campaignRecipient.count({ where: { campaignId: c.id, customerId: erased.id } })).toBe(0);

    // Erased after the launch, before delivery: the queued mail is dropped.
    await db().customer.update({ where: { id: erasedLater.id }, data: { anonymizedAt: new Date() } });
    await deliverAll();
    for (const who of [once, longAgo, viaTransactional]) expect(await mailTo(who.email)).toHaveLength(1);
    for (const who of [capped, noConsent, erased, erasedLater]) expect(await mailTo(who.email)).toHaveLength(0);
    expect(await recipient(c.id, erasedLater.id)).toMatchObject({ status: "CANCELLED", skipReason: "erased" });

    // A transactional campaign: no cap, no consent needed (still never to the erased).
    const t = await draft(g.segmentId);
    await db().campaign.update({ where: { id: t.id }, data: { transactional: true } });
    expect(await caller.campaigns.start({ id: t.id })).toEqual({ status: "RUNNING", recipients: 5 });
    for (const who of [capped, once, noConsent]) expect(await recipient(t.id, who.id)).toMatchObject({ status: "QUEUED" });
    await deliverAll();
    expect(await mailTo(capped.email)).toHaveLength(1);
    expect(await mailTo(noConsent.email)).toHaveLength(1);
    expect(await mailTo(erased.email)).toHaveLength(0);
    expect(await mailTo(erasedLater.email)).toHaveLength(0);
  });

  it("unsubscribing mid-campaign turns consent off, cancels the customer's queued marketing mail and records a touchpoint", async () => {
    const g = await cohort();
    const leaver = await g.customer({ locale: "zh_CN" });
    const stayer = await g.customer();
    const first = await draft(g.segmentId);
    const second = await draft(g.segmentId);
    await caller.campaigns.start({ id: first.id });
    await caller.campaigns.start({ id: second.id });

    const token = unsubscribeToken(leaver.id, first.id);
    expect(await visitor.campaigns.unsubscribeInfo({ token })).toMatchObject({ valid: true, locale: "zh-CN", subscribed: true });
    expect(await visitor.campaigns.unsubscribe({ token })).toEqual({ unsubscribed: true, locale: "zh-CN" });
    expect((await db().customer.findUniqueOrThrow({ where: { id: leaver.id } })).consentEmail).toBe(false);
    for (const k of [first, second]) {
      const mail = (await outboxOf(k.id)).find((m) => m.customerId === leaver.id)!;
      expect(mail).toMatchObject({ status: "FAILED", lastError: "cancelled: unsubscribed" });
      expect(await recipient(k.id, leaver.id)).toMatchObject({ status: "CANCELLED", skipReason: "unsubscribed" });
    }
    expect((await recipient(first.id, leaver.id)).unsubscribedAt).toBeInstanceOf(Date);
    expect(await db().touchpoint.count({ where: { customerId: leaver.id, type: "campaign.unsubscribed", subjectId: first.id } })).toBe(1);
    // Again: nothing more happens.
    expect(await visitor.campaigns.unsubscribe({ token })).toEqual({ unsubscribed: false, locale: "zh-CN" });
    expect(await db().touchpoint.count({ where: { customerId: leaver.id, type: "campaign.unsubscribed" } })).toBe(1);

    await deliverAll();
    expect(await mailTo(leaver.email)).toHaveLength(0);
    expect(await mailTo(stayer.email)).toHaveLength(2);
    // A later campaign skips them for consent.
    const third = await draft(g.segmentId);
    await caller.campaigns.start({ id: third.id });
    expect(await recipient(third.id, leaver.id)).toMatchObject({ status: "SKIPPED", skipReason: "consent" });
    await caller.campaigns.cancel({ id: third.id });
  });

  it("pause holds the mail until resume; cancel drops it; each action is audited", async () => {
    const g = await cohort();
    const people = [await g.customer(), await g.customer(), await g.customer()];
    const c = await draft(g.segmentId);
    await caller.campaigns.start({ id: c.id });
    expect(await caller.campaigns.pause({ id: c.id })).toEqual({ status: "PAUSED" });
    await deliverAll();
    for (const p of people) expect(await mailTo(p.email)).toHaveLength(0);
    expect((await outboxOf(c.id)).map((m) => [m.status, m.held])).toEqual(people.map(() => ["PENDING", true]));
    const paused = await caller.campaigns.get({ id: c.id });
    expect(paused.mail).toEqual({ pending: 0, sending: 0, held: 3 });
    // Paused while rows were already claimed: they go back to waiting, unsent.
    await db().mailOutbox.updateMany({ where: { campaignId: c.id }, data: { held: false } });
    await deliverAll();
    for (const p of people) expect(await mailTo(p.email)).toHaveLength(0);
    expect((await outboxOf(c.id)).every((m) => m.status === "PENDING" && m.held && m.attempts === 0)).toBe(true);

    expect(await caller.campaigns.resume({ id: c.id })).toEqual({ status: "RUNNING" });
    await deliverAll();
    for (const p of people) expect(await mailTo(p.email)).toHaveLength(1);
    // A completed campaign cannot be paused.
    await tickCampaigns(db());
    await expect(caller.campaigns.pause({ id: c.id })).rejects.toMatchObject({ code: "CONFLICT" });

    const k = await draft(g.segmentId);
    await caller.campaigns.start({ id: k.id });
    await caller.campaigns.pause({ id: k.id });
    await caller.campaigns.cancel({ id: k.id });
    expect((await outboxOf(k.id)).map((m) => [m.status, m.lastError])).toEqual(people.map(() => ["FAILED", "cancelled: campaign cancelled"]));
    expect(await db().campaignRecipient.count({ where: { campaignId: k.id, status: "CANCELLED", skipReason: "cancelled" } })).toBe(3);
    await deliverAll();
    for (const p of people) expect(await mailTo(p.email)).toHaveLength(1);
    await expect(caller.campaigns.resume({ id: k.id })).rejects.toMatchObject({ code: "CONFLICT" });

    const actions = async (id: string) => (await db().auditLog.findMany({ where: { targetType: "campaign", targetId: id }, orderBy: { id: "asc" } })).map((a) => [a.action, a.actorId]);
    expect(await actions(c.id)).toEqual([
      ["campaign.created", marketer.id],
      ["campaign.started", marketer.id],
      ["campaign.paused", marketer.id],
      ["campaign.resumed", marketer.id],
    ]);
    expect(await actions(k.id)).toEqual([
      ["campaign.created", marketer.id],
      ["campaign.started", marketer.id],
      ["campaign.paused", marketer.id],
      ["campaign.cancelled", marketer.id],
    ]);
    expect((await db().auditLog.findFirstOrThrow({ where: { targetId: k.id, action: "campaign.cancelled" } })).data).toMatchObject({ from: "PAUSED", to: "CANCELLED", mailCancelled: 3 });
  });

  it("SMTP down: the mail stays pending (not failed) and is delivered, once each, when the server is back", async () => {
    const g = await cohort();
    const people = [await g.customer(), await g.customer(), await g.customer({ locale: "zh_CN" })];
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    configureTransport(`smtp://127.0.0.1:${closed}`);
    try {
      const c = await draft(g.segmentId);
      await caller.campaigns.start({ id: c.id });
      expect(await processOutbox(db(), { from: FROM })).toBe(0);
      expect(await processOutbox(db(), { from: FROM })).toBe(0);
      const rows = await outboxOf(c.id);
      expect(rows.map((r) => r.status)).toEqual(["PENDING", "PENDING", "PENDING"]);
      expect(rows.some((r) => r.lastError)).toBe(true);
      expect(rows.every((r) => r.nextAttemptAt.getTime() > Date.now())).toBe(true);
      expect(await db().campaignRecipient.count({ where: { campaignId: c.id, status: "QUEUED" } })).toBe(3);

      configureTransport(capture.url);
      await db().mailOutbox.updateMany({ where: { campaignId: c.id }, data: { nextAttemptAt: new Date() } });
      expect(await deliverAll()).toBeGreaterThanOrEqual(3);
      for (const p of people) expect(await mailTo(p.email)).toHaveLength(1);
      expect(arrivals.filter((a) => people.some((p) => p.email === a.to))).toHaveLength(3);
      expect((await outboxOf(c.id)).map((r) => r.status)).toEqual(["SENT", "SENT", "SENT"]);
      expect(await db().campaignRecipient.count({ where: { campaignId: c.id, status: "SENT" } })).toBe(3);
    } finally {
      configureTransport(capture.url);
    }
  });
});

describe("points campaigns", () => {
  it("BONUS_POINTS credits each treated customer exactly once, even with ticks running twice and concurrently", async () => {
    const g = await cohort();
    const people = await Promise.all(Array.from({ length: 12 }, () => g.customer({ pointsAvailable: 0 })));
    const c = await draft(g.segmentId, { kind: "BONUS_POINTS", points: 500, holdoutPct: 25, email: undefined });
    const treated = people.filter((p) => !isHoldout(c.id, p.id, 25));
    const held = people.filter((p) => isHoldout(c.id, p.id, 25));
    expect(await caller.campaigns.start({ id: c.id })).toEqual({ status: "RUNNING", recipients: 12 });
    await Promise.all([tickCampaigns(db()), tickCampaigns(db()), tickCampaigns(db())]);
    await tickCampaigns(db());
    for (const p of treated) {
      const entries = await db().loyaltyLedgerEntry.findMany({ where: { customerId: p.id, sourceType: "campaign", sourceId: c.id } });
      expect(entries.map((e) => [e.type, e.availableDelta])).toEqual([["BONUS", 500]]);
      expect((await db().customer.findUniqueOrThrow({ where: { id: p.id } })).pointsAvailable).toBe(500);
      expect(await recipient(c.id, p.id)).toMatchObject({ status: "CREDITED", pointsAwarded: 500 });
    }
    for (const p of held) {
      expect(await db().loyaltyLedgerEntry.count({ where: { customerId: p.id } })).toBe(0);
      expect(await recipient(c.id, p.id)).toMatchObject({ status: "HOLDOUT", holdout: true });
    }
    expect((await caller.campaigns.get({ id: c.id })).status).toBe("COMPLETED");
    expect(await db().mailOutbox.count({ where: { campaignId: c.id } })).toBe(0);
  });

  it("POINTS_MULTIPLIER multiplies the points of treated customers' orders in the window, not the held-out ones'", async () => {
    const g = await cohort();
    const c0 = await draft(g.segmentId, { kind: "POINTS_MULTIPLIER", multiplier: 2, holdoutPct: 50, endsAt: new Date(Date.now() + DAY_MS), email: undefined });
    const treated: { id: string }[] = [];
    const held: { id: string }[] = [];
    while (treated.length < 2 || !held.length) {
      const p = await g.customer();
      (isHoldout(c0.id, p.id, 50) ? held : treated).push(p);
    }
    await caller.campaigns.start({ id: c0.id });
    expect(await recipient(c0.id, treated[0]!.id)).toMatchObject({ status: "CREDITED", holdout: false });
    expect(await recipient(c0.id, held[0]!.id)).toMatchObject({ status: "HOLDOUT", holdout: true });

    const earn = async (customerId: string, at: Date) => {
      const placed = new Date(Math.min(at.getTime(), Date.now()));
      const o = await createOrder(db(), { customerId, status: "PAID", currency: "USD", items: [{ name: "Lamp", quantity: 1, unitPriceMinor: 5_000 }], shippingMinor: 0, taxMinor: 0, placedAt: placed, paidAt: placed });
      await db().$transaction((tx) => applyLoyaltyForOrderEvent(tx, { type: "paid", orderId: o.id, occurredAt: at }));
      const e = await db().loyaltyLedgerEntry.findFirstOrThrow({ where: { sourceType: "order", sourceId: o.id, type: "EARN" } });
      return e.pendingDelta + e.availableDelta;
    };
    const now = new Date();
    const heldPoints = await earn(held[0]!.id, now);
    const treatedPoints = await earn(treated[0]!.id, now);
    expect(heldPoints).toBeGreaterThan(0);
    expect(treatedPoints).toBe(2 * heldPoints);
    // After the window: no multiplier for anyone.
    const after = new Date(now.getTime() + 2 * DAY_MS);
    expect(await earn(treated[1]!.id, after)).toBe(heldPoints);
    await tickCampaigns(db(), after);
    expect((await caller.campaigns.get({ id: c0.id })).status).toBe("COMPLETED");
  });
});
