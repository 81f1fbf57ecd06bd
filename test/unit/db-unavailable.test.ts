// Which errors count as "the database is unavailable" (answered 503, server/db/unavailable.ts): the
// shapes pg, @prisma/adapter-pg and Prisma give an unreachable or restarting PostgreSQL — and not
// the errors of a bug or a refused query, which must stay 500 / their own status.
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../server/db/unavailable.ts";

const err = (message: string, extra: object = {}) => Object.assign(new Error(message), extra);

describe("isDatabaseUnavailable", () => {
  it("recognises an unreachable or restarting PostgreSQL in the shapes pg and Prisma give it", () => {
    for (const e of [
      err("connect ECONNREFUSED 127.0.0.1:5432", { code: "ECONNREFUSED" }),
      err("Connection terminated unexpectedly"),
      err("terminating connection due to administrator command", { code: "57P01" }),
      err("the database system is starting up", { code: "57P03" }),
      err("sorry, too many clients already", { code: "53300" }),
      err("connection failure during authentication", { code: "08006" }),
      // Prisma over the pg adapter: P2010 carrying the adapter's kind.
      err("Raw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:5432`", { code: "P2010", meta: { driverAdapterError: err("DatabaseNotReachable", { cause: { kind: "DatabaseNotReachable" } }) } }),
      err("Can't reach database server at 127.0.0.1:5432", { code: "P1001" }),
      err("Transaction API error: Unable to start a transaction in the given time.", { code: "P2028" }),
      // Wrapped by tRPC or an AggregateError (several addresses refused).
      err("INTERNAL_SERVER_ERROR", { cause: err("connect ECONNREFUSED ::1:5432", { code: "ECONNREFUSED" }) }),
      Object.assign(new AggregateError([err("x", { code: "ECONNREFUSED" })], ""), {}),
    ]) {
      expect(isDatabaseUnavailable(e), e.message).toBe(true);
    }
  });

  it("leaves bugs and refused queries alone", () => {
    for (const e of [
      err("Unique constraint failed on the fields: (`email`)", { code: "P2002" }),
      err('duplicate key value violates unique constraint "User_email_key"', { code: "23505" }),
      err('relation "Nope" does not exist', { code: "42P01" }),
      err("Cannot read properties of undefined (reading 'id')"),
      err("Transaction already closed: A commit cannot be executed on an expired transaction.", { code: "P2028" }),
      null,
      "ECONNREFUSED",
    ]) {
      expect(isDatabaseUnavailable(e), String((e as Error | null)?.message ?? e)).toBe(false);
    }
  });
});
