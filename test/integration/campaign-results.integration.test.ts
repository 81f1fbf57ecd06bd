// campaignResults against a hand-built campaign: who counts as treated / holdout, which orders fall
// in the conversion window, revenue per recipient, status counts, engagement and the delivery series.
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { campaignResults } from "../../server/domain/campaigns/results.ts";
import { twoProportion } from "../../server/domain/campaigns/lift.ts";
import { createCustomer, createOrder, type OrderOverrides } from "../factories/index.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function campaign(conversionDays = 14) {
  return db().campaign.create({ data: { name: `Lift test ${Math.random().toString(36).slice(2)}`, kind: "EMAIL", status: "COMPLETED", config: {}, holdoutPct: 40, conversionDays } });
}

/** An order of exactly `minor` (one item, no shipping or tax). */
async function order(customerId: string, placedAt: Date, minor: number, extra: OrderOverrides = {}) {
  return createOrder(db(), { customerId, placedAt, items: [{ name: "Thing", quantity: 1, unitPriceMinor: minor }], shippingMinor: 0, taxMinor: 0, ...extra });
}

type Recipient = { status: string; holdout?: boolean; skipReason?: string; enteredAt: Date; sentAt?: Date; openedAt?: Date; clickedAt?: Date; unsubscribedAt?: Date };

async function recipients(campaignId: string, rows: Recipient[]) {
  const ids: string[] = [];
  for (const r of rows) {
    const c = await createCustomer(db());
    await db().campaignRecipient.create({ data: { campaignId, customerId: c.id, holdout: r.holdout ?? false, ...r } });
    ids.push(c.id);
  }
  return ids;
}

