// Per test file: connect Prisma to the run's database, and fail any test that logs console.error.
import { afterAll, afterEach, beforeEach, inject, vi } from "vitest";
import { connectDb, disconnectDb } from "../../server/db/client.ts";

process.env.DATABASE_URL = inject("databaseUrl");
connectDb(inject("databaseUrl"));

let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});
afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (errors.length) throw new Error(`console.error was called unexpectedly:\n${errors.map((a) => a.map(String).join(" ")).join("\n")}`);
});
afterAll(async () => {
  await disconnectDb();
});
