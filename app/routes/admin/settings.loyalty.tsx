// Admin: the loyalty program settings (earning, pending period, expiry, tiers, bonuses) and the
// rewards catalog. Saving goes through the tRPC caller; the domain validates with zod, audits the
// change and it applies from the moment it is saved.
import { Form, Link, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/settings.loyalty";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, formatDate, translator, type FieldMessage } from "#app/i18n/index.ts";
import { attempt, isFormFailure, tagged } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "ADMIN");
  const [settings, rewards] = await Promise.all([context.trpc.loyalty.settings(), context.trpc.loyalty.rewards()]);
  const editId = new URL(request.url).searchParams.get("edit");
  return { settings, rewards, editing: rewards.find((r) => r.id === editId) ?? null, title: translator(context.ctx.locale)("rewards.settingsTitle") };
}

const TIER_ROWS = 6;

function parseRates(text: string): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]{3})\s*[=:]\s*([0-9]*\.?[0-9]+)$/.exec(line);
    if (!m) return null;
    out[m[1]!.toUpperCase()] = Number(m[2]);
  }
  return out;
}

const num = (v: FormDataEntryValue | null) => {
  const s = String(v ?? "").trim();
  return s === "" ? Number.NaN : Number(s);
};
const optNum = (v: FormDataEntryValue | null) => {
  const s = String(v ?? "").trim();
  return s === "" ? null : Number(s);
};
const str = (v: FormDataEntryValue | null) => String(v ?? "").trim();

export async function action({ request, context }: Route.ActionArgs) {
  requireStaff(context, request, "ADMIN");
  const form = await request.formData();
  const intent = str(form.get("intent"));
  const values = Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]));
  if (intent === "settings") {
    const earnRates = parseRates(str(form.get("earnRates")));
    const fxToBase = parseRates(str(form.get("fxToBase")));
    if (!earnRates || !fxToBase) {
      const fieldErrors: Record<string, FieldMessage> = {};
      if (!earnRates) fieldErrors.earnRates = "rewards.errRateLine";
      if (!fxToBase) fieldErrors.fxToBase = "rewards.errRateLine";
      return { ok: false, intent, fieldErrors, formError: null, values };
    }
    const tiers = [];
    for (let i = 0; i < TIER_ROWS; i++) {
      const code = str(form.get(`tiers.${i}.code`)).toUpperCase();
      if (!code) continue;
      tiers.push({
        code,
        nameEn: str(form.get(`tiers.${i}.nameEn`)),
        nameZh: str(form.get(`tiers.${i}.nameZh`)),
        thresholdMinor: num(form.get(`tiers.${i}.thresholdMinor`)),
        multiplier: num(form.get(`tiers.${i}.multiplier`)),
        benefitsEn: str(form.get(`tiers.${i}.benefitsEn`)),
        benefitsZh: str(form.get(`tiers.${i}.benefitsZh`)),
      });
    }
    const settings = {
      baseCurrency: str(form.get("baseCurrency")).toUpperCase(),
      fxToBase,
      earnRates,
      basis: str(form.get("basis")),
      rounding: str(form.get("rounding")),
      returnWindowDays: num(form.get("returnWindowDays")),
      expiryMonths: num(form.get("expiryMonths")),
      reminderDays: num(form.get("reminderDays")),
      tiers,
      birthdayBonus: num(form.get("birthdayBonus")),
      referral: {
        refereeBonus: num(form.get("referral.refereeBonus")),
        referrerBonus: num(form.get("referral.referrerBonus")),
        maxPer30Days: num(form.get("referral.maxPer30Days")),
        attachWithinDays: num(form.get("referral.attachWithinDays")),
      },
    };
    const r = await attempt(() => context.trpc.loyalty.saveSettings({ settings }), values);
    // tagged(): spreading the failure into an object would lose `intent` (React Router unwraps it to its data).
    return isFormFailure(r) ? tagged(r, { intent }) : { ok: true, intent };
  }
  if (intent === "reward") {
    const id = str(form.get("id")) || null;
    const reward = {
      kind: str(form.get("kind")),
      nameEn: str(form.get("nameEn")),
      nameZh: str(form.get("nameZh")),
      descriptionEn: str(form.get("descriptionEn")),
      descriptionZh: str(form.get("descriptionZh")),
      pointsCost: num(form.get("pointsCost")),
      amountMinor: optNum(form.get("amountMinor")),
      currency: str(form.get("currency")).toUpperCase() || null,
      percentOff: optNum(form.get("percentOff")),
      giftSku: str(form.get("giftSku")) || null,
      stock: optNum(form.get("stock")),
      perCustomerLimit: optNum(form.get("perCustomerLimit")),
      validFrom: str(form.get("validFrom")) || null,
      validUntil: str(form.get("validUntil")) || null,
      codeValidityDays: num(form.get("codeValidityDays")),
      eligibleTiers: str(form.get("eligibleTiers"))
        .split(/[\s,]+/)
        .map((s) => s.toUpperCase())
        .filter(Boolean),
      active: form.get("active") === "on",
    };
    const r = await attempt(() => context.trpc.loyalty.saveReward({ id, reward }), values);
    return isFormFailure(r) ? tagged(r, { intent }) : { ok: true, intent };
  }
  return { ok: false, intent, formError: "errors.invalid", fieldErrors: {} };
}

