// Error shapes on the wire: an unexpected failure inside a procedure must not send its own text
// (it can name tables, hosts or other customers' values) to the client; domain errors keep theirs.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { AppError } from "../../server/domain/errors.ts";
import { baseProcedure, INTERNAL_ERROR_MESSAGE, router } from "../../server/trpc/init.ts";
import type { Context } from "../../server/trpc/context.ts";

const SECRET = 'duplicate key value violates unique constraint "User_email_key": Key (email)=(other@example.com) at db.internal:5432';
const testRouter = router({
  boom: baseProcedure.query(() => {
    throw new Error(SECRET);
  }),
  domain: baseProcedure.query(() => {
    throw new AppError("CONFLICT", "That email is already in use.", { email: "errors.emailTaken" });
  }),
});

async function call(path: string) {
  const res = await fetchRequestHandler({ endpoint: "/trpc", req: new Request(`http://x/trpc/${path}`), router: testRouter, createContext: () => ({}) as Context });
  return { status: res.status, body: (await res.json()) as { error: { message: string; data: { code: string; stack?: string; fieldErrors: unknown } } } };
}

describe("tRPC error formatter", () => {
  it("an unexpected error answers 500 with a generic message, no stack and none of its text", async () => {
    const r = await call("boom");
    expect(r.status).toBe(500);
    expect(r.body.error.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(r.body.error.data.code).toBe("INTERNAL_SERVER_ERROR");
    expect(r.body.error.data.stack).toBeUndefined();
    expect(JSON.stringify(r.body)).not.toContain("other@example.com");
    expect(JSON.stringify(r.body)).not.toContain("db.internal");
  });

  it("a domain error keeps its message and field errors", async () => {
    const r = await call("domain");
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe("That email is already in use.");
    expect(r.body.error.data.fieldErrors).toEqual({ email: "errors.emailTaken" });
  });
});
