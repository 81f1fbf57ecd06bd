// Customer analytics dashboards for marketers and admins: models, RFM grid and segments, segment
// sizes over time, P(alive) distribution, lifecycle, CLV by tier, CSAT and NPS trends and cohort
// retention — server-rendered SVG charts with table fallbacks. "Run scoring" posts to the action.
import { Form, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/analytics";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, translator } from "#app/i18n/index.ts";
import { attempt, formValues } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";
import { BarChart, HeatMap, LineChart } from "./analytics.charts.tsx";

const SEGMENTS = ["Champions", "Loyal", "Potential loyalist", "New", "Promising", "Need attention", "About to sleep", "At risk", "Can't lose them", "Hibernating", "Lost"];
const STAGES = ["exploration", "formation", "stability", "decline"] as const;

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "MARKETER");
  const dashboard = await context.trpc.analytics.dashboard({ months: 12 });
  return { dashboard, title: translator(context.ctx.locale)("analytics.title"), today: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) };
}

export async function action({ context, request }: Route.ActionArgs) {
  requireStaff(context, request, "MARKETER");
  const form = await request.formData();
  const values = formValues(form, "asOf", "period");
  const period = (["day", "week", "month"].includes(values.period!) ? values.period : "week") as "week";
  const r = await attempt(() => context.trpc.analytics.runScoring({ asOf: values.asOf!, period }), values);
  return "customers" in r ? { ok: true as const, asOf: r.asOf, customers: r.customers } : r;
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export default function Analytics({ loaderData }: Route.ComponentProps) {
  const { dashboard: d, today } = loaderData;
  const t = useT();
  const locale = useLocale();
  const nav = useNavigation();
  const result = useActionData<typeof action>() as (FormResult & { asOf?: string; customers?: number }) | undefined;
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const dec = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const pct = (v: number) => `${dec.format(v)}%`;
  const run = d.latestRun;
  const totalScored = run ? Math.max(1, run.customers) : 1;
  const fmt = (v: unknown, digits = 4) => (typeof v === "number" ? new Intl.NumberFormat(locale, { maximumSignificantDigits: digits }).format(v) : "–");
  const periodLabel = (p: string) => t(p === "day" ? "analytics.periodDay" : p === "month" ? "analytics.periodMonth" : "analytics.periodWeek");
  const maxK = Math.min(12, Math.max(0, ...d.cohorts.map((c) => c.retentionPct.length)));

  return (
    <article className="stack-lg">
      <header>
        <h1>{t("analytics.title")}</h1>
        <p className="lead">{t("analytics.intro")}</p>
      </header>

      {result?.ok ? <Notice>{t("analytics.runDone", { asOf: result.asOf ?? "", customers: int.format(result.customers ?? 0) })}</Notice> : null}
      <FormError error={result?.formError} />

      <section className="panel" aria-labelledby="an-models">
        <h2 id="an-models">{t("analytics.models")}</h2>
        {!run ? (
          <p>{t("analytics.noRun")}</p>
        ) : (
          <>
            <p>
              {t("analytics.lastRun", {
                asOf: run.asOf,
                period: periodLabel(run.period),
                customers: int.format(run.customers),
                repeat: int.format(run.repeatCustomers),
                seconds: dec.format(run.durationMs / 1000),
              })}
            </p>
            <dl className="kv">
              <dt>{t("analytics.bgnbd")}</dt>
              <dd>
                r = {fmt(run.bgnbd.r)}, α = {fmt(run.bgnbd.alpha)}, a = {fmt(run.bgnbd.a)}, b = {fmt(run.bgnbd.b)}; {t("analytics.logLikelihood")} {fmt(run.bgnbd.logLikelihood, 8)} ·{" "}
                {run.bgnbd.converged ? t("analytics.converged") : t("analytics.notConverged")}
              </dd>
              <dt>{t("analytics.gammaGamma")}</dt>
              <dd>
                p = {fmt(run.gammaGamma.p)}, q = {fmt(run.gammaGamma.q)}, γ = {fmt(run.gammaGamma.gamma)} · {run.gammaGamma.converged ? t("analytics.converged") : t("analytics.notConverged")}
              </dd>
            </dl>
          </>
        )}
        <h3>{t("analytics.runTitle")}</h3>
        <Form method="post" className="filters">
          <Field name="asOf" label={t("analytics.asOf")} hint={t("analytics.runHint")} defaultValue={result?.values?.asOf ?? today} error={result?.fieldErrors?.asOf} inputMode="numeric" />
          <div className="field">
            <label htmlFor="an-period">{t("analytics.period")}</label>
            <select id="an-period" name="period" defaultValue={result?.values?.period ?? "week"}>
              <option value="day">{t("analytics.periodDay")}</option>
              <option value="week">{t("analytics.periodWeek")}</option>
              <option value="month">{t("analytics.periodMonth")}</option>
            </select>
          </div>
          <button type="submit" className="button" disabled={nav.state === "submitting"}>
            {t("analytics.runButton")}
          </button>
        </Form>
        {result?.fieldErrors?.period ? <p className="field-error">{fieldMessage(t, result.fieldErrors.period)}</p> : null}
      </section>

      <section aria-labelledby="an-segments" className="stack">
        <h2 id="an-segments">{t("analytics.segments")}</h2>
        <div className="cards">
          <HeatMap
            title={t("analytics.rfmGrid")}
            desc={t("analytics.rfmGridDesc")}
            rowLabels={[5, 4, 3, 2, 1].map((r) => `R ${r}`)}
            colLabels={[1, 2, 3, 4, 5].map((f) => `FM ${f}`)}
            values={[4, 3, 2, 1, 0].map((ri) => d.rfmGrid[ri]!)}
            format={(v) => int.format(v)}
            rowHeader={t("analytics.recencyScore")}
            corner={`${t("analytics.recencyScore")} \\ ${t("analytics.fmScore")}`}
          />
          <BarChart
            title={t("analytics.segments")}
            desc={t("analytics.segments")}
            data={SEGMENTS.map((s) => ({ label: s, value: run?.rfmSegments[s] ?? 0 }))}
            format={(v) => int.format(v)}
            labelHeader={t("analytics.segment")}
            valueHeader={t("analytics.customers")}
          />
        </div>
        {d.segmentHistory.length ? (
          <LineChart
            title={t("analytics.segmentHistory")}
            desc={t("analytics.segmentHistoryDesc")}
            xLabels={d.segmentHistory.map((h) => h.asOf)}
            series={SEGMENTS.map((s) => ({ name: s, values: d.segmentHistory.map((h) => h.segments[s] ?? 0) }))}
            format={(v) => int.format(v)}
            xHeader={t("analytics.date")}
          />
        ) : (
          <p>{t("analytics.segmentHistoryEmpty")}</p>
        )}
      </section>

      <section aria-labelledby="an-value" className="stack">
        <h2 id="an-value">{t("analytics.pAlive")}</h2>
        <div className="cards">
          <BarChart
            title={t("analytics.pAlive")}
            desc={t("analytics.pAliveDesc")}
            data={d.pAliveBuckets.map((v, i) => ({ label: `${dec.format(i / 10)}–${dec.format((i + 1) / 10)}`, value: v }))}
            format={(v) => int.format(v)}
            labelHeader={t("analytics.pAliveRange")}
            valueHeader={t("analytics.customers")}
          />
          <BarChart
            title={t("analytics.lifecycle")}
            desc={t("analytics.lifecycle")}
            data={STAGES.map((s) => ({ label: t(`analytics.stage_${s}`), value: d.lifecycle[s] ?? 0 }))}
            format={(v) => `${int.format(v)} (${dec.format((100 * v) / totalScored)}%)`}
            labelHeader={t("analytics.lifecycleStage")}
            valueHeader={t("analytics.customers")}
          />
        </div>
        <BarChart
          title={t("analytics.clvByTier")}
          desc={t("analytics.clvByTierDesc")}
          data={d.clvByTier.map((r) => ({ label: `${r.tier} (${int.format(r.customers)})`, value: r.avgClv }))}
          format={(v) => dec.format(v)}
          labelHeader={t("analytics.tier")}
          valueHeader={t("analytics.avgClv")}
        />
        <p className="hint">{t("analytics.valuesInUnits")}</p>
      </section>

      <section aria-labelledby="an-satisfaction" className="stack">
        <h2 id="an-satisfaction">{t("analytics.csatTrend")} · {t("analytics.npsTrend")}</h2>
        <div className="cards">
          {d.csatTrend.length ? (
            <LineChart
              title={t("analytics.csatTrend")}
              desc={t("analytics.csatTrendDesc")}
              xLabels={d.csatTrend.map((r) => r.month)}
              series={[
                { name: t("analytics.average"), values: d.csatTrend.map((r) => r.average) },
              ]}
              format={(v) => dec.format(v)}
              xHeader={t("analytics.month")}
              yMin={1}
            />
          ) : (
            <p>{t("analytics.csatEmpty")}</p>
          )}
          {d.npsTrend.length ? (
            <LineChart
              title={t("analytics.npsTrend")}
              desc={t("analytics.npsTrendDesc")}
              xLabels={d.npsTrend.map((r) => r.month)}
              series={[{ name: t("analytics.nps"), values: d.npsTrend.map((r) => r.nps) }]}
              format={(v) => dec.format(v)}
              xHeader={t("analytics.month")}
              yMin={-100}
            />
          ) : (
            <p>{t("analytics.npsEmpty")}</p>
          )}
        </div>
      </section>

      <section aria-labelledby="an-cohorts" className="stack">
        <h2 id="an-cohorts">{t("analytics.cohorts")}</h2>
        {d.cohorts.length ? (
          <HeatMap
            title={t("analytics.cohorts")}
            desc={t("analytics.cohortsDesc")}
            rowLabels={d.cohorts.map((c) => `${c.month} (${int.format(c.size)})`)}
            colLabels={Array.from({ length: maxK }, (_, k) => t("analytics.monthN", { n: k }))}
            values={d.cohorts.map((c) => Array.from({ length: maxK }, (_, k) => (k < c.retentionPct.length ? c.retentionPct[k]! : null)))}
            format={pct}
            rowHeader={t("analytics.cohort")}
            corner={t("analytics.cohort")}
          />
        ) : (
          <p>{t("analytics.cohortsEmpty")}</p>
        )}
      </section>
    </article>
  );
}
