// Loyalty program settings: one JSON document in Setting("loyalty.program"), validated with zod.
// Every rule reads the settings inside its own transaction, so a change applies from the moment it
// is saved (nothing is cached in the process). Saving is audited in the same transaction.
import { z } from "zod";
import type { Db, Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { sqlRows } from "../../db/sql.ts";
import { audit } from "../audit/audit.ts";
import { AppError, type FieldMessage } from "../errors.ts";

export const SETTINGS_KEY = "loyalty.program";

const currency = z.string().regex(/^[A-Z]{3}$/, "rewards.errCurrency");
const tierCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,19}$/, "rewards.errTierCode");

export const tierSchema = z.object({
  code: tierCode,
  nameEn: z.string().trim().min(1, "rewards.errRequired").max(40),
  nameZh: z.string().trim().min(1, "rewards.errRequired").max(40),
  /** Rolling 12-month qualifying spend needed, in minor units of the base currency. */
  thresholdMinor: z.number().int().min(0).max(1_000_000_000),
  /** Earn multiplier (1 = the base rate). */
  multiplier: z.number().min(1).max(10),
  benefitsEn: z.string().max(500).default(""),
  benefitsZh: z.string().max(500).default(""),
});
export type TierDef = z.infer<typeof tierSchema>;

export const programSchema = z
  .object({
    /** Tier thresholds are in this currency; other currencies convert with fxToBase. */
    baseCurrency: currency,
    /** Value of one unit of a currency in base-currency units (for tier spend only). */
    fxToBase: z.record(currency, z.number().positive().max(10_000)),
    /** Points per whole unit of each currency; a currency not listed earns nothing. */
    earnRates: z.record(currency, z.number().min(0).max(1000)),
    /** Which amount counts: subtotal after discounts (no shipping or tax), or the order total. */
    basis: z.enum(["SUBTOTAL_AFTER_DISCOUNT", "TOTAL"]),
    rounding: z.enum(["FLOOR", "ROUND", "CEIL"]),
    /** Days after delivery during which points stay pending. */
    returnWindowDays: z.number().int().min(0).max(365),
    /** Available points expire this many months after they became available (FIFO). */
    expiryMonths: z.number().int().min(1).max(120),
    /** The reminder email goes this many days before points expire. */
    reminderDays: z.number().int().min(1).max(120),
    tiers: z.array(tierSchema).min(1).max(8),
    birthdayBonus: z.number().int().min(0).max(100_000),
    referral: z.object({
      /** Points for the new customer's first paid order (pending until it passes the return window). */
      refereeBonus: z.number().int().min(0).max(100_000),
      /** Points for the referrer once that order passed the return window. */
      referrerBonus: z.number().int().min(0).max(100_000),
      /** Velocity limit: referrals one referrer may collect per 30 days. */
      maxPer30Days: z.number().int().min(0).max(1000),
      /** A referral code can be entered within this many days of the account's creation. */
      attachWithinDays: z.number().int().min(1).max(365),
    }),
  })
  .superRefine((s, ctx) => {
    const tiers = s.tiers;
    if (tiers[0] && tiers[0].thresholdMinor !== 0) ctx.addIssue({ code: "custom", path: ["tiers"], message: "rewards.errFirstTierZero" });
    for (let i = 1; i < tiers.length; i++) {
      if (tiers[i]!.thresholdMinor <= tiers[i - 1]!.thresholdMinor) ctx.addIssue({ code: "custom", path: ["tiers"], message: "rewards.errTierOrder" });
    }
    if (new Set(tiers.map((t) => t.code)).size !== tiers.length) ctx.addIssue({ code: "custom", path: ["tiers"], message: "rewards.errTierDuplicate" });
    if (!(s.baseCurrency in s.fxToBase)) ctx.addIssue({ code: "custom", path: ["fxToBase"], message: "rewards.errBaseFx" });
    if (s.reminderDays >= s.expiryMonths * 30) ctx.addIssue({ code: "custom", path: ["reminderDays"], message: "rewards.errReminder" });
  });
export type ProgramSettings = z.infer<typeof programSchema>;

