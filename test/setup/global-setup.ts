// Creates a fresh, migrated database for this test run: on DATABASE_URL's server when it is set
// (CI uses the machine's PostgreSQL), otherwise on an embedded PostgreSQL under .data/test-pg.
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../server/db/embedded.ts";
import { migrate } from "../../server/db/migrate.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: ".data/test", port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339), database: "postgres" });
    serverUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const name = `rapport_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  project.provide("databaseUrl", url.toString());
  process.env.RAPPORT_TEST_SERVER_URL = serverUrl;

  return async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await c.end();
    await stopEmbedded?.();
  };
}
