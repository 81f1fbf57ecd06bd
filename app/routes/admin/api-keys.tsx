// API keys for the fulfilment API (admins only): create a key with a name and scopes — its secret
// is shown once, right after creation —, list keys with their prefix and last use, revoke a key.
// Creation and revocation are audited by the server (server/domain/apikeys/apikeys.ts).
import { data, Form, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/api-keys";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, formatDate, translator } from "#app/i18n/index.ts";
import { attempt, formValues, type FormFailure } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

const SCOPES = ["orders:read", "orders:write"] as const;

export async function loader({ context, request }: Route.LoaderArgs) {
  requireStaff(context, request, "ADMIN");
  const keys = await context.trpc.admin.apiKeys();
  return { keys, title: translator(context.ctx.locale)("apikeys.title") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

type Success = { ok: true; intent: "create"; name: string; key: string } | { ok: true; intent: "revoke"; name: string };

export async function action({ context, request }: Route.ActionArgs) {
  requireStaff(context, request, "ADMIN");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "create") {
    const scopes = form.getAll("scopes").map(String);
    const values: Record<string, string> = { ...formValues(form, "name"), scopes: scopes.join(" "), intent };
    return attempt(async (): Promise<Success> => {
      const created = await context.trpc.admin.createApiKey({ name: values.name, scopes });
      return { ok: true, intent: "create", name: created.name, key: created.key };
    }, values);
  }
  if (intent === "revoke") {
    const values: Record<string, string> = { ...formValues(form, "id", "name"), intent };
    return attempt(async (): Promise<Success> => {
      const k = await context.trpc.admin.revokeApiKey({ id: values.id });
      return { ok: true, intent: "revoke", name: k.name };
    }, values);
  }
  return data<FormFailure>({ ok: false, fieldErrors: {}, formError: "errors.invalid", values: { intent } }, { status: 400 });
}

type ActionResult = (FormResult & { ok: false }) | Success;

export default function ApiKeys({ loaderData }: Route.ComponentProps) {
  const { keys } = loaderData;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const busy = useNavigation().state === "submitting";
  const failed = result && !result.ok ? result : undefined;
  const createFailed = failed?.values?.intent === "create" ? failed : undefined;
  const revokeFailed = failed && failed.values?.intent !== "create" ? failed : undefined;
  const chosen = new Set((createFailed?.values?.scopes ?? "orders:read orders:write").split(" ").filter(Boolean));
  const scopesError = fieldMessage(t, createFailed?.fieldErrors?.scopes);

  return (
    <section className="stack">
      <h1>{t("apikeys.title")}</h1>
      <p className="hint">{t("apikeys.intro")}</p>

      {result?.ok && result.intent === "create" ? (
        <Notice>
          <strong>{t("apikeys.createdTitle", { name: result.name })}</strong>
          <br />
          {t("apikeys.createdOnce")}
          <br />
          <label htmlFor="new-api-key">{t("apikeys.createdLabel")}</label>
          <input id="new-api-key" readOnly value={result.key} size={Math.min(60, result.key.length)} onFocus={(e) => e.currentTarget.select()} />
        </Notice>
      ) : null}
      {result?.ok && result.intent === "revoke" ? <Notice>{t("apikeys.revoked", { name: result.name })}</Notice> : null}
      <FormError error={revokeFailed?.formError ?? Object.values(revokeFailed?.fieldErrors ?? {})[0]} />

      <section aria-labelledby="create-key-heading" className="narrow">
        <h2 id="create-key-heading">{t("apikeys.createTitle")}</h2>
        <Form method="post" className="stack" key={result?.ok && result.intent === "create" ? result.key : "create"}>
          <input type="hidden" name="intent" value="create" />
          <FormError error={createFailed?.formError} />
          <Field name="name" label={t("apikeys.name")} hint={t("apikeys.nameHint")} required maxLength={100} autoComplete="off" defaultValue={createFailed?.values?.name ?? ""} error={createFailed?.fieldErrors?.name} />
          <fieldset className={scopesError ? "has-error" : undefined} aria-describedby={scopesError ? "scopes-error" : undefined}>
            <legend>{t("apikeys.scopes")}</legend>
            {SCOPES.map((s) => (
              <div key={s}>
                <label>
                  <input type="checkbox" name="scopes" value={s} defaultChecked={chosen.has(s)} /> {t(`apikeys.scope_${s}`)}
                </label>
              </div>
            ))}
            {scopesError ? (
              <p id="scopes-error" className="field-error" role="alert">
                {scopesError}
              </p>
            ) : null}
          </fieldset>
          <div>
            <button type="submit" className="button" disabled={busy}>
              {t("apikeys.create")}
            </button>
          </div>
        </Form>
      </section>

      {keys.length === 0 ? (
        <p>{t("apikeys.none")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption>{t("apikeys.listCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("apikeys.colName")}</th>
                <th scope="col">{t("apikeys.colPrefix")}</th>
                <th scope="col">{t("apikeys.colScopes")}</th>
                <th scope="col">{t("apikeys.colCreated")}</th>
                <th scope="col">{t("apikeys.colLastUsed")}</th>
                <th scope="col">{t("apikeys.colStatus")}</th>
                <th scope="col">{t("apikeys.colActions")}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <th scope="row">{k.name}</th>
                  <td>
                    <code>{k.prefix}_…</code>
                  </td>
                  <td>{k.scopes.join(", ")}</td>
                  <td>{formatDate(locale, k.createdAt, tz)}</td>
                  <td>{k.lastUsedAt ? formatDate(locale, k.lastUsedAt, tz, true) : t("apikeys.never")}</td>
                  <td>{k.revokedAt ? t("apikeys.revokedOn", { date: formatDate(locale, k.revokedAt, tz) }) : t("apikeys.active")}</td>
                  <td>
                    {k.revokedAt ? null : (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="id" value={k.id} />
                        <input type="hidden" name="name" value={k.name} />
                        <button type="submit" className="button small" disabled={busy} aria-label={t("apikeys.revokeNamed", { name: k.name })}>
                          {t("apikeys.revoke")}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