export const DEFAULT_SETTINGS: ProgramSettings = {
  baseCurrency: "USD",
  fxToBase: { USD: 1, EUR: 1.08, CNY: 0.14 },
  earnRates: { USD: 1, EUR: 1, CNY: 0.15 },
  basis: "SUBTOTAL_AFTER_DISCOUNT",
  rounding: "FLOOR",
  returnWindowDays: 30,
  expiryMonths: 12,
  reminderDays: 30,
  tiers: [
    { code: "BRONZE", nameEn: "Bronze", nameZh: "青铜", thresholdMinor: 0, multiplier: 1, benefitsEn: "Earn 1 point per dollar.", benefitsZh: "每消费 1 美元积 1 分。" },
    { code: "SILVER", nameEn: "Silver", nameZh: "白银", thresholdMinor: 40_000, multiplier: 1.25, benefitsEn: "25% more points; birthday bonus.", benefitsZh: "积分多 25%；生日奖励。" },
    { code: "GOLD", nameEn: "Gold", nameZh: "黄金", thresholdMinor: 120_000, multiplier: 1.5, benefitsEn: "50% more points; free standard shipping.", benefitsZh: "积分多 50%；标准配送免运费。" },
    { code: "PLATINUM", nameEn: "Platinum", nameZh: "铂金", thresholdMinor: 300_000, multiplier: 2, benefitsEn: "Double points; priority support.", benefitsZh: "双倍积分；优先客服。" },
  ],
  birthdayBonus: 200,
  referral: { refereeBonus: 200, referrerBonus: 500, maxPer30Days: 10, attachWithinDays: 30 },
};

/**
 * The last document read and what it parsed to. Validating the document costs ~3 ms of CPU (more
 * than the query) and ran on every rewards page view (issue #14); the row is still read every time,
 * and a different document (any change, by whatever means) is a different key, so this never
 * serves stale settings. Like DEFAULT_SETTINGS, the result is shared: callers must not mutate it.
 */
let lastParsed: { json: string; settings: ProgramSettings } | undefined;

/** The settings in force now (defaults until an admin saves). Read inside the caller's transaction. */
export async function getSettings(tx: Tx): Promise<ProgramSettings> {
  // Read on every points-related page and write: one plain statement (sqlRows), not a Prisma query.
  const [row] = await sqlRows<{ value: unknown }[]>(tx, Prisma.sql`SELECT value FROM "Setting" WHERE key = ${SETTINGS_KEY}`);
  return settingsFromDocument(row ? row.value : null);
}

/** The settings of a stored document (null: none saved), as getSettings() (for callers reading the row with plain SQL). */
export function settingsFromDocument(value: unknown): ProgramSettings {
  if (value === null || value === undefined) return DEFAULT_SETTINGS;
  const json = JSON.stringify(value);
  if (lastParsed?.json === json) return lastParsed.settings;
  const settings = parseSettingsDocument(value);
  lastParsed = { json, settings };
  return settings;
}

function parseSettingsDocument(value: unknown): ProgramSettings {
  const parsed = programSchema.safeParse(value);
  // A document written by an older version: fall back field by field to the defaults.
  if (parsed.success) return parsed.data;
  const merged = programSchema.safeParse({ ...DEFAULT_SETTINGS, ...(value as object) });
  return merged.success ? merged.data : DEFAULT_SETTINGS;
}

function fieldErrors(error: z.ZodError): Record<string, FieldMessage> {
  const out: Record<string, FieldMessage> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "form";
    out[key] ??= issue.message.startsWith("errors.") || issue.message.startsWith("rewards.") ? issue.message : "errors.invalid";
  }
  return out;
}

/** Validates and saves the settings (audited, with the previous value). */
export async function saveSettings(db: Db, actorId: string, input: unknown, ip: string | null = null): Promise<ProgramSettings> {
  const parsed = programSchema.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "The loyalty settings are not valid.", fieldErrors(parsed.error));
  const value = parsed.data;
  return db.$transaction(async (tx) => {
    const before = await getSettings(tx);
    await tx.setting.upsert({
      where: { key: SETTINGS_KEY },
      create: { key: SETTINGS_KEY, value: value as unknown as Prisma.InputJsonValue, updatedById: actorId },
      update: { value: value as unknown as Prisma.InputJsonValue, updatedById: actorId },
    });
    await audit(tx, { actorId, action: "loyalty.settings.updated", targetType: "setting", targetId: SETTINGS_KEY, data: { before, after: value } as unknown as Prisma.InputJsonValue, ip });
    return value;
  });
}
