// Customer-care automations against the real database: each trigger enters exactly the customers it
// should (and only once per occurrence), consent and erasure, the stored holdout assignment, a
// disabled automation entering nobody, the points-expiring automation replacing the loyalty job's
// own reminder, the survey link, the campaigns job, and the tRPC procedures (validation, audit, access).
// The clock is a fixed day in the future so the customers other test files made are never "new".
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { AUTOMATION_KEYS, listAutomations, runAutomations, saveAutomation, setAutomationEnabled, type AutomationKey } from "../../server/domain/campaigns/automations.ts";
import { renderCampaignRow } from "../../server/domain/campaigns/delivery.ts";
import { isHoldout } from "../../server/domain/campaigns/holdout.ts";
import { getNpsSurvey } from "../../server/domain/analytics/nps.ts";
import { postEntry } from "../../server/domain/loyalty/ledger.ts";
import { remindExpiringPoints } from "../../server/domain/loyalty/maintenance.ts";
import * as campaignsJob from "../../server/jobs/campaigns.job.ts";
import { JOBS } from "../../server/jobs/runner.ts";
import type { OutboxRow } from "../../server/mail/outbox.ts";
import { createCustomer, createStaff, factoryContext } from "../factories/index.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { startTestApp } from "../setup/app.ts";
import { callerAs } from "../setup/harness.ts";

const NOW = new Date("2031-03-15T12:00:00Z");
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY);
const fctx = factoryContext();

let marketerId = "";
let agentId = "";
const actor = () => ({ id: marketerId });

/** Every automation saved with its defaults but holdout 0 (deterministic), and switched off. */
async function resetAll() {
  for (const a of await listAutomations(db())) {
    await saveAutomation(db(), actor(), a.key, { ...a.email, ...a.settings, holdoutPct: 0, conversionDays: 14 });
    await setAutomationEnabled(db(), actor(), a.key, false);
  }
}

async function campaignId(key: AutomationKey) {
  return (await db().campaign.findUniqueOrThrow({ where: { automationKey: key } })).id;
}

async function recipientsOf(key: AutomationKey, customerIds: string[]) {
  return db().campaignRecipient.findMany({ where: { campaignId: await campaignId(key), customerId: { in: customerIds } }, orderBy: { enteredAt: "asc" } });
}

async function mailsOf(customerId: string, key?: AutomationKey) {
  return db().mailOutbox.findMany({ where: { customerId, ...(key ? { campaignId: await campaignId(key) } : {}) } });
}

const customer = (o: Parameters<typeof createCustomer>[1] = {}) => createCustomer(db(), { consentEmail: true, birthday: null, ...o }, fctx);

beforeAll(async () => {
  marketerId = (await createStaff(db(), { role: "MARKETER" }, fctx)).id;
  agentId = (await createStaff(db(), { role: "AGENT" }, fctx)).id;
});

/** Every automation off, so other test files (e.g. the loyalty reminder) see the defaults. */
async function allOff() {
  for (const key of AUTOMATION_KEYS) await setAutomationEnabled(db(), actor(), key, false);
}

