// Domain code throws AppError; the tRPC error formatter maps `code` to a tRPC error and
// `fieldErrors` reach the form field that caused them.
export type AppErrorCode = "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "TOO_MANY_REQUESTS" | "PRECONDITION_FAILED";

/** An i18n key (see app/i18n/en.ts), optionally with parameters. */
export type FieldMessage = string | { key: string; params: Record<string, string | number> };

export class AppError extends Error {
  constructor(
    public readonly code: AppErrorCode,
    message: string,
    /** Message per form field, keyed by field name; values are i18n keys. */
    public readonly fieldErrors?: Record<string, FieldMessage>,
  ) {
    super(message);
    this.name = "AppError";
  }
}
