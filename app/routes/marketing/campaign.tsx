// One campaign (/marketing/campaigns/:id): status and settings, the actions as plain POST forms
// (send or schedule, pause, resume, cancel with a confirmation box, test send to yourself), the
// delivery progress (polled every 2 s while it runs), the results against the holdout with the
// verdict in plain words, charts, and the per-recipient delivery records 50 a page (?page=).
import { useEffect } from "react";
import { data, Form, Link, redirect, useActionData, useNavigation, useRevalidator, useSearchParams } from "react-router";
import type { Route } from "./+types/campaign";
import { FormError, Notice } from "#app/components/form.tsx";
import { fieldMessage, formatDate, translator, type FieldMessage, type Locale, type T } from "#app/i18n/index.ts";
import { attempt, isFormFailure, isTrpcCode } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import { BarChart, LineChart } from "./analytics.charts.tsx";

const POLL_MS = 2000;

function pageOf(request: Request): number {
  const n = Number(new URL(request.url).searchParams.get("page") ?? "1");
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

export async function loader({ context, request, params }: Route.LoaderArgs) {
  const user = requireStaff(context, request, "MARKETER");
  const page = pageOf(request);
  try {
    const campaign = await context.trpc.campaigns.get({ id: params.id });
    if (campaign.kind === "AUTOMATION") throw data(null, { status: 404 });
    const [results, recipients] = await Promise.all([context.trpc.campaigns.results({ id: params.id }), context.trpc.campaigns.recipients({ id: params.id, page })]);
    return { campaign, results, recipients, me: user.email, title: `${campaign.name} · ${translator(context.ctx.locale)("campaigns.title")}` };
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw data(null, { status: 404 });
    throw e;
  }
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

interface ActionResult {
  ok: false;
  intent: string;
  fieldErrors: Record<string, FieldMessage>;
  formError: FieldMessage | null;
}

export async function action({ context, request, params }: Route.ActionArgs) {
  requireStaff(context, request, "MARKETER");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const id = params.id;
  const back = (q: string) => redirect(`/marketing/campaigns/${id}?${q}`);
  const fail = (r: { data: { fieldErrors: Record<string, FieldMessage>; formError: FieldMessage | null }; init: ResponseInit | null }) =>
    data<ActionResult>({ ok: false, intent, fieldErrors: r.data.fieldErrors, formError: r.data.formError }, r.init ?? undefined);

  switch (intent) {
    case "start": {
      const r = await attempt(() => context.trpc.campaigns.start({ id }));
      if (isFormFailure(r)) return fail(r);
      return back(r.status === "SCHEDULED" ? "done=scheduled" : `done=started&n=${r.recipients}`);
    }
    case "pause":
    case "resume": {
      const r = await attempt(() => (intent === "pause" ? context.trpc.campaigns.pause({ id }) : context.trpc.campaigns.resume({ id })));
      if (isFormFailure(r)) return fail(r);
      return back(`done=${intent === "pause" ? "paused" : "resumed"}`);
    }
    case "cancel": {
      if (form.get("confirm") !== "yes") return data<ActionResult>({ ok: false, intent, fieldErrors: { confirm: "campaigns.errConfirm" }, formError: null }, { status: 400 });
      const r = await attempt(() => context.trpc.campaigns.cancel({ id }));
      if (isFormFailure(r)) return fail(r);
      return back("done=cancelled");
    }
    case "testSend": {
      const locale = form.get("locale") === "zh-CN" ? "zh-CN" : "en";
      const r = await attempt(() => context.trpc.campaigns.testSend({ id, locale }));
      if (isFormFailure(r)) return fail(r);
      return back(`done=test&locale=${r.locale}`);
    }
    default:
      return data<ActionResult>({ ok: false, intent, fieldErrors: {}, formError: "errors.invalid" }, { status: 400 });
  }
}

type LoaderData = Route.ComponentProps["loaderData"];
type Results = LoaderData["results"];

function pct(locale: Locale, x: number | null | undefined, digits = 1) {
  return x === null || x === undefined ? "–" : new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

function signedPct(locale: Locale, x: number) {
  return new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(x);
}

function pValue(p: number | null) {
  if (p === null) return "–";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

function useMoney(locale: Locale, currencies: string[]) {
  const one = currencies.length === 1 ? currencies[0]! : null;
  const f = one ? new Intl.NumberFormat(locale, { style: "currency", currency: one }) : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const signed = one ? new Intl.NumberFormat(locale, { style: "currency", currency: one, signDisplay: "exceptZero" }) : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: "exceptZero" });
  return { format: (x: number) => f.format(x), signed: (x: number) => signed.format(x) };
}

function Verdict({ t, label, verdict }: { t: T; label: string; verdict: Results["conversion"]["verdict"] }) {
  return (
    <p>
      <strong>{label}</strong>
      {t(`campaigns.verdict_${verdict.kind}`, { p: pValue(verdict.pValue) })}
      {verdict.kind === "insufficient-data" && verdict.reason ? ` ${t(`campaigns.reason_${verdict.reason}`)}` : null}
    </p>
  );
}

function Notices({ t, me }: { t: T; me: string }) {
  const [params] = useSearchParams();
  const done = params.get("done");
  if (!done) return null;
  const messages: Record<string, string> = {
    saved: t("campaigns.saved"),
    started: t("campaigns.started", { n: params.get("n") ?? "0" }),
    scheduled: t("campaigns.scheduled"),
    paused: t("campaigns.paused"),
    resumed: t("campaigns.resumed"),
    cancelled: t("campaigns.cancelled"),
    test: t("campaigns.testSent", { email: me, language: t(params.get("locale") === "zh-CN" ? "campaigns.localeZh" : "campaigns.localeEn") }),
  };
  return messages[done] ? <Notice>{messages[done]}</Notice> : null;
}

export default function CampaignPage({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const { campaign, results, recipients, me } = loaderData;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const revalidator = useRevalidator();
  const running = campaign.status === "RUNNING";
  const { revalidate } = revalidator;
  const idle = revalidator.state === "idle";
  useEffect(() => {
    if (!running || !idle) return;
    const timer = setTimeout(() => void revalidate(), POLL_MS);
    return () => clearTimeout(timer);
  }, [running, idle, revalidate, campaign, results]);

  const int = new Intl.NumberFormat(locale);
  const date = (d: Date | string | null | undefined) => (d ? formatDate(locale, d, tz, true) : t("campaigns.none"));
  const cfg = campaign.config;
  const c = campaign.counts;
  const formErr = result?.formError;
  const confirmError = result?.intent === "cancel" ? fieldMessage(t, result.fieldErrors.confirm) : undefined;
  const scheduledLater = campaign.scheduledAt && new Date(campaign.scheduledAt).getTime() > Date.now();

  return (
    <section className="stack-lg">
      <p>
        <Link to="/marketing/campaigns">{t("campaigns.backToList")}</Link>
      </p>
      <header className="stack">
        <h1>{campaign.name}</h1>
        <p>
          <span className="badge">{t(`campaigns.status_${campaign.status}`)}</span> {t(`campaigns.kind_${campaign.kind}`)}
        </p>
      </header>
      <Notices t={t} me={me} />
      <FormError error={formErr} />

      <section className="panel stack" aria-labelledby="campaign-summary">
        <h2 id="campaign-summary">{t("campaigns.summary")}</h2>
        <dl className="kv">
          <dt>{t("campaigns.summaryKind")}</dt>
          <dd>{t(`campaigns.kind_${campaign.kind}`)}</dd>
          <dt>{t("campaigns.summarySegment")}</dt>
          <dd>{campaign.segment ? <Link to={`/marketing/segments/${campaign.segment.id}`}>{campaign.segment.name}</Link> : t("campaigns.noSegment")}</dd>
          <dt>{t("campaigns.summaryHoldout")}</dt>
          <dd>{t("campaigns.summaryHoldoutValue", { pct: campaign.holdoutPct })}</dd>
          <dt>{t("campaigns.summaryConversion")}</dt>
          <dd>{t("campaigns.summaryConversionValue", { days: campaign.conversionDays })}</dd>
          <dt>{t("campaigns.summarySchedule")}</dt>
          <dd>{campaign.scheduledAt ? date(campaign.scheduledAt) : t("campaigns.summaryScheduleNow")}</dd>
          {campaign.kind === "POINTS_MULTIPLIER" ? (
            <>
              <dt>{t("campaigns.summaryEnds")}</dt>
              <dd>{date(campaign.endsAt)}</dd>
              <dt>{t("campaigns.summaryMultiplier")}</dt>
              <dd>{cfg.multiplier === undefined ? t("campaigns.none") : t("campaigns.summaryMultiplierValue", { m: cfg.multiplier })}</dd>
            </>
          ) : null}
          {campaign.kind === "BONUS_POINTS" ? (
            <>
              <dt>{t("campaigns.summaryPoints")}</dt>
              <dd>{cfg.points === undefined ? t("campaigns.none") : int.format(cfg.points)}</dd>
            </>
          ) : null}
          {cfg.email ? (
            <>
              <dt>{t("campaigns.summarySubjectEn")}</dt>
              <dd lang="en">{cfg.email.subjectEn}</dd>
              <dt>{t("campaigns.summarySubjectZh")}</dt>
              <dd lang="zh-CN">{cfg.email.subjectZh}</dd>
              <dt>{t("campaigns.summaryOfferCode")}</dt>
              <dd>{cfg.email.offerCode || t("campaigns.none")}</dd>
            </>
          ) : null}
          {campaign.startedAt ? (
            <>
              <dt>{t("campaigns.summaryStarted")}</dt>
              <dd>{date(campaign.startedAt)}</dd>
            </>
          ) : null}
          {campaign.finishedAt ? (
            <>
              <dt>{t("campaigns.summaryFinished")}</dt>
              <dd>{date(campaign.finishedAt)}</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section className="stack" aria-labelledby="campaign-actions">
        <h2 id="campaign-actions">{t("campaigns.actions")}</h2>
        <div className="actions">
          {campaign.status === "DRAFT" ? (
            <>
              <Form method="post" className="inline-form">
                <button type="submit" name="intent" value="start" className="button" disabled={busy}>
                  {scheduledLater ? t("campaigns.schedule", { date: date(campaign.scheduledAt) }) : t("campaigns.sendNow")}
                </button>
              </Form>
              <Link to={`/marketing/campaigns/${campaign.id}/edit`} className="button secondary">
                {t("campaigns.edit")}
              </Link>
            </>
          ) : null}
          {campaign.status === "RUNNING" || campaign.status === "SCHEDULED" ? (
            <Form method="post" className="inline-form">
              <button type="submit" name="intent" value="pause" className="button secondary" disabled={busy}>
                {t("campaigns.pause")}
              </button>
            </Form>
          ) : null}
          {campaign.status === "PAUSED" ? (
            <Form method="post" className="inline-form">
              <button type="submit" name="intent" value="resume" className="button" disabled={busy}>
                {t("campaigns.resume")}
              </button>
            </Form>
          ) : null}
        </div>
        {campaign.status === "DRAFT" ? <p className="hint">{t("campaigns.startHint")}</p> : null}
        {["DRAFT", "SCHEDULED", "RUNNING", "PAUSED"].includes(campaign.status) ? (
          <details open={Boolean(confirmError)}>
            <summary>{t("campaigns.cancel")}</summary>
            <Form method="post" className="stack">
              <fieldset className="stack">
                <legend>{t("campaigns.cancelLegend")}</legend>
                <p className="hint">{t("campaigns.cancelExplain")}</p>
                <label className="check">
                  <input type="checkbox" name="confirm" value="yes" aria-invalid={confirmError ? true : undefined} aria-describedby={confirmError ? "cancel-confirm-error" : undefined} /> {t("campaigns.cancelConfirm")}
                </label>
                {confirmError ? (
                  <p id="cancel-confirm-error" className="field-error" role="alert">
                    {confirmError}
                  </p>
                ) : null}
                <div>
                  <button type="submit" name="intent" value="cancel" className="button danger" disabled={busy}>
                    {t("campaigns.cancelSubmit")}
                  </button>
                </div>
              </fieldset>
            </Form>
          </details>
        ) : null}
        {cfg.email ? (
          <Form method="post" className="stack">
            <fieldset className="stack">
              <legend>{t("campaigns.testLegend")}</legend>
              <p className="hint">{t("campaigns.testHint", { email: me })}</p>
              <div className="field">
                <label htmlFor="test-locale">{t("campaigns.testLocale")}</label>
                <select id="test-locale" name="locale" defaultValue={locale}>
                  <option value="en">{t("campaigns.localeEn")}</option>
                  <option value="zh-CN">{t("campaigns.localeZh")}</option>
                </select>
              </div>
              <div>
                <button type="submit" name="intent" value="testSend" className="button secondary" disabled={busy}>
                  {t("campaigns.testSubmit")}
                </button>
              </div>
            </fieldset>
          </Form>
        ) : null}
      </section>

      <section className="stack" aria-labelledby="campaign-progress">
        <h2 id="campaign-progress">{t("campaigns.progress")}</h2>
        <div className="field">
          <label htmlFor="campaign-progress-bar">{t("campaigns.progressLabel")}</label>
          <progress id="campaign-progress-bar" max={Math.max(1, campaign.progress.of)} value={campaign.progress.done} aria-describedby="campaign-progress-text" style={{ width: "100%", height: "1.25rem" }}>
            {campaign.progress.pct} %
          </progress>
          <p id="campaign-progress-text" aria-live="polite">
            {t("campaigns.progressText", { done: int.format(campaign.progress.done), of: int.format(campaign.progress.of), pct: campaign.progress.pct })}
          </p>
          {running ? <p className="hint">{t("campaigns.progressLive")}</p> : null}
        </div>
        <ul className="cards">
          {(
            [
              ["countTotal", c.total],
              ["countQueued", c.queued],
              ["countSent", c.sent],
              ["countCredited", c.credited],
              ["countHoldout", c.holdout],
              ["countSkipped", c.skipped],
              ["countCancelled", c.cancelled],
              ["countFailed", c.failed],
            ] as const
          ).map(([k, n]) => (
            <li key={k} className="card">
              <div>
                <span className="card-label">{t(`campaigns.${k}`)}</span>
                <span className="card-value">{int.format(n)}</span>
              </div>
            </li>
          ))}
        </ul>
        {campaign.mail.pending + campaign.mail.sending > 0 ? <p className="hint">{t("campaigns.mailPending", { n: int.format(campaign.mail.pending + campaign.mail.sending) })}</p> : null}
        {campaign.mail.held > 0 ? <p className="hint">{t("campaigns.mailHeld", { n: int.format(campaign.mail.held) })}</p> : null}
      </section>

      <ResultsSection results={results} />
      <RecipientsSection recipients={recipients} />
    </section>
  );
}

function ResultsSection({ results }: { results: Results }) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const int = new Intl.NumberFormat(locale);
  const money = useMoney(locale, results.currencies);
  const level = Math.round(results.level * 100);
  if (results.counts.total === 0) {
    return (
      <section className="stack" aria-labelledby="campaign-results">
        <h2 id="campaign-results">{t("campaigns.results")}</h2>
        <p>{t("campaigns.resultsNone")}</p>
      </section>
    );
  }
  const conv = results.conversion.test;
  const rev = results.revenuePerRecipient.test;
  const e = results.engagement;
  const reasons = Object.entries(results.counts.skipped.byReason).sort((a, b) => b[1] - a[1]);
  const reasonLabel = (r: string) => {
    const key = `campaigns.skip_${r}`;
    const label = t(key);
    return label === key ? r : label;
  };
  const ci = (d: number | null, i: { low: number; high: number } | null, f: (x: number) => string) => (d === null ? "–" : i ? t("campaigns.liftCi", { diff: f(d), low: f(i.low), high: f(i.high) }) : f(d));
  const timeFmt = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  const points = results.delivery.points;
  const rate = (n: number) => (e.delivered ? pct(locale, n / e.delivered) : "–");

  return (
    <section className="stack" aria-labelledby="campaign-results">
      <h2 id="campaign-results">{t("campaigns.results")}</h2>
      <p>
        {results.window.complete
          ? t("campaigns.windowComplete", { days: results.window.conversionDays })
          : results.window.endsAt
            ? t("campaigns.windowOpen", { days: results.window.conversionDays, date: formatDate(locale, results.window.endsAt, tz, true) })
            : t("campaigns.windowOpenNoDate", { days: results.window.conversionDays })}
      </p>

      <h3>{t("campaigns.liftTitle")}</h3>
      <div className="table-wrap">
        <table className="data-table">
          <caption>{t("campaigns.liftCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("campaigns.liftMeasure")}</th>
              <th scope="col">{t("campaigns.liftTreated")}</th>
              <th scope="col">{t("campaigns.liftHoldout")}</th>
              <th scope="col">{t("campaigns.liftDifference", { level })}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t("campaigns.liftCustomers")}</th>
              <td>{int.format(results.treated.n)}</td>
              <td>{int.format(results.holdout.n)}</td>
              <td>–</td>
            </tr>
            <tr>
              <th scope="row">{t("campaigns.liftConversions")}</th>
              <td>{int.format(results.treated.conversions)}</td>
              <td>{int.format(results.holdout.conversions)}</td>
              <td>–</td>
            </tr>
            <tr>
              <th scope="row">{t("campaigns.liftConversionRate")}</th>
              <td>{pct(locale, results.treated.conversionRate)}</td>
              <td>{pct(locale, results.holdout.conversionRate)}</td>
              <td>{ci(conv.difference, conv.ci, (x) => signedPct(locale, x))}</td>
            </tr>
            <tr>
              <th scope="row">{t("campaigns.liftRevenue")}</th>
              <td>{results.treated.n ? money.format(results.treated.revenue.mean) : "–"}</td>
              <td>{results.holdout.n ? money.format(results.holdout.revenue.mean) : "–"}</td>
              <td>{ci(rev.difference, rev.ci, money.signed)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <div className="panel">
        <Verdict t={t} label={t("campaigns.verdictConversion")} verdict={results.conversion.verdict} />
        <Verdict t={t} label={t("campaigns.verdictRevenue")} verdict={results.revenuePerRecipient.verdict} />
        {results.currencies.length > 1 ? <p className="hint">{t("campaigns.liftCurrencies", { list: results.currencies.join(", ") })}</p> : null}
      </div>

      <h3>{t("campaigns.skippedTitle")}</h3>
      {reasons.length === 0 ? (
        <p>{t("campaigns.skippedNone")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption>{t("campaigns.skippedCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("campaigns.skippedReason")}</th>
                <th scope="col">{t("campaigns.skippedCount")}</th>
              </tr>
            </thead>
            <tbody>
              {reasons.map(([r, n]) => (
                <tr key={r}>
                  <th scope="row">{reasonLabel(r)}</th>
                  <td>{int.format(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>{t("campaigns.engagementTitle")}</h3>
      <ul className="cards">
        {(
          [
            ["engDelivered", e.delivered, null],
            ["engOpened", e.opened, rate(e.opened)],
            ["engClicked", e.clicked, rate(e.clicked)],
            ["engUnsubscribed", e.unsubscribed, rate(e.unsubscribed)],
          ] as const
        ).map(([k, n, r]) => (
          <li key={k} className="card">
            <div>
              <span className="card-label">{t(`campaigns.${k}`)}</span>
              <span className="card-value">{int.format(n)}</span>
              {r ? <span className="card-note">{t("campaigns.engRate", { pct: r })}</span> : null}
            </div>
          </li>
        ))}
      </ul>

      <div className="stack">
        {points.length ? (
          <LineChart
            title={t("campaigns.chartDelivery")}
            desc={t("campaigns.chartDeliveryDesc", { bucket: t(`campaigns.bucket_${results.delivery.bucket}`) })}
            xLabels={points.map((p) => timeFmt.format(new Date(p.at)))}
            series={[
              { name: t("campaigns.seriesSent"), values: points.map((p) => p.sent) },
              { name: t("campaigns.seriesOpened"), values: points.map((p) => p.opened) },
              { name: t("campaigns.seriesClicked"), values: points.map((p) => p.clicked) },
            ]}
            format={(v) => int.format(Math.round(v))}
            xHeader={t("campaigns.chartTime")}
          />
        ) : null}
        <BarChart
          title={t("campaigns.chartConversion")}
          desc={t("campaigns.chartConversionDesc")}
          data={[
            { label: t("campaigns.liftTreated"), value: results.treated.conversionRate ?? 0 },
            { label: t("campaigns.liftHoldout"), value: results.holdout.conversionRate ?? 0 },
          ]}
          format={(v) => pct(locale, v)}
          valueHeader={t("campaigns.chartRate")}
          labelHeader={t("campaigns.chartGroup")}
        />
        <BarChart
          title={t("campaigns.chartEngagement")}
          desc={t("campaigns.chartEngagementDesc")}
          data={[
            { label: t("campaigns.engDelivered"), value: e.delivered },
            { label: t("campaigns.engOpened"), value: e.opened },
            { label: t("campaigns.engClicked"), value: e.clicked },
            { label: t("campaigns.engUnsubscribed"), value: e.unsubscribed },
          ]}
          format={(v) => int.format(v)}
          valueHeader={t("campaigns.chartCount")}
          labelHeader={t("campaigns.chartGroup")}
        />
      </div>
    </section>
  );
}

function RecipientsSection({ recipients }: { recipients: LoaderData["recipients"] }) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const int = new Intl.NumberFormat(locale);
  const when = (d: Date | string | null) => (d ? formatDate(locale, d, tz, true) : "–");
  const { rows, page, pageSize, total, hasNext } = recipients;
  const from = (page - 1) * pageSize + 1;
  const statusLabel = (s: string) => {
    const key = `campaigns.rstatus_${s}`;
    const label = t(key);
    return label === key ? s : label;
  };
  const reasonLabel = (r: string | null) => {
    if (!r) return "–";
    const key = `campaigns.skip_${r}`;
    const label = t(key);
    return label === key ? r : label;
  };
  return (
    <section className="stack" aria-labelledby="campaign-recipients">
      <h2 id="campaign-recipients">{t("campaigns.recipientsTitle")}</h2>
      {rows.length === 0 ? (
        <p>{t("campaigns.recipientsNone")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption>{t("campaigns.recipientsCaption", { from: int.format(from), to: int.format(from + rows.length - 1), total: int.format(total) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("campaigns.colCustomer")}</th>
                <th scope="col">{t("campaigns.colRecipientStatus")}</th>
                <th scope="col">{t("campaigns.colSkipReason")}</th>
                <th scope="col">{t("campaigns.colGroup")}</th>
                <th scope="col">{t("campaigns.colSentAt")}</th>
                <th scope="col">{t("campaigns.colOpenedAt")}</th>
                <th scope="col">{t("campaigns.colClickedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={`/staff/customers/${r.customerId}`}>{r.name || r.email}</Link>
                    {r.name ? <div className="hint">{r.email}</div> : null}
                  </th>
                  <td>{statusLabel(r.status)}</td>
                  <td>{reasonLabel(r.skipReason)}</td>
                  <td>{r.holdout ? t("campaigns.groupHoldout") : r.status === "SKIPPED" ? t("campaigns.none") : t("campaigns.groupTreated")}</td>
                  <td>{when(r.sentAt)}</td>
                  <td>{when(r.openedAt)}</td>
                  <td>{when(r.clickedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page > 1 || hasNext ? (
        <nav className="pager" aria-label={t("campaigns.pagination")}>
          {page > 1 ? <Link to={`?page=${page - 1}`}>{t("campaigns.prevPage")}</Link> : null}
          <span>{t("campaigns.pageOf", { page })}</span>
          {hasNext ? <Link to={`?page=${page + 1}`}>{t("campaigns.nextPage")}</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}
