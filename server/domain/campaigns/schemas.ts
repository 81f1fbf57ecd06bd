// One zod schema per campaign form, shared by the pages (no-JS forms) and the procedures. Messages
// are i18n keys (app/i18n/campaigns.ts); each issue's path names the form field it belongs to.
import { z } from "zod";

export const CAMPAIGN_KINDS = ["EMAIL", "BONUS_POINTS", "POINTS_MULTIPLIER"] as const;
export type CampaignKindInput = (typeof CAMPAIGN_KINDS)[number];

/** The placeholders a campaign subject or body may use. */
export const PLACEHOLDERS = ["firstName", "name", "points", "tier", "code"] as const;

const text = (max: number, required: string, tooLong: string) => z.string().trim().min(1, required).max(max, tooLong);

export const emailContentSchema = z.object({
  subjectEn: text(200, "campaigns.errSubjectRequired", "campaigns.errSubjectLong"),
  subjectZh: text(200, "campaigns.errSubjectRequired", "campaigns.errSubjectLong"),
  bodyEn: text(20_000, "campaigns.errBodyRequired", "campaigns.errBodyLong"),
  bodyZh: text(20_000, "campaigns.errBodyRequired", "campaigns.errBodyLong"),
  /** A discount code set up in the shop, shown where the body says {{code}}. */
  offerCode: z
    .string()
    .trim()
    .max(40, "campaigns.errCodeInvalid")
    .regex(/^[A-Za-z0-9_-]*$/, "campaigns.errCodeInvalid")
    .default(""),
});
export type EmailContent = z.infer<typeof emailContentSchema>;

const optionalDate = z
  .union([z.date(), z.string(), z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === "") return null;
    const d = v instanceof Date ? v : new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "campaigns.errDate" });
      return z.NEVER;
    }
    return d;
  });

export const campaignInputSchema = z
  .object({
    name: text(120, "campaigns.errNameRequired", "campaigns.errNameLong"),
    kind: z.enum(CAMPAIGN_KINDS, { message: "campaigns.errKind" }),
    segmentId: z.string().trim().min(1, "campaigns.errSegmentRequired").max(100),
    holdoutPct: z.coerce.number({ message: "campaigns.errHoldout" }).int("campaigns.errHoldout").min(0, "campaigns.errHoldout").max(50, "campaigns.errHoldout").default(10),
    conversionDays: z.coerce.number({ message: "campaigns.errConversionDays" }).int("campaigns.errConversionDays").min(1, "campaigns.errConversionDays").max(90, "campaigns.errConversionDays").default(14),
    /** Start later (SCHEDULED) instead of at once; for a multiplier, the window's start. */
    scheduledAt: optionalDate,
    /** Points-multiplier window end. */
    endsAt: optionalDate,
    email: emailContentSchema.optional(),
    points: z.coerce.number({ message: "campaigns.errPoints" }).int("campaigns.errPoints").min(1, "campaigns.errPoints").max(100_000, "campaigns.errPoints").optional(),
    multiplier: z.coerce.number({ message: "campaigns.errMultiplier" }).min(1.1, "campaigns.errMultiplier").max(10, "campaigns.errMultiplier").optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "EMAIL" && !v.email) ctx.addIssue({ code: "custom", path: ["email"], message: "campaigns.errBodyRequired" });
    if (v.kind === "BONUS_POINTS" && v.points === undefined) ctx.addIssue({ code: "custom", path: ["points"], message: "campaigns.errPoints" });
    if (v.kind === "POINTS_MULTIPLIER") {
      if (v.multiplier === undefined) ctx.addIssue({ code: "custom", path: ["multiplier"], message: "campaigns.errMultiplier" });
      if (!v.endsAt) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "campaigns.errEndsAt" });
      else if (v.endsAt.getTime() <= (v.scheduledAt ?? new Date()).getTime()) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "campaigns.errEndsAt" });
    }
  });
export type CampaignInput = z.infer<typeof campaignInputSchema>;

/** What Campaign.config holds, per kind. */
export interface CampaignConfig {
  email?: EmailContent;
  points?: number;
  multiplier?: number;
}

export const frequencyCapSchema = z.object({
  /** At most this many marketing emails per customer… (0 = no cap) */
  maxMessages: z.coerce.number({ message: "campaigns.errCap" }).int("campaigns.errCap").min(0, "campaigns.errCap").max(100, "campaigns.errCap"),
  /** …in this many days. */
  windowDays: z.coerce.number({ message: "campaigns.errCapDays" }).int("campaigns.errCapDays").min(1, "campaigns.errCapDays").max(90, "campaigns.errCapDays"),
});
export type FrequencyCap = z.infer<typeof frequencyCapSchema>;
export const DEFAULT_FREQUENCY_CAP: FrequencyCap = { maxMessages: 2, windowDays: 7 };