function Select({ name, label, options, defaultValue, error }: { name: string; label: string; options: [string, string][]; defaultValue: string; error?: FieldMessage }) {
  const t = useT();
  const message = fieldMessage(t, error);
  return (
    <div className={`field${message ? " has-error" : ""}`}>
      <label htmlFor={name}>{label}</label>
      <select id={name} name={name} defaultValue={defaultValue} aria-invalid={message ? true : undefined}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      {message ? (
        <p className="field-error" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}

function TextArea({ name, label, hint, defaultValue, error }: { name: string; label: string; hint?: string; defaultValue: string; error?: FieldMessage }) {
  const t = useT();
  const message = fieldMessage(t, error);
  return (
    <div className={`field${message ? " has-error" : ""}`}>
      <label htmlFor={name}>{label}</label>
      {hint ? (
        <p className="hint" id={`${name}-hint`}>
          {hint}
        </p>
      ) : null}
      <textarea id={name} name={name} rows={3} defaultValue={defaultValue} aria-describedby={hint ? `${name}-hint` : undefined} aria-invalid={message ? true : undefined} />
      {message ? (
        <p className="field-error" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}

const rates = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");

export default function LoyaltySettings({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const { settings: s, rewards, editing } = loaderData;
  const result = useActionData<typeof action>() as (FormResult & { intent?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  const se = result?.intent === "settings" && !result.ok ? (result.fieldErrors ?? {}) : {};
  const sv = result?.intent === "settings" && !result.ok ? result.values : undefined;
  const re = result?.intent === "reward" && !result.ok ? (result.fieldErrors ?? {}) : {};
  const rv = result?.intent === "reward" && !result.ok ? result.values : undefined;
  const v = (name: string, fallback: string | number) => sv?.[name] ?? String(fallback);
  const tierRows = Array.from({ length: TIER_ROWS }, (_, i) => s.tiers[i] ?? null);
  const tierErrors = Object.entries(se).filter(([k]) => k === "tiers" || k.startsWith("tiers."));
  const e = editing;
  const rval = (name: string, fallback: string | number | null | undefined) => rv?.[name] ?? (fallback === null || fallback === undefined ? "" : String(fallback));
  const day = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().slice(0, 10) : "");

  return (
    <section className="stack-lg">
      <p>
        <Link to="/admin/settings">{t("rewards.settingsHubTitle")}</Link>
      </p>
      <h1>{t("rewards.settingsTitle")}</h1>
      <p className="lead">{t("rewards.settingsHubIntro")}</p>

      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value="settings" />
        {result?.intent === "settings" && result.ok ? <Notice>{t("rewards.settingsSaved")}</Notice> : null}
        {result?.intent === "settings" ? <FormError error={result.formError} /> : null}

        <fieldset className="panel stack">
          <legend>{t("rewards.earningTitle")}</legend>
          <TextArea name="earnRates" label={t("rewards.earnRatesLabel")} hint={t("rewards.earnRatesHint")} defaultValue={v("earnRates", rates(s.earnRates))} error={se.earnRates} />
          <Select
            name="basis"
            label={t("rewards.basisLabel")}
            defaultValue={v("basis", s.basis)}
            options={[
              ["SUBTOTAL_AFTER_DISCOUNT", t("rewards.basis_SUBTOTAL_AFTER_DISCOUNT")],
              ["TOTAL", t("rewards.basis_TOTAL")],
            ]}
            error={se.basis}
          />
          <Select
            name="rounding"
            label={t("rewards.roundingLabel")}
            defaultValue={v("rounding", s.rounding)}
            options={[
              ["FLOOR", t("rewards.rounding_FLOOR")],
              ["ROUND", t("rewards.rounding_ROUND")],
              ["CEIL", t("rewards.rounding_CEIL")],
            ]}
            error={se.rounding}
          />
          <Field name="returnWindowDays" type="number" min={0} max={365} label={t("rewards.returnWindowLabel")} defaultValue={v("returnWindowDays", s.returnWindowDays)} error={se.returnWindowDays} />
          <Field name="expiryMonths" type="number" min={1} max={120} label={t("rewards.expiryMonthsLabel")} defaultValue={v("expiryMonths", s.expiryMonths)} error={se.expiryMonths} />
          <Field name="reminderDays" type="number" min={1} max={120} label={t("rewards.reminderDaysLabel")} defaultValue={v("reminderDays", s.reminderDays)} error={se.reminderDays} />
        </fieldset>

        <fieldset className="panel stack">
          <legend>{t("rewards.bonusesTitle")}</legend>
          <Field name="birthdayBonus" type="number" min={0} label={t("rewards.birthdayBonusLabel")} defaultValue={v("birthdayBonus", s.birthdayBonus)} error={se.birthdayBonus} />
          <Field name="referral.refereeBonus" type="number" min={0} label={t("rewards.refereeBonusLabel")} defaultValue={v("referral.refereeBonus", s.referral.refereeBonus)} error={se["referral.refereeBonus"]} />
          <Field name="referral.referrerBonus" type="number" min={0} label={t("rewards.referrerBonusLabel")} defaultValue={v("referral.referrerBonus", s.referral.referrerBonus)} error={se["referral.referrerBonus"]} />
          <Field name="referral.maxPer30Days" type="number" min={0} label={t("rewards.referralMaxLabel")} defaultValue={v("referral.maxPer30Days", s.referral.maxPer30Days)} error={se["referral.maxPer30Days"]} />
          <Field name="referral.attachWithinDays" type="number" min={1} label={t("rewards.referralWindowLabel")} defaultValue={v("referral.attachWithinDays", s.referral.attachWithinDays)} error={se["referral.attachWithinDays"]} />
        </fieldset>

        <fieldset className="panel stack">
          <legend>{t("rewards.tiersTitle")}</legend>
          <Field name="baseCurrency" label={t("rewards.baseCurrencyLabel")} maxLength={3} defaultValue={v("baseCurrency", s.baseCurrency)} error={se.baseCurrency} />
          <TextArea name="fxToBase" label={t("rewards.fxLabel")} hint={t("rewards.fxHint")} defaultValue={v("fxToBase", rates(s.fxToBase))} error={se.fxToBase} />
          <p className="hint">{t("rewards.tierRemoveHint")}</p>
          {tierErrors.map(([k, m]) => (
            <FormError key={k} error={m} />
          ))}
          {tierRows.map((tier, i) => (
            <fieldset key={i} className="stack">
              <legend>
                {t("rewards.colTier")} {i + 1}
              </legend>
              <Field name={`tiers.${i}.code`} label={t("rewards.tierCodeLabel")} defaultValue={v(`tiers.${i}.code`, tier?.code ?? "")} error={se[`tiers.${i}.code`]} />
              <Field name={`tiers.${i}.nameEn`} label={t("rewards.tierNameEnLabel")} defaultValue={v(`tiers.${i}.nameEn`, tier?.nameEn ?? "")} error={se[`tiers.${i}.nameEn`]} />
              <Field name={`tiers.${i}.nameZh`} label={t("rewards.tierNameZhLabel")} defaultValue={v(`tiers.${i}.nameZh`, tier?.nameZh ?? "")} error={se[`tiers.${i}.nameZh`]} />
              <Field name={`tiers.${i}.thresholdMinor`} type="number" min={0} label={t("rewards.tierThresholdLabel")} defaultValue={v(`tiers.${i}.thresholdMinor`, tier?.thresholdMinor ?? "")} error={se[`tiers.${i}.thresholdMinor`]} />
              <Field name={`tiers.${i}.multiplier`} type="number" step="0.05" min={1} max={10} label={t("rewards.tierMultiplierLabel")} defaultValue={v(`tiers.${i}.multiplier`, tier?.multiplier ?? "")} error={se[`tiers.${i}.multiplier`]} />
              <Field name={`tiers.${i}.benefitsEn`} label={t("rewards.tierBenefitsEnLabel")} defaultValue={v(`tiers.${i}.benefitsEn`, tier?.benefitsEn ?? "")} error={se[`tiers.${i}.benefitsEn`]} />
              <Field name={`tiers.${i}.benefitsZh`} label={t("rewards.tierBenefitsZhLabel")} defaultValue={v(`tiers.${i}.benefitsZh`, tier?.benefitsZh ?? "")} error={se[`tiers.${i}.benefitsZh`]} />
            </fieldset>
          ))}
        </fieldset>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t("rewards.saveSettings")}
          </button>
        </div>
      </Form>

      <section className="panel stack" aria-labelledby="catalog-h">
        <h2 id="catalog-h">{t("rewards.catalogTitle")}</h2>
        {result?.intent === "reward" && result.ok ? <Notice>{t("rewards.rewardSaved")}</Notice> : null}
        {rewards.length === 0 ? (
          <p>{t("rewards.catalogEmpty")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("rewards.colReward")}</th>
                  <th scope="col">{t("rewards.rewardKindLabel")}</th>
                  <th scope="col">{t("rewards.rewardCostLabel")}</th>
                  <th scope="col">{t("rewards.rewardStockLabel")}</th>
                  <th scope="col">{t("rewards.rewardValidUntilLabel")}</th>
                  <th scope="col">{t("rewards.colStatus")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("rewards.editReward")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rewards.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">{locale === "zh-CN" ? r.nameZh : r.nameEn}</th>
                    <td>{t(`rewards.kind_${r.kind}`, { amount: r.amountMinor ?? "", percent: r.percentOff ?? "" })}</td>
                    <td>{r.pointsCost}</td>
                    <td>{r.stock ?? t("rewards.unlimited")}</td>
                    <td>{r.validUntil ? formatDate(locale, r.validUntil) : "—"}</td>
                    <td>{r.active ? t("rewards.active") : t("rewards.inactive")}</td>
                    <td>
                      <Link to={`?edit=${encodeURIComponent(r.id)}#reward-form`}>{t("rewards.editReward")}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}

        <Form method="post" className="stack" noValidate id="reward-form" key={e?.id ?? "new"}>
          <h3>{e ? `${t("rewards.editReward")}: ${e.nameEn}` : t("rewards.newReward")}</h3>
          <input type="hidden" name="intent" value="reward" />
          <input type="hidden" name="id" value={e?.id ?? ""} />
          {result?.intent === "reward" ? <FormError error={result.formError} /> : null}
          <Select
            name="kind"
            label={t("rewards.rewardKindLabel")}
            defaultValue={rval("kind", e?.kind ?? "FIXED_AMOUNT")}
            options={[
              ["FIXED_AMOUNT", t("rewards.kind_FIXED_AMOUNT", { amount: "…" })],
              ["PERCENTAGE", t("rewards.kind_PERCENTAGE", { percent: "…" })],
              ["FREE_SHIPPING", t("rewards.kind_FREE_SHIPPING")],
              ["GIFT_ITEM", t("rewards.kind_GIFT_ITEM")],
            ]}
            error={re.kind}
          />
          <Field name="nameEn" label={t("rewards.rewardNameEnLabel")} defaultValue={rval("nameEn", e?.nameEn)} error={re.nameEn} />
          <Field name="nameZh" label={t("rewards.rewardNameZhLabel")} defaultValue={rval("nameZh", e?.nameZh)} error={re.nameZh} />
          <Field name="descriptionEn" label={t("rewards.rewardDescEnLabel")} defaultValue={rval("descriptionEn", e?.descriptionEn)} error={re.descriptionEn} />
          <Field name="descriptionZh" label={t("rewards.rewardDescZhLabel")} defaultValue={rval("descriptionZh", e?.descriptionZh)} error={re.descriptionZh} />
          <Field name="pointsCost" type="number" min={1} label={t("rewards.rewardCostLabel")} defaultValue={rval("pointsCost", e?.pointsCost)} error={re.pointsCost} />
          <Field name="amountMinor" type="number" min={1} label={t("rewards.rewardAmountLabel")} defaultValue={rval("amountMinor", e?.amountMinor)} error={re.amountMinor} />
          <Field name="currency" maxLength={3} label={t("rewards.rewardCurrencyLabel")} defaultValue={rval("currency", e?.currency)} error={re.currency} />
          <Field name="percentOff" type="number" min={1} max={100} label={t("rewards.rewardPercentLabel")} defaultValue={rval("percentOff", e?.percentOff)} error={re.percentOff} />
          <Field name="giftSku" label={t("rewards.rewardGiftSkuLabel")} defaultValue={rval("giftSku", e?.giftSku)} error={re.giftSku} />
          <Field name="stock" type="number" min={0} label={t("rewards.rewardStockLabel")} defaultValue={rval("stock", e?.stock)} error={re.stock} />
          <Field name="perCustomerLimit" type="number" min={1} label={t("rewards.rewardLimitLabel")} defaultValue={rval("perCustomerLimit", e?.perCustomerLimit)} error={re.perCustomerLimit} />
          <Field name="validFrom" type="date" label={t("rewards.rewardValidFromLabel")} defaultValue={rval("validFrom", day(e?.validFrom))} error={re.validFrom} />
          <Field name="validUntil" type="date" label={t("rewards.rewardValidUntilLabel")} defaultValue={rval("validUntil", day(e?.validUntil))} error={re.validUntil} />
          <Field name="codeValidityDays" type="number" min={1} max={730} label={t("rewards.rewardCodeDaysLabel")} defaultValue={rval("codeValidityDays", e?.codeValidityDays ?? 30)} error={re.codeValidityDays} />
          <Field name="eligibleTiers" label={t("rewards.rewardTiersLabel")} defaultValue={rval("eligibleTiers", e?.eligibleTiers.join(", "))} error={re.eligibleTiers} />
          <label className="check">
            <input type="checkbox" name="active" defaultChecked={rv ? rv.active === "on" : (e?.active ?? true)} /> {t("rewards.rewardActiveLabel")}
          </label>
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t("rewards.saveReward")}
            </button>
          </div>
        </Form>
      </section>
    </section>
  );
}
