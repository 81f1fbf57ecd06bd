// Customer-care automations (客户关怀): welcome, birthday, win-back, points expiring, tier upgrade and
// the NPS survey after a solved ticket. Each is ONE Campaign row of kind AUTOMATION, upserted by its
// automationKey (enabled = RUNNING, disabled = PAUSED; never configured = listed with the defaults
// below and disabled). runAutomations (the campaigns job, every 10 minutes) finds the due customers
// set-based in SQL and enters each through enterAutomation, whose unique (campaign, customer,
// occurrence) row makes a second entry for the same birthday, ticket or tier change a no-op.
// Consent, erasure, the frequency cap and the holdout are enterAutomation's; the outbox delivers.
import { z } from "zod";
import type { Db, Tx } from "../../db/client.ts";
import { Prisma, type Campaign } from "../../db/generated/client.ts";
import { hashToken, newToken } from "../auth/tokens.ts";
import { audit } from "../audit/audit.ts";
import { AppError, type FieldMessage } from "../errors.ts";
import { rewardsUrl } from "../loyalty/config.ts";
import { getSettings } from "../loyalty/settings.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { enterAutomation, type Actor } from "./campaigns.ts";
import { PLACEHOLDERS } from "./schemas.ts";
import { appUrl } from "./tokens.ts";

export const AUTOMATION_KEYS = ["welcome", "birthday", "win_back", "points_expiring", "tier_upgrade", "post_solve_survey"] as const;
export type AutomationKey = (typeof AUTOMATION_KEYS)[number];
export const isAutomationKey = (k: unknown): k is AutomationKey => typeof k === "string" && (AUTOMATION_KEYS as readonly string[]).includes(k);

/** Transactional mail is not marketing: no consent needed, exempt from the frequency cap (erased customers never). */
export const TRANSACTIONAL: Record<AutomationKey, boolean> = { welcome: false, birthday: false, win_back: false, points_expiring: true, tier_upgrade: false, post_solve_survey: false };

const DAY_MS = 86_400_000;
/** How far back the survey looks past its delay: a ticket solved long before the automation was switched on is not surveyed. */
const SURVEY_LOOKBACK_DAYS = 7;
/** Due customers handled per automation per run (the next run continues). */
const RUN_LIMIT = 5000;
/** Customers entered per transaction. */
const BATCH = 25;

/** One numeric setting of an automation: the form field, its bounds and its message. */
export interface SettingSpec {
  name: string;
  min: number;
  max: number;
  step: number;
  integer: boolean;
  default: number;
  /** i18n key of the field's error (it also names the bounds). */
  error: string;
}

const days = (name: string, def: number, min: number, max: number, error: string): SettingSpec => ({ name, min, max, step: 1, integer: true, default: def, error });

export const SETTINGS: Record<AutomationKey, SettingSpec[]> = {
  welcome: [days("withinDays", 2, 1, 30, "automations.errWithinDays")],
  birthday: [],
  win_back: [
    { name: "threshold", min: 0.01, max: 0.99, step: 0.01, integer: false, default: 0.3, error: "automations.errThreshold" },
    days("cooldownDays", 90, 7, 365, "automations.errCooldownDays"),
  ],
  points_expiring: [days("days", 14, 1, 120, "automations.errDays")],
  tier_upgrade: [days("withinDays", 7, 1, 30, "automations.errWithinDays")],
  post_solve_survey: [days("delayDays", 3, 0, 30, "automations.errDelayDays")],
};

/** The trigger's own placeholders, on top of {{firstName}} {{name}} {{points}} {{tier}} {{code}}. */
export const EXTRA_PLACEHOLDERS: Record<AutomationKey, string[]> = {
  welcome: [],
  birthday: ["bonusPoints", "bonusLine"],
  win_back: [],
  points_expiring: ["expiringPoints", "expiryDate", "rewardsUrl"],
  tier_upgrade: ["newTier", "previousTier", "rewardsUrl"],
  post_solve_survey: ["surveyUrl", "ticketNumber"],
};

export interface AutomationEmail {
  subjectEn: string;
  subjectZh: string;
  bodyEn: string;
  bodyZh: string;
  offerCode: string;
}

