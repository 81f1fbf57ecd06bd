// The customer's rewards page: balances (available, pending, owed), tier and progress, rewards
// they can redeem, their codes, the points history with reasons, and the referral code and link.
// Forms post to the action (works without JS); the action calls the tRPC caller.
import { Form, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/index";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { formatDate, formatMoney, translator, type Locale, type T } from "#app/i18n/index.ts";
import { attempt, isFormFailure, tagged } from "#app/lib/forms.server.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import { referralCodeFrom } from "#app/lib/referral-cookie.server.ts";
import { LedgerHead, ledgerTypeLabel, signedPoints } from "./components.tsx";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? "Rewards"} · Rapport` }];
}

export async function loader({ context, request }: Route.LoaderArgs) {
  requireCustomer(context, request);
  const overview = await context.trpc.loyalty.overview();
  return {
    overview,
    appUrl: context.ctx.env.APP_URL,
    referralPrefill: referralCodeFrom(request),
    requestId: crypto.randomUUID().replaceAll("-", ""),
    title: translator(context.ctx.locale)("rewards.title"),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  requireCustomer(context, request);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  if (intent === "redeem") {
    const rewardId = String(form.get("rewardId") ?? "");
    const requestId = String(form.get("requestId") ?? "") || undefined;
    const r = await attempt(() => context.trpc.loyalty.redeem({ rewardId, requestId }));
    // tagged(): spreading the failure into an object would lose `intent` (React Router unwraps it to its data).
    return isFormFailure(r) ? tagged(r, { intent, rewardId }) : { ok: true, intent, code: r.code, rewardId };
  }
  if (intent === "referral") {
    const code = String(form.get("code") ?? "");
    const r = await attempt(() => context.trpc.loyalty.attachReferral({ code }), { code });
    return isFormFailure(r) ? tagged(r, { intent }) : { ok: true, intent };
  }
  return { ok: false, intent, formError: "errors.invalid" };
}

type Overview = Route.ComponentProps["loaderData"]["overview"];
type RewardRow = Overview["rewards"][number];

function rewardTitle(r: RewardRow, locale: Locale) {
  return locale === "zh-CN" ? r.nameZh : r.nameEn;
}

function rewardKind(t: T, r: RewardRow, locale: Locale) {
  if (r.kind === "FIXED_AMOUNT" && r.amountMinor && r.currency) return t("rewards.kind_FIXED_AMOUNT", { amount: formatMoney(locale, r.amountMinor, r.currency) });
  if (r.kind === "PERCENTAGE" && r.percentOff) return t("rewards.kind_PERCENTAGE", { percent: r.percentOff });
  return t(`rewards.kind_${r.kind}`);
}

export default function Rewards({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const { overview: o, appUrl, referralPrefill, requestId } = loaderData;
  const result = useActionData<typeof action>() as (FormResult & { intent?: string; code?: string; rewardId?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  const num = new Intl.NumberFormat(locale);
  const tierName = (tier: { nameEn: string; nameZh: string }) => (locale === "zh-CN" ? tier.nameZh : tier.nameEn);
  const money = (minor: number) => formatMoney(locale, minor, o.tier.baseCurrency);
  const rewards = [...o.rewards].sort((a, b) => Number(b.affordable) - Number(a.affordable) || a.pointsCost - b.pointsCost);
  const referralLink = `${appUrl}/rewards/join?ref=${encodeURIComponent(o.referral.code)}`;
  const rates = Object.entries(o.rules.earnRates);

  return (
    <section className="stack-lg">
      <header>
        <h1>{t("rewards.title")}</h1>
        <p className="lead">{t("rewards.intro")}</p>
      </header>

      <div className="cards">
        <section className="card" aria-labelledby="bal-available">
          <h2 id="bal-available" className="card-label">
            {t("rewards.available")}
          </h2>
          <p className="card-value">{num.format(o.balances.available)}</p>
          {o.nextExpiry ? <p className="card-note">{t("rewards.nextExpiry", { points: num.format(o.nextExpiry.points), date: formatDate(locale, o.nextExpiry.at, tz) })}</p> : null}
        </section>
        <section className="card" aria-labelledby="bal-pending">
          <h2 id="bal-pending" className="card-label">
            {t("rewards.pending")}
          </h2>
          <p className="card-value">{num.format(o.balances.pending)}</p>
          <p className="card-note">{t("rewards.pendingHint", { days: o.rules.returnWindowDays })}</p>
        </section>
        {o.balances.debt > 0 ? (
          <section className="card" aria-labelledby="bal-debt">
            <h2 id="bal-debt" className="card-label">
              {t("rewards.debt")}
            </h2>
            <p className="card-value">{num.format(o.balances.debt)}</p>
            <p className="card-note">{t("rewards.debtHint")}</p>
          </section>
        ) : null}
      </div>
      <p className="hint">
        {t("rewards.earnRule", { rates: rates.map(([currency, rate]) => t("rewards.earnRate", { rate: num.format(rate), currency })).join(locale === "zh-CN" ? "，" : ", ") })} {t("rewards.expiryRule", { months: o.rules.expiryMonths })}
      </p>

      <section className="panel" aria-labelledby="tier-h">
        <h2 id="tier-h">{t("rewards.tierTitle")}</h2>
        <p>
          <strong>{t("rewards.tierCurrent", { tier: tierName(o.tier) })}</strong> · {t("rewards.tierMultiplier", { multiplier: o.tier.multiplier })}
        </p>
        {(locale === "zh-CN" ? o.tier.benefitsZh : o.tier.benefitsEn) ? <p>{locale === "zh-CN" ? o.tier.benefitsZh : o.tier.benefitsEn}</p> : null}
        <p>{t("rewards.tierSpend", { amount: money(o.tier.spendMinor) })}</p>
        {o.tier.next ? (
          <>
            <label htmlFor="tier-progress">{t("rewards.tierNext", { amount: money(o.tier.remainingMinor), tier: tierName(o.tier.next) })}</label>
            <progress id="tier-progress" max={100} value={o.tier.percent} aria-label={t("rewards.tierProgressLabel")}>
              {o.tier.percent}%
            </progress>
          </>
        ) : (
          <p>{t("rewards.tierTop")}</p>
        )}
        <details>
          <summary>{t("rewards.tiersTable")}</summary>
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("rewards.colTier")}</th>
                  <th scope="col">{t("rewards.colThreshold")}</th>
                  <th scope="col">{t("rewards.colMultiplier")}</th>
                  <th scope="col">{t("rewards.colBenefits")}</th>
                </tr>
              </thead>
              <tbody>
                {o.tiers.map((tier) => (
                  <tr key={tier.code}>
                    <th scope="row">{tierName(tier)}</th>
                    <td>{money(tier.thresholdMinor)}</td>
                    <td>×{tier.multiplier}</td>
                    <td>{locale === "zh-CN" ? tier.benefitsZh : tier.benefitsEn}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>

      <section className="panel" aria-labelledby="rewards-h">
        <h2 id="rewards-h">{t("rewards.rewardsTitle")}</h2>
        {result?.intent === "redeem" && result.ok && result.code ? <Notice>{t("rewards.redeemed", { code: result.code })}</Notice> : null}
        {result?.intent === "redeem" && !result.ok ? <FormError error={result.formError ?? Object.values(result.fieldErrors ?? {})[0]} /> : null}
        {rewards.length === 0 ? (
          <p>{t("rewards.noRewards")}</p>
        ) : (
          <>
            <p className="hint">{t("rewards.rewardsIntro")}</p>
            <ul className="plain-list">
              {rewards.map((r) => (
                <li key={r.id} className="row">
                  <span>
                    <strong>{rewardTitle(r, locale)}</strong> — {rewardKind(t, r, locale)} · {t("rewards.cost", { points: num.format(r.pointsCost) })}
                    {r.stock !== null ? <> · {t("rewards.stockLeft", { count: r.stock })}</> : null}
                    {r.validUntil ? <> · {t("rewards.validUntil", { date: formatDate(locale, r.validUntil, tz) })}</> : null}
                    {(locale === "zh-CN" ? r.descriptionZh : r.descriptionEn) ? (
                      <>
                        <br />
                        <small>{locale === "zh-CN" ? r.descriptionZh : r.descriptionEn}</small>
                      </>
                    ) : null}
                  </span>
                  {r.availability !== "ok" ? (
                    <small>{t(`rewards.unavailable_${r.availability}`)}</small>
                  ) : r.affordable ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="redeem" />
                      <input type="hidden" name="rewardId" value={r.id} />
                      <input type="hidden" name="requestId" value={`${requestId}${r.id}`.slice(0, 64)} />
                      <button type="submit" className="button small" disabled={busy} aria-label={`${t("rewards.redeem")}: ${rewardTitle(r, locale)}`}>
                        {t("rewards.redeem")}
                      </button>
                    </Form>
                  ) : (
                    <small>{t("rewards.redeemNeed", { points: num.format(r.pointsCost - o.balances.available) })}</small>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="codes-h">
        <h2 id="codes-h">{t("rewards.codesTitle")}</h2>
        {o.codes.length === 0 ? (
          <p>{t("rewards.noCodes")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("rewards.colCode")}</th>
                  <th scope="col">{t("rewards.colReward")}</th>
                  <th scope="col">{t("rewards.colStatus")}</th>
                  <th scope="col">{t("rewards.colExpires")}</th>
                </tr>
              </thead>
              <tbody>
                {o.codes.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <code>{c.code}</code>
                    </th>
                    <td>{locale === "zh-CN" ? c.rewardNameZh : c.rewardNameEn}</td>
                    <td>{t(`rewards.status_${c.status}`)}</td>
                    <td>{formatDate(locale, c.expiresAt, tz)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="history-h">
        <h2 id="history-h">{t("rewards.historyTitle")}</h2>
        {o.history.length === 0 ? (
          <p>{t("rewards.noHistory")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <LedgerHead t={t} />
              <tbody>
                {o.history.map((e) => (
                  <tr key={e.id}>
                    <td>{formatDate(locale, e.createdAt, tz)}</td>
                    <td>{ledgerTypeLabel(t, e.type)}</td>
                    <td>
                      {e.reason}
                      {e.debt ? <small> ({t("rewards.colDebt")}: {e.debt > 0 ? "+" : ""}{num.format(e.debt)})</small> : null}
                    </td>
                    <td>{signedPoints(num, e.available)}</td>
                    <td>{signedPoints(num, e.pending)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="referral-h">
        <h2 id="referral-h">{t("rewards.referralTitle")}</h2>
        <p>{t("rewards.referralIntro", { referee: num.format(o.referral.refereeBonus), referrer: num.format(o.referral.referrerBonus) })}</p>
        <dl className="kv">
          <dt>{t("rewards.referralCode")}</dt>
          <dd>
            <code>{o.referral.code}</code>
          </dd>
          <dt>{t("rewards.referralLink")}</dt>
          <dd>
            <code style={{ overflowWrap: "anywhere" }}>{referralLink}</code>
          </dd>
        </dl>
        <p>
          {t("rewards.referralCounts", {
            pending: o.referral.counts.PENDING ?? 0,
            qualified: o.referral.counts.QUALIFIED ?? 0,
            rewarded: o.referral.counts.REWARDED ?? 0,
          })}
        </p>
        {o.referral.referredStatus ? <p>{t("rewards.referralYours", { status: t(`rewards.referralStatus_${o.referral.referredStatus}`) })}</p> : null}
        {result?.intent === "referral" && result.ok ? <Notice>{t("rewards.referralAttached")}</Notice> : null}
        {o.referral.canAttach && !(result?.intent === "referral" && result.ok) ? (
          <Form method="post" className="stack" noValidate>
            <h3>{t("rewards.referralAttachTitle")}</h3>
            <input type="hidden" name="intent" value="referral" />
            {result?.intent === "referral" ? <FormError error={result.formError} /> : null}
            <Field
              name="code"
              label={t("rewards.referralAttachLabel")}
              hint={t("rewards.referralAttachHint")}
              autoComplete="off"
              defaultValue={result?.intent === "referral" ? (result.values?.code ?? "") : referralPrefill}
              error={result?.intent === "referral" ? result.fieldErrors?.code : undefined}
            />
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                {t("rewards.referralAttachSubmit")}
              </button>
            </div>
          </Form>
        ) : null}
      </section>
    </section>
  );
}