describe("automations", () => {
  it("lists never-configured automations with their defaults, disabled, and a disabled one enters nobody", async () => {
    const list = await listAutomations(db());
    expect(list.map((a) => a.key)).toEqual([...AUTOMATION_KEYS]);
    for (const a of list) {
      if (a.id === null) expect(a).toMatchObject({ enabled: false, holdoutPct: 10 });
    }
    expect(list.find((a) => a.key === "welcome")!.settings).toEqual({ withinDays: 2 });
    expect(list.find((a) => a.key === "win_back")!.settings).toEqual({ threshold: 0.3, cooldownDays: 90 });
    expect(list.find((a) => a.key === "points_expiring")!.transactional).toBe(true);

    await resetAll();
    const fresh = await customer({ createdAt: at(-1) });
    const r = await runAutomations(db(), NOW);
    expect(Object.values(r).every((c) => c.entered === 0)).toBe(true);
    expect(await db().campaignRecipient.count({ where: { customerId: fresh.id } })).toBe(0);
  });

  it("welcome: customers who signed up within N days, once; no consent → skipped; erased never", async () => {
    await resetAll();
    await setAutomationEnabled(db(), actor(), "welcome", true);
    const fresh = await customer({ createdAt: at(-1) });
    const old = await customer({ createdAt: at(-10) });
    const noConsent = await customer({ createdAt: at(-1), consentEmail: false });
    const erased = await customer({ createdAt: at(-1), anonymizedAt: at(-1) });
    const ids = [fresh.id, old.id, noConsent.id, erased.id];

    const first = await runAutomations(db(), NOW);
    expect(first.welcome.entered).toBeGreaterThanOrEqual(2);
    const rows = await recipientsOf("welcome", ids);
    expect(rows.map((r) => [r.customerId, r.status, r.skipReason, r.occurrence])).toEqual(
      expect.arrayContaining([
        [fresh.id, "QUEUED", null, "welcome"],
        [noConsent.id, "SKIPPED", "consent", "welcome"],
      ]),
    );
    expect(rows).toHaveLength(2);
    expect(await mailsOf(fresh.id, "welcome")).toHaveLength(1);
    expect(await mailsOf(noConsent.id, "welcome")).toHaveLength(0);

    // The second run (and a later one still inside the window) enters nobody again.
    await runAutomations(db(), NOW);
    await runAutomations(db(), at(0.5));
    expect(await recipientsOf("welcome", ids)).toHaveLength(2);
    expect(await mailsOf(fresh.id, "welcome")).toHaveLength(1);

    // The mail is the automation's template, personalised.
    const [mail] = await mailsOf(fresh.id, "welcome");
    const m = await renderCampaignRow(mail as unknown as OutboxRow);
    expect(m.subject).toBe(`Welcome, ${fresh.name!.split(/\s+/)[0]}!`);
  });

  it("stores the holdout assignment: the held-out get no mail", async () => {
    await resetAll();
    const item = (await listAutomations(db())).find((a) => a.key === "welcome")!;
    await saveAutomation(db(), actor(), "welcome", { ...item.email, ...item.settings, holdoutPct: 50 });
    await setAutomationEnabled(db(), actor(), "welcome", true);
    const cs = [];
    for (let i = 0; i < 16; i++) cs.push(await customer({ createdAt: at(-0.5) }));
    await runAutomations(db(), NOW);
    const id = await campaignId("welcome");
    const rows = await recipientsOf("welcome", cs.map((c) => c.id));
    expect(rows).toHaveLength(16);
    for (const r of rows) {
      const held = isHoldout(id, r.customerId, 50);
      expect(r.holdout).toBe(held);
      expect(r.status).toBe(held ? "HOLDOUT" : "QUEUED");
      expect(await mailsOf(r.customerId, "welcome")).toHaveLength(held ? 0 : 1);
    }
    expect(new Set(rows.map((r) => r.holdout)).size).toBe(2);
  });

  it("birthday: on the day, once a year, mentioning the program's birthday bonus", async () => {
    await resetAll();
    await setAutomationEnabled(db(), actor(), "birthday", true);
    const today = await customer({ birthday: new Date("1990-03-15T00:00:00Z") });
    const zh = await customer({ birthday: new Date("1985-03-15T00:00:00Z"), locale: "zh_CN" });
    const tomorrow = await customer({ birthday: new Date("1990-03-16T00:00:00Z") });
    await runAutomations(db(), NOW);
    await runAutomations(db(), at(0.2));
    const rows = await recipientsOf("birthday", [today.id, zh.id, tomorrow.id]);
    expect(rows.map((r) => [r.customerId, r.occurrence, r.status])).toEqual(
      expect.arrayContaining([
        [today.id, "birthday:2031", "QUEUED"],
        [zh.id, "birthday:2031", "QUEUED"],
      ]),
    );
    expect(rows).toHaveLength(2);
    const [mail] = await mailsOf(today.id, "birthday");
    expect((mail!.props as { vars: Record<string, string> }).vars).toMatchObject({ bonusPoints: "200" });
    const m = await renderCampaignRow(mail as unknown as OutboxRow);
    expect(m.text).toContain("200 bonus points");
    const [zhMail] = await mailsOf(zh.id, "birthday");
    const mz = await renderCampaignRow(zhMail as unknown as OutboxRow);
    expect(mz.subject).toContain("生日快乐");
    expect(mz.text).toContain("200 积分");
  });

  it("win_back: P(alive) below the threshold and ordered before; one entry per cooldown", async () => {
    await resetAll();
    await setAutomationEnabled(db(), actor(), "win_back", true);
    const score = async (customerId: string, pAlive: number, asOf: Date) =>
      db().customerScore.upsert({
        where: { customerId },
        create: { customerId, asOf, recency: 200, frequency: 2, monetary: 50, rScore: 1, fScore: 2, mScore: 2, rfmSegment: "at_risk", pAlive, expectedPurchases90d: 0.1, predictedClv12m: 10, lifecycleStage: "at_risk" },
        update: { asOf, pAlive },
      });
    const order = (customerId: string, status: "DELIVERED" | "CANCELLED") =>
      db().order.create({ data: { number: `AUT-${fctx.unique()}`, customerId, status, currency: "USD", subtotalMinor: 5000, totalMinor: 5000, placedAt: at(-300) } });
    const lapsing = await customer();
    const neverOrdered = await customer();
    const onlyCancelled = await customer();
    const healthy = await customer();
    await score(lapsing.id, 0.1, at(-1));
    await order(lapsing.id, "DELIVERED");
    await score(neverOrdered.id, 0.1, at(-1));
    await score(onlyCancelled.id, 0.1, at(-1));
    await order(onlyCancelled.id, "CANCELLED");
    await score(healthy.id, 0.6, at(-1));
    await order(healthy.id, "DELIVERED");
    const ids = [lapsing.id, neverOrdered.id, onlyCancelled.id, healthy.id];

    await runAutomations(db(), NOW);
    let rows = await recipientsOf("win_back", ids);
    expect(rows.map((r) => [r.customerId, r.occurrence, r.status])).toEqual([[lapsing.id, "win_back:2031-03-14", "QUEUED"]]);

    // A new scoring run the next day: still below, but within the cooldown → not again.
    await score(lapsing.id, 0.05, at(0));
    await runAutomations(db(), at(1));
    expect(await recipientsOf("win_back", ids)).toHaveLength(1);

    // After the cooldown (90 days) a later scoring run enters them again, with its own occurrence.
    await score(lapsing.id, 0.05, at(95));
    await runAutomations(db(), at(96));
    await runAutomations(db(), at(96.1));
    rows = await recipientsOf("win_back", ids);
    expect(rows.map((r) => r.occurrence)).toEqual(["win_back:2031-03-14", "win_back:2031-06-18"]);
  });

  it("points_expiring: transactional (no consent needed), replaces the built-in reminder while on", async () => {
    await resetAll();
    await setAutomationEnabled(db(), actor(), "points_expiring", true);
    const credit = (customerId: string, points: number, key: string, lotExpiresAt: Date) =>
      db().$transaction((tx) => postEntry(tx, { customerId, type: "BONUS", points, how: { op: "credit" }, reason: key, idempotencyKey: key, lotExpiresAt }));
    const c = await customer({ consentEmail: false });
    await credit(c.id, 40, `a1:${c.id}`, at(5));
    await credit(c.id, 60, `a2:${c.id}`, at(10));
    await credit(c.id, 99, `a3:${c.id}`, at(200));
    const erased = await customer();
    await credit(erased.id, 30, `a4:${erased.id}`, at(5));
    await db().customer.update({ where: { id: erased.id }, data: { anonymizedAt: at(-1) } });

    // While the automation is on, the loyalty job's reminder sends nothing.
    expect(await remindExpiringPoints(db(), NOW)).toBe(0);
    await runAutomations(db(), NOW);
    await runAutomations(db(), at(0.1));
    const rows = await recipientsOf("points_expiring", [c.id, erased.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ customerId: c.id, status: "QUEUED", skipReason: null });
    expect(rows[0]!.occurrence).toMatch(/^points_expiring:/);
    const [mail] = await mailsOf(c.id, "points_expiring");
    expect((mail!.props as { vars: Record<string, string> }).vars).toMatchObject({ expiringPoints: "100", expiryDate: "March 20, 2031" });
    const lots = await db().loyaltyLot.findMany({ where: { customerId: c.id }, orderBy: { expiresAt: "asc" } });
    expect(lots.map((l) => l.remindedAt !== null)).toEqual([true, true, false]);

    // Switched off: the built-in reminder works again, and never repeats what the automation sent.
    await setAutomationEnabled(db(), actor(), "points_expiring", false);
    const later = await customer();
    await credit(later.id, 25, `a5:${later.id}`, at(7));
    await remindExpiringPoints(db(), NOW);
    expect(await db().mailOutbox.count({ where: { customerId: later.id, template: "loyalty-expiry-reminder" } })).toBe(1);
    expect(await db().mailOutbox.count({ where: { customerId: c.id, template: "loyalty-expiry-reminder" } })).toBe(0);
  });

  it("tier_upgrade: a recent upgrade the customer still holds, with the new tier's name", async () => {
    await resetAll();
    await setAutomationEnabled(db(), actor(), "tier_upgrade", true);
    const up = await customer({ tier: "GOLD", locale: "zh_CN" });
    const down = await customer({ tier: "SILVER" });
    const oldUp = await customer({ tier: "SILVER" });
    const h = await db().tierHistory.create({ data: { customerId: up.id, fromTier: "SILVER", toTier: "GOLD", spendMinor: 130_000, reason: "order", createdAt: at(-1) } });
    await db().tierHistory.create({ data: { customerId: down.id, fromTier: "GOLD", toTier: "SILVER", spendMinor: 50_000, reason: "Monthly evaluation", createdAt: at(-1) } });
    await db().tierHistory.create({ data: { customerId: oldUp.id, fromTier: "BRONZE", toTier: "SILVER", spendMinor: 50_000, reason: "order", createdAt: at(-40) } });
    await runAutomations(db(), NOW);
    await runAutomations(db(), NOW);
    const rows = await recipientsOf("tier_upgrade", [up.id, down.id, oldUp.id]);
    expect(rows.map((r) => [r.customerId, r.occurrence])).toEqual([[up.id, `tier_upgrade:${h.id}`]]);
    const [mail] = await mailsOf(up.id, "tier_upgrade");
    expect((mail!.props as { vars: Record<string, string> }).vars).toMatchObject({ newTier: "黄金", previousTier: "白银" });
  });

  it("post_solve_survey: a few days after solving, with a working NPS survey link; respects consent", async () => {
    await resetAll();
    await setAutomationEnabled(db(), actor(), "post_solve_survey", true);
    const ticket = (customerId: string, status: "SOLVED" | "OPEN" | "CLOSED", solvedDaysAgo: number | null) =>
      db().ticket.create({ data: { customerId, subject: "Help", status, solvedAt: solvedDaysAgo === null ? null : at(-solvedDaysAgo) } });
    const solved = await customer();
    const recent = await customer();
    const open = await customer();
    const noConsent = await customer({ consentEmail: false });
    const t1 = await ticket(solved.id, "SOLVED", 4);
    await ticket(recent.id, "SOLVED", 1);
    await ticket(open.id, "OPEN", null);
    await ticket(noConsent.id, "CLOSED", 4);
    await runAutomations(db(), NOW);
    await runAutomations(db(), NOW);
    const rows = await recipientsOf("post_solve_survey", [solved.id, recent.id, open.id, noConsent.id]);
    expect(rows.map((r) => [r.customerId, r.occurrence, r.status])).toEqual(
      expect.arrayContaining([
        [solved.id, `survey:${t1.id}`, "QUEUED"],
        [noConsent.id, expect.stringMatching(/^survey:/), "SKIPPED"],
      ]),
    );
    expect(rows).toHaveLength(2);
    // One survey, linked to the automation; none for the skipped customer.
    const id = await campaignId("post_solve_survey");
    expect(await db().npsResponse.count({ where: { customerId: solved.id, campaignId: id } })).toBe(1);
    expect(await db().npsResponse.count({ where: { customerId: noConsent.id } })).toBe(0);
    const [mail] = await mailsOf(solved.id, "post_solve_survey");
    const url = (mail!.props as { vars: Record<string, string> }).vars.surveyUrl!;
    const token = url.split("/survey/nps/")[1]!;
    expect(await getNpsSurvey(db(), token)).toMatchObject({ answered: false });
    const m = await renderCampaignRow(mail as unknown as OutboxRow);
    expect(m.html).toContain(`href="${url}"`);

    // Later, the recently solved ticket's turn comes.
    await runAutomations(db(), at(2.5));
    expect(await recipientsOf("post_solve_survey", [recent.id])).toHaveLength(1);
  });

  it("the campaigns job is registered, runs the automations and snapshots segments once a day", async () => {
    await resetAll();
    expect(JOBS.map((j) => j.name)).toContain("campaigns");
    expect(campaignsJob.cron).toBe("*/10 * * * *");
    const segment = await db().segment.create({ data: { name: `Auto ${fctx.unique()}`, rules: { kind: "group", combinator: "and", rules: [{ kind: "points", op: "atLeast", value: 0 }] } } });
    await setAutomationEnabled(db(), actor(), "welcome", true);
    const fresh = await customer({ createdAt: at(30) });
    const first = await campaignsJob.run(db(), campaignsJob.payload.parse({}), at(30.2));
    expect(first.automations.welcome.entered).toBeGreaterThanOrEqual(1);
    expect(first.segments?.taken).toBeGreaterThanOrEqual(1);
    expect(await recipientsOf("welcome", [fresh.id])).toHaveLength(1);
    const snapshots = () => db().segmentSnapshot.count({ where: { segmentId: segment.id } });
    expect(await snapshots()).toBe(1);
    // Same day again: no second snapshot; the next day before 03:50 neither; after it, yes.
    expect((await campaignsJob.run(db(), {}, at(30.3))).segments).toBeNull();
    expect((await campaignsJob.run(db(), {}, new Date(at(31).setUTCHours(2, 0, 0, 0)))).segments).toBeNull();
    expect((await campaignsJob.run(db(), {}, new Date(at(31).setUTCHours(3, 50, 5, 0)))).segments).not.toBeNull();
    expect(await snapshots()).toBe(2);
  });
});

