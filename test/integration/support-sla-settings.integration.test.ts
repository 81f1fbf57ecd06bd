// SLA settings through tRPC (supportSettings.get / save): admins only, defaults when unset,
// validation with field messages that changes nothing, audited saves, used by new tickets.
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { AUTO_CLOSE_KEY, defaultSlaConfig, loadAutoCloseDays, loadSlaConfig, SLA_SETTING_KEY, type SlaConfig } from "../../server/domain/support/sla.ts";
import { run as runSupportJob } from "../../server/jobs/support.job.ts";
import { createTicket } from "../../server/domain/support/tickets.ts";
import { createCustomer, createStaff } from "../factories/index.ts";
import { callerAs } from "../setup/harness.ts";

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof TRPCError)) throw e;
    return { code: e.code, fieldErrors: (e.cause as { fieldErrors?: Record<string, unknown> } | undefined)?.fieldErrors };
  }
  throw new Error("expected the call to fail");
}

describe("SLA settings", () => {
  it("are readable and writable by admins only", async () => {
    const agent = await createStaff(db(), { role: "AGENT" });
    const { caller } = await callerAs({ userId: agent.id });
    expect(await failure(caller.supportSettings.get())).toMatchObject({ code: "FORBIDDEN" });
    expect(await failure(caller.supportSettings.save(defaultSlaConfig()))).toMatchObject({ code: "FORBIDDEN" });
  });

  it("start from the defaults and preview due times per priority", async () => {
    await db().setting.deleteMany({ where: { key: SLA_SETTING_KEY } });
    const admin = await createStaff(db(), { role: "ADMIN" });
    const { caller } = await callerAs({ userId: admin.id });
    const got = await caller.supportSettings.get();
    expect(got.isDefault).toBe(true);
    expect(got.config).toEqual(defaultSlaConfig());
    expect(got.timeZones).toContain("Asia/Shanghai");
    expect(got.preview.map((p) => p.priority)).toEqual(["LOW", "NORMAL", "HIGH", "URGENT"]);
    for (const p of got.preview) expect(p.resolutionDueAt.getTime()).toBeGreaterThanOrEqual(p.firstResponseDueAt.getTime());
  });

  it("refuses invalid settings with field messages and changes nothing", async () => {
    const admin = await createStaff(db(), { role: "ADMIN" });
    const { caller } = await callerAs({ userId: admin.id });
    const before = { setting: await db().setting.findUnique({ where: { key: SLA_SETTING_KEY } }), audits: await db().auditLog.count({ where: { action: "support.sla_updated" } }) };
    const bad = defaultSlaConfig();
    bad.schedule.timeZone = "Nowhere/Special";
    bad.schedule.weekly.fri = [{ start: "18:00", end: "09:00" }];
    bad.policies.URGENT.resolutionMinutes = 30;
    const f = await failure(caller.supportSettings.save(bad));
    expect(f.code).toBe("BAD_REQUEST");
    expect(f.fieldErrors).toEqual({
      timeZone: { key: "sla.errUnknownZone", params: { zone: "Nowhere/Special" } },
      "hours.fri": { key: "sla.errEndBeforeStart", params: { start: "18:00", end: "09:00" } },
      "URGENT.resolutionMinutes": "sla.errResolutionBeforeResponse",
    });
    expect(await failure(caller.supportSettings.save({}))).toMatchObject({ code: "BAD_REQUEST" });
    expect({ setting: await db().setting.findUnique({ where: { key: SLA_SETTING_KEY } }), audits: await db().auditLog.count({ where: { action: "support.sla_updated" } }) }).toEqual(before);
  });

  it("saves valid settings, audits them, and new tickets use them", async () => {
    const admin = await createStaff(db(), { role: "ADMIN" });
    const { caller } = await callerAs({ userId: admin.id });
    const round: SlaConfig = defaultSlaConfig();
    const always = [{ start: "00:00", end: "24:00" }];
    round.schedule = { timeZone: "Asia/Shanghai", weekly: { mon: always, tue: always, wed: always, thu: always, fri: always, sat: always, sun: always }, holidays: ["2000-01-01"] };
    round.policies.NORMAL = { firstResponseMinutes: 30, resolutionMinutes: 90 };
    await caller.supportSettings.save(round);

    expect(await loadSlaConfig(db())).toEqual(round);
    const entry = await db().auditLog.findFirstOrThrow({ where: { action: "support.sla_updated", actorId: admin.id }, orderBy: { id: "desc" } });
    expect(entry).toMatchObject({ targetType: "Setting", targetId: SLA_SETTING_KEY });
    expect((entry.data as unknown as { after: SlaConfig }).after.policies.NORMAL).toEqual({ firstResponseMinutes: 30, resolutionMinutes: 90 });
    expect((await caller.supportSettings.get()).isDefault).toBe(false);

    // A ticket opened now (round-the-clock schedule) is due for a first response in 30 minutes.
    const customer = await createCustomer(db());
    const t = await createTicket(db(), { customerId: customer.id, subject: "Due soon", body: "Hello", channel: "portal" });
    const row = await db().ticket.findUniqueOrThrow({ where: { id: t.id } });
    expect(row.firstResponseDueAt!.getTime() - row.createdAt.getTime()).toBe(30 * 60_000);
    await db().setting.deleteMany({ where: { key: SLA_SETTING_KEY } });
  });

  it("auto-close days: invalid values are refused with nothing saved; a valid value is audited and used by the support job", async () => {
    await db().setting.deleteMany({ where: { key: { in: [SLA_SETTING_KEY, AUTO_CLOSE_KEY] } } });
    const admin = await createStaff(db(), { role: "ADMIN" });
    const { caller } = await callerAs({ userId: admin.id });
    expect((await caller.supportSettings.get()).autoCloseDays).toBe(4);

    for (const bad of ["0", "91", "2.5", "soon", ""]) {
      const f = await failure(caller.supportSettings.save({ ...defaultSlaConfig(), autoCloseDays: bad }));
      expect(f).toEqual({ code: "BAD_REQUEST", fieldErrors: { autoCloseDays: { key: "sla.errAutoClose", params: { max: 90 } } } });
    }
    // A valid value does not rescue an invalid SLA config: nothing is saved at all.
    const badConfig = defaultSlaConfig();
    badConfig.schedule.timeZone = "Nowhere/Special";
    expect(await failure(caller.supportSettings.save({ ...badConfig, autoCloseDays: "10" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await db().setting.count({ where: { key: { in: [SLA_SETTING_KEY, AUTO_CLOSE_KEY] } } })).toBe(0);

    await caller.supportSettings.save({ ...defaultSlaConfig(), autoCloseDays: "10" });
    expect(await loadAutoCloseDays(db())).toBe(10);
    expect((await caller.supportSettings.get()).autoCloseDays).toBe(10);
    const entry = await db().auditLog.findFirstOrThrow({ where: { action: "support.auto_close_updated", actorId: admin.id } });
    expect(entry.data).toEqual({ before: 4, after: 10 });

    // The job now leaves a ticket solved 5 days ago alone and closes one solved 11 days ago.
    const customer = await createCustomer(db());
    const now = new Date();
    const recent = await createTicket(db(), { customerId: customer.id, subject: "Solved 5 days ago", body: "Hi", channel: "portal" });
    const old = await createTicket(db(), { customerId: customer.id, subject: "Solved 11 days ago", body: "Hi", channel: "portal" });
    await db().ticket.update({ where: { id: recent.id }, data: { status: "SOLVED", solvedAt: new Date(now.getTime() - 5 * 86400_000) } });
    await db().ticket.update({ where: { id: old.id }, data: { status: "SOLVED", solvedAt: new Date(now.getTime() - 11 * 86400_000) } });
    await runSupportJob(db(), {}, now);
    expect((await db().ticket.findUniqueOrThrow({ where: { id: recent.id } })).status).toBe("SOLVED");
    expect((await db().ticket.findUniqueOrThrow({ where: { id: old.id } })).status).toBe("CLOSED");
    await db().setting.deleteMany({ where: { key: { in: [SLA_SETTING_KEY, AUTO_CLOSE_KEY] } } });
  });
});
