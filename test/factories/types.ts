import type { Prisma } from "../../server/db/generated/client.ts";

/**
 * Anything that can run model queries: the PrismaClient (`Db`) or the `tx` of an interactive
 * transaction. Factories that write several rows use a transaction of their own when given the
 * full client, and simply run on `tx` when given a transaction client.
 */
export type DbClient = Prisma.TransactionClient;

type WithTransaction = DbClient & {
  $transaction<R>(fn: (tx: Prisma.TransactionClient) => Promise<R>, options?: { timeout?: number; maxWait?: number }): Promise<R>;
};

/** Runs `fn` in a transaction if `db` is the full client, else directly on the given tx. */
export async function inTransaction<R>(db: DbClient, fn: (tx: DbClient) => Promise<R>): Promise<R> {
  const maybe = db as Partial<WithTransaction>;
  if (typeof maybe.$transaction === "function") return (db as WithTransaction).$transaction((tx) => fn(tx));
  return fn(db);
}

/** `{ id }` or an id string. */
export type Ref = string | { id: string };
export function refId(ref: Ref): string {
  return typeof ref === "string" ? ref : ref.id;
}
