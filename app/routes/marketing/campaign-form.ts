// The campaign editor as plain form fields (works without JavaScript), and back. Field names are
// the paths the domain's campaignInputSchema reports errors under ("email.subjectZh", "points",
// "endsAt"…), so an error lands on its field as is. campaignDataFromForm only builds the object:
// the procedure validates it. Dates are typed as wall-clock time (datetime-local) in the marketer's
// own time zone. Client-safe: server modules are imported as types only.
import type { CampaignKindInput } from "#server/domain/campaigns/schemas.ts";

export const KINDS: readonly CampaignKindInput[] = ["EMAIL", "BONUS_POINTS", "POINTS_MULTIPLIER"];
export const PLACEHOLDERS = ["firstName", "name", "points", "tier", "code"] as const;
export const EMAIL_FIELDS = ["subjectEn", "bodyEn", "subjectZh", "bodyZh", "offerCode"] as const;

/** Every field of the form, as submitted (strings). */
export const FORM_FIELDS = ["name", "kind", "segmentId", "holdoutPct", "conversionDays", "scheduledAt", "endsAt", "points", "multiplier", ...EMAIL_FIELDS.map((f) => `email.${f}` as const)] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type CampaignFormValues = Record<FormField, string>;

interface FormLike {
  get(name: string): FormDataEntryValue | null;
}

const str = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");

export function formValuesOf(form: FormLike): CampaignFormValues {
  return Object.fromEntries(FORM_FIELDS.map((f) => [f, str(form.get(f))])) as CampaignFormValues;
}

/** The offset (ms) of `timeZone` from UTC at the instant `utcMs`. */
function zoneOffset(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(utcMs));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - Math.floor(utcMs / 1000) * 1000;
}

function safeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/**
 * "2025-07-01T09:30" typed in `timeZone` → ISO instant. Empty → null. Anything that is not a
 * datetime-local value is passed on unchanged, for the schema to reject with its message.
 */
export function wallTimeToIso(value: string, timeZone: string | null | undefined): string | null {
  const v = value.trim();
  if (!v) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m) return v;
  const tz = safeZone(timeZone);
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  if (Number.isNaN(asUtc)) return v;
  // Two passes settle the offset around daylight-saving changes.
  let t = asUtc - zoneOffset(asUtc, tz);
  t = asUtc - zoneOffset(t, tz);
  return new Date(t).toISOString();
}

/** An instant as a datetime-local value in `timeZone` ("" for none). */
export function isoToWallTime(d: Date | string | null | undefined, timeZone: string | null | undefined): string {
  if (!d) return "";
  const ms = new Date(d).getTime();
  if (Number.isNaN(ms)) return "";
  return new Date(ms + zoneOffset(ms, safeZone(timeZone))).toISOString().slice(0, 16);
}

const numberOrUndefined = (s: string) => (s.trim() === "" ? undefined : s.trim());

/** The `data` for campaigns.save: only the chosen kind's own fields are sent. */
export function campaignDataFromForm(v: CampaignFormValues, timeZone: string | null | undefined): Record<string, unknown> {
  const data: Record<string, unknown> = {
    name: v.name,
    kind: v.kind,
    segmentId: v.segmentId,
    holdoutPct: numberOrUndefined(v.holdoutPct),
    conversionDays: numberOrUndefined(v.conversionDays),
    scheduledAt: wallTimeToIso(v.scheduledAt, timeZone),
    // The schema wants the key present (null = none).
    endsAt: v.kind === "POINTS_MULTIPLIER" ? wallTimeToIso(v.endsAt, timeZone) : null,
  };
  if (v.kind === "EMAIL") data.email = Object.fromEntries(EMAIL_FIELDS.map((f) => [f, v[`email.${f}`]]));
  if (v.kind === "BONUS_POINTS") data.points = numberOrUndefined(v.points);
  if (v.kind === "POINTS_MULTIPLIER") {
    data.multiplier = numberOrUndefined(v.multiplier);
  }
  return data;
}

interface SavedCampaign {
  name: string;
  kind: string;
  segmentId: string | null;
  holdoutPct: number;
  conversionDays: number;
  scheduledAt: Date | string | null;
  endsAt: Date | string | null;
  config: { email?: Partial<Record<(typeof EMAIL_FIELDS)[number], string>>; points?: number; multiplier?: number };
}

/** The form's values for a saved campaign (or the defaults for a new one). */
export function formValuesFromCampaign(c: SavedCampaign | null, timeZone: string | null | undefined): CampaignFormValues {
  const v = Object.fromEntries(FORM_FIELDS.map((f) => [f, ""])) as CampaignFormValues;
  if (!c) return { ...v, kind: "EMAIL", holdoutPct: "10", conversionDays: "14" };
  v.name = c.name;
  v.kind = c.kind;
  v.segmentId = c.segmentId ?? "";
  v.holdoutPct = String(c.holdoutPct);
  v.conversionDays = String(c.conversionDays);
  v.scheduledAt = isoToWallTime(c.scheduledAt, timeZone);
  v.endsAt = isoToWallTime(c.endsAt, timeZone);
  v.points = c.config.points === undefined ? "" : String(c.config.points);
  v.multiplier = c.config.multiplier === undefined ? "" : String(c.config.multiplier);
  for (const f of EMAIL_FIELDS) v[`email.${f}`] = c.config.email?.[f] ?? "";
  return v;
}
