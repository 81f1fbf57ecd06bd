// One care automation (/marketing/automations/:key): on/off, its settings, holdout share and
// bilingual template (plain form, works without JavaScript; on an error every field keeps what was
// typed and the message sits on the field — the procedure validates with the domain's
// automationInputSchema), and its results (campaigns.results: treated vs holdout, verdict).
import { data, Form, Link, redirect, useActionData, useNavigation, useSearchParams } from "react-router";
import type { Route } from "./+types/automation-edit";
import { Field, FormError, Notice, TextAreaField } from "#app/components/form.tsx";
import { translator, type FieldMessage } from "#app/i18n/index.ts";
import { attempt, formValues, isFormFailure, isTrpcCode } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  requireStaff(context, request, "MARKETER");
  let automation;
  try {
    automation = await context.trpc.automations.get({ key: params.key });
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND")) throw data(null, { status: 404 });
    throw e;
  }
  const results = automation.id ? await context.trpc.campaigns.results({ id: automation.id }) : null;
  const t = translator(context.ctx.locale);
  return { automation, results, title: `${t("automations.title")}: ${t(`automations.name_${automation.key}`)}` };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

interface ActionResult {
  ok: boolean;
  intent: string;
  enabled?: boolean;
  values?: Record<string, string>;
  fieldErrors?: Record<string, FieldMessage>;
  formError?: FieldMessage | null;
}

export async function action({ context, request, params }: Route.ActionArgs) {
  requireStaff(context, request, "MARKETER");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const key = params.key;
  if (intent === "toggle") {
    const enabled = form.get("enabled") === "true";
    const r = await attempt(() => context.trpc.automations.setEnabled({ key, enabled }));
    if (isFormFailure(r)) return data<ActionResult>({ ok: false, intent, fieldErrors: {}, formError: r.data.formError ?? r.data.fieldErrors.key ?? "errors.invalid" }, r.init ?? undefined);
    return data<ActionResult>({ ok: true, intent, enabled: r.enabled });
  }
  // Every field the form has (settings differ per automation): the schema decides what is valid.
  const names = [...new Set([...form.keys()].filter((n) => n !== "intent"))];
  const values = formValues(form, ...names);
  const r = await attempt(() => context.trpc.automations.save({ key, data: values }), values);
  if (isFormFailure(r)) return data<ActionResult>({ ok: false, intent: "save", values, fieldErrors: r.data.fieldErrors, formError: r.data.formError }, r.init ?? undefined);
  return redirect(`/marketing/automations/${key}?saved=1`);
}

