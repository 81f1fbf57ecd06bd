// The public NPS survey behind the tokenised link of the nps-survey email: 0–10 radio buttons and
// an optional comment. The email's score links only pre-select a score (no change on GET).
import { data, Form, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/nps";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, translator } from "#app/i18n/index.ts";
import { attempt, formValues, isTrpcCode } from "#app/lib/forms.server.ts";
import { useT } from "#app/lib/i18n.ts";

export async function loader({ context, params, request }: Route.LoaderArgs) {
  const title = translator(context.ctx.locale)("analytics.npsTitle");
  const preset = Number(new URL(request.url).searchParams.get("score"));
  try {
    const survey = await context.trpc.analytics.npsSurvey({ token: params.token });
    return { valid: true as const, survey, preset: Number.isInteger(preset) && preset >= 0 && preset <= 10 ? preset : null, title };
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) return data({ valid: false as const, survey: null, preset: null, title }, { status: 404 });
    throw e;
  }
}

export async function action({ context, params, request }: Route.ActionArgs) {
  const form = await request.formData();
  const values = formValues(form, "score", "comment");
  const score = values.score === "" ? null : Number(values.score);
  const r = await attempt(() => context.trpc.analytics.npsRespond({ token: params.token, score: Number.isFinite(score) ? score : null, comment: values.comment }), values);
  return "answered" in r ? { ok: true as const, already: r.already } : r;
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }, { name: "robots", content: "noindex" }];
}

export default function NpsSurvey({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const nav = useNavigation();
  const result = useActionData<typeof action>() as (FormResult & { already?: boolean }) | undefined;
  const { valid, survey, preset } = loaderData;

  if (!valid) {
    return (
      <article className="narrow stack">
        <h1>{t("analytics.npsTitle")}</h1>
        <p role="alert">{t("analytics.npsInvalidLink")}</p>
      </article>
    );
  }
  if (result?.ok) {
    return (
      <article className="narrow stack">
        <h1>{t("analytics.npsTitle")}</h1>
        <Notice>{result.already ? t("analytics.npsAlready") : t("analytics.npsThanks")}</Notice>
      </article>
    );
  }
  if (survey.answered) {
    return (
      <article className="narrow stack">
        <h1>{t("analytics.npsTitle")}</h1>
        <Notice>{t("analytics.npsAlready")}</Notice>
      </article>
    );
  }
  const scoreError = fieldMessage(t, result?.fieldErrors?.score);
  const commentError = fieldMessage(t, result?.fieldErrors?.comment);
  const selected = result?.values?.score ?? (preset === null ? "" : String(preset));
  return (
    <article className="narrow stack">
      <h1>{t("analytics.npsTitle")}</h1>
      <FormError error={result?.formError} />
      <Form method="post" className="stack">
        <fieldset aria-describedby="nps-scale" aria-invalid={scoreError ? true : undefined}>
          <legend>{t("analytics.npsQuestion")}</legend>
          <p id="nps-scale" className="hint">
            {t("analytics.npsScale")}
          </p>
          <div style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem" }}>
            {Array.from({ length: 11 }, (_, n) => (
              <label key={n} className="check">
                <input type="radio" name="score" value={n} defaultChecked={selected === String(n)} />
                {n}
              </label>
            ))}
          </div>
          {scoreError ? (
            <p className="field-error" role="alert">
              {scoreError}
            </p>
          ) : null}
        </fieldset>
        <div className={`field${commentError ? " has-error" : ""}`}>
          <label htmlFor="nps-comment">{t("analytics.npsComment")}</label>
          <textarea id="nps-comment" name="comment" rows={4} maxLength={2000} defaultValue={result?.values?.comment ?? ""} aria-invalid={commentError ? true : undefined} aria-describedby={commentError ? "nps-comment-error" : undefined} />
          {commentError ? (
            <p id="nps-comment-error" className="field-error" role="alert">
              {commentError}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button" disabled={nav.state === "submitting"}>
          {t("analytics.npsSubmit")}
        </button>
      </Form>
    </article>
  );
}
