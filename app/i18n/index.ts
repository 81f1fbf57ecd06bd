// Messages in English and Simplified Chinese, one file per area. Every zh table is typed by its
// en table, so a missing translation is a type error. Keys are "<area>.<key>".
import * as account from "./account.ts";
import * as admin from "./admin.ts";
import * as auth from "./auth.ts";
import * as common from "./common.ts";
import * as errors from "./errors.ts";
import * as staff from "./staff.ts";
import * as orders from "./orders.ts";
import * as support from "./support.ts";
import * as help from "./help.ts";
import * as rewards from "./rewards.ts";
import * as analytics from "./analytics.ts";
import * as sla from "./sla.ts";
import * as apikeys from "./apikeys.ts";
import * as segments from "./segments.ts";
import * as campaigns from "./campaigns.ts";
import * as automations from "./automations.ts";

export type Locale = "en" | "zh-CN";
export const LOCALES: readonly Locale[] = ["en", "zh-CN"];

const areas = { common, auth, account, errors, staff, admin, orders, support, help, rewards, analytics, sla, apikeys, segments, campaigns, automations } as const;
type Areas = typeof areas;
export type MessageKey = { [A in keyof Areas]: `${A & string}.${keyof Areas[A]["en"] & string}` }[keyof Areas];

const tables: Record<Locale, Record<string, string>> = { en: {}, "zh-CN": {} };
for (const [area, mod] of Object.entries(areas)) {
  for (const [k, v] of Object.entries(mod.en)) tables.en[`${area}.${k}`] = v;
  for (const [k, v] of Object.entries(mod.zh)) tables["zh-CN"][`${area}.${k}`] = v;
}

export type Params = Record<string, string | number>;
export type T = (key: MessageKey | (string & {}), params?: Params) => string;

export function interpolate(text: string, params?: Params) {
  return params ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : text;
}

/** A translator for one locale. Unknown keys fall back to English, then to the key itself. */
export function translator(locale: Locale): T {
  const table = tables[locale];
  return (key, params) => interpolate(table[key] ?? tables.en[key] ?? key, params);
}

export function hasKey(key: string) {
  return key in tables.en;
}

/** A field error from the server: an i18n key, or { key, params }. */
export type FieldMessage = string | { key: string; params: Params };
export function fieldMessage(t: T, m: FieldMessage | undefined | null): string | undefined {
  if (!m) return undefined;
  if (typeof m === "string") return hasKey(m) ? t(m) : m;
  return t(m.key, m.params);
}

export function isLocale(x: unknown): x is Locale {
  return x === "en" || x === "zh-CN";
}

// Building an Intl formatter costs far more than using one (a page of 25 orders formats dozens of
// dates and amounts), so formatters are made once per (locale, options) and reused. They are
// immutable and hold nothing request-specific. The maps stay small: 2 locales × the time zones and
// currencies in use; past CACHE_MAX entries (e.g. many distinct time zones) a map starts over.
const CACHE_MAX = 500;
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function cached<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    if (map.size >= CACHE_MAX) map.clear();
    v = make();
    map.set(key, v);
  }
  return v;
}

export function formatDate(locale: Locale, d: Date | string, timeZone = "UTC", withTime = false) {
  const f = cached(dateFormats, `${locale}|${timeZone}|${withTime ? 1 : 0}`, () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", ...(withTime ? { timeStyle: "short" } : {}), timeZone }));
  return f.format(new Date(d));
}

export function formatMoney(locale: Locale, minor: number, currency: string) {
  const m = cached(moneyFormats, `${locale}|${currency}`, () => ({
    format: new Intl.NumberFormat(locale, { style: "currency", currency }),
    digits: new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2,
  }));
  return m.format.format(minor / 10 ** m.digits);
}
