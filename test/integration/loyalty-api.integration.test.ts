// The loyalty procedures as users call them: admin settings (validated, audited, applied at once),
// staff adjustments (reason required, audited), the customer's overview and redemption.
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { applyLoyaltyForOrderEvent } from "../../server/domain/loyalty/order-events.ts";
import { DEFAULT_SETTINGS } from "../../server/domain/loyalty/settings.ts";
import { createCustomer, createOrder, createStaff } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";

describe("loyalty API", () => {
  it("admin saves settings: audited, applied from the next event; invalid input changes nothing", async () => {
    const admin = await createStaff(db(), { role: "ADMIN" });
    const { caller } = await callerAs({ userId: admin.id });
    // Start from the defaults whatever earlier files saved, so the audited "before" is known.
    await db().setting.deleteMany({ where: { key: "loyalty.program" } });
    const bad = { ...DEFAULT_SETTINGS, tiers: [DEFAULT_SETTINGS.tiers[1], DEFAULT_SETTINGS.tiers[0]] };
    await expect(caller.loyalty.saveSettings({ settings: bad })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await db().setting.findUnique({ where: { key: "loyalty.program" } })).toBeNull();

    await caller.loyalty.saveSettings({ settings: { ...DEFAULT_SETTINGS, earnRates: { ...DEFAULT_SETTINGS.earnRates, USD: 3 } } });
    const log = await db().auditLog.findFirstOrThrow({ where: { action: "loyalty.settings.updated", actorId: admin.id } });
    expect(log.data).toMatchObject({ before: { earnRates: { USD: 1 } }, after: { earnRates: { USD: 3 } } });
    expect((await caller.loyalty.settings()).earnRates.USD).toBe(3);

    const c = await createCustomer(db(), {});
    const o = await createOrder(db(), { customerId: c.id, status: "PAID", currency: "USD", items: [{ name: "Mug", quantity: 1, unitPriceMinor: 1_000 }], shippingMinor: 0, taxMinor: 0, paidAt: new Date() });
    await db().$transaction((tx) => applyLoyaltyForOrderEvent(tx, { type: "paid", orderId: o.id, occurredAt: new Date() }));
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).pointsPending).toBe(30);
    await caller.loyalty.saveSettings({ settings: DEFAULT_SETTINGS });
  });

  it("staff adjust points with a required reason, audited; marketers may only read", async () => {
    const agent = await createStaff(db(), { role: "AGENT" });
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const c = await createCustomer(db(), {});
    const { caller } = await callerAs({ userId: agent.id });
    await expect(caller.loyalty.adjust({ customerId: c.id, points: 50, reason: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.loyalty.adjust({ customerId: c.id, points: -10, reason: "Correction" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const r = await caller.loyalty.adjust({ customerId: c.id, points: 50, reason: "Goodwill for a late parcel", requestId: "adjust-req-0001" });
    await caller.loyalty.adjust({ customerId: c.id, points: 50, reason: "Goodwill for a late parcel", requestId: "adjust-req-0001" });
    expect(r.balances.available).toBe(50);
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).pointsAvailable).toBe(50);
    const logs = await db().auditLog.findMany({ where: { action: "loyalty.points.adjusted", targetId: c.id } });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.actorId).toBe(agent.id);
    const ledger = await caller.loyalty.customerLedger({ customerId: c.id });
    expect(ledger.entries[0]).toMatchObject({ type: "ADJUST", reason: "Goodwill for a late parcel", available: 50, actorName: expect.any(String) });

    const m = await callerAs({ userId: marketer.id });
    await expect(m.caller.loyalty.customerLedger({ customerId: c.id })).resolves.toBeTruthy();
    await expect(m.caller.loyalty.adjust({ customerId: c.id, points: 5, reason: "nope nope" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a customer sees balances, tier progress, affordable rewards; redeems; sees the code", async () => {
    const c = await createCustomer(db(), { login: true, createdAt: new Date() });
    const reward = await db().reward.create({ data: { kind: "FREE_SHIPPING", nameEn: "Free shipping", nameZh: "免运费", pointsCost: 40 } });
    const agent = await createStaff(db(), { role: "AGENT" });
    await (await callerAs({ userId: agent.id })).caller.loyalty.adjust({ customerId: c.id, points: 45, reason: "Welcome gift" });

    const { caller } = await callerAs({ userId: c.userId! });
    const before = await caller.loyalty.overview();
    expect(before.balances).toEqual({ available: 45, pending: 0, debt: 0 });
    expect(before.tier).toMatchObject({ code: "BRONZE", next: { code: "SILVER" } });
    expect(before.rewards.find((r) => r.id === reward.id)).toMatchObject({ affordable: true });
    expect(before.referral.code).toMatch(/^[A-Z0-9]{8}$/);
    expect(before.history[0]).toMatchObject({ type: "ADJUST", reason: "Welcome gift" });

    const redeemed = await caller.loyalty.redeem({ rewardId: reward.id, requestId: "req-abcdef-01" });
    const again = await caller.loyalty.redeem({ rewardId: reward.id, requestId: "req-abcdef-01" });
    expect(again.code).toBe(redeemed.code);
    const after = await caller.loyalty.overview();
    expect(after.balances.available).toBe(5);
    expect(after.codes.map((x) => x.code)).toEqual([redeemed.code]);
    await expect(caller.loyalty.redeem({ rewardId: reward.id })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await caller.loyalty.redemption({ id: redeemed.id })).code).toBe(redeemed.code);
  });
});