/** The texts shipped in code: what a never-configured automation sends once switched on. */
export const DEFAULT_EMAIL: Record<AutomationKey, AutomationEmail> = {
  welcome: {
    subjectEn: "Welcome, {{firstName}}!",
    bodyEn: "Hi {{firstName}},\n\nThank you for joining us. Here you can follow your orders, get help whenever you need it and collect reward points with every purchase.\n\nWe are glad you are here.",
    subjectZh: "欢迎你，{{firstName}}！",
    bodyZh: "{{firstName}}，你好：\n\n感谢你的加入。在这里你可以查看订单进度、随时获得帮助，并且每次购物都能累积奖励积分。\n\n很高兴认识你！",
    offerCode: "",
  },
  birthday: {
    subjectEn: "Happy birthday, {{firstName}}!",
    bodyEn: "Hi {{firstName}},\n\nAll of us wish you a very happy birthday. {{bonusLine}}\n\nHave a wonderful day!",
    subjectZh: "生日快乐，{{firstName}}！",
    bodyZh: "{{firstName}}，你好：\n\n我们全体祝你生日快乐！{{bonusLine}}\n\n祝你度过美好的一天！",
    offerCode: "",
  },
  win_back: {
    subjectEn: "We miss you, {{firstName}}",
    bodyEn: "Hi {{firstName}},\n\nIt has been a while since your last order. Your {{points}} points are still waiting for you — come and see what is new.",
    subjectZh: "{{firstName}}，好久不见",
    bodyZh: "{{firstName}}，你好：\n\n距离你上次下单已经有一段时间了。你的 {{points}} 积分还在等着你——快来看看有什么新品吧。",
    offerCode: "",
  },
  points_expiring: {
    subjectEn: "{{expiringPoints}} of your points expire on {{expiryDate}}",
    bodyEn: "Hi {{firstName}},\n\n{{expiringPoints}} of your points will expire on {{expiryDate}}. You have {{points}} points in total — [choose a reward]({{rewardsUrl}}) before then.",
    subjectZh: "你有 {{expiringPoints}} 积分将于 {{expiryDate}} 过期",
    bodyZh: "{{firstName}}，你好：\n\n你有 {{expiringPoints}} 积分将于 {{expiryDate}} 过期。你目前共有 {{points}} 积分，请在过期前[兑换奖励]({{rewardsUrl}})。",
    offerCode: "",
  },
  tier_upgrade: {
    subjectEn: "Congratulations, you are now {{newTier}}!",
    bodyEn: "Hi {{firstName}},\n\nThank you for your loyalty: you have moved up from {{previousTier}} to **{{newTier}}**. [See your new benefits]({{rewardsUrl}}).",
    subjectZh: "恭喜你升级为{{newTier}}会员！",
    bodyZh: "{{firstName}}，你好：\n\n感谢你的支持：你已从{{previousTier}}升级为**{{newTier}}**会员。[查看你的新权益]({{rewardsUrl}})。",
    offerCode: "",
  },
  post_solve_survey: {
    subjectEn: "How likely are you to recommend us?",
    bodyEn: "Hi {{firstName}},\n\nWe recently solved your request #{{ticketNumber}}. On a scale from 0 to 10, how likely are you to recommend us to a friend?\n\n[Answer the one-question survey]({{surveyUrl}})\n\nThank you for helping us improve.",
    subjectZh: "你会向朋友推荐我们吗？",
    bodyZh: "{{firstName}}，你好：\n\n我们最近处理完了你的请求 #{{ticketNumber}}。从 0 到 10 分，你有多大可能向朋友推荐我们？\n\n[回答这一道问题]({{surveyUrl}})\n\n感谢你帮助我们改进。",
    offerCode: "",
  },
};

const DEFAULT_HOLDOUT_PCT = 10;
const DEFAULT_CONVERSION_DAYS = 14;