describe("automations procedures", () => {
  // Here, not at file level: the HTTP test's app closes the shared database connection on stop.
  afterAll(allOff);

  it("refuses agents, and every input fails on {}", async () => {
    const { caller: agent } = await callerAs({ userId: agentId });
    await expect(agent.automations.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(agent.automations.setEnabled({ key: "welcome", enabled: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(agent.automations.save({ key: "welcome", data: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const { caller } = await callerAs({ userId: marketerId });
    for (const fn of [caller.automations.get, caller.automations.save, caller.automations.setEnabled] as ((i: unknown) => Promise<unknown>)[]) {
      await expect(fn({})).rejects.toBeInstanceOf(TRPCError);
      await expect(fn({})).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(caller.automations.get({ key: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("bad settings → messages on the fields and nothing saved; good ones saved and audited", async () => {
    await resetAll();
    const { caller } = await callerAs({ userId: marketerId });
    const before = await caller.automations.get({ key: "win_back" });
    const audits = () => db().auditLog.count({ where: { actorId: marketerId, action: "automation.saved", targetId: before.id! } });
    const auditsBefore = await audits();
    const bad = { ...before.email, subjectEn: " ", bodyZh: "你好 {{nope}}", threshold: "1.5", cooldownDays: "", holdoutPct: "80" };
    const err = await caller.automations.save({ key: "win_back", data: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect(((err as TRPCError).cause as unknown as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({
      subjectEn: "automations.errSubjectRequired",
      bodyZh: "automations.errPlaceholder",
      threshold: "automations.errThreshold",
      cooldownDays: "automations.errCooldownDays",
      holdoutPct: "automations.errHoldout",
    });
    const unchanged = await caller.automations.get({ key: "win_back" });
    expect(unchanged.settings).toEqual(before.settings);
    expect(unchanged.email).toEqual(before.email);
    expect(await audits()).toBe(auditsBefore);

    // The survey must carry its link in both languages.
    const survey = await caller.automations.get({ key: "post_solve_survey" });
    const noLink = await caller.automations.save({ key: "post_solve_survey", data: { ...survey.email, bodyEn: "Please rate us." } }).catch((e: unknown) => e);
    expect(((noLink as TRPCError).cause as unknown as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ bodyEn: "automations.errSurveyLink" });

    const saved = await caller.automations.save({ key: "win_back", data: { ...before.email, subjectEn: "Come back, {{firstName}}", threshold: "0.25", cooldownDays: "60", holdoutPct: "20", conversionDays: "21" } });
    expect(saved).toMatchObject({ settings: { threshold: 0.25, cooldownDays: 60 }, holdoutPct: 20, conversionDays: 21, enabled: false });
    expect((await caller.automations.get({ key: "win_back" })).email.subjectEn).toBe("Come back, {{firstName}}");
    expect(await audits()).toBe(auditsBefore + 1);

    await caller.automations.setEnabled({ key: "win_back", enabled: true });
    expect((await caller.automations.list()).find((a) => a.key === "win_back")!.enabled).toBe(true);
    await caller.automations.setEnabled({ key: "win_back", enabled: false });
    expect(await db().auditLog.count({ where: { actorId: marketerId, targetId: before.id!, action: { in: ["automation.enabled", "automation.disabled"] } } })).toBeGreaterThanOrEqual(2);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: before.id! } })).status).toBe("PAUSED");
  });
});

// --- pages over HTTP (production build; `npm run build` first), without JavaScript -------------

describe("automations pages", () => {
  it("a marketer turns an automation on and edits it with plain form posts; errors keep the input", async () => {
    await resetAll();
    const app = await startTestApp();
    try {
      const cookie = `${SESSION_COOKIE}=${(await createSession(db(), marketerId, { ip: "127.0.0.1" })).token}`;
      const post = (path: string, body: URLSearchParams) => fetch(`${app.url}${path}`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body, redirect: "manual" });
      const list = await fetch(`${app.url}/marketing/automations`, { headers: { cookie } });
      expect(list.status).toBe(200);
      const html = await list.text();
      expect(html).toContain("Win-back");
      expect(html).toContain('href="/marketing/automations/post_solve_survey"');

      const on = await post("/marketing/automations", new URLSearchParams({ key: "tier_upgrade", enabled: "true" }));
      expect(on.status).toBe(200);
      expect(await on.text()).toContain("The automation is on.");
      expect((await db().campaign.findUniqueOrThrow({ where: { automationKey: "tier_upgrade" } })).status).toBe("RUNNING");

      const item = (await listAutomations(db())).find((a) => a.key === "tier_upgrade")!;
      const form = { intent: "save", ...item.email, withinDays: "45", holdoutPct: "5", conversionDays: "14", subjectEn: "Well done, {{firstName}}" };
      const bad = await post("/marketing/automations/tier_upgrade", new URLSearchParams(form));
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(badHtml).toContain("Enter a whole number of days from 1 to 30.");
      expect(badHtml).toContain('value="Well done, {{firstName}}"');
      expect(automationsOf(await listAutomations(db()), "tier_upgrade").settings.withinDays).toBe(7);

      const ok = await post("/marketing/automations/tier_upgrade", new URLSearchParams({ ...form, withinDays: "10" }));
      expect(ok.status).toBe(302);
      expect(ok.headers.get("location")).toBe("/marketing/automations/tier_upgrade?saved=1");
      const edit = await (await fetch(`${app.url}/marketing/automations/tier_upgrade?saved=1`, { headers: { cookie } })).text();
      expect(edit).toContain("Automation saved.");
      expect(edit).toContain("Well done, {{firstName}}");
      expect(automationsOf(await listAutomations(db()), "tier_upgrade")).toMatchObject({ settings: { withinDays: 10 }, holdoutPct: 5, enabled: true });

      expect((await fetch(`${app.url}/marketing/automations/nope`, { headers: { cookie } })).status).toBe(404);
      const agentCookie = `${SESSION_COOKIE}=${(await createSession(db(), agentId, { ip: "127.0.0.1" })).token}`;
      expect((await fetch(`${app.url}/marketing/automations`, { headers: { cookie: agentCookie }, redirect: "manual" })).status).toBe(403);
    } finally {
      await allOff();
      await app.stop();
    }
  }, 120_000);
});

function automationsOf(list: Awaited<ReturnType<typeof listAutomations>>, key: AutomationKey) {
  return list.find((a) => a.key === key)!;
}
