// Rating a solved request (1–5 and an optional comment), once. The CSAT email links here with
// ?score=N, which only preselects the score: a GET never records anything.
import { Form, Link, redirect, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/rate";
import { FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { attempt } from "#app/lib/forms.server.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { loadOwnTicket, ticketNumber } from "./tickets.server.ts";
import { FieldErrorLine } from "./ui.tsx";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  const ticket = await loadOwnTicket(context, request, params);
  const s = Number(new URL(request.url).searchParams.get("score"));
  return { ticket: { number: ticket.number, subject: ticket.subject, status: ticket.status, csatScore: ticket.csatScore, canRate: ticket.canRate }, score: Number.isInteger(s) && s >= 1 && s <= 5 ? s : null };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data ? `#${data.ticket.number} · Rapport` : "Rapport" }];
}

export async function action({ request, context, params }: Route.ActionArgs) {
  requireCustomer(context, request);
  const number = ticketNumber(params);
  const form = await request.formData();
  const score = Number(form.get("score") ?? 0);
  const comment = String(form.get("comment") ?? "");
  const r = await attempt(() => context.trpc.support.rate({ number, score: Number.isInteger(score) ? score : 0, comment }), { score: String(form.get("score") ?? ""), comment });
  if ("score" in r && typeof r.score === "number") throw redirect(`/support/${number}?rated=1`);
  return r as unknown as FormResult;
}

export default function Rate({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { ticket, score } = loaderData;
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fe = result?.fieldErrors ?? {};
  const chosen = result?.values?.score ? Number(result.values.score) : score;
  return (
    <section className="stack-lg narrow">
      <p>
        <Link to={`/support/${ticket.number}`}>{t("support.ticketTitle", { number: ticket.number })}</Link>
      </p>
      <h1>{t("support.rateTitle", { number: ticket.number })}</h1>
      {ticket.csatScore !== null ? (
        <Notice>
          {t("support.alreadyRated")} {t("support.yourRating", { score: ticket.csatScore })}
        </Notice>
      ) : !ticket.canRate ? (
        <p>{t("support.notSolvedYet")}</p>
      ) : (
        <Form method="post" className="stack" noValidate>
          <p>{t("support.rateIntro", { subject: ticket.subject })}</p>
          <FormError error={result?.formError} />
          <fieldset className={fe.score ? "has-error" : undefined}>
            <legend>{t("support.scoreLabel")}</legend>
            {[5, 4, 3, 2, 1].map((n) => (
              <label key={n} className="check">
                <input type="radio" name="score" value={n} defaultChecked={chosen === n} /> {t(`support.score${n}`)}
              </label>
            ))}
            <FieldErrorLine t={t} error={fe.score} />
          </fieldset>
          <div className={`field${fe.comment ? " has-error" : ""}`}>
            <label htmlFor="comment">{t("support.commentLabel")}</label>
            <textarea id="comment" name="comment" rows={4} maxLength={2000} defaultValue={result?.values?.comment ?? ""} />
            <FieldErrorLine t={t} error={fe.comment} />
          </div>
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t("support.submitRating")}
            </button>
          </div>
        </Form>
      )}
    </section>
  );
}
