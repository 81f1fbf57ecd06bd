// JSON errors of the REST endpoints (/api/v1, /webhooks/stripe): { error: { code, message, fields? } }.
import type { Response } from "express";
import type { ZodError } from "zod";
import { AppError, type FieldMessage } from "../domain/errors.ts";

export interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

export function errorBody(code: string, message: string, fields?: Record<string, string>): ApiErrorBody {
  return { error: { code, message, ...(fields ? { fields } : {}) } };
}

const statusOf: Record<AppError["code"], number> = {
  BAD_REQUEST: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  PRECONDITION_FAILED: 412,
};

function fieldText(m: FieldMessage): string {
  return typeof m === "string" ? m : `${m.key} ${JSON.stringify(m.params)}`;
}

/** An AppError as an HTTP status and body (the message is written for API users, in English). */
export function appErrorResponse(e: AppError): { status: number; body: ApiErrorBody } {
  const fields = e.fieldErrors ? Object.fromEntries(Object.entries(e.fieldErrors).map(([k, v]) => [k, fieldText(v)])) : undefined;
  return { status: statusOf[e.code], body: errorBody(e.code.toLowerCase(), e.message, fields) };
}

/** A zod error as 422 with one message per field (the path joined with dots). */
export function validationBody(err: ZodError): ApiErrorBody {
  const fields: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = issue.path.length ? issue.path.join(".") : "body";
    fields[key] ??= issue.message;
  }
  return errorBody("validation_failed", "The request is not valid; see `fields`.", fields);
}

export function sendError(res: Response, status: number, body: ApiErrorBody) {
  res.status(status).json(body);
}
