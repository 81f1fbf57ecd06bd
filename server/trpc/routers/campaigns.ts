// Campaigns (marketers and admins): drafts, send/schedule, pause/resume/cancel, test sends,
// progress and results; the frequency cap (admins change it). The public procedures behind the
// links in campaign mail (open pixel, click redirect, one-click unsubscribe) take a signed token.
import { z } from "zod";
import { cancelCampaign, getCampaign, listCampaigns, pauseCampaign, resumeCampaign, saveCampaign, sendTestMail, startCampaign } from "../../domain/campaigns/campaigns.ts";
import { listRecipients } from "../../domain/campaigns/recipients.ts";
import { campaignResults } from "../../domain/campaigns/results.ts";
import { getFrequencyCap, saveFrequencyCap } from "../../domain/campaigns/settings.ts";
import { trackClick, trackOpen, unsubscribe, unsubscribeInfo } from "../../domain/campaigns/tracking.ts";
import { router } from "../init.ts";
import { publicProcedure, staffProcedure } from "../procedures.ts";

const id = z.object({ id: z.string().min(1).max(100) });
const token = z.object({ token: z.string().min(1).max(400) });
const marketer = staffProcedure("MARKETER");

export const campaignsRouter = router({
  list: marketer.query(({ ctx }) => listCampaigns(ctx.db)),
  get: marketer.input(id).query(({ ctx, input }) => getCampaign(ctx.db, input.id)),
  results: marketer.input(id).query(({ ctx, input }) => campaignResults(ctx.db, input.id)),
  /** Per-recipient delivery records, 50 a page (page 1-based). */
  recipients: marketer
    .input(id.extend({ page: z.number().int().min(1).max(100_000) }))
    .query(({ ctx, input }) => listRecipients(ctx.db, input.id, input.page)),
  /** Fields are validated by the domain's campaignInputSchema (messages on the fields). */
  save: marketer
    .input(z.object({ id: z.string().max(100).nullable(), data: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) => saveCampaign(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input.data, input.id)),
  start: marketer.input(id).mutation(async ({ ctx, input }) => {
    const r = await startCampaign(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input.id);
    ctx.mailQueued();
    return r;
  }),
  pause: marketer.input(id).mutation(({ ctx, input }) => pauseCampaign(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input.id)),
  resume: marketer.input(id).mutation(async ({ ctx, input }) => {
    const r = await resumeCampaign(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input.id);
    ctx.mailQueued();
    return r;
  }),
  cancel: marketer.input(id).mutation(({ ctx, input }) => cancelCampaign(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input.id)),
  testSend: marketer.input(id.extend({ locale: z.enum(["en", "zh-CN"]) })).mutation(async ({ ctx, input }) => {
    const r = await sendTestMail(ctx.db, { id: ctx.user.id, ip: ctx.ip, email: ctx.user.email, name: ctx.user.name }, input.id, input.locale);
    ctx.mailQueued();
    return r;
  }),
  frequencyCap: marketer.query(({ ctx }) => getFrequencyCap(ctx.db)),
  saveFrequencyCap: staffProcedure("ADMIN")
    .input(z.object({ maxMessages: z.unknown(), windowDays: z.unknown() }).refine((v) => v.maxMessages !== undefined && v.windowDays !== undefined, "errors.invalid"))
    .mutation(({ ctx, input }) => saveFrequencyCap(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input)),

  // --- public: the links in campaign mail (signed tokens; a bad token changes nothing) ---
  trackOpen: publicProcedure.input(token).mutation(({ ctx, input }) => trackOpen(ctx.db, input.token)),
  trackClick: publicProcedure.input(token).mutation(({ ctx, input }) => trackClick(ctx.db, input.token)),
  unsubscribeInfo: publicProcedure.input(token).query(({ ctx, input }) => unsubscribeInfo(ctx.db, input.token)),
  unsubscribe: publicProcedure.input(token).mutation(({ ctx, input }) => unsubscribe(ctx.db, input.token)),
});
