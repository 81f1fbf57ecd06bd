// Boot sequence as a function, so `npm start`, the tests and the benchmarks run the same thing:
// env → database (embedded or external) → migrations → demo seed → mail → jobs → HTTP.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase, type OpenDb } from "./db/open.ts";
import { setEnv, type Env } from "./env.ts";
import { TouchpointBuffer } from "./domain/touchpoints/buffer.ts";
import { pgPool } from "./db/client.ts";
import { startCaptureServer } from "./mail/capture-server.ts";
import { startInboundServer } from "./domain/support/inbound-server.ts";
import { startOutboxDispatcher } from "./mail/outbox.ts";
import { startCampaignTicker } from "./domain/campaigns/ticker.ts";
import { closeTransport, configureTransport } from "./mail/transport.ts";
import { startJobs } from "./jobs/runner.ts";
import { createHttpApp } from "./http.ts";
import type { Services } from "./trpc/context.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface Rapport {
  url: string;
  port: number;
  databaseUrl: string;
  smtpCaptureUrl: string | null;
  /** Port of the inbound support-mail SMTP listener; null when disabled (INBOUND_SMTP_PORT=0) or its port was taken. */
  inboundSmtpPort: number | null;
  services: Services;
  stop(): Promise<void>;
}

export async function startRapport(env: Env, opts: { mode?: "production" | "development"; seed?: boolean; jobs?: boolean; log?: (m: string) => void } = {}): Promise<Rapport> {
  const log = opts.log ?? ((m: string) => console.log(m));
  // Domain code that builds links or signs tokens reads the process-wide env(): make it this one.
  setEnv(env);
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => log(`shutdown: ${String(e)}`));
  };
  try {
    const database: OpenDb = await openDatabase(env, { log });
    stops.push(() => database.close());
    log(`database ready (${database.embedded ? "embedded PostgreSQL" : "DATABASE_URL"}), migrations applied`);

    if (opts.seed ?? env.SEED_DEMO === "true") {
      const { seedDemo } = await import("../prisma/seed.ts");
      const r = await seedDemo(database.db, { demoPassword: env.DEMO_PASSWORD, log });
      log(r.created ? "demo data seeded" : "demo data already present");
    }

    let smtpCaptureUrl: string | null = null;
    if (env.SMTP_URL) {
      configureTransport(env.SMTP_URL);
    } else {
      const capture = await startCaptureServer(database.db, env.SMTP_CAPTURE_PORT);
      stops.push(() => capture.close());
      smtpCaptureUrl = capture.url;
      configureTransport(capture.url);
      log(`SMTP_URL unset: capturing outgoing mail on ${capture.url} (read it at /admin/mailbox)`);
    }
    stops.push(async () => closeTransport());

    const outbox = startOutboxDispatcher(database.db, { from: env.MAIL_FROM, onError: (e) => log(`[outbox] ${String(e)}`) });
    stops.push(() => outbox.stop());
    // Scheduled launches, bonus-point crediting and completion of campaigns (every few seconds).
    const campaigns = startCampaignTicker(database.db, { onError: (e) => log(`[campaigns] ${String(e)}`), onWork: outbox.kick });
    stops.push(() => campaigns.stop());

    let inboundSmtpPort: number | null = null;
    if (env.INBOUND_SMTP_PORT !== 0) {
      try {
        const inbound = await startInboundServer(database.db, { port: env.INBOUND_SMTP_PORT, host: env.INBOUND_SMTP_HOST, log });
        stops.push(() => inbound.close());
        inboundSmtpPort = inbound.port;
        log(`support mail: SMTP listener on ${inbound.host}:${inbound.port} for ${env.SUPPORT_ADDRESS} and its reply addresses`);
      } catch (e) {
        // A busy port (a second instance on one machine, a test run) must not stop the portal.
        if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
        log(`support mail: port ${env.INBOUND_SMTP_PORT} is in use, inbound SMTP listener NOT started (set INBOUND_SMTP_PORT)`);
      }
    }

    const views = new TouchpointBuffer(pgPool(), { onError: (e) => log(`[touchpoints] flush failed, will retry: ${String(e)}`) }).start();
    stops.push(() => views.stop());

    if (opts.jobs ?? true) {
      const jobs = await startJobs({ url: database.url, db: database.db, log });
      stops.push(() => jobs.stop());
    }

    const services: Services = { db: database.db, env, views, mailQueued: outbox.kick };
    const app = await createHttpApp({ services, mode: opts.mode ?? (env.NODE_ENV === "development" ? "development" : "production"), root: ROOT, log });
    if (app.locals.vite) stops.push(() => (app.locals.vite as { close(): Promise<void> }).close());
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(env.PORT, () => resolve(s));
      s.once("error", reject);
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const port = (server.address() as AddressInfo).port;
    return { url: `http://localhost:${port}`, port, databaseUrl: database.url, smtpCaptureUrl, inboundSmtpPort, services, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
