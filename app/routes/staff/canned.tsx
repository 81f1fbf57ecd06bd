// Canned replies: list, create, edit, delete. Placeholders are filled in per ticket on the server.
import { Form, Link, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/canned";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { translator } from "#app/i18n/index.ts";
import { attempt, formValues, isFormFailure, tagged } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useT } from "#app/lib/i18n.ts";
import { FieldErrorLine } from "../support/ui.tsx";

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "AGENT");
  const edit = new URL(request.url).searchParams.get("edit") ?? "";
  const canned = await context.trpc.support.cannedList();
  return { canned, editing: canned.find((c) => c.id === edit) ?? null, title: translator(context.ctx.locale)("support.cannedTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

export async function action({ request, context }: Route.ActionArgs) {
  requireStaff(context, request, "AGENT");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "delete") {
    const r = await attempt(() => context.trpc.support.cannedDelete({ id: String(form.get("id") ?? "") }));
    // tagged(): spreading the failure into an object would lose `intent` (React Router unwraps it to its data).
    return isFormFailure(r) ? tagged(r, { intent }) : ({ ...(r as object), intent } as FormResult & { intent: string });
  }
  const values = formValues(form, "id", "title", "body");
  const r = await attempt(() => context.trpc.support.cannedSave({ id: values.id || null, title: values.title!, body: values.body! }), values);
  return isFormFailure(r) ? tagged(r, { intent }) : ({ ok: true, intent } as FormResult & { intent: string });
}

export default function Canned({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { canned, editing } = loaderData;
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fe = result?.intent === "save" ? (result.fieldErrors ?? {}) : {};
  const v = result?.intent === "save" && !result.ok ? result.values : undefined;
  return (
    <section className="stack-lg">
      <p>
        <Link to="/staff/inbox">{t("support.backToInbox")}</Link>
      </p>
      <h1>{t("support.cannedTitle")}</h1>
      <p>{t("support.cannedIntro")}</p>
      {result?.ok ? <Notice>{t("support.saved")}</Notice> : null}
      <section className="panel stack" aria-labelledby="canned-form-h">
        <h2 id="canned-form-h">{editing ? `${t("support.cannedEdit")}: ${editing.title}` : t("support.cannedNew")}</h2>
        {result?.intent === "save" ? <FormError error={result.formError} /> : null}
        <Form method="post" className="stack" noValidate key={editing?.id ?? (result?.ok ? `new-${canned.length}` : "new")}>
          <input type="hidden" name="intent" value="save" />
          <input type="hidden" name="id" value={editing?.id ?? ""} />
          <Field name="title" label={t("support.cannedTitleLabel")} defaultValue={v?.title ?? editing?.title ?? ""} error={fe.title} maxLength={120} />
          <div className={`field${fe.body ? " has-error" : ""}`}>
            <label htmlFor="canned-body">{t("support.cannedBodyLabel")}</label>
            <textarea id="canned-body" name="body" rows={6} defaultValue={v?.body ?? editing?.body ?? ""} aria-invalid={fe.body ? true : undefined} />
            <FieldErrorLine t={t} error={fe.body} />
          </div>
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t("support.save")}
            </button>
            {editing ? <Link to="/staff/canned">{t("support.cannedNew")}</Link> : null}
          </div>
        </Form>
      </section>
      {canned.length === 0 ? (
        <p>{t("support.cannedEmpty")}</p>
      ) : (
        <ul className="plain-list stack">
          {canned.map((c) => (
            <li key={c.id} className="panel">
              <h2>{c.title}</h2>
              <div style={{ whiteSpace: "pre-wrap" }}>{c.body}</div>
              <div className="actions">
                <Link to={`/staff/canned?edit=${encodeURIComponent(c.id)}`}>{t("support.cannedEdit")}</Link>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="id" value={c.id} />
                  <button type="submit" className="button small secondary" disabled={busy} aria-label={`${t("support.cannedDelete")}: ${c.title}`}>
                    {t("support.cannedDelete")}
                  </button>
                </Form>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
