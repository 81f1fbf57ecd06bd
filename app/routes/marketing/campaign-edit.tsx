// Campaign editor (/marketing/campaigns/new and /marketing/campaigns/:id/edit; drafts only — a
// started campaign redirects to its page). One plain form (see campaign-form.ts): without
// JavaScript every kind's fields are shown and only the chosen kind's are used; with JavaScript
// only the chosen kind's fieldset is visible. The domain validates (campaignInputSchema) and its
// messages land on the fields; the input is kept on error.
import { useEffect, useId, useState } from "react";
import { data, Form, Link, redirect, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/campaign-edit";
import { Field, FieldError, FormError, TextAreaField } from "#app/components/form.tsx";
import { fieldMessage, translator, type FieldMessage } from "#app/i18n/index.ts";
import { attempt, isFormFailure, isTrpcCode } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import { campaignDataFromForm, formValuesFromCampaign, formValuesOf, KINDS, PLACEHOLDERS, type CampaignFormValues, type FormField } from "./campaign-form.ts";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  const user = requireStaff(context, request, "MARKETER");
  const t = translator(context.ctx.locale);
  let campaign = null;
  if (params.id) {
    try {
      campaign = await context.trpc.campaigns.get({ id: params.id });
    } catch (e) {
      if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw data(null, { status: 404 });
      throw e;
    }
    if (campaign.kind === "AUTOMATION") throw data(null, { status: 404 });
    if (campaign.status !== "DRAFT") throw redirect(`/marketing/campaigns/${campaign.id}`);
  }
  const segments = await context.trpc.segments.list();
  return {
    campaign: campaign ? { id: campaign.id, name: campaign.name } : null,
    values: formValuesFromCampaign(campaign, user.timeZone),
    segments: segments.map((s) => ({ id: s.id, name: s.name, size: s.size })),
    title: t(campaign ? "campaigns.editCampaign" : "campaigns.newCampaign"),
  };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

interface ActionResult {
  ok: false;
  values: CampaignFormValues;
  fieldErrors: Record<string, FieldMessage>;
  formError: FieldMessage | null;
}

export async function action({ context, request, params }: Route.ActionArgs) {
  const user = requireStaff(context, request, "MARKETER");
  const form = await request.formData();
  const values = formValuesOf(form);
  const r = await attempt(() => context.trpc.campaigns.save({ id: params.id ?? null, data: campaignDataFromForm(values, user.timeZone) }));
  if (isFormFailure(r)) return data<ActionResult>({ ok: false, values, fieldErrors: r.data.fieldErrors, formError: r.data.formError }, r.init ?? undefined);
  return redirect(`/marketing/campaigns/${r.id}?done=saved`);
}

export default function CampaignEdit({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const { campaign, segments } = loaderData;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const v = result?.values ?? (loaderData.values as CampaignFormValues);
  const fe = result?.fieldErrors ?? {};
  const err = (f: FormField | "email") => fieldMessage(t, fe[f]);
  const [kind, setKind] = useState(v.kind);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  useEffect(() => setKind(v.kind), [v.kind]);
  const shown = (k: string) => !hydrated || kind === k;
  // `hidden` alone loses to .stack's display:flex, so the style says it too.
  const hide = (h: boolean) => (h ? { hidden: true, style: { display: "none" } } : {});
  const int = new Intl.NumberFormat(locale);
  const ids = { kind: useId(), segment: useId() };
  const segmentKnown = !v.segmentId || segments.some((s) => s.id === v.segmentId);

  return (
    <section className="stack-lg">
      <p>
        <Link to={campaign ? `/marketing/campaigns/${campaign.id}` : "/marketing/campaigns"}>{t("campaigns.backToList")}</Link>
      </p>
      <h1>{campaign ? `${t("campaigns.editCampaign")}: ${campaign.name}` : t("campaigns.newCampaign")}</h1>
      <FormError error={result?.formError} />
      <Form method="post" className="stack" noValidate key={result ? JSON.stringify(result.values) : "initial"}>
        <Field name="name" label={t("campaigns.name")} defaultValue={v.name} error={fe.name} maxLength={120} />
        <div className={`field${err("kind") ? " has-error" : ""}`}>
          <label htmlFor={ids.kind}>{t("campaigns.kind")}</label>
          <select id={ids.kind} name="kind" defaultValue={v.kind} onChange={(e) => setKind(e.target.value)} aria-invalid={err("kind") ? true : undefined} aria-describedby={err("kind") ? `${ids.kind}-error` : undefined}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`campaigns.kind_${k}`)}
              </option>
            ))}
          </select>
          <FieldError id={`${ids.kind}-error`} error={err("kind")} />
        </div>
        <div className={`field${err("segmentId") ? " has-error" : ""}`}>
          <label htmlFor={ids.segment}>{t("campaigns.segment")}</label>
          {segments.length === 0 ? (
            <p className="hint">
              {t("campaigns.noSegments")} <Link to="/marketing/segments/new">{t("campaigns.createSegment")}</Link>
            </p>
          ) : null}
          <select id={ids.segment} name="segmentId" defaultValue={segmentKnown ? v.segmentId : ""} aria-invalid={err("segmentId") ? true : undefined} aria-describedby={err("segmentId") ? `${ids.segment}-error` : undefined}>
            <option value="">{t("campaigns.segmentChoose")}</option>
            {segments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.size === null ? t("campaigns.segmentOptionUnknown", { name: s.name }) : t("campaigns.segmentOption", { name: s.name, size: int.format(s.size) })}
              </option>
            ))}
          </select>
          <FieldError id={`${ids.segment}-error`} error={err("segmentId")} />
        </div>
        <Field name="holdoutPct" label={t("campaigns.holdoutPct")} hint={t("campaigns.holdoutHint")} type="number" inputMode="numeric" min={0} max={50} step={1} defaultValue={v.holdoutPct} error={fe.holdoutPct} />
        <Field name="conversionDays" label={t("campaigns.conversionDays")} hint={t("campaigns.conversionDaysHint")} type="number" inputMode="numeric" min={1} max={90} step={1} defaultValue={v.conversionDays} error={fe.conversionDays} />
        <Field name="scheduledAt" label={t("campaigns.scheduledAt")} hint={t("campaigns.scheduledAtHint", { tz })} type="datetime-local" defaultValue={v.scheduledAt} error={fe.scheduledAt} />
        {!hydrated ? <p className="hint">{t("campaigns.kindFieldsHint")}</p> : null}

        <fieldset className="stack" {...hide(!shown("EMAIL"))}>
          <legend>
            {t("campaigns.emailLegend")}
            {!hydrated ? ` (${t("campaigns.kind_EMAIL")})` : null}
          </legend>
          <p className="hint">{t("campaigns.emailHint")}</p>
          <div className="hint">
            <p>{t("campaigns.placeholdersHint")}</p>
            <ul>
              {PLACEHOLDERS.map((p) => (
                <li key={p}>
                  <code>{`{{${p}}}`}</code> — {t(`campaigns.placeholder_${p}`)}
                </li>
              ))}
            </ul>
          </div>
          {err("email") ? <FieldError id="email-error" error={err("email")} /> : null}
          <Field name="email.subjectEn" label={t("campaigns.subjectEn")} defaultValue={v["email.subjectEn"]} error={fe["email.subjectEn"]} maxLength={200} lang="en" />
          <TextAreaField rows={8} name="email.bodyEn" label={t("campaigns.bodyEn")} defaultValue={v["email.bodyEn"]} error={err("email.bodyEn")} />
          <Field name="email.subjectZh" label={t("campaigns.subjectZh")} defaultValue={v["email.subjectZh"]} error={fe["email.subjectZh"]} maxLength={200} lang="zh-CN" />
          <TextAreaField rows={8} name="email.bodyZh" label={t("campaigns.bodyZh")} defaultValue={v["email.bodyZh"]} error={err("email.bodyZh")} />
          <Field name="email.offerCode" label={t("campaigns.offerCode")} hint={t("campaigns.offerCodeHint")} defaultValue={v["email.offerCode"]} error={fe["email.offerCode"]} maxLength={40} />
        </fieldset>

        <fieldset className="stack" {...hide(!shown("BONUS_POINTS"))}>
          <legend>
            {t("campaigns.bonusLegend")}
            {!hydrated ? ` (${t("campaigns.kind_BONUS_POINTS")})` : null}
          </legend>
          <Field name="points" label={t("campaigns.points")} hint={t("campaigns.pointsHint")} type="number" inputMode="numeric" min={1} max={100000} step={1} defaultValue={v.points} error={fe.points} />
        </fieldset>

        <fieldset className="stack" {...hide(!shown("POINTS_MULTIPLIER"))}>
          <legend>
            {t("campaigns.multiplierLegend")}
            {!hydrated ? ` (${t("campaigns.kind_POINTS_MULTIPLIER")})` : null}
          </legend>
          <Field name="multiplier" label={t("campaigns.multiplier")} hint={t("campaigns.multiplierHint")} type="number" inputMode="decimal" min={1.1} max={10} step={0.1} defaultValue={v.multiplier} error={fe.multiplier} />
          <Field name="endsAt" label={t("campaigns.endsAt")} hint={t("campaigns.endsAtHint", { tz })} type="datetime-local" defaultValue={v.endsAt} error={fe.endsAt} />
        </fieldset>

        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t("campaigns.save")}
          </button>
          <Link to={campaign ? `/marketing/campaigns/${campaign.id}` : "/marketing/campaigns"}>{t("campaigns.cancelEdit")}</Link>
        </div>
      </Form>
    </section>
  );
}
