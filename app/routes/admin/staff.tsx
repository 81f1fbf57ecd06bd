// Staff accounts (admins only): change roles, disable/enable, invite by email, revoke invitations.
// One action with a hidden `intent`; the server enforces every rule (last admin, not yourself)
// and its field errors are shown on the row or form they belong to.
import { data, Form, redirect, useActionData, useNavigation } from "react-router";
import type { Route } from "./+types/staff";
import { Field, FormError, Notice, type FormResult } from "#app/components/form.tsx";
import { fieldMessage, formatDate, translator, type FieldMessage, type T } from "#app/i18n/index.ts";
import { attempt, formValues, type FormFailure } from "#app/lib/forms.server.ts";
import { requireStaff, staffHome } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";
import type { StaffRoleName } from "#server/trpc/init.ts";

const ROLES: StaffRoleName[] = ["AGENT", "MARKETER", "ADMIN"];

export async function loader({ context, request }: Route.LoaderArgs) {
  const me = requireStaff(context, request, "ADMIN");
  const { users, invites } = await context.trpc.admin.staff();
  return { users, invites, meId: me.id, title: translator(context.ctx.locale)("admin.staffTitle") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? ""} · Rapport` }];
}

/** What a successful action says; `params` fill the message. */
interface Success {
  ok: true;
  intent: string;
  message: string;
  params: Record<string, string>;
}

export async function action({ context, request }: Route.ActionArgs) {
  const me = requireStaff(context, request, "ADMIN");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const trpc = context.trpc.admin;
  const done = (message: string, params: Record<string, string>): Success => ({ ok: true, intent, message, params });

  switch (intent) {
    case "invite": {
      const values: Record<string, string> = { ...formValues(form, "email", "role"), intent };
      return attempt(async () => {
        const inv = await trpc.invite({ email: values.email, role: values.role as StaffRoleName });
        return done("admin.invited", { email: inv.email });
      }, values);
    }
    case "setRole": {
      const values: Record<string, string> = { ...formValues(form, "userId", "role", "name"), intent };
      return attempt(async () => {
        await trpc.setRole({ userId: values.userId, role: values.role as StaffRoleName });
        // An admin who gives up the admin role can no longer see this page: go to their new home.
        if (values.userId === me.id && values.role !== "ADMIN") throw redirect(staffHome(values.role as StaffRoleName));
        return done("admin.roleChanged", { name: values.name, role: `common.role${values.role}` });
      }, values);
    }
    case "setDisabled": {
      const values: Record<string, string> = { ...formValues(form, "userId", "disabled", "name"), intent };
      const disabled = values.disabled === "true";
      return attempt(async () => {
        await trpc.setDisabled({ userId: values.userId, disabled });
        return done(disabled ? "admin.disabledDone" : "admin.enabledDone", { name: values.name });
      }, values);
    }
    case "revoke": {
      const values: Record<string, string> = { ...formValues(form, "inviteId", "email"), intent };
      return attempt(async () => {
        await trpc.revokeInvite({ inviteId: values.inviteId });
        return done("admin.revoked", { email: values.email });
      }, values);
    }
    default:
      return data<FormFailure>({ ok: false, fieldErrors: {}, formError: "errors.invalid", values: { intent } }, { status: 400 });
  }
}

type ActionResult = (FormResult & { ok: false }) | Success;

/** The first error of a failed action, if it was about this row (intent + id). */
function rowError(t: T, result: ActionResult | undefined, intent: string, idField: string, id: string): string | undefined {
  if (!result || result.ok || result.values?.intent !== intent || result.values?.[idField] !== id) return undefined;
  const first: FieldMessage | null | undefined = result.formError ?? Object.values(result.fieldErrors ?? {})[0];
  return fieldMessage(t, first);
}

export default function Staff({ loaderData }: Route.ComponentProps) {
  const { users, invites, meId } = loaderData;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  const success = result?.ok && result.message ? t(result.message, Object.fromEntries(Object.entries(result.params).map(([k, v]) => [k, v.startsWith("common.") ? t(v) : v]))) : null;
  const inviteFailed = result && !result.ok && result.values?.intent === "invite" ? result : undefined;
  const unknownFailed = result && !result.ok && !["invite", "setRole", "setDisabled", "revoke"].includes(result.values?.intent ?? "") ? result : undefined;

  return (
    <section className="stack">
      <h1>{t("admin.staffTitle")}</h1>
      {success ? <Notice>{success}</Notice> : null}
      <FormError error={unknownFailed?.formError} />

      <table className="data-table">
        <caption>{t("admin.staffCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("admin.colName")}</th>
            <th scope="col">{t("admin.colEmail")}</th>
            <th scope="col">{t("admin.colRole")}</th>
            <th scope="col">{t("admin.colStatus")}</th>
            <th scope="col">{t("admin.colSince")}</th>
            <th scope="col">{t("admin.colAccess")}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const display = u.name || u.email;
            const roleError = rowError(t, result, "setRole", "userId", u.id);
            const disableError = rowError(t, result, "setDisabled", "userId", u.id);
            const roleSelectId = `role-${u.id}`;
            return (
              <tr key={u.id}>
                <th scope="row">
                  {u.name || t("admin.unnamed")} {u.id === meId ? <span className="badge">{t("admin.you")}</span> : null}
                </th>
                <td>{u.email}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="setRole" />
                    <input type="hidden" name="userId" value={u.id} />
                    <input type="hidden" name="name" value={display} />
                    <label htmlFor={roleSelectId} className="visually-hidden">
                      {t("admin.roleFor", { name: display })}
                    </label>
                    <select key={`${u.staffRole}-${roleError ?? ""}`} id={roleSelectId} name="role" defaultValue={u.staffRole ?? "AGENT"} aria-invalid={roleError ? true : undefined} aria-describedby={roleError ? `${roleSelectId}-error` : undefined}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(`common.role${r}`)}
                        </option>
                      ))}
                    </select>
                    <button type="submit" className="button small" disabled={busy} aria-label={t("admin.changeRoleFor", { name: display })}>
                      {t("admin.changeRole")}
                    </button>
                  </Form>
                  {roleError ? (
                    <p id={`${roleSelectId}-error`} className="field-error" role="alert">
                      {roleError}
                    </p>
                  ) : null}
                </td>
                <td>{u.disabledAt ? t("admin.disabledSince", { date: formatDate(locale, u.disabledAt, tz) }) : t("admin.active")}</td>
                <td>{formatDate(locale, u.createdAt, tz)}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="setDisabled" />
                    <input type="hidden" name="userId" value={u.id} />
                    <input type="hidden" name="name" value={display} />
                    <input type="hidden" name="disabled" value={u.disabledAt ? "false" : "true"} />
                    <button type="submit" className="button small" disabled={busy} aria-label={u.disabledAt ? t("admin.enableNamed", { name: display }) : t("admin.disableNamed", { name: display })} aria-describedby={disableError ? `access-${u.id}-error` : undefined}>
                      {u.disabledAt ? t("admin.enable") : t("admin.disable")}
                    </button>
                  </Form>
                  {disableError ? (
                    <p id={`access-${u.id}-error`} className="field-error" role="alert">
                      {disableError}
                    </p>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <section aria-labelledby="invite-heading" className="narrow">
        <h2 id="invite-heading">{t("admin.inviteTitle")}</h2>
        <p className="hint">{t("admin.inviteHint")}</p>
        <Form method="post" className="stack" key={result?.ok && result.intent === "invite" ? result.params.email : "invite"}>
          <input type="hidden" name="intent" value="invite" />
          <FormError error={inviteFailed?.formError} />
          <Field name="email" type="email" label={t("admin.inviteEmail")} autoComplete="off" required maxLength={254} defaultValue={inviteFailed?.values?.email ?? ""} error={inviteFailed?.fieldErrors?.email} />
          <RoleSelect defaultValue={inviteFailed?.values?.role || "AGENT"} error={fieldMessage(t, inviteFailed?.fieldErrors?.role)} />
          <div>
            <button type="submit" className="button" disabled={busy}>
              {t("admin.inviteSubmit")}
            </button>
          </div>
        </Form>
      </section>

      <section aria-labelledby="invites-heading">
        <h2 id="invites-heading">{t("admin.pendingTitle")}</h2>
        {invites.length === 0 ? (
          <p>{t("admin.noInvites")}</p>
        ) : (
          <table className="data-table">
            <caption className="visually-hidden">{t("admin.pendingTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.colEmail")}</th>
                <th scope="col">{t("admin.colRole")}</th>
                <th scope="col">{t("admin.colInvited")}</th>
                <th scope="col">{t("admin.colExpires")}</th>
                <th scope="col">{t("admin.colActions")}</th>
              </tr>
            </thead>
            <tbody>
              {invites.map((inv) => {
                const error = rowError(t, result, "revoke", "inviteId", inv.id);
                return (
                  <tr key={inv.id}>
                    <th scope="row">{inv.email}</th>
                    <td>{t(`common.role${inv.role}`)}</td>
                    <td>{formatDate(locale, inv.createdAt, tz)}</td>
                    <td>{formatDate(locale, inv.expiresAt, tz, true)}</td>
                    <td>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="inviteId" value={inv.id} />
                        <input type="hidden" name="email" value={inv.email} />
                        <button type="submit" className="button small" disabled={busy} aria-label={t("admin.revokeNamed", { email: inv.email })}>
                          {t("admin.revoke")}
                        </button>
                      </Form>
                      {error ? (
                        <p className="field-error" role="alert">
                          {error}
                        </p>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}

function RoleSelect({ defaultValue, error }: { defaultValue: string; error?: string }) {
  const t = useT();
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor="invite-role">{t("admin.inviteRole")}</label>
      <select id="invite-role" name="role" defaultValue={defaultValue} aria-invalid={error ? true : undefined} aria-describedby={error ? "invite-role-error" : undefined}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`common.role${r}`)}
          </option>
        ))}
      </select>
      {error ? (
        <p id="invite-role-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