/** English campaign names (the Campaign row's name; the pages show the translated titles). */
const NAMES: Record<AutomationKey, string> = {
  welcome: "Automation: welcome",
  birthday: "Automation: birthday greeting",
  win_back: "Automation: win-back",
  points_expiring: "Automation: points expiring",
  tier_upgrade: "Automation: tier upgrade",
  post_solve_survey: "Automation: survey after a solved ticket",
};

// ---------------------------------------------------------------------------------------------
// The one schema: the edit page's fields and the save procedure's data, keyed by automation.

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;
function numberField(spec: Pick<SettingSpec, "min" | "max" | "integer" | "error">, def: number) {
  let n = z.number({ message: spec.error }).min(spec.min, spec.error).max(spec.max, spec.error);
  if (spec.integer) n = n.int(spec.error);
  // Missing → the default; an emptied form field → the field's error (not silently 0).
  return z.preprocess((v) => (v === undefined ? def : typeof v === "string" ? (v.trim() === "" ? Number.NaN : Number(v)) : v), n);
}

const text = (max: number, required: string, tooLong: string) => z.string({ message: required }).trim().min(1, required).max(max, tooLong);

const offerCode = z
  .string({ message: "automations.errCodeInvalid" })
  .trim()
  .max(40, "automations.errCodeInvalid")
  .regex(/^[A-Za-z0-9_-]*$/, "automations.errCodeInvalid")
  .default("");

/** A subject or body: only placeholders this automation fills; the survey's body must carry its link. */
function template(key: AutomationKey, max: number, required: string, tooLong: string, needsSurveyLink: boolean) {
  const allowed = new Set<string>([...PLACEHOLDERS, ...EXTRA_PLACEHOLDERS[key]]);
  let s = text(max, required, tooLong).refine((v) => [...v.matchAll(PLACEHOLDER)].every((m) => allowed.has(m[1]!)), "automations.errPlaceholder");
  if (needsSurveyLink) s = s.refine((v) => /\{\{\s*surveyUrl\s*\}\}/.test(v), "automations.errSurveyLink");
  return s;
}

function variant<K extends AutomationKey>(key: K) {
  const settings = Object.fromEntries(SETTINGS[key].map((s) => [s.name, numberField(s, s.default)]));
  const survey = key === "post_solve_survey";
  return z.object({
    key: z.literal(key),
    holdoutPct: numberField({ min: 0, max: 50, integer: true, error: "automations.errHoldout" }, DEFAULT_HOLDOUT_PCT),
    conversionDays: numberField({ min: 1, max: 90, integer: true, error: "automations.errConversionDays" }, DEFAULT_CONVERSION_DAYS),
    subjectEn: template(key, 200, "automations.errSubjectRequired", "automations.errSubjectLong", false),
    subjectZh: template(key, 200, "automations.errSubjectRequired", "automations.errSubjectLong", false),
    bodyEn: template(key, 20_000, "automations.errBodyRequired", "automations.errBodyLong", survey),
    bodyZh: template(key, 20_000, "automations.errBodyRequired", "automations.errBodyLong", survey),
    offerCode,
    ...settings,
  });
}

/**
 * Everything an automation's edit form saves, by automation key. Field paths are the form's field
 * names; messages are i18n keys (app/i18n/automations.ts). Placeholders must be ones this
 * automation fills, and the survey's mail must carry the survey link in both languages.
 */
export const automationInputSchema = z.discriminatedUnion(
  "key",
  [variant("welcome"), variant("birthday"), variant("win_back"), variant("points_expiring"), variant("tier_upgrade"), variant("post_solve_survey")],
  { message: "automations.errKey" },
);
export type AutomationInput = z.infer<typeof automationInputSchema>;

