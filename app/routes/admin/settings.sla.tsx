// SLA policies (admins): the business-hours schedule (time zone, weekly hours, holidays), the
// first-response / resolution targets per priority, and after how many days solved tickets close.
// A plain form posting to the action; the domain (server/domain/support/sla.ts) validates and
// audits, its field errors land on the fields.
import { Form, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/settings.sla";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, formatDate, translator, type FieldMessage, type Locale } from "#app/i18n/index.ts";
import { attempt } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import type { BusinessInterval, SlaConfig, SlaPriority, Weekday } from "#server/domain/support/sla.ts";

const DAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const PRIORITIES: SlaPriority[] = ["URGENT", "HIGH", "NORMAL", "LOW"];
const TARGETS = ["firstResponseMinutes", "resolutionMinutes"] as const;

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "ADMIN");
  const settings = await context.trpc.supportSettings.get();
  return { ...settings, title: translator(context.ctx.locale)("sla.title") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

// --- form <-> configuration -------------------------------------------------------------------

/** "09:00-12:30, 13:30-17:00" → intervals; a piece that is not a range is passed on as-is for the domain to reject. */
function parseHours(text: string): BusinessInterval[] {
  const pad = (t: string) => t.trim().replace(/^(\d):/, "0$1:");
  return text
    .split(/[,;，；]/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((piece) => {
      const m = /^(\S+?)\s*(?:-|–|—|to|至|到)\s*(\S+)$/.exec(piece);
      return m ? { start: pad(m[1]!), end: pad(m[2]!) } : { start: piece, end: "" };
    });
}

function formatHours(list: BusinessInterval[]): string {
  return list.map((i) => `${i.start}-${i.end}`).join(", ");
}

/** Business hours as typed (decimals allowed) → whole minutes; anything else → NaN (rejected by the domain). */
function hoursToMinutes(text: string): number {
  const t = text.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 60);
}

function minutesToHours(m: number): string {
  return String(Math.round((m / 60) * 1000) / 1000);
}

function formToConfig(form: FormData): SlaConfig {
  const get = (n: string) => String(form.get(n) ?? "");
  return {
    schedule: {
      timeZone: get("timeZone").trim(),
      weekly: Object.fromEntries(DAYS.map((d) => [d, parseHours(get(`hours.${d}`))])) as Record<Weekday, BusinessInterval[]>,
      holidays: get("holidays")
        .split(/[\s,;，；]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    },
    policies: Object.fromEntries(
      PRIORITIES.map((p) => [p, { firstResponseMinutes: hoursToMinutes(get(`${p}.firstResponseMinutes`)), resolutionMinutes: hoursToMinutes(get(`${p}.resolutionMinutes`)) }]),
    ) as SlaConfig["policies"],
  };
}

function configToValues(c: SlaConfig): Record<string, string> {
  const v: Record<string, string> = { timeZone: c.schedule.timeZone, holidays: c.schedule.holidays.join("\n") };
  for (const d of DAYS) v[`hours.${d}`] = formatHours(c.schedule.weekly[d]);
  for (const p of PRIORITIES) for (const k of TARGETS) v[`${p}.${k}`] = minutesToHours(c.policies[p][k]);
  return v;
}

export async function action({ context, request }: Route.ActionArgs) {
  requireStaff(context, request, "ADMIN");
  const form = await request.formData();
  const values: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === "string") values[k] = v;
  return attempt(async () => {
    await context.trpc.supportSettings.save({ ...formToConfig(form), autoCloseDays: String(form.get("autoCloseDays") ?? "") });
    return { ok: true as const };
  }, values);
}

// --- page -------------------------------------------------------------------------------------

function dueFormat(locale: Locale, d: Date | string, timeZone: string) {
  return new Intl.DateTimeFormat(locale, { weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone }).format(new Date(d));
}

export default function SlaSettings({ loaderData }: Route.ComponentProps) {
  const { config, autoCloseDays, isDefault, updatedAt, timeZones, preview, now } = loaderData;
  const result = useActionData<typeof action>() as (FormResult & { ok?: boolean }) | undefined;
  const t = useT();
  const locale = useLocale();
  const viewerTz = useRoot().user?.timeZone ?? "UTC";
  const busy = useNavigation().state === "submitting";
  const failed = result && result.ok === false ? result : undefined;
  const values = failed?.values ?? { ...configToValues(config), autoCloseDays: String(autoCloseDays) };
  const err = (name: string): string | undefined => fieldMessage(t, failed?.fieldErrors?.[name] as FieldMessage | undefined);
  const zoneTz = config.schedule.timeZone;
  const zones = timeZones.includes(values.timeZone ?? "") || !values.timeZone ? timeZones : [values.timeZone, ...timeZones];

  return (
    <section className="stack">
      <h1>{t("sla.title")}</h1>
      <p className="narrow">{t("sla.intro")}</p>
      {result?.ok ? <Notice>{t("sla.saved")}</Notice> : null}
      <FormError error={failed?.formError} />
      {isDefault ? <p className="hint">{t("sla.usingDefaults")}</p> : updatedAt ? <p className="hint">{t("sla.lastSaved", { date: formatDate(locale, updatedAt, viewerTz, true) })}</p> : null}

      <Form method="post" className="stack" noValidate key={result?.ok ? `saved-${String(updatedAt)}` : "form"}>
        <fieldset className="stack">
          <legend>{t("sla.hoursLegend")}</legend>
          <SelectField name="timeZone" label={t("sla.timeZone")} hint={t("sla.timeZoneHint")} error={err("timeZone")} defaultValue={values.timeZone ?? ""} options={zones} />
          <p className="hint" id="day-hours-hint">
            {t("sla.dayHoursHint")}
          </p>
          {DAYS.map((d) => (
            <TextField key={d} name={`hours.${d}`} label={t(`sla.${d}`)} describedBy="day-hours-hint" error={err(`hours.${d}`)} defaultValue={values[`hours.${d}`] ?? ""} placeholder={t("sla.closed")} />
          ))}
          <div className={`field${err("holidays") ? " has-error" : ""}`}>
            <label htmlFor="sla-holidays">{t("sla.holidays")}</label>
            <p className="hint" id="sla-holidays-hint">
              {t("sla.holidaysHint")}
            </p>
            <textarea id="sla-holidays" name="holidays" rows={5} defaultValue={values.holidays ?? ""} aria-invalid={err("holidays") ? true : undefined} aria-describedby={`sla-holidays-hint${err("holidays") ? " sla-holidays-error" : ""}`} />
            {err("holidays") ? (
              <p id="sla-holidays-error" className="field-error" role="alert">
                {err("holidays")}
              </p>
            ) : null}
          </div>
        </fieldset>

        <fieldset className="stack">
          <legend>{t("sla.targetsLegend")}</legend>
          <p className="hint" id="targets-hint">
            {t("sla.targetsHint")}
          </p>
          <div className="table-wrap">
            <table className="data-table">
              <caption className="visually-hidden">{t("sla.targetsLegend")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("sla.priority")}</th>
                  <th scope="col">{t("sla.firstResponse")}</th>
                  <th scope="col">{t("sla.resolution")}</th>
                </tr>
              </thead>
              <tbody>
                {PRIORITIES.map((p) => (
                  <tr key={p}>
                    <th scope="row">{t(`sla.${p}`)}</th>
                    {TARGETS.map((k) => {
                      const name = `${p}.${k}`;
                      const id = `sla-${p}-${k}`;
                      const message = err(name);
                      return (
                        <td key={k}>
                          <input
                            id={id}
                            name={name}
                            inputMode="decimal"
                            size={8}
                            defaultValue={values[name] ?? ""}
                            aria-label={t(k === "firstResponseMinutes" ? "sla.firstResponseFor" : "sla.resolutionFor", { priority: t(`sla.${p}`) })}
                            aria-invalid={message ? true : undefined}
                            aria-describedby={`targets-hint${message ? ` ${id}-error` : ""}`}
                          />
                          {message ? (
                            <p id={`${id}-error`} className="field-error" role="alert">
                              {message}
                            </p>
                          ) : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </fieldset>
        <fieldset className="stack">
          <legend>{t("sla.closingLegend")}</legend>
          <TextField name="autoCloseDays" label={t("sla.autoCloseDays")} describedBy="auto-close-hint" error={err("autoCloseDays")} defaultValue={values.autoCloseDays ?? ""} inputMode="numeric" />
          <p className="hint" id="auto-close-hint">
            {t("sla.autoCloseHint")}
          </p>
        </fieldset>
        <div>
          <button type="submit" className="button" disabled={busy}>
            {t("sla.save")}
          </button>
        </div>
      </Form>

      <section aria-labelledby="sla-preview">
        <h2 id="sla-preview">{t("sla.previewTitle")}</h2>
        <div className="table-wrap">
          <table className="data-table">
            <caption>{t("sla.previewCaption", { now: dueFormat(locale, now, zoneTz), tz: zoneTz })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("sla.priority")}</th>
                <th scope="col">{t("sla.previewFirst")}</th>
                <th scope="col">{t("sla.previewResolution")}</th>
              </tr>
            </thead>
            <tbody>
              {[...preview].sort((a, b) => PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority)).map((row) => (
                <tr key={row.priority}>
                  <th scope="row">{t(`sla.${row.priority}`)}</th>
                  <td>{dueFormat(locale, row.firstResponseDueAt, zoneTz)}</td>
                  <td>{dueFormat(locale, row.resolutionDueAt, zoneTz)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </section>
  );
}

function TextField({
  name,
  label,
  error,
  describedBy,
  defaultValue,
  placeholder,
  inputMode,
}: {
  name: string;
  label: string;
  error?: string;
  describedBy?: string;
  defaultValue: string;
  placeholder?: string;
  inputMode?: "numeric";
}) {
  const id = `sla-${name.replace(/\W/g, "-")}`;
  const described = [describedBy, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} defaultValue={defaultValue} placeholder={placeholder} inputMode={inputMode} aria-invalid={error ? true : undefined} aria-describedby={described} />
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function SelectField({ name, label, hint, error, defaultValue, options }: { name: string; label: string; hint: string; error?: string; defaultValue: string; options: string[] }) {
  const id = `sla-${name}`;
  const described = [`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <select id={id} name={name} defaultValue={defaultValue} aria-invalid={error ? true : undefined} aria-describedby={described}>
        {options.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
