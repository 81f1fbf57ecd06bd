// Staff: one customer's loyalty ledger (every entry with its reason, source, key and author),
// their codes and tier history, and a points adjustment with a required reason (audited).
import { data, Form, Link, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/loyalty";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { formatDate } from "#app/i18n/index.ts";
import { attempt, formValues, isTrpcCode } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import { LedgerHead, ledgerTypeLabel, signedPoints } from "../rewards/components.tsx";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT", "MARKETER");
  try {
    const ledger = await context.trpc.loyalty.customerLedger({ customerId: params.customerId });
    return { ledger, canAdjust: context.ctx.session?.user.staffRole !== "MARKETER", requestId: crypto.randomUUID().replaceAll("-", ""), title: ledger.customer.name || ledger.customer.email };
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw data(null, { status: 404 });
    throw e;
  }
}

export async function action({ request, context, params }: Route.ActionArgs) {
  requireStaff(context, request, "AGENT");
  const form = await request.formData();
  const values = formValues(form, "points", "reason", "requestId");
  const points = /^[-+]?\d+$/.test(values.points.trim()) ? Number(values.points.trim()) : 0;
  const r = await attempt(() => context.trpc.loyalty.adjust({ customerId: params.customerId, points, reason: values.reason, requestId: values.requestId || undefined }), values);
  return "entryId" in r ? { ok: true } : r;
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data ? `${data.title} · Rapport` : "Rapport" }];
}


export default function StaffLoyalty({ loaderData }: Route.ComponentProps) {
  const { ledger: l, canAdjust, requestId } = loaderData;
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const num = new Intl.NumberFormat(locale);
  const result = useActionData<typeof action>() as FormResult | undefined;
  const busy = useNavigation().state === "submitting";
  const signed = (n: number) => signedPoints(num, n);

  return (
    <article className="stack">
      <p>
        <Link to={`/staff/customers/${encodeURIComponent(l.customer.id)}`}>{t("rewards.staffBack")}</Link>
      </p>
      <h1>{t("rewards.staffTitle", { name: l.customer.name || l.customer.email })}</h1>
      <div className="cards">
        <section className="card">
          <h2 className="card-label">{t("rewards.available")}</h2>
          <p className="card-value">{num.format(l.balances.available)}</p>
        </section>
        <section className="card">
          <h2 className="card-label">{t("rewards.pending")}</h2>
          <p className="card-value">{num.format(l.balances.pending)}</p>
        </section>
        <section className="card">
          <h2 className="card-label">{t("rewards.debt")}</h2>
          <p className="card-value">{num.format(l.balances.debt)}</p>
        </section>
      </div>

      {canAdjust ? (
        <section className="panel" aria-labelledby="adjust-h">
          <h2 id="adjust-h">{t("rewards.staffAdjustTitle")}</h2>
          <p className="hint">{t("rewards.staffAdjustIntro")}</p>
          {result?.ok ? <Notice>{t("rewards.staffAdjusted")}</Notice> : null}
          {result && !result.ok ? <FormError error={result.formError} /> : null}
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="requestId" value={requestId} />
            <Field name="points" label={t("rewards.staffPoints")} inputMode="numeric" required defaultValue={result?.ok ? "" : (result?.values?.points ?? "")} error={result?.ok ? undefined : result?.fieldErrors?.points} />
            <Field name="reason" label={t("rewards.staffReason")} required maxLength={300} defaultValue={result?.ok ? "" : (result?.values?.reason ?? "")} error={result?.ok ? undefined : result?.fieldErrors?.reason} />
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                {t("rewards.staffAdjustSubmit")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="entries-h">
        <h2 id="entries-h">{t("rewards.staffEntries", { count: num.format(l.total) })}</h2>
        <div className="table-wrap">
          <table className="data-table">
            <LedgerHead t={t} staff />
            <tbody>
              {l.entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(locale, e.createdAt, tz, true)}</td>
                  <td>{ledgerTypeLabel(t, e.type)}</td>
                  <td>
                    {e.reason}
                    {e.sourceType ? <small> · {e.sourceType}</small> : null}
                  </td>
                  <td>{signed(e.available)}</td>
                  <td>{signed(e.pending)}</td>
                  <td>{signed(e.debt)}</td>
                  <td>{e.actorName ?? "—"}</td>
                  <td>
                    <small>
                      <code>{e.idempotencyKey}</code>
                    </small>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel" aria-labelledby="codes-h">
        <h2 id="codes-h">{t("rewards.staffCodes")}</h2>
        {l.redemptions.length === 0 ? (
          <p>{t("rewards.noCodes")}</p>
        ) : (
          <ul className="plain-list">
            {l.redemptions.map((r) => (
              <li key={r.id}>
                <code>{r.code}</code> — {r.reward} · {t(`rewards.status_${r.status}`)} · {t("rewards.cost", { points: num.format(r.pointsCost) })} · {formatDate(locale, r.expiresAt, tz)}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="tiers-h">
        <h2 id="tiers-h">{t("rewards.staffTierHistory")}</h2>
        {l.tierHistory.length === 0 ? (
          <p>{t("rewards.staffNoTierHistory")}</p>
        ) : (
          <ul className="plain-list">
            {l.tierHistory.map((h) => (
              <li key={h.id}>
                {formatDate(locale, h.createdAt, tz)}: {h.from} → {h.to} ({h.reason})
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
