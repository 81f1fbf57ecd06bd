// Service-level targets counted in business time: a weekly schedule of opening intervals in one
// IANA time zone, minus holidays. Pure date arithmetic (Intl only, no tz library) plus the stored
// configuration (Setting "support.sla"). Every interval is converted to real instants per local
// date, so a day across a daylight-saving change has its true length (09:00–17:00 is still 8 h,
// 00:00–24:00 is 23 h or 25 h).
import { z } from "zod";
import type { Db, Tx } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { audit } from "../audit/audit.ts";
import { AppError, type FieldMessage } from "../errors.ts";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const PRIORITIES = ["LOW", "NORMAL", "HIGH", "URGENT"] as const;
export type SlaPriority = (typeof PRIORITIES)[number];

/** One opening interval of a day, local wall-clock time "HH:MM" (end may be "24:00"); start < end. */
export interface BusinessInterval {
  start: string;
  end: string;
}

export interface BusinessSchedule {
  /** IANA time zone name, e.g. "Europe/London". */
  timeZone: string;
  /** Opening intervals per weekday, sorted, not overlapping; an empty list = closed all day. */
  weekly: Record<Weekday, BusinessInterval[]>;
  /** Closed dates "YYYY-MM-DD", local to timeZone. */
  holidays: string[];
}

