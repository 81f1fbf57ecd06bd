// Marketing settings (admins): the frequency cap on marketing email — at most N messages per
// customer within D days (0 = no cap). A plain form; the domain (server/domain/campaigns/settings.ts)
// validates with frequencyCapSchema and audits the change; its messages land on the fields.
import { Form, Link, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/settings.marketing";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { translator } from "#app/i18n/index.ts";
import { attempt, formValues } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useT } from "#app/lib/i18n.ts";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "ADMIN");
  const cap = await context.trpc.campaigns.frequencyCap();
  return { cap, title: translator(context.ctx.locale)("campaigns.settingsTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export async function action({ context, request }: Route.ActionArgs) {
  requireStaff(context, request, "ADMIN");
  const values = formValues(await request.formData(), "maxMessages", "windowDays");
  // Empty fields are sent as null, so the schema reports them (a blank must not read as 0).
  const orNull = (s: string) => (s.trim() === "" ? null : s.trim());
  return attempt(async () => {
    await context.trpc.campaigns.saveFrequencyCap({ maxMessages: orNull(values.maxMessages!), windowDays: orNull(values.windowDays!) });
    return { ok: true as const };
  }, values);
}

export default function MarketingSettings({ loaderData }: Route.ComponentProps) {
  const { cap } = loaderData;
  const t = useT();
  const result = useActionData<typeof action>() as FormResult | undefined;
  const busy = useNavigation().state === "submitting";
  const failed = result && result.ok === false ? result : undefined;
  const values = failed?.values ?? { maxMessages: String(cap.maxMessages), windowDays: String(cap.windowDays) };
  return (
    <section className="stack">
      <p>
        <Link to="/admin/settings">{t("rewards.settingsHubTitle")}</Link>
      </p>
      <h1>{t("campaigns.settingsTitle")}</h1>
      {result?.ok ? <Notice>{t("campaigns.capSaved")}</Notice> : null}
      <FormError error={failed?.formError} />
      <Form method="post" className="stack narrow" noValidate key={result?.ok ? `saved-${cap.maxMessages}-${cap.windowDays}` : "form"}>
        <fieldset className="stack">
          <legend>{t("campaigns.capLegend")}</legend>
          <p className="hint">{t("campaigns.capIntro")}</p>
          <p>{cap.maxMessages === 0 ? t("campaigns.capOff") : t("campaigns.capCurrent", { max: cap.maxMessages, days: cap.windowDays })}</p>
          <Field name="maxMessages" label={t("campaigns.capMax")} hint={t("campaigns.capMaxHint")} type="number" inputMode="numeric" min={0} max={100} step={1} defaultValue={values.maxMessages ?? ""} error={failed?.fieldErrors?.maxMessages} />
          <Field name="windowDays" label={t("campaigns.capDays")} hint={t("campaigns.capDaysHint")} type="number" inputMode="numeric" min={1} max={90} step={1} defaultValue={values.windowDays ?? ""} error={failed?.fieldErrors?.windowDays} />
        </fieldset>
        <div>
          <button type="submit" className="button" disabled={busy}>
            {t("campaigns.capSave")}
          </button>
        </div>
      </Form>
    </section>
  );
}
