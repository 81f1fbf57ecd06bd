// The real app (production build in build/, `npm run build` first) started in the test process on a
// free port against the run's test database — for the HTTP integration tests and the browser tests.
import net from "node:net";
import { inject } from "vitest";
import { startRapport, type Rapport } from "../../server/app.ts";
import { parseEnv } from "../../server/env.ts";

/** A TCP port that was free a moment ago (the OS picks it; we release it for the app to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the app in production mode on the run's test database (no demo seed, no background jobs,
 * mail captured in-process unless SMTP_URL is given). PORT and APP_URL are set explicitly so links
 * in emails and canonical URLs point at the running server; `overrides` adds or replaces env vars.
 * The result has the base URL (`app.url`) and `stop()`. Note: startRapport connects the
 * process-wide Prisma client, so `db()` is the app's client (same database) until `stop()`.
 */
export async function startTestApp(overrides: Record<string, string> = {}, opts: { log?: (m: string) => void } = {}): Promise<Rapport> {
  const port = await freePort();
  const env = parseEnv({
    NODE_ENV: "production",
    DATABASE_URL: inject("databaseUrl"),
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    SEED_DEMO: "false",
    SESSION_SECRET: "h".repeat(40),
    DATA_DIR: ".data/test",
    ...overrides,
  });
  return startRapport(env, { mode: "production", jobs: false, log: opts.log ?? (() => {}) });
}
