// Care automations (/marketing/automations): each with its description, on/off (a plain POST form,
// works without JavaScript), holdout share and counts, and a link to its settings and results.
import { Form, Link, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/automations";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { translator } from "#app/i18n/index.ts";
import { attempt, isFormFailure } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "MARKETER");
  const automations = await context.trpc.automations.list();
  return { automations, title: translator(context.ctx.locale)("automations.title") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export async function action({ context, request }: Route.ActionArgs) {
  requireStaff(context, request, "MARKETER");
  const form = await request.formData();
  const key = String(form.get("key") ?? "");
  const enabled = form.get("enabled") === "true";
  const r = await attempt(() => context.trpc.automations.setEnabled({ key, enabled }));
  if (isFormFailure(r)) return r;
  return { ok: true, key, enabled: r.enabled } satisfies FormResult & { key: string; enabled: boolean };
}

export default function Automations({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const locale = useLocale();
  const int = new Intl.NumberFormat(locale);
  const result = useActionData<typeof action>() as (FormResult & { enabled?: boolean }) | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <section className="stack-lg">
      <header className="stack">
        <h1>{t("automations.title")}</h1>
        <p className="lead">{t("automations.intro")}</p>
      </header>
      {result?.ok ? <Notice>{t(result.enabled ? "automations.turnedOn" : "automations.turnedOff")}</Notice> : null}
      <FormError error={result?.formError} />
      <div className="table-wrap">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t("automations.colAutomation")}</th>
              <th scope="col">{t("automations.colStatus")}</th>
              <th scope="col">{t("automations.colHoldout")}</th>
              <th scope="col">{t("automations.colEntered")}</th>
              <th scope="col">{t("automations.colSent")}</th>
              <th scope="col">{t("automations.colHoldoutCount")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("automations.edit")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {loaderData.automations.map((a) => {
              const name = t(`automations.name_${a.key}`);
              return (
                <tr key={a.key}>
                  <td>
                    <Link to={`/marketing/automations/${a.key}`}>
                      <strong>{name}</strong>
                    </Link>
                    {a.transactional ? <span className="hint"> ({t("automations.transactionalBadge")})</span> : null}
                    <div className="hint">{t(`automations.desc_${a.key}`)}</div>
                    {a.id === null ? <div className="hint">{t("automations.neverConfigured")}</div> : null}
                  </td>
                  <td>
                    <div className="stack">
                      <span>{t(a.enabled ? "automations.on" : "automations.off")}</span>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="key" value={a.key} />
                        <input type="hidden" name="enabled" value={a.enabled ? "false" : "true"} />
                        <button type="submit" className={`button small${a.enabled ? " secondary" : ""}`} disabled={busy} aria-label={t(a.enabled ? "automations.turnOffNamed" : "automations.turnOnNamed", { name })}>
                          {t(a.enabled ? "automations.turnOff" : "automations.turnOn")}
                        </button>
                      </Form>
                    </div>
                  </td>
                  <td>{int.format(a.holdoutPct)} %</td>
                  <td>{int.format(a.counts.entered)}</td>
                  <td>{int.format(a.counts.sent)}</td>
                  <td>{int.format(a.counts.holdout)}</td>
                  <td>
                    <Link to={`/marketing/automations/${a.key}`} aria-label={t("automations.editNamed", { name })}>
                      {t("automations.edit")}
                    </Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