export interface SlaTarget {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

export interface SlaConfig {
  schedule: BusinessSchedule;
  policies: Record<SlaPriority, SlaTarget>;
}

export const SLA_SETTING_KEY = "support.sla";

const nineToFive = (): BusinessInterval[] => [{ start: "09:00", end: "17:00" }];

export function defaultSlaConfig(): SlaConfig {
  return {
    schedule: {
      timeZone: "Europe/London",
      weekly: { mon: nineToFive(), tue: nineToFive(), wed: nineToFive(), thu: nineToFive(), fri: nineToFive(), sat: [], sun: [] },
      holidays: [],
    },
    policies: {
      URGENT: { firstResponseMinutes: 60, resolutionMinutes: 8 * 60 },
      HIGH: { firstResponseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
      NORMAL: { firstResponseMinutes: 8 * 60, resolutionMinutes: 48 * 60 },
      LOW: { firstResponseMinutes: 24 * 60, resolutionMinutes: 120 * 60 },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Time-zone arithmetic with Intl

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! };
}

/** Offset of the zone from UTC at the instant `ms`, in ms (local = utc + offset). */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time. Ambiguous times (clocks go back) take the earlier
 * instant; times that do not exist (clocks go forward) are moved forward by the gap, so an
 * interval starting in the gap starts when the clocks reach it.
 */
function localToInstant(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  const before = offsetAt(wall - 36 * 3600_000, timeZone);
  const after = offsetAt(wall + 36 * 3600_000, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => t + offsetAt(t, timeZone) === wall).sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0]!;
  return wall - before; // in a spring-forward gap
}

function parseHm(hm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hm);
  if (!m) throw new Error(`Invalid time "${hm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Real opening intervals [startMs, endMs) of one local calendar date (dayIndex counts days since 1970-01-01). */
interface CompiledSchedule {
  timeZone: string;
  weekly: [number, number][][]; // index 0 = Sunday (as Date#getUTCDay), minutes of day
  holidays: Set<string>;
}

function compile(schedule: BusinessSchedule): CompiledSchedule {
  const byJsDay: [number, number][][] = [[], [], [], [], [], [], []];
  WEEKDAYS.forEach((w, i) => {
    const js = (i + 1) % 7;
    byJsDay[js] = (schedule.weekly[w] ?? []).map((iv) => [parseHm(iv.start), parseHm(iv.end)] as [number, number]).sort((a, b) => a[0] - b[0]);
  });
  if (!isValidTimeZone(schedule.timeZone)) throw new Error(`Unknown time zone "${schedule.timeZone}"`);
  if (byJsDay.every((d) => d.every(([s, e]) => e <= s))) throw new Error("The business schedule has no opening hours");
  return { timeZone: schedule.timeZone, weekly: byJsDay, holidays: new Set(schedule.holidays) };
}

function dayIntervals(c: CompiledSchedule, dayNumber: number): [number, number][] {
  const d = new Date(dayNumber * 86400_000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const iso = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  if (c.holidays.has(iso)) return [];
  const out: [number, number][] = [];
  for (const [s, e] of c.weekly[d.getUTCDay()]!) {
    const start = localToInstant(y, m, day, s, c.timeZone);
    const end = localToInstant(y, m, day, e, c.timeZone);
    if (end > start) out.push([start, end]);
  }
  return out;
}

function localDayNumber(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Math.floor(Date.UTC(p.year, p.month - 1, p.day) / 86400_000);
}

/** Safety net: no SLA computation walks further than this many calendar days. */
const MAX_DAYS = 366 * 20;

/**
 * The instant that lies `minutes` business minutes after `from`. Zero (or negative) minutes give
 * `from` unchanged; otherwise counting starts at the next opening if `from` is outside hours, and a
 * target that ends exactly at a closing time gives that closing time.
 */
export function addBusinessMinutes(from: Date, minutes: number, schedule: BusinessSchedule): Date {
  if (!(minutes > 0)) return new Date(from.getTime());
  const c = compile(schedule);
  let remaining = minutes * 60_000;
  const cursor = from.getTime();
  const first = localDayNumber(cursor, c.timeZone);
  for (let day = first; day < first + MAX_DAYS; day++) {
    for (const [s, e] of dayIntervals(c, day)) {
      const start = Math.max(s, cursor);
      if (e <= start) continue;
      const available = e - start;
      if (remaining <= available) return new Date(start + remaining);
      remaining -= available;
    }
  }
  throw new Error("addBusinessMinutes: target lies more than 20 years ahead");
}

/**
 * Whole business minutes between two instants (rounded to the nearest minute, so the result fits an
 * Int column such as Ticket.pausedMinutes); 0 if `to` ≤ `from`.
 */
export function businessMinutesBetween(from: Date, to: Date, schedule: BusinessSchedule): number {
  const a = from.getTime();
  const b = to.getTime();
  if (!(b > a)) return 0;
  const c = compile(schedule);
  const first = localDayNumber(a, c.timeZone);
  const last = localDayNumber(b, c.timeZone);
  if (last - first > MAX_DAYS) throw new Error("businessMinutesBetween: span longer than 20 years");
  let total = 0;
  for (let day = first; day <= last; day++) {
    for (const [s, e] of dayIntervals(c, day)) {
      const lo = Math.max(s, a);
      const hi = Math.min(e, b);
      if (hi > lo) total += hi - lo;
    }
  }
  return Math.round(total / 60_000);
}

// ---------------------------------------------------------------------------------------------
// Configuration: validation, load, save

const hm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "sla.errTime");
const intervalSchema = z.object({ start: hm, end: hm });
const minutesSchema = z.number({ error: "sla.errTarget" }).int("sla.errTarget").min(1, "sla.errTarget").max(525_600, "sla.errTarget");

export const slaConfigSchema = z.object({
  schedule: z.object({
    timeZone: z.string().trim().min(1, "sla.errTimeZone"),
    weekly: z.object(Object.fromEntries(WEEKDAYS.map((w) => [w, z.array(intervalSchema).max(8)])) as Record<Weekday, z.ZodArray<typeof intervalSchema>>),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "sla.errHoliday")).max(500),
  }),
  policies: z.object(
    Object.fromEntries(PRIORITIES.map((p) => [p, z.object({ firstResponseMinutes: minutesSchema, resolutionMinutes: minutesSchema })])) as Record<
      SlaPriority,
      z.ZodObject<{ firstResponseMinutes: typeof minutesSchema; resolutionMinutes: typeof minutesSchema }>
    >,
  ),
});

function validDate(iso: string): boolean {
  const [y, m, d] = iso.split("-").map(Number);
  const t = new Date(Date.UTC(y!, m! - 1, d!));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m! - 1 && t.getUTCDate() === d;
}

/**
 * Validates a configuration piece by piece, so that every problem is reported at once. Returns
 * the cleaned configuration (intervals sorted, holidays sorted and unique) or field errors keyed by
 * form field name: "timeZone", "hours.<mon…sun>", "holidays", "<PRIORITY>.<firstResponseMinutes|resolutionMinutes>"
 * ("form" when the input is not shaped like a configuration at all).
 */
export function slaConfigProblems(input: unknown): { config: SlaConfig | null; fieldErrors: Record<string, FieldMessage> } {
  const fieldErrors: Record<string, FieldMessage> = {};
  const root = (typeof input === "object" && input !== null ? input : {}) as { schedule?: unknown; policies?: unknown };
  const schedule = (typeof root.schedule === "object" && root.schedule !== null ? root.schedule : null) as { timeZone?: unknown; weekly?: unknown; holidays?: unknown } | null;
  const policies = (typeof root.policies === "object" && root.policies !== null ? root.policies : null) as Record<string, unknown> | null;
  const weeklyIn = (typeof schedule?.weekly === "object" && schedule.weekly !== null ? schedule.weekly : null) as Record<string, unknown> | null;
  if (!schedule || !policies || !weeklyIn) return { config: null, fieldErrors: { form: "sla.errInvalid" } };
  const first = (r: { success: false; error: z.ZodError }) => {
    const m = r.error.issues[0]?.message ?? "";
    return m.startsWith("sla.") ? m : "sla.errInvalid";
  };

  // time zone
  const tz = slaConfigSchema.shape.schedule.shape.timeZone.safeParse(schedule.timeZone);
  const timeZone = tz.success ? tz.data : "";
  if (!tz.success) fieldErrors.timeZone = first(tz);
  else if (!isValidTimeZone(timeZone)) fieldErrors.timeZone = { key: "sla.errUnknownZone", params: { zone: timeZone } };

  // weekly hours
  const weekly = {} as Record<Weekday, BusinessInterval[]>;
  for (const w of WEEKDAYS) {
    const day = slaConfigSchema.shape.schedule.shape.weekly.shape[w].safeParse(weeklyIn[w] ?? []);
    if (!day.success) {
      fieldErrors[`hours.${w}`] = first(day);
      weekly[w] = [];
      continue;
    }
    const list = [...day.data].sort((x, y) => parseHm(x.start) - parseHm(y.start));
    for (let i = 0; i < list.length; i++) {
      const iv = list[i]!;
      if (parseHm(iv.end) <= parseHm(iv.start)) {
        fieldErrors[`hours.${w}`] ??= { key: "sla.errEndBeforeStart", params: { start: iv.start, end: iv.end } };
      } else if (i > 0 && parseHm(iv.start) < parseHm(list[i - 1]!.end)) {
        fieldErrors[`hours.${w}`] ??= "sla.errOverlap";
      }
    }
    weekly[w] = list;
  }
  if (WEEKDAYS.every((w) => weekly[w].length === 0 && !fieldErrors[`hours.${w}`])) fieldErrors["hours.mon"] = "sla.errNoHours";

  // holidays
  const hol = slaConfigSchema.shape.schedule.shape.holidays.safeParse(schedule.holidays ?? []);
  let holidays: string[] = [];
  if (!hol.success) fieldErrors.holidays = first(hol);
  else {
    const bad = hol.data.find((h) => !validDate(h));
    if (bad) fieldErrors.holidays = { key: "sla.errHolidayDate", params: { date: bad } };
    holidays = [...new Set(hol.data)].sort();
  }

  // targets
  const targets = {} as Record<SlaPriority, SlaTarget>;
  for (const p of PRIORITIES) {
    const given = (typeof policies[p] === "object" && policies[p] !== null ? policies[p] : {}) as Record<string, unknown>;
    const fr = minutesSchema.safeParse(given.firstResponseMinutes);
    const res = minutesSchema.safeParse(given.resolutionMinutes);
    if (!fr.success) fieldErrors[`${p}.firstResponseMinutes`] = first(fr);
    if (!res.success) fieldErrors[`${p}.resolutionMinutes`] = first(res);
    if (fr.success && res.success && res.data < fr.data) fieldErrors[`${p}.resolutionMinutes`] = "sla.errResolutionBeforeResponse";
    targets[p] = { firstResponseMinutes: fr.success ? fr.data : 0, resolutionMinutes: res.success ? res.data : 0 };
  }

  if (Object.keys(fieldErrors).length) return { config: null, fieldErrors };
  return { config: { schedule: { timeZone, weekly, holidays }, policies: targets }, fieldErrors };
}

/** The stored SLA configuration, or the defaults when unset or unreadable. */
export async function loadSlaConfig(db: Tx | Db): Promise<SlaConfig> {
  const row = await db.setting.findUnique({ where: { key: SLA_SETTING_KEY } });
  if (!row) return defaultSlaConfig();
  const { config } = slaConfigProblems(row.value);
  return config ?? defaultSlaConfig();
}

/** Days after which a SOLVED ticket is closed by the support job (Setting "support.autoCloseDays"). */
export const AUTO_CLOSE_KEY = "support.autoCloseDays";
export const DEFAULT_AUTO_CLOSE_DAYS = 4;
export const MAX_AUTO_CLOSE_DAYS = 90;

function autoCloseValue(v: unknown): number | null {
  const n = typeof v === "string" ? (/^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN) : typeof v === "number" ? v : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_AUTO_CLOSE_DAYS ? n : null;
}

export async function loadAutoCloseDays(db: Tx | Db): Promise<number> {
  const row = await db.setting.findUnique({ where: { key: AUTO_CLOSE_KEY } });
  return autoCloseValue((row?.value as { days?: unknown } | null)?.days) ?? DEFAULT_AUTO_CLOSE_DAYS;
}

/**
 * Validates and stores the configuration, audited as "support.sla_updated". When the input also
 * carries `autoCloseDays` (1–90), that is validated with it and saved too, audited as
 * "support.auto_close_updated" when it changes. Nothing is saved unless everything is valid.
 * Throws AppError (BAD_REQUEST, field errors).
 */
export async function saveSlaConfig(tx: Tx, actorId: string | null, input: unknown, opts: { ip?: string | null } = {}): Promise<SlaConfig> {
  const { config, fieldErrors } = slaConfigProblems(input);
  const rawDays = typeof input === "object" && input !== null ? (input as { autoCloseDays?: unknown }).autoCloseDays : undefined;
  const days = rawDays === undefined ? undefined : autoCloseValue(rawDays);
  if (days === null) fieldErrors.autoCloseDays = { key: "sla.errAutoClose", params: { max: MAX_AUTO_CLOSE_DAYS } };
  if (!config || days === null) throw new AppError("BAD_REQUEST", "The SLA settings are not valid", fieldErrors);
  if (days !== undefined) {
    const previous = await loadAutoCloseDays(tx);
    if (previous !== days) {
      await tx.setting.upsert({ where: { key: AUTO_CLOSE_KEY }, create: { key: AUTO_CLOSE_KEY, value: { days }, updatedById: actorId }, update: { value: { days }, updatedById: actorId } });
      await audit(tx, { actorId, action: "support.auto_close_updated", targetType: "Setting", targetId: AUTO_CLOSE_KEY, ip: opts.ip ?? null, data: { before: previous, after: days } });
    }
  }
  const before = await tx.setting.findUnique({ where: { key: SLA_SETTING_KEY } });
  const value = config as unknown as Prisma.InputJsonValue;
  await tx.setting.upsert({
    where: { key: SLA_SETTING_KEY },
    create: { key: SLA_SETTING_KEY, value, updatedById: actorId },
    update: { value, updatedById: actorId },
  });
  await audit(tx, {
    actorId,
    action: "support.sla_updated",
    targetType: "Setting",
    targetId: SLA_SETTING_KEY,
    ip: opts.ip ?? null,
    data: { before: (before?.value ?? null) as Prisma.InputJsonValue, after: value } as Prisma.InputJsonValue,
  });
  return config;
}
