// The one Prisma client of the process, over @prisma/adapter-pg (the same code for the embedded
// and an external PostgreSQL). Call connectDb() once at boot; db() everywhere else.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { CatalogSafePool } from "./pg-pool.ts";

export type Db = PrismaClient;
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

let client: PrismaClient | undefined;
let pool: CatalogSafePool | undefined;

export function connectDb(url: string, opts: { max?: number } = {}): PrismaClient {
  pool = new CatalogSafePool({ connectionString: url, max: opts.max ?? 10 });
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it on the next query.
  pool.on("error", (e) => console.warn(`[db] idle connection lost: ${e.message}`));
  client = new PrismaClient({ adapter: new PrismaPg(pool) });
  return client;
}

export function db(): PrismaClient {
  if (!client) throw new Error("Database not connected: call connectDb() first");
  return client;
}

/** The raw pg pool (for bulk SQL such as the buffered touchpoint writer and pg-boss). */
export function pgPool(): CatalogSafePool {
  if (!pool) throw new Error("Database not connected: call connectDb() first");
  return pool;
}

export async function disconnectDb() {
  await client?.$disconnect();
  await pool?.end().catch(() => {});
  client = undefined;
  pool = undefined;
}