export default function AutomationEdit({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { automation: a, results } = loaderData;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  const fe = result?.fieldErrors ?? {};
  const v = result?.values;
  const enabled = result?.intent === "toggle" && result.ok ? result.enabled! : a.enabled;
  const name = t(`automations.name_${a.key}`);
  const email = a.email;
  const value = (field: string, stored: string | number) => v?.[field] ?? String(stored);
  const int = new Intl.NumberFormat(locale);
  const pct = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const money = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });

  return (
    <section className="stack-lg">
      <p>
        <Link to="/marketing/automations">{t("automations.backToList")}</Link>
      </p>
      <header className="stack">
        <h1>{name}</h1>
        <p className="lead">{t(`automations.desc_${a.key}`)}</p>
        {a.transactional ? <p className="hint">{t("automations.transactional")}</p> : null}
        {a.id === null ? <p className="hint">{t("automations.neverConfigured")}</p> : null}
      </header>
      {params.get("saved") && !result ? <Notice>{t("automations.saved")}</Notice> : null}
      {result?.intent === "toggle" && result.ok ? <Notice>{t(enabled ? "automations.turnedOn" : "automations.turnedOff")}</Notice> : null}
      <FormError error={result?.formError} />

      <Form method="post" className="inline-form">
        <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
        <p>
          {t("automations.status")}: <strong>{t(enabled ? "automations.on" : "automations.off")}</strong>{" "}
          <button type="submit" name="intent" value="toggle" className={`button small${enabled ? " secondary" : ""}`} disabled={busy} aria-label={t(enabled ? "automations.turnOffNamed" : "automations.turnOnNamed", { name })}>
            {t(enabled ? "automations.turnOff" : "automations.turnOn")}
          </button>
        </p>
      </Form>

      <Form method="post" className="stack" noValidate>
        <fieldset className="panel stack">
          <legend>{t("automations.settingsLegend")}</legend>
          {a.settingSpecs.map((s) => (
            <Field
              key={s.name}
              name={s.name}
              type="number"
              inputMode="decimal"
              min={s.min}
              max={s.max}
              step={s.step}
              label={t(`automations.setting_${s.name}_${a.key}`)}
              hint={t(`automations.hint_${s.name}_${a.key}`)}
              defaultValue={value(s.name, a.settings[s.name] ?? s.default)}
              error={fe[s.name]}
            />
          ))}
          <Field name="holdoutPct" type="number" inputMode="numeric" min={0} max={50} step={1} label={t("automations.holdoutPct")} hint={t("automations.holdoutHint")} defaultValue={value("holdoutPct", a.holdoutPct)} error={fe.holdoutPct} />
          <Field name="conversionDays" type="number" inputMode="numeric" min={1} max={90} step={1} label={t("automations.conversionDays")} hint={t("automations.conversionDaysHint")} defaultValue={value("conversionDays", a.conversionDays)} error={fe.conversionDays} />
        </fieldset>

        <fieldset className="panel stack">
          <legend>{t("automations.templateLegend")}</legend>
          <p className="hint">{t("automations.placeholdersHint", { list: a.placeholders.map((p) => `{{${p}}}`).join(" ") })}</p>
          <fieldset className="stack">
            <legend>{t("automations.english")}</legend>
            <Field name="subjectEn" label={t("automations.subject")} defaultValue={value("subjectEn", email.subjectEn)} error={fe.subjectEn} maxLength={200} lang="en" />
            <TextAreaField name="bodyEn" label={t("automations.body")} defaultValue={value("bodyEn", email.bodyEn)} error={fe.bodyEn} rows={8} />
          </fieldset>
          <fieldset className="stack">
            <legend>{t("automations.chinese")}</legend>
            <Field name="subjectZh" label={t("automations.subject")} defaultValue={value("subjectZh", email.subjectZh)} error={fe.subjectZh} maxLength={200} lang="zh-CN" />
            <TextAreaField name="bodyZh" label={t("automations.body")} defaultValue={value("bodyZh", email.bodyZh)} error={fe.bodyZh} rows={8} />
          </fieldset>
          <Field name="offerCode" label={t("automations.offerCode")} hint={t("automations.offerCodeHint")} defaultValue={value("offerCode", email.offerCode)} error={fe.offerCode} maxLength={40} />
        </fieldset>
        <div className="actions">
          <button type="submit" name="intent" value="save" className="button" disabled={busy}>
            {t("automations.save")}
          </button>
        </div>
      </Form>

      <section className="panel stack" aria-labelledby="automation-results-h">
        <h2 id="automation-results-h">{t("automations.results")}</h2>
        {!results || results.counts.total === 0 ? (
          <p>{t("automations.resultsNone")}</p>
        ) : (
          <>
            <dl className="stack">
              <div>
                <dt>{t("automations.countEntered")}</dt>
                <dd>{int.format(results.counts.total)}</dd>
              </div>
              <div>
                <dt>{t("automations.countSent")}</dt>
                <dd>{int.format(results.counts.sent)}</dd>
              </div>
              <div>
                <dt>{t("automations.countQueued")}</dt>
                <dd>{int.format(results.counts.queued)}</dd>
              </div>
              <div>
                <dt>{t("automations.countHoldout")}</dt>
                <dd>{int.format(results.counts.holdout)}</dd>
              </div>
              <div>
                <dt>{t("automations.countSkipped")}</dt>
                <dd>{int.format(results.counts.skipped.total)}</dd>
              </div>
            </dl>
            <p className="hint">{t("automations.resultsIntro", { days: results.window.conversionDays })}</p>
            {!results.window.complete ? <p className="hint">{t("automations.resultsProvisional")}</p> : null}
            <div className="table-wrap">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t("automations.group")}</th>
                    <th scope="col">{t("automations.customers")}</th>
                    <th scope="col">{t("automations.conversions")}</th>
                    <th scope="col">{t("automations.conversionRate")}</th>
                    <th scope="col">{t("automations.revenuePerCustomer")}</th>
                  </tr>
                </thead>
                <tbody>
                  {(
                    [
                      ["automations.groupTreated", results.treated],
                      ["automations.groupHoldout", results.holdout],
                    ] as const
                  ).map(([label, g]) => (
                    <tr key={label}>
                      <th scope="row">{t(label)}</th>
                      <td>{int.format(g.n)}</td>
                      <td>{int.format(g.conversions)}</td>
                      <td>{g.conversionRate === null ? "—" : pct.format(g.conversionRate)}</td>
                      <td>{g.n === 0 ? "—" : results.currencies.length === 1 ? new Intl.NumberFormat(locale, { style: "currency", currency: results.currencies[0]! }).format(g.revenue.mean) : money.format(g.revenue.mean)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p>
              <strong>{t("automations.verdict")}:</strong> {t(`automations.verdict_${results.conversion.verdict.kind}`)}
            </p>
          </>
        )}
      </section>
    </section>
  );
}
