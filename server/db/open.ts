// Resolves the database for any entry point (server, CLI, seed, bench): DATABASE_URL when set,
// otherwise the embedded PostgreSQL under DATA_DIR. Applies migrations and connects Prisma.
import type { Env } from "../env.ts";
import { connectDb, disconnectDb, type Db } from "./client.ts";
import { startEmbeddedPostgres } from "./embedded.ts";
import { migrate } from "./migrate.ts";

export interface OpenDb {
  url: string;
  embedded: boolean;
  db: Db;
  close(): Promise<void>;
}

export async function openDatabase(env: Pick<Env, "DATABASE_URL" | "DATA_DIR" | "EMBEDDED_PG_PORT">, opts: { migrate?: boolean; poolMax?: number; log?: (m: string) => void } = {}): Promise<OpenDb> {
  let url = env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    opts.log?.(`starting embedded PostgreSQL in ${env.DATA_DIR}/pg on port ${env.EMBEDDED_PG_PORT}`);
    const embedded = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT, log: opts.log });
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  if (opts.migrate !== false) await migrate(url);
  const db = connectDb(url, { max: opts.poolMax });
  return {
    url,
    embedded: Boolean(stopEmbedded),
    db,
    async close() {
      await disconnectDb();
      await stopEmbedded?.();
    },
  };
}
