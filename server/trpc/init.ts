// tRPC instance. Every procedure must declare an access policy in its meta (see procedures.ts);
// test/integration/access-policy.integration.test.ts walks the router and enforces it.
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { AppError, type FieldMessage } from "../domain/errors.ts";
import { DB_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../db/unavailable.ts";
import type { Context } from "./context.ts";

export type StaffRoleName = "AGENT" | "MARKETER" | "ADMIN";
export type Policy =
  | { kind: "public" }
  | { kind: "authenticated" }
  | { kind: "customer" }
  | { kind: "staff"; roles: StaffRoleName[] };

/** A customer-owned resource the procedure reads by id: another customer must get NOT_FOUND. */
export interface OwnedResource {
  kind: "session" | "order" | "ticket" | "attachment" | "redemption";
  /** Input field holding the resource id. */
  field: string;
}

export interface Meta {
  policy?: Policy;
  resource?: OwnedResource;
}

export function fieldErrorsOf(error: unknown): Record<string, FieldMessage> | undefined {
  if (error instanceof AppError) return error.fieldErrors;
  if (error instanceof ZodError) {
    const out: Record<string, FieldMessage> = {};
    for (const issue of error.issues) {
      const key = issue.path.length ? String(issue.path[0]) : "form";
      out[key] ??= issue.message.startsWith("errors.") ? issue.message : "errors.invalid";
    }
    return out;
  }
  return undefined;
}

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again.";

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      // An unexpected failure (a bug, a driver error) keeps its text on the server (logged by the
      // HTTP adapter's onError): its message can name tables, hosts or values of other rows.
      const message = error.code === "INTERNAL_SERVER_ERROR" && !(error.cause instanceof AppError) ? INTERNAL_ERROR_MESSAGE : shape.message;
      return { ...shape, message, data: { ...shape.data, stack: undefined, fieldErrors: fieldErrorsOf(error.cause) ?? null } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/**
 * The top-level input field holding a string with a NUL character (U+0000), "form" when the input
 * itself is such a string, or null. PostgreSQL text cannot store NUL: without this check the write
 * fails deep inside a transaction as a 500. Binary content (Buffers: attachments) may hold NULs.
 */
export function nulField(input: unknown, depth = 0, top: string | null = null): string | null {
  if (typeof input === "string") return input.includes("\u0000") ? (top ?? "form") : null;
  if (input === null || typeof input !== "object" || depth > 20 || input instanceof Uint8Array || (typeof Blob !== "undefined" && input instanceof Blob)) return null;
  for (const [k, v] of Array.isArray(input) ? input.entries() : Object.entries(input)) {
    const hit = nulField(v, depth + 1, top ?? String(k));
    if (hit !== null) return hit;
  }
  return null;
}

/**
 * Domain AppErrors become tRPC errors with the same code (FieldMessage details kept as cause). An
 * unreachable database becomes SERVICE_UNAVAILABLE (HTTP 503) with a short message, not a 500
 * carrying Prisma's text (server/db/unavailable.ts).
 */
export const baseProcedure = t.procedure.use(async ({ next, getRawInput }) => {
  // Bad input changes nothing and says why (issue #13): refuse NULs before any procedure runs.
  const field = nulField(await getRawInput().catch(() => undefined));
  if (field !== null) {
    const message = "Text may not contain NUL characters (U+0000).";
    throw new TRPCError({ code: "BAD_REQUEST", message, cause: new AppError("BAD_REQUEST", message, { [field]: "errors.nulCharacter" }) });
  }
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (!result.ok && isDatabaseUnavailable(result.error.cause ?? result.error)) {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: DB_UNAVAILABLE_MESSAGE, cause: result.error.cause });
  }
  return result;
});