describe("campaign results", () => {
  it("counts conversions and revenue per recipient in each group's window", async () => {
    const cp = await campaign(14);
    // Sends start on a whole minute 30 days ago, so every window (14 days) has closed.
    const S = new Date(Math.floor((Date.now() - 30 * DAY) / MIN) * MIN);
    const E = new Date(S.getTime() - HOUR); // holdout assignment, an hour before the first send
    const [t1, t2, t3, t4, , queued, , , , , h1, h2] = await recipients(cp.id, [
      { status: "SENT", enteredAt: E, sentAt: S, openedAt: new Date(S.getTime() + 3 * MIN) }, // t1
      { status: "SENT", enteredAt: E, sentAt: new Date(S.getTime() + MIN), openedAt: new Date(S.getTime() + 3 * MIN + 5000), clickedAt: new Date(S.getTime() + 40 * MIN) }, // t2
      { status: "SENT", enteredAt: E, sentAt: new Date(S.getTime() + MIN + 10_000) }, // t3
      { status: "CREDITED", enteredAt: E, sentAt: new Date(S.getTime() + 5 * MIN), openedAt: new Date(S.getTime() + 40 * MIN) }, // t4
      { status: "SENT", enteredAt: E, sentAt: new Date(S.getTime() + 5 * MIN), unsubscribedAt: new Date(S.getTime() + DAY) }, // t5
      { status: "QUEUED", enteredAt: E }, // not treated (not sent yet)
      { status: "SKIPPED", skipReason: "consent", enteredAt: E },
      { status: "SKIPPED", skipReason: "consent", enteredAt: E },
      { status: "SKIPPED", skipReason: "cap", enteredAt: E },
      { status: "FAILED", enteredAt: E },
      { status: "HOLDOUT", holdout: true, enteredAt: E }, // h1
      { status: "HOLDOUT", holdout: true, enteredAt: E }, // h2
      { status: "HOLDOUT", holdout: true, enteredAt: E }, // h3
      { status: "HOLDOUT", holdout: true, enteredAt: E }, // h4
      { status: "CANCELLED", enteredAt: E },
    ]);
    const at = (t0: Date, ms: number) => new Date(t0.getTime() + ms);
    const t2Sent = at(S, MIN);
    const t3Sent = at(S, MIN + 10_000);
    const t4Sent = at(S, 5 * MIN);

    // t1: one order a day after the send → converted, 40.00.
    await order(t1!, at(S, DAY), 4000);
    // t2: 25.00, plus 60.00 of which 20.00 refunded, plus a cancelled order (ignored) → 65.00.
    await order(t2!, at(t2Sent, 2 * DAY), 2500);
    await order(t2!, at(t2Sent, 3 * DAY), 6000, { status: "REFUNDED", refundedMinor: 2000 });
    await order(t2!, at(t2Sent, 4 * DAY), 9900, { status: "CANCELLED" });
    // t3: before the send and one minute after the 14-day window → not converted.
    await order(t3!, at(t3Sent, -HOUR), 1000);
    await order(t3!, at(t3Sent, 14 * DAY + MIN), 1000);
    // t4 (points, CREDITED): exactly at the window end, which is included → converted, 12.34.
    await order(t4!, at(t4Sent, 14 * DAY), 1234);
    // QUEUED: an order in what would be its window must not count anywhere.
    await order(queued!, at(S, DAY), 50_000);
    // h1: a day after assignment → converted, 30.00 (in EUR: summed unconverted, reported).
    await order(h1!, at(E, DAY), 3000, { currency: "EUR" });
    // h2: exactly at t0, which is excluded (the window is (t0, t0 + 14 d]) → not converted.
    await order(h2!, E, 7000);

    const r = await campaignResults(db(), cp.id);

    expect(r.counts).toEqual({
      total: 15,
      pending: 0,
      queued: 1,
      sent: 4,
      credited: 1,
      holdout: 4,
      skipped: { total: 3, byReason: { consent: 2, cap: 1 } },
      cancelled: 1,
      failed: 1,
      byStatus: { SENT: 4, CREDITED: 1, QUEUED: 1, SKIPPED: 3, FAILED: 1, HOLDOUT: 4, CANCELLED: 1 },
    });
    expect(r.engagement).toEqual({ delivered: 5, opened: 3, clicked: 1, unsubscribed: 1 });

    // Treated: t1..t5, conversions t1, t2, t4. Revenue 40, 65, 0, 12.34, 0:
    // Σ = 117.34, mean = 23.468; Σv² = 1600 + 4225 + 152.2756 = 5977.2756,
    // variance = (5977.2756 − 117.34²/5) / 4 = (5977.2756 − 2753.73512) / 4 = 805.88512.
    expect(r.treated).toMatchObject({ n: 5, conversions: 3, conversionRate: 0.6 });
    expect(r.treated.revenue.n).toBe(5);
    expect(r.treated.revenue.total).toBeCloseTo(117.34, 10);
    expect(r.treated.revenue.mean).toBeCloseTo(23.468, 10);
    expect(r.treated.revenue.variance).toBeCloseTo(805.88512, 9);
    // Holdout: h1..h4, conversion h1 only. Revenue 30, 0, 0, 0: mean 7.5,
    // variance = (22.5² + 3·7.5²) / 3 = (506.25 + 168.75) / 3 = 225.
    expect(r.holdout).toMatchObject({ n: 4, conversions: 1, conversionRate: 0.25, revenue: { n: 4, mean: 7.5, variance: 225, total: 30 } });
    expect(r.currencies).toEqual(["EUR", "USD"]);

    // Conversion 3/5 vs 1/4: pooled p = 4/9, SE = √(4/9 · 5/9 · (1/5 + 1/4)) = √(1/9) = 1/3,
    // z = 0.35 · 3 = 1.05. Far too few to judge (expected conversions < 5).
    expect(r.conversion.test).toEqual(twoProportion(3, 5, 1, 4));
    expect(r.conversion.test.z).toBeCloseTo(1.05, 12);
    expect(r.conversion.verdict).toMatchObject({ kind: "insufficient-data", reason: "small-expected-counts" });
    // Revenue: Welch t = 15.968 / √(805.88512/5 + 225/4) = 1.0829134883854714 on 6.262191659682231 df,
    // p = 0.31877211024866914 (scipy ttest_ind on the raw values, equal_var=False).
    expect(r.revenuePerRecipient.test.t).toBeCloseTo(1.0829134883854714, 10);
    expect(r.revenuePerRecipient.test.df).toBeCloseTo(6.262191659682231, 9);
    expect(r.revenuePerRecipient.test.pValue).toBeCloseTo(0.31877211024866914, 9);
    expect(r.revenuePerRecipient.verdict.kind).toBe("not-significant");

    // The QUEUED row is still waiting: results are provisional although every window has closed.
    expect(r.window).toEqual({ conversionDays: 14, complete: false, endsAt: new Date(t4Sent.getTime() + 14 * DAY) });

    // Sends spread over 5 minutes → per-minute buckets.
    expect(r.delivery.bucket).toBe("minute");
    expect(r.delivery.points).toEqual([
      { at: S, sent: 1, opened: 0, clicked: 0 },
      { at: at(S, MIN), sent: 2, opened: 0, clicked: 0 },
      { at: at(S, 3 * MIN), sent: 0, opened: 2, clicked: 0 },
      { at: at(S, 5 * MIN), sent: 2, opened: 0, clicked: 0 },
      { at: at(S, 40 * MIN), sent: 0, opened: 1, clicked: 1 },
    ]);
  });

  it("buckets by hour when sending took 2 hours or more; complete once every window has closed", async () => {
    const cp = await campaign(7);
    const S = new Date(Math.floor((Date.now() - 20 * DAY) / HOUR) * HOUR);
    const [a] = await recipients(cp.id, [
      { status: "SENT", enteredAt: S, sentAt: new Date(S.getTime() + 5 * MIN) },
      { status: "SENT", enteredAt: S, sentAt: new Date(S.getTime() + 50 * MIN), clickedAt: new Date(S.getTime() + 3 * HOUR) },
      { status: "SENT", enteredAt: S, sentAt: new Date(S.getTime() + 2 * HOUR + 5 * MIN) },
      { status: "HOLDOUT", holdout: true, enteredAt: S },
      { status: "HOLDOUT", holdout: true, enteredAt: S },
    ]);
    await order(a!, new Date(S.getTime() + 8 * DAY), 1000); // after its 7-day window
    const r = await campaignResults(db(), cp.id);
    expect(r.delivery).toEqual({
      bucket: "hour",
      points: [
        { at: S, sent: 2, opened: 0, clicked: 0 },
        { at: new Date(S.getTime() + 2 * HOUR), sent: 1, opened: 0, clicked: 0 },
        { at: new Date(S.getTime() + 3 * HOUR), sent: 0, opened: 0, clicked: 1 },
      ],
    });
    expect(r.window).toEqual({ conversionDays: 7, complete: true, endsAt: new Date(S.getTime() + 2 * HOUR + 5 * MIN + 7 * DAY) });
    expect(r.treated).toMatchObject({ n: 3, conversions: 0, revenue: { n: 3, mean: 0, variance: 0, total: 0 } });
    expect(r.holdout).toMatchObject({ n: 2, conversions: 0 });
    // Nobody converted: no variation, so no test — nulls, not NaN.
    expect(r.conversion.test).toMatchObject({ p1: 0, p2: 0, z: null, pValue: null, insufficient: true });
    expect(r.revenuePerRecipient.test).toMatchObject({ difference: 0, t: null, insufficient: true });
    expect(r.revenuePerRecipient.verdict).toMatchObject({ kind: "insufficient-data", reason: "no-variation" });
    expect(r.currencies).toEqual([]);
  });

  it("a recent campaign is provisional; an empty one has nothing to report; a missing one is NOT_FOUND", async () => {
    const recent = await campaign(14);
    const sent = new Date(Date.now() - DAY);
    await recipients(recent.id, [{ status: "SENT", enteredAt: sent, sentAt: sent }]);
    const r = await campaignResults(db(), recent.id);
    expect(r.window).toEqual({ conversionDays: 14, complete: false, endsAt: new Date(sent.getTime() + 14 * DAY) });
    // With `now` past the window end the same data is final.
    expect((await campaignResults(db(), recent.id, { now: new Date(sent.getTime() + 15 * DAY) })).window.complete).toBe(true);

    const empty = await campaign();
    const e = await campaignResults(db(), empty.id);
    expect(e.counts.total).toBe(0);
    expect(e.treated).toEqual({ n: 0, conversions: 0, conversionRate: null, revenue: { n: 0, mean: 0, variance: 0, total: 0 } });
    expect(e.window).toEqual({ conversionDays: 14, complete: false, endsAt: null });
    expect(e.conversion.verdict).toMatchObject({ kind: "insufficient-data", reason: "empty-group" });
    expect(e.delivery).toEqual({ bucket: "minute", points: [] });

    await expect(campaignResults(db(), "no-such-campaign")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
