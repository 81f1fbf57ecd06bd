// The scoring job stores per-customer scores; dashboards and the 360° insights read them; NPS
// surveys are sent through the outbox and answered once on the public survey page.
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import * as job from "../../server/jobs/analytics.job.ts";
import { createCustomer, createOrder, createStaff } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe("analytics scoring job", () => {
  it("stores RFM, P(alive), expected purchases, CLV and lifecycle for every customer with orders", async () => {
    const loyal = await createCustomer(db());
    const once = await createCustomer(db());
    const cancelled = await createCustomer(db());
    for (const d of ["2024-01-05", "2024-02-10", "2024-03-15", "2024-04-20", "2024-05-25"]) await createOrder(db(), { customerId: loyal.id, status: "DELIVERED", placedAt: day(d) });
    await createOrder(db(), { customerId: once.id, status: "PAID", placedAt: day("2023-06-01") });
    await createOrder(db(), { customerId: cancelled.id, status: "CANCELLED", placedAt: day("2024-05-01") });
    // a few more repeat buyers so both models have data to fit
    for (let i = 0; i < 6; i++) {
      const c = await createCustomer(db());
      await createOrder(db(), { customerId: c.id, status: "DELIVERED", placedAt: day(`2024-0${1 + (i % 3)}-1${i}`) });
      await createOrder(db(), { customerId: c.id, status: "DELIVERED", placedAt: day(`2024-0${4 + (i % 2)}-0${1 + i}`) });
    }

    const result = await job.run(db(), job.payload.parse({ asOf: "2024-06-01", period: "week" }));
    expect(result.asOf).toBe("2024-06-01");
    expect(result.customers).toBeGreaterThanOrEqual(8);

    const s = await db().customerScore.findUniqueOrThrow({ where: { customerId: loyal.id } });
    expect(s.asOf.toISOString().slice(0, 10)).toBe("2024-06-01");
    expect(s.frequency).toBe(5);
    expect(s.recency).toBe(7); // May 25 → June 1
    expect(s.pAlive).toBeGreaterThan(0);
    expect(s.pAlive).toBeLessThanOrEqual(1);
    expect(s.expectedPurchases90d).toBeGreaterThan(0);
    expect(s.predictedClv12m).toBeGreaterThan(0);
    expect(["formation", "stability", "decline"]).toContain(s.lifecycleStage);
    const o = await db().customerScore.findUniqueOrThrow({ where: { customerId: once.id } });
    expect(o.frequency).toBe(1);
    expect(o.pAlive).toBe(1);
    expect(o.lifecycleStage).toBe("decline"); // one purchase, a year old
    expect(await db().customerScore.findUnique({ where: { customerId: cancelled.id } })).toBeNull();
    const run = await db().analyticsRun.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(Object.values(run.rfmSegments as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(result.customers);

    // Dashboards: marketers yes, agents no.
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const { caller } = await callerAs({ userId: marketer.id });
    const dash = await caller.analytics.dashboard({});
    expect(dash.latestRun?.asOf).toBe("2024-06-01");
    expect(dash.rfmGrid.flat().reduce((a, b) => a + b, 0)).toBe(result.customers);
    expect(dash.pAliveBuckets.reduce((a, b) => a + b, 0)).toBe(result.customers);
    expect(dash.cohorts.length).toBeGreaterThan(0);
    const agent = await createStaff(db(), { role: "AGENT" });
    await expect((await callerAs({ userId: agent.id })).caller.analytics.dashboard({})).rejects.toMatchObject({ code: "FORBIDDEN" });

    // The 360° insights show the score to agents too.
    const insights = await (await callerAs({ userId: agent.id })).caller.analytics.customerInsights({ customerId: loyal.id });
    expect(insights.score?.frequency).toBe(5);
    await expect((await callerAs({ userId: agent.id })).caller.analytics.customerInsights({ customerId: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  }, 120_000);

  it("runScoring refuses a malformed or future as-of date with a field message", async () => {
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const { caller } = await callerAs({ userId: marketer.id });
    await expect(caller.analytics.runScoring({ asOf: "2024-13-01", period: "week" })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { asOf: "analytics.asOfInvalid" } } });
    await expect(caller.analytics.runScoring({ asOf: "2999-01-01", period: "week" })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { asOf: "analytics.asOfFuture" } } });
  });
});

describe("NPS survey", () => {
  it("is sent through the outbox, answered once, and shows in the 360° insights and trend", async () => {
    const customer = await createCustomer(db(), { name: "Nia Survey" });
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const { caller } = await callerAs({ userId: marketer.id });
    const sent = await caller.analytics.sendNpsSurvey({ customerId: customer.id });

    const mail = await db().mailOutbox.findFirstOrThrow({ where: { customerId: customer.id, template: "nps-survey" } });
    const url = (mail.props as { url: string }).url;
    expect(url).toMatch(/\/survey\/nps\/[A-Za-z0-9_-]{20,}$/);
    const token = url.split("/").pop()!;
    const stored = await db().npsResponse.findUniqueOrThrow({ where: { id: sent.id } });
    expect(stored.tokenHash).not.toContain(token);
    expect(await db().auditLog.count({ where: { action: "analytics.nps.sent", targetId: customer.id } })).toBe(1);

    const anon = (await callerAs()).caller;
    expect(await anon.analytics.npsSurvey({ token })).toMatchObject({ answered: false });
    await expect(anon.analytics.npsSurvey({ token: "x".repeat(43) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(anon.analytics.npsRespond({ token, score: 11 })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { fieldErrors: { score: "analytics.npsScoreRequired" } } });
    await expect(anon.analytics.npsRespond({ token, score: null })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await db().npsResponse.findUniqueOrThrow({ where: { id: sent.id } })).respondedAt).toBeNull();

    expect(await anon.analytics.npsRespond({ token, score: 9, comment: "  Great service  " })).toEqual({ answered: true, already: false });
    expect(await anon.analytics.npsRespond({ token, score: 0 })).toEqual({ answered: true, already: true });
    const answered = await db().npsResponse.findUniqueOrThrow({ where: { id: sent.id } });
    expect([answered.score, answered.comment]).toEqual([9, "Great service"]);
    expect(await db().touchpoint.count({ where: { customerId: customer.id, type: { in: ["nps.sent", "nps.answered"] } } })).toBe(2);

    const insights = await caller.analytics.customerInsights({ customerId: customer.id });
    expect(insights.nps[0]).toMatchObject({ score: 9, comment: "Great service" });
    const dash = await caller.analytics.dashboard({});
    const month = new Date().toISOString().slice(0, 7);
    expect(dash.npsTrend.find((p) => p.month === month)?.responses).toBeGreaterThanOrEqual(1);

    // Agents cannot send surveys.
    const agent = await createStaff(db(), { role: "AGENT" });
    await expect((await callerAs({ userId: agent.id })).caller.analytics.sendNpsSurvey({ customerId: customer.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  }, 60_000);
});
