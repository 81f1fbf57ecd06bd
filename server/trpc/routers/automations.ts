// Customer-care automations (marketers and admins): list, one automation, save its settings and
// bilingual template (validated by the domain's automationInputSchema, messages on the fields), and
// switch it on or off. Mutations are audited in the domain. Results: campaigns.results({ id }).
import { z } from "zod";
import { getAutomation, listAutomations, saveAutomation, setAutomationEnabled } from "../../domain/campaigns/automations.ts";
import { router } from "../init.ts";
import { staffProcedure } from "../procedures.ts";

const marketer = staffProcedure("MARKETER");
const key = z.string().min(1).max(40);

export const automationsRouter = router({
  list: marketer.query(({ ctx }) => listAutomations(ctx.db)),
  get: marketer.input(z.object({ key })).query(({ ctx, input }) => getAutomation(ctx.db, input.key)),
  save: marketer
    .input(z.object({ key, data: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) => saveAutomation(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input.key, input.data)),
  setEnabled: marketer
    .input(z.object({ key, enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setAutomationEnabled(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input.key, input.enabled)),
});
