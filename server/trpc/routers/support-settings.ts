// Admin settings of the support area: SLA business hours, per-priority targets, auto-close days.
import { z } from "zod";
import { addBusinessMinutes, defaultSlaConfig, loadAutoCloseDays, loadSlaConfig, PRIORITIES, saveSlaConfig } from "../../domain/support/sla.ts";
import { router } from "../init.ts";
import { staffProcedure } from "../procedures.ts";

const admin = staffProcedure("ADMIN");

export const supportSettingsRouter = router({
  /** The SLA configuration (stored or default), the known time zones, and due times for a ticket opened now. */
  get: admin.query(async ({ ctx }) => {
    const [config, row, autoCloseDays] = await Promise.all([
      loadSlaConfig(ctx.db),
      ctx.db.setting.findUnique({ where: { key: "support.sla" }, select: { updatedAt: true } }),
      loadAutoCloseDays(ctx.db),
    ]);
    const now = new Date();
    const preview = PRIORITIES.map((priority) => ({
      priority,
      firstResponseDueAt: addBusinessMinutes(now, config.policies[priority].firstResponseMinutes, config.schedule),
      resolutionDueAt: addBusinessMinutes(now, config.policies[priority].resolutionMinutes, config.schedule),
    }));
    return { config, autoCloseDays, isDefault: !row, updatedAt: row?.updatedAt ?? null, defaults: defaultSlaConfig(), timeZones: ["UTC", ...Intl.supportedValuesOf("timeZone")], now, preview };
  }),

  /** Validates (field errors keyed timeZone, hours.<day>, holidays, <PRIORITY>.<target>, autoCloseDays) and saves, audited. */
  save: admin.input(z.unknown()).mutation(({ ctx, input }) => ctx.db.$transaction((tx) => saveSlaConfig(tx, ctx.user.id, input, { ip: ctx.ip }))),
});
