// Turning tRPC errors from the server-side caller into form feedback. Actions return
// { fieldErrors, formError } with i18n keys; the page renders them next to the fields.
import { data, redirect } from "react-router";
import type { FieldMessage } from "#app/i18n/index.ts";

export interface FormFailure {
  ok: false;
  fieldErrors: Record<string, FieldMessage>;
  formError: FieldMessage | null;
  values?: Record<string, string>;
}

const STATUS: Record<string, number> = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, TOO_MANY_REQUESTS: 429, PRECONDITION_FAILED: 412 };
const GENERIC: Record<string, string> = { UNAUTHORIZED: "errors.unauthorized", FORBIDDEN: "errors.forbidden", NOT_FOUND: "errors.notFound" };

interface TrpcLikeError {
  code: string;
  message: string;
  cause?: unknown;
}
function isTrpcError(e: unknown): e is TrpcLikeError {
  return typeof e === "object" && e !== null && (e as { name?: string }).name === "TRPCError" && typeof (e as { code?: unknown }).code === "string";
}

/** Field messages from a ZodError (issues) or an AppError (fieldErrors), by duck typing. */
export function fieldErrorsFrom(cause: unknown): Record<string, FieldMessage> {
  if (!cause || typeof cause !== "object") return {};
  const c = cause as { fieldErrors?: Record<string, FieldMessage>; issues?: { path: PropertyKey[]; message: string }[] };
  if (c.fieldErrors) return c.fieldErrors;
  const out: Record<string, FieldMessage> = {};
  for (const issue of c.issues ?? []) {
    const key = issue.path.length ? String(issue.path[0]) : "form";
    out[key] ??= issue.message.startsWith("errors.") ? issue.message : "errors.invalid";
  }
  return out;
}

/** Converts a thrown tRPC error into an action result (status + messages); rethrows anything else. */
export function formFailure(e: unknown, values?: Record<string, string>) {
  if (e instanceof Response) throw e;
  if (!isTrpcError(e)) throw e;
  const fieldErrors = fieldErrorsFrom(e.cause);
  const formError = fieldErrors.form ?? (Object.keys(fieldErrors).length ? null : (GENERIC[e.code] ?? "errors.unexpected"));
  delete fieldErrors.form;
  return data<FormFailure>({ ok: false, fieldErrors, formError, values }, { status: STATUS[e.code] ?? 500 });
}

/** Whether `attempt` returned a failure (rather than the mutation's result). */
export function isFormFailure(r: unknown): r is ReturnType<typeof formFailure> {
  return typeof r === "object" && r !== null && (r as { type?: unknown }).type === "DataWithResponseInit";
}

/** A failed form result (status kept) tagged with which form on the page it belongs to, e.g.
 *  { intent: "profile" } when one page has several forms. */
export function tagged<Tags extends Record<string, string>>(failure: ReturnType<typeof formFailure>, tags: Tags) {
  // Generic so the page's action type keeps the tags (e.g. `intent`) for useActionData.
  return data<FormFailure & Tags>({ ...failure.data, ...tags }, failure.init ?? undefined);
}

/** Runs a mutation for a form; returns its failure as form feedback. */
export async function attempt<R>(fn: () => Promise<R>, values?: Record<string, string>): Promise<R | ReturnType<typeof formFailure>> {
  try {
    return await fn();
  } catch (e) {
    return formFailure(e, values);
  }
}

export function formValues(form: FormData, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, String(form.get(n) ?? "")]));
}

/** Only same-site relative paths are allowed as redirect targets. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  const s = typeof to === "string" ? to : "";
  return s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\") ? s : fallback;
}

export function isTrpcCode(e: unknown, code: string) {
  return isTrpcError(e) && e.code === code;
}

export { redirect };
