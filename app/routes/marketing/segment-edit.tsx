// Segment rule builder (/marketing/segments/new and /marketing/segments/:id). Plain form fields
// (see segment-form.ts), so it works without JavaScript: "Add rule"/"Add group"/"Remove" re-render
// the form on the server, "Count" posts and shows the count and the first matching customers. With
// JavaScript the same buttons change the form in place and the count follows the form (debounced
// ~300 ms) through the /marketing/segments/count resource route — the same procedure and SQL.
import { useEffect, useId, useState } from "react";
import { data, Form, Link, redirect, useActionData, useFetcher, useNavigation, useSearchParams } from "react-router";
import type { Route } from "./+types/segment-edit";
import { Field, FieldError, FormError, Notice } from "#app/components/form.tsx";
import { translator, type FieldMessage } from "#app/i18n/index.ts";
import { attempt, formValues, isFormFailure, isTrpcCode } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import type { CountResult } from "./segment-count.tsx";
import { applyBuilderIntent, emptyRow, formStateFromData, isKind, KIND_NAMES, KINDS, rulesFromForm, stateFromRules, stateToSearchParams, type RuleRow, type RulesFormState } from "./segment-form.ts";

type Preview = NonNullable<CountResult["customers"]>;

export async function loader({ context, request, params }: Route.LoaderArgs) {
  requireStaff(context, request, "MARKETER");
  const t = translator(context.ctx.locale);
  const options = await context.trpc.segments.options();
  let segment = null;
  if (params.id) {
    try {
      segment = await context.trpc.segments.get({ id: params.id });
    } catch (e) {
      if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw data(null, { status: 404 });
      throw e;
    }
  }
  const state = segment?.rules ? stateFromRules(segment.rules) : { combinator: "and", groups: [], rows: [emptyRow()] };
  // Too deep for the form: the tree is kept as it is (rulesJson) and only name/description change.
  const keptJson = segment?.rules && !state ? JSON.stringify(segment.rules) : null;
  const initial = segment?.rules ? await context.trpc.segments.preview({ rules: segment.rules }) : null;
  return { options, segment, state: state ?? { combinator: "and", groups: [], rows: [] }, keptJson, initial, title: t(segment ? "segments.editSegment" : "segments.newSegment") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

interface ActionResult {
  ok: boolean;
  intent: string;
  state?: RulesFormState;
  values?: Record<string, string>;
  count?: number;
  customers?: Preview;
  fieldErrors?: Record<string, FieldMessage>;
  formError?: FieldMessage | null;
}

export async function action({ context, request, params }: Route.ActionArgs) {
  requireStaff(context, request, "MARKETER");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formValues(form, "name", "description");
  const state = formStateFromData(form);
  const fail = (r: { data: { fieldErrors: Record<string, FieldMessage>; formError: FieldMessage | null }; init: ResponseInit | null }) =>
    data<ActionResult>({ ok: false, intent, state, values, fieldErrors: r.data.fieldErrors, formError: r.data.formError }, r.init ?? undefined);

  if (intent === "delete") {
    const r = await attempt(() => context.trpc.segments.delete({ id: params.id ?? "" }));
    if (isFormFailure(r)) return fail(r);
    return redirect("/marketing/segments?deleted=1");
  }
  if (intent === "count") {
    const r = await attempt(() => context.trpc.segments.preview({ rules: rulesFromForm(form) as object }));
    if (isFormFailure(r)) return fail(r);
    return data<ActionResult>({ ok: true, intent, state, values, count: r.count, customers: r.customers });
  }
  if (intent === "save") {
    const r = await attempt(() => context.trpc.segments.save({ id: params.id ?? null, name: values.name!, description: values.description, rules: rulesFromForm(form) as object }));
    if (isFormFailure(r)) return fail(r);
    return redirect(`/marketing/segments/${r.id}?saved=${r.size}`);
  }
  const next = applyBuilderIntent(state, intent);
  return data<ActionResult>({ ok: true, intent, state: next ?? state, values }, { status: next ? 200 : 400 });
}

/** The live count: debounced fetch of the resource route whenever the rules change. */
function useLiveCount(state: RulesFormState, enabled: boolean) {
  const fetcher = useFetcher<CountResult>();
  const query = stateToSearchParams(state).toString();
  const { load } = fetcher;
  useEffect(() => {
    if (!enabled) return;
    const timer = setTimeout(() => void load(`/marketing/segments/count?${query}`), 300);
    return () => clearTimeout(timer);
  }, [query, enabled, load]);
  return { result: fetcher.data, pending: fetcher.state !== "idle" };
}

export default function SegmentEdit({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { segment, options, keptJson, initial } = loaderData;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const startState = result?.state ?? (loaderData.state as RulesFormState);
  const fe = result?.fieldErrors ?? {};
  const v = result?.values;
  const key = JSON.stringify(startState);

  return (
    <section className="stack-lg">
      <p>
        <Link to="/marketing/segments">{t("segments.backToList")}</Link>
      </p>
      <h1>{segment ? `${t("segments.editSegment")}: ${segment.name}` : t("segments.newSegment")}</h1>
      {saved !== null && !result ? <Notice>{t("segments.saved", { size: saved })}</Notice> : null}
      <FormError error={result?.formError} />
      <Form method="post" className="stack" noValidate>
        <Field name="name" label={t("segments.name")} defaultValue={v?.name ?? segment?.name ?? ""} error={fe.name} maxLength={120} />
        <div className={`field${fe.description ? " has-error" : ""}`}>
          <label htmlFor="segment-description">{t("segments.description")}</label>
          <textarea id="segment-description" name="description" rows={2} defaultValue={v?.description ?? segment?.description ?? ""} />
          <FieldError error={fe.description} />
        </div>
        {keptJson ? (
          <>
            <Notice>{t("segments.tooDeepForForm")}</Notice>
            <input type="hidden" name="rulesJson" value={keptJson} />
            <pre className="panel">{JSON.stringify(JSON.parse(keptJson), null, 2)}</pre>
          </>
        ) : (
          <RuleBuilder key={key} initial={startState} options={options} fe={fe} busy={busy} countResult={result?.intent === "count" ? result : undefined} initialCount={initial} />
        )}
        <div className="actions">
          <button type="submit" name="intent" value="save" className="button" disabled={busy}>
            {t("segments.save")}
          </button>
        </div>
      </Form>
      {segment ? (
        <Form method="post" className="inline-form">
          <button type="submit" name="intent" value="delete" className="button small secondary" disabled={busy}>
            {t("segments.deleteNamed", { name: segment.name })}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

type Options = Route.ComponentProps["loaderData"]["options"];

function RuleBuilder({ initial, options, fe, busy, countResult, initialCount }: { initial: RulesFormState; options: Options; fe: Record<string, FieldMessage>; busy: boolean; countResult?: ActionResult; initialCount: { count: number; customers: Preview } | null }) {
  const t = useT();
  const locale = useLocale();
  const [state, setState] = useState<RulesFormState>(initial);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const live = useLiveCount(state, hydrated);
  const int = new Intl.NumberFormat(locale);

  const onIntent = (e: React.MouseEvent<HTMLButtonElement>) => {
    const next = applyBuilderIntent(state, e.currentTarget.value);
    if (next) {
      e.preventDefault();
      setState(next);
    }
  };
  const setRow = (n: number, patch: Partial<RuleRow>) => setState((s) => ({ ...s, rows: s.rows.map((r, i) => (i === n ? { ...r, ...patch } : r)) }));
  const shown = live.result ?? (countResult ? { ok: countResult.ok, count: countResult.count, customers: countResult.customers } : initialCount ? { ok: true, ...initialCount } : null);

  const row = (r: RuleRow, n: number) => <RuleFields key={n} row={r} n={n} options={options} fe={fe} onChange={(p) => setRow(n, p)} onIntent={onIntent} busy={busy} />;

  return (
    <div className="stack">
      <fieldset className="panel stack">
        <legend>{t("segments.rulesLegend")}</legend>
        <p className="hint">{t("segments.rulesHint")}</p>
        <div className={`field${fe.combinator ? " has-error" : ""}`}>
          <label htmlFor="segment-combinator">{t("segments.match")}</label>
          <select id="segment-combinator" name="combinator" value={state.combinator} onChange={(e) => setState({ ...state, combinator: e.target.value })}>
            <option value="and">{t("segments.combinatorAnd")}</option>
            <option value="or">{t("segments.combinatorOr")}</option>
          </select>
          <FieldError error={fe.combinator} />
        </div>
        {state.rows.map((r, n) => (r.group === 0 ? row(r, n) : null))}
        {state.groups.map((c, gi) => {
          const g = gi + 1;
          return (
            <fieldset key={`g${g}`} className="panel stack">
              <legend>{t("segments.groupLegend", { n: g })}</legend>
              <div className={`field${fe[`group.${g}.combinator`] ? " has-error" : ""}`}>
                <label htmlFor={`segment-group-${g}`}>{t("segments.groupMatch")}</label>
                <select id={`segment-group-${g}`} name={`group.${g}.combinator`} value={c} onChange={(e) => setState({ ...state, groups: state.groups.map((x, i) => (i === gi ? e.target.value : x)) })}>
                  <option value="and">{t("segments.combinatorAnd")}</option>
                  <option value="or">{t("segments.combinatorOr")}</option>
                </select>
                <FieldError error={fe[`group.${g}.combinator`] ?? fe[`group.${g}.rules`] ?? fe[`group.${g}`]} />
              </div>
              {state.rows.map((r, n) => (r.group === g ? row(r, n) : null))}
              <div className="actions">
                <button type="submit" name="intent" value={`add:${g}`} className="button small secondary" onClick={onIntent} disabled={busy}>
                  {t("segments.addRuleToGroup", { n: g })}
                </button>
              </div>
            </fieldset>
          );
        })}
        <FieldError error={fe.form} />
        <div className="actions">
          <button type="submit" name="intent" value="add" className="button small secondary" onClick={onIntent} disabled={busy}>
            {t("segments.addRule")}
          </button>
          <button type="submit" name="intent" value="addGroup" className="button small secondary" onClick={onIntent} disabled={busy}>
            {t("segments.addGroup")}
          </button>
          <button type="submit" name="intent" value="count" className="button small" disabled={busy}>
            {t("segments.count")}
          </button>
        </div>
      </fieldset>

      <section className="panel stack" aria-labelledby="segment-count-h" aria-live="polite">
        <h2 id="segment-count-h">{t("segments.liveCount")}</h2>
        {live.pending ? <p className="hint">{t("segments.liveCountPending")}</p> : null}
        {shown?.ok && shown.count !== undefined ? (
          <p>
            <strong>{t("segments.liveCountValue", { count: int.format(shown.count) })}</strong>
          </p>
        ) : shown && !shown.ok ? (
          <p>{t("segments.liveCountInvalid")}</p>
        ) : null}
        {shown?.ok && shown.customers ? <PreviewTable customers={shown.customers} /> : null}
      </section>
    </div>
  );
}

function PreviewTable({ customers }: { customers: Preview }) {
  const t = useT();
  if (!customers.length) return <p>{t("segments.previewEmpty")}</p>;
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption>{t("segments.preview")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("segments.colEmail")}</th>
            <th scope="col">{t("segments.colCustomerName")}</th>
            <th scope="col">{t("segments.colTier")}</th>
            <th scope="col">{t("segments.colLocale")}</th>
          </tr>
        </thead>
        <tbody>
          {customers.map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/staff/customers/${c.id}`}>{c.email}</Link>
              </td>
              <td>{c.name ?? ""}</td>
              <td>{c.tier}</td>
              <td>{c.locale === "zh-CN" ? t("segments.localeZh") : t("segments.localeEn")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RuleFields({ row, n, options, fe, onChange, onIntent, busy }: { row: RuleRow; n: number; options: Options; fe: Record<string, FieldMessage>; onChange: (p: Partial<RuleRow>) => void; onIntent: (e: React.MouseEvent<HTMLButtonElement>) => void; busy: boolean }) {
  const t = useT();
  const locale = useLocale();
  const id = useId();
  const p = `rule.${n}.`;
  const err = (f: string) => fe[`${p}${f}`];
  const spec = isKind(row.kind) ? KINDS[row.kind] : null;
  const fields: readonly string[] = spec?.fields ?? [];
  const months = t("segments.monthNames").split(",");

  const select = (f: "op" | "value" | "channel", label: string, opts: [string, string][]) => (
    <div className={`field${err(f) ? " has-error" : ""}`}>
      <label htmlFor={`${id}-${f}`}>{label}</label>
      <select id={`${id}-${f}`} name={`${p}${f}`} value={row[f] || (f === "op" ? (spec?.ops[0] ?? "") : "")} onChange={(e) => onChange({ [f]: e.target.value })} aria-invalid={err(f) ? true : undefined}>
        {f !== "op" ? <option value="">—</option> : null}
        {opts.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
      <FieldError error={err(f)} />
    </div>
  );
  const input = (f: "value" | "days" | "date", label: string, type: string, step?: string) => (
    <div className={`field${err(f) ? " has-error" : ""}`}>
      <label htmlFor={`${id}-${f}`}>{label}</label>
      <input id={`${id}-${f}`} name={`${p}${f}`} type={type} step={step} inputMode={type === "number" ? "decimal" : undefined} value={row[f]} onChange={(e) => onChange({ [f]: e.target.value })} aria-invalid={err(f) ? true : undefined} />
      <FieldError error={err(f)} />
    </div>
  );
  const valueOptions: [string, string][] =
    row.kind === "tier"
      ? options.tiers.map((x) => [x.code, locale === "zh-CN" ? x.nameZh : x.nameEn])
      : row.kind === "rfmSegment"
        ? options.rfmSegments.map((x) => [x, x])
        : row.kind === "lifecycle"
          ? options.lifecycleStages.map((x) => [x, t(`analytics.stage_${x}`)])
          : row.kind === "birthdayMonth"
            ? months.map((m, i) => [String(i + 1), m])
            : [];
  const valueLabel = { pAlive: "segments.valueProbability", clv: "segments.valueAmount", spend: "segments.valueAmount", orderCount: "segments.valueCount", points: "segments.valuePoints", lastCsat: "segments.valueCsat" }[row.kind as string] ?? "segments.value";

  return (
    <fieldset className="stack" style={{ borderLeft: "3px solid #ccc", paddingLeft: "0.75rem" }}>
      <legend>{t("segments.ruleLabel", { n: n + 1 })}</legend>
      <input type="hidden" name={`${p}group`} value={row.group} />
      <div className={`field${err("kind") ? " has-error" : ""}`}>
        <label htmlFor={`${id}-kind`}>{t("segments.kind")}</label>
        <select id={`${id}-kind`} name={`${p}kind`} value={row.kind} onChange={(e) => onChange({ kind: e.target.value, op: "", value: "", values: [], days: "", date: "", channel: "" })} aria-invalid={err("kind") ? true : undefined}>
          <option value="">{t("segments.kindChoose")}</option>
          {KIND_NAMES.map((k) => (
            <option key={k} value={k}>
              {t(`segments.kind_${k}`)}
            </option>
          ))}
        </select>
        <FieldError error={err("kind")} />
      </div>
      {fields.includes("channel") ? select("channel", t("segments.channel"), (["email", "sms", "push"] as const).map((c) => [c, t(`segments.channel_${c}`)])) : null}
      {fields.includes("op") && spec ? select("op", t("segments.op"), spec.ops.map((o) => [o, t(`segments.op_${o}`)])) : null}
      {fields.includes("value") && row.kind === "locale"
        ? select("value", t("segments.value"), [
            ["en", t("segments.localeEn")],
            ["zh-CN", t("segments.localeZh")],
          ])
        : fields.includes("value") && row.kind === "consent"
          ? select("value", t("segments.value"), [
              ["true", t("segments.isTrue")],
              ["false", t("segments.isFalse")],
            ])
          : fields.includes("value") && row.kind === "openTicket"
            ? select("value", t("segments.value"), [
                ["true", t("segments.yes")],
                ["false", t("segments.no")],
              ])
            : fields.includes("value")
              ? input("value", t(valueLabel), "number", row.kind === "pAlive" ? "0.01" : row.kind === "clv" || row.kind === "spend" ? "0.01" : "1")
              : null}
      {fields.includes("days") ? input("days", t("segments.days"), "number", "1") : null}
      {fields.includes("date") ? input("date", t("segments.date"), "date") : null}
      {fields.includes("values") ? (
        <fieldset className={`field${err("values") ? " has-error" : ""}`}>
          <legend>{t("segments.values")}</legend>
          {valueOptions.map(([value, text]) => (
            <label key={value} className="check">
              <input type="checkbox" name={`${p}values`} value={value} checked={row.values.includes(value)} onChange={(e) => onChange({ values: e.target.checked ? [...row.values, value] : row.values.filter((x) => x !== value) })} /> {text}
            </label>
          ))}
          <FieldError error={err("values")} />
        </fieldset>
      ) : null}
      <div className="actions">
        <button type="submit" name="intent" value={`remove:${n}`} className="button small secondary" onClick={onIntent} disabled={busy} aria-label={t("segments.removeRule", { n: n + 1 })}>
          {t("segments.remove")}
        </button>
      </div>
    </fieldset>
  );
}