function fieldErrorsOf(issues: readonly { path: PropertyKey[]; message: string }[]): Record<string, FieldMessage> {
  const out: Record<string, FieldMessage> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "form";
    out[key] ??= /^(errors|automations)\./.test(issue.message) ? issue.message : "errors.invalid";
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stored form: Campaign.config = { email, settings }.

export interface AutomationConfig {
  email: AutomationEmail;
  settings: Record<string, number>;
}

function defaultSettings(key: AutomationKey): Record<string, number> {
  return Object.fromEntries(SETTINGS[key].map((s) => [s.name, s.default]));
}

/** The stored config, each part falling back to the defaults when missing or no longer valid. */
export function automationConfig(key: AutomationKey, row: Pick<Campaign, "config"> | null): AutomationConfig {
  const raw = (row?.config ?? {}) as Partial<AutomationConfig>;
  const defaults = defaultSettings(key);
  const settings: Record<string, number> = { ...defaults };
  for (const s of SETTINGS[key]) {
    const v = raw.settings?.[s.name];
    if (typeof v === "number" && Number.isFinite(v) && v >= s.min && v <= s.max) settings[s.name] = v;
  }
  const e = raw.email;
  const email = e && typeof e.subjectEn === "string" && typeof e.subjectZh === "string" && typeof e.bodyEn === "string" && typeof e.bodyZh === "string" ? { ...e, offerCode: typeof e.offerCode === "string" ? e.offerCode : "" } : DEFAULT_EMAIL[key];
  return { email, settings };
}

function automationItem(key: AutomationKey, row: Campaign | null, counts?: AutomationCounts) {
  const config = automationConfig(key, row);
  return {
    key,
    id: row?.id ?? null,
    enabled: row?.status === "RUNNING",
    transactional: TRANSACTIONAL[key],
    holdoutPct: row?.holdoutPct ?? DEFAULT_HOLDOUT_PCT,
    conversionDays: row?.conversionDays ?? DEFAULT_CONVERSION_DAYS,
    settings: config.settings,
    email: config.email,
    updatedAt: row?.updatedAt ?? null,
    counts: counts ?? emptyCounts(),
  };
}
export type AutomationItem = ReturnType<typeof automationItem>;

export interface AutomationCounts {
  /** Recipient rows (one per customer and trigger occurrence), whatever their status. */
  entered: number;
  queued: number;
  sent: number;
  holdout: number;
  skipped: number;
}
const emptyCounts = (): AutomationCounts => ({ entered: 0, queued: 0, sent: 0, holdout: 0, skipped: 0 });

async function countsFor(db: Db | Tx, ids: string[]) {
  const out = new Map<string, AutomationCounts>();
  if (!ids.length) return out;
  const rows = await db.$queryRaw<(AutomationCounts & { campaignId: string })[]>`
    SELECT "campaignId", count(*)::int AS entered,
           count(*) FILTER (WHERE "status" = 'QUEUED')::int AS queued,
           count(*) FILTER (WHERE "status" = 'SENT')::int AS sent,
           count(*) FILTER (WHERE "status" = 'HOLDOUT')::int AS holdout,
           count(*) FILTER (WHERE "status" = 'SKIPPED')::int AS skipped
    FROM "CampaignRecipient" WHERE "campaignId" = ANY(${ids}) GROUP BY 1`;
  for (const { campaignId, ...c } of rows) out.set(campaignId, c);
  return out;
}

/** Every automation, stored or not (never configured: defaults, disabled), with its counts. */
export async function listAutomations(db: Db) {
  const rows = await db.campaign.findMany({ where: { kind: "AUTOMATION", automationKey: { in: [...AUTOMATION_KEYS] } } });
  const byKey = new Map(rows.map((r) => [r.automationKey, r]));
  const counts = await countsFor(db, rows.map((r) => r.id));
  return AUTOMATION_KEYS.map((key) => {
    const row = byKey.get(key) ?? null;
    return automationItem(key, row, row ? counts.get(row.id) : undefined);
  });
}

function requireKey(key: string): AutomationKey {
  if (!isAutomationKey(key)) throw new AppError("NOT_FOUND", "No such automation.");
  return key;
}

/** One automation with what its edit form needs (settings bounds, placeholders). */
export async function getAutomation(db: Db, key: string) {
  const k = requireKey(key);
  const row = await db.campaign.findUnique({ where: { automationKey: k } });
  const counts = row ? (await countsFor(db, [row.id])).get(row.id) : undefined;
  return { ...automationItem(k, row, counts), settingSpecs: SETTINGS[k], placeholders: [...PLACEHOLDERS, ...EXTRA_PLACEHOLDERS[k]] };
}

/** The row, created PAUSED with the defaults when the automation was never configured (locked for update). */
async function ensureRow(tx: Tx, key: AutomationKey, actorId: string | null): Promise<Campaign> {
  await tx.$executeRaw`
    INSERT INTO "Campaign" ("id", "name", "kind", "status", "config", "holdoutPct", "conversionDays", "automationKey", "transactional", "createdById", "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${NAMES[key]}, 'AUTOMATION', 'PAUSED', ${JSON.stringify({ email: DEFAULT_EMAIL[key], settings: defaultSettings(key) })}::jsonb,
            ${DEFAULT_HOLDOUT_PCT}, ${DEFAULT_CONVERSION_DAYS}, ${key}, ${TRANSACTIONAL[key]}, ${actorId}, now(), now())
    ON CONFLICT ("automationKey") DO NOTHING`;
  const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Campaign" WHERE "automationKey" = ${key} FOR UPDATE`;
  return tx.campaign.findUniqueOrThrow({ where: { id: locked!.id } });
}

/** Saves an automation's settings, holdout and bilingual template (validated, audited); its on/off state is kept. */
export async function saveAutomation(db: Db, actor: Actor, key: string, input: unknown) {
  const k = requireKey(key);
  const parsed = automationInputSchema.safeParse({ ...(typeof input === "object" && input !== null ? input : {}), key: k });
  if (!parsed.success) throw new AppError("BAD_REQUEST", "The automation is not valid.", fieldErrorsOf(parsed.error.issues));
  const v = parsed.data as AutomationInput & Record<string, unknown>;
  const settings = Object.fromEntries(SETTINGS[k].map((s) => [s.name, v[s.name] as number]));
  const config: AutomationConfig = { email: { subjectEn: v.subjectEn, subjectZh: v.subjectZh, bodyEn: v.bodyEn, bodyZh: v.bodyZh, offerCode: v.offerCode }, settings };
  return db.$transaction(async (tx) => {
    const before = await ensureRow(tx, k, actor.id);
    const row = await tx.campaign.update({
      where: { id: before.id },
      data: { holdoutPct: v.holdoutPct, conversionDays: v.conversionDays, config: config as unknown as Prisma.InputJsonValue, transactional: TRANSACTIONAL[k] },
    });
    await audit(tx, {
      actorId: actor.id,
      action: "automation.saved",
      targetType: "campaign",
      targetId: row.id,
      data: { key: k, holdoutPct: row.holdoutPct, conversionDays: row.conversionDays, settings, before: { holdoutPct: before.holdoutPct, settings: automationConfig(k, before).settings } } as unknown as Prisma.InputJsonValue,
      ip: actor.ip,
    });
    return automationItem(k, row);
  });
}

/**
 * Switches an automation on (RUNNING) or off (PAUSED), creating it with the defaults when needed.
 * Off holds its unsent mail (the outbox skips held rows); on releases it. Audited.
 */
export async function setAutomationEnabled(db: Db, actor: Actor, key: string, enabled: boolean) {
  const k = requireKey(key);
  return db.$transaction(async (tx) => {
    const c = await ensureRow(tx, k, actor.id);
    const status = enabled ? "RUNNING" : "PAUSED";
    if (c.status === status) return automationItem(k, c);
    const row = await tx.campaign.update({ where: { id: c.id }, data: { status, ...(enabled && !c.startedAt ? { startedAt: new Date() } : {}) } });
    if (enabled) await tx.mailOutbox.updateMany({ where: { campaignId: c.id, status: "PENDING", held: true }, data: { held: false, nextAttemptAt: new Date() } });
    else await tx.mailOutbox.updateMany({ where: { campaignId: c.id, status: "PENDING" }, data: { held: true } });
    await audit(tx, { actorId: actor.id, action: enabled ? "automation.enabled" : "automation.disabled", targetType: "campaign", targetId: c.id, data: { key: k, from: c.status, to: status }, ip: actor.ip });
    return automationItem(k, row);
  });
}

/** Whether the points-expiring automation is on (the loyalty job's own reminder then stays silent). */
export async function pointsExpiringAutomationOn(db: Db | Tx) {
  return (await db.campaign.count({ where: { automationKey: "points_expiring", kind: "AUTOMATION", status: "RUNNING" } })) > 0;
}

// ---------------------------------------------------------------------------------------------
// The triggers.

type DbLocale = "en" | "zh_CN";
interface Due {
  customerId: string;
  occurrence: string;
  vars: Record<string, string>;
  /** points_expiring: the lots this reminder covers (marked reminded). */
  lotIds?: string[];
  /** post_solve_survey: the ticket (a survey token is made per recipient). */
  ticketNumber?: number;
}

function formatDay(d: Date, locale: DbLocale, timeZone: string) {
  const opts: Intl.DateTimeFormatOptions = { dateStyle: "long", timeZone };
  try {
    return new Intl.DateTimeFormat(locale === "zh_CN" ? "zh-CN" : "en", opts).format(d);
  } catch {
    return new Intl.DateTimeFormat(locale === "zh_CN" ? "zh-CN" : "en", { ...opts, timeZone: "UTC" }).format(d);
  }
}

const notEntered = (campaignId: string, occurrence: Prisma.Sql) =>
  Prisma.sql`NOT EXISTS (SELECT 1 FROM "CampaignRecipient" r WHERE r."campaignId" = ${campaignId} AND r."customerId" = c."id" AND r."occurrence" = ${occurrence})`;

async function dueFor(db: Db, c: Campaign, key: AutomationKey, settings: Record<string, number>, now: Date): Promise<Due[]> {
  switch (key) {
    case "welcome": {
      const since = new Date(now.getTime() - settings.withinDays! * DAY_MS);
      const rows = await db.$queryRaw<{ customerId: string }[]>`
        SELECT c."id" AS "customerId" FROM "Customer" c
        WHERE c."anonymizedAt" IS NULL AND c."createdAt" > ${since} AND c."createdAt" <= ${now} AND ${notEntered(c.id, Prisma.sql`'welcome'`)}
        ORDER BY c."createdAt" LIMIT ${RUN_LIMIT}`;
      return rows.map((r) => ({ customerId: r.customerId, occurrence: "welcome", vars: {} }));
    }
    case "birthday": {
      // The same day test as the loyalty program's birthday bonus (grantBirthdayBonuses, UTC).
      const program = await getSettings(db);
      const occurrence = `birthday:${now.getUTCFullYear()}`;
      const rows = await db.$queryRaw<{ customerId: string; locale: DbLocale }[]>`
        SELECT c."id" AS "customerId", c."locale"::text AS locale FROM "Customer" c
        WHERE c."birthday" IS NOT NULL AND c."anonymizedAt" IS NULL
          AND EXTRACT(MONTH FROM c."birthday") = ${now.getUTCMonth() + 1} AND EXTRACT(DAY FROM c."birthday") = ${now.getUTCDate()}
          AND ${notEntered(c.id, Prisma.sql`${occurrence}`)}
        LIMIT ${RUN_LIMIT}`;
      const bonus = program.birthdayBonus;
      return rows.map((r) => ({
        customerId: r.customerId,
        occurrence,
        vars: {
          bonusPoints: String(bonus),
          bonusLine: bonus > 0 ? (r.locale === "zh_CN" ? `作为生日礼物，我们今天会为你的账户添加 ${bonus} 积分。` : `As a birthday gift, ${bonus} bonus points are added to your account today.`) : "",
        },
      }));
    }
    case "win_back": {
      // One occurrence per scoring run (CustomerScore.asOf); the cooldown spaces the entries.
      const cooldownSince = new Date(now.getTime() - settings.cooldownDays! * DAY_MS);
      const rows = await db.$queryRaw<{ customerId: string; occurrence: string }[]>`
        SELECT c."id" AS "customerId", 'win_back:' || to_char(s."asOf", 'YYYY-MM-DD') AS occurrence
        FROM "CustomerScore" s JOIN "Customer" c ON c."id" = s."customerId"
        WHERE c."anonymizedAt" IS NULL AND s."pAlive" < ${settings.threshold!}::float8
          AND EXISTS (SELECT 1 FROM "Order" o WHERE o."customerId" = c."id" AND o."status" <> 'CANCELLED')
          AND NOT EXISTS (SELECT 1 FROM "CampaignRecipient" r WHERE r."campaignId" = ${c.id} AND r."customerId" = c."id"
                            AND (r."occurrence" = 'win_back:' || to_char(s."asOf", 'YYYY-MM-DD') OR r."enteredAt" > ${cooldownSince}))
        LIMIT ${RUN_LIMIT}`;
      return rows.map((r) => ({ customerId: r.customerId, occurrence: r.occurrence, vars: {} }));
    }
    case "points_expiring": {
      // Lots not reminded yet, as the built-in reminder reads them; one occurrence per earliest lot.
      const until = new Date(now.getTime() + settings.days! * DAY_MS);
      const rows = await db.$queryRaw<{ customerId: string; locale: DbLocale; timeZone: string; points: number; expiresAt: Date; lotIds: string[] }[]>`
        SELECT c."id" AS "customerId", c."locale"::text AS locale, c."timeZone", sum(l."remaining")::int AS points, min(l."expiresAt") AS "expiresAt",
               array_agg(l."id" ORDER BY l."expiresAt", l."id") AS "lotIds"
        FROM "LoyaltyLot" l JOIN "Customer" c ON c."id" = l."customerId"
        WHERE l."expiresAt" > ${now}::timestamp AND l."expiresAt" <= ${until}::timestamp AND l."remaining" > 0 AND l."remindedAt" IS NULL
          AND c."anonymizedAt" IS NULL
        GROUP BY c."id", c."locale", c."timeZone"
        LIMIT ${RUN_LIMIT}`;
      const url = rewardsUrl();
      return rows.map((r) => ({
        customerId: r.customerId,
        occurrence: `points_expiring:${r.lotIds[0]}`,
        lotIds: r.lotIds,
        vars: { expiringPoints: String(r.points), expiryDate: formatDay(r.expiresAt, r.locale, r.timeZone), rewardsUrl: url },
      }));
    }
    case "tier_upgrade": {
      const program = await getSettings(db);
      const codes = program.tiers.map((t) => t.code);
      const since = new Date(now.getTime() - settings.withinDays! * DAY_MS);
      // Up = a higher position in the program's tier list; still in that tier (no downgrade since).
      const rows = await db.$queryRaw<{ id: string; customerId: string; fromTier: string; toTier: string; locale: DbLocale }[]>`
        SELECT th."id", c."id" AS "customerId", th."fromTier", th."toTier", c."locale"::text AS locale
        FROM "TierHistory" th JOIN "Customer" c ON c."id" = th."customerId"
        WHERE th."createdAt" > ${since} AND th."createdAt" <= ${now} AND c."anonymizedAt" IS NULL AND c."tier" = th."toTier"
          AND COALESCE(array_position(${codes}::text[], th."fromTier"), 0) < array_position(${codes}::text[], th."toTier")
          AND ${notEntered(c.id, Prisma.sql`'tier_upgrade:' || th."id"`)}
        ORDER BY th."createdAt" LIMIT ${RUN_LIMIT}`;
      const name = (code: string, locale: DbLocale) => {
        const t = program.tiers.find((x) => x.code === code);
        return t ? (locale === "zh_CN" ? t.nameZh : t.nameEn) : code;
      };
      const url = rewardsUrl();
      return rows.map((r) => ({ customerId: r.customerId, occurrence: `tier_upgrade:${r.id}`, vars: { newTier: name(r.toTier, r.locale), previousTier: name(r.fromTier, r.locale), rewardsUrl: url } }));
    }
    case "post_solve_survey": {
      const dueBefore = new Date(now.getTime() - settings.delayDays! * DAY_MS);
      const after = new Date(dueBefore.getTime() - SURVEY_LOOKBACK_DAYS * DAY_MS);
      const rows = await db.$queryRaw<{ id: string; number: number; customerId: string }[]>`
        SELECT t."id", t."number", c."id" AS "customerId"
        FROM "Ticket" t JOIN "Customer" c ON c."id" = t."customerId"
        WHERE t."status" IN ('SOLVED', 'CLOSED') AND t."mergedIntoId" IS NULL AND t."solvedAt" <= ${dueBefore} AND t."solvedAt" > ${after}
          AND c."anonymizedAt" IS NULL AND ${notEntered(c.id, Prisma.sql`'survey:' || t."id"`)}
        ORDER BY t."solvedAt" LIMIT ${RUN_LIMIT}`;
      return rows.map((r) => ({ customerId: r.customerId, occurrence: `survey:${r.id}`, ticketNumber: r.number, vars: { ticketNumber: String(r.number) } }));
    }
  }
}

/** Enters one due customer (in the caller's transaction), with the trigger's own before/after work. */
async function enterOne(tx: Tx, c: Campaign, key: AutomationKey, d: Due, now: Date) {
  let surveyId: string | null = null;
  const vars = { ...d.vars };
  if (key === "post_solve_survey") {
    // The existing NPS survey: a token whose hash is stored, answered on /survey/nps/:token.
    const token = newToken();
    surveyId = (await tx.npsResponse.create({ data: { customerId: d.customerId, tokenHash: hashToken(token), campaignId: c.id, sentAt: now } })).id;
    vars.surveyUrl = appUrl(`/survey/nps/${token}`);
  }
  const r = await enterAutomation(tx, c, d.customerId, d.occurrence, now, vars);
  if (surveyId) {
    if (r?.status === "QUEUED") await recordTouchpoint(tx, { customerId: d.customerId, type: "nps.sent", channel: "email", subjectType: "nps", subjectId: surveyId, metadata: { campaignId: c.id, ticketNumber: d.ticketNumber ?? null }, occurredAt: now });
    else await tx.npsResponse.delete({ where: { id: surveyId } });
  }
  // The lots count as reminded whatever the outcome (sent, holdout, erased…), as with the built-in reminder.
  if (d.lotIds?.length) await tx.$executeRaw`UPDATE "LoyaltyLot" SET "remindedAt" = ${now}::timestamp WHERE "id" = ANY(${d.lotIds}) AND "remindedAt" IS NULL`;
  return r;
}

export interface RunCounts {
  /** Customers found due in this run. */
  due: number;
  /** New recipient rows (a customer already entered for the occurrence is not counted). */
  entered: number;
  queued: number;
  holdout: number;
  skipped: number;
}

/** Evaluates every enabled automation's trigger as of `now` and enters the due customers. Counts per key. */
export async function runAutomations(db: Db, now = new Date()): Promise<Record<AutomationKey, RunCounts>> {
  const out = Object.fromEntries(AUTOMATION_KEYS.map((k) => [k, { due: 0, entered: 0, queued: 0, holdout: 0, skipped: 0 }])) as Record<AutomationKey, RunCounts>;
  const rows = await db.campaign.findMany({ where: { kind: "AUTOMATION", status: "RUNNING", automationKey: { in: [...AUTOMATION_KEYS] } } });
  for (const c of rows) {
    const key = c.automationKey as AutomationKey;
    const { settings } = automationConfig(key, c);
    const due = await dueFor(db, c, key, settings, now);
    const counts = out[key];
    counts.due = due.length;
    for (let i = 0; i < due.length; i += BATCH) {
      const batch = due.slice(i, i + BATCH);
      const results = await db.$transaction(async (tx) => {
        // Still on? A marketer may have switched it off since the run began.
        const [live] = await tx.$queryRaw<{ status: string }[]>`SELECT "status" FROM "Campaign" WHERE "id" = ${c.id}`;
        if (live?.status !== "RUNNING") return null;
        const rs = [];
        for (const d of batch) rs.push(await enterOne(tx, c, key, d, now));
        return rs;
      });
      if (!results) break;
      for (const r of results) {
        if (!r) continue;
        counts.entered++;
        if (r.status === "QUEUED") counts.queued++;
        else if (r.status === "HOLDOUT") counts.holdout++;
        else counts.skipped++;
      }
    }
  }
  return out;
}
