// Fault: PostgreSQL stopped and started again while the app (a child process) is under load of
// customer pages, signed Stripe webhooks, ticket replies and staff points adjustments. The app must
// ride it out without a restart: during the outage every request is answered with a clear 503
// (Retry-After, a short message, no Prisma text), nothing hangs, the process does not exit; after
// PostgreSQL is back requests succeed again, every acknowledged write is in the database, buffered
// page views and queued mail get written/sent, and pg-boss still runs jobs.
import fs from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PrismaClient } from "../../server/db/generated/client.ts";
import { CatalogSafePool } from "../../server/db/pg-pool.ts";
import { startEmbeddedPostgres, type EmbeddedDb } from "../../server/db/embedded.ts";
import { clearUnavailable, jobState, missingWrites, ok, runLoad, seedLoadFixture, sendJob, summarise, WEBHOOK_SECRET, type LoadFixture, type OpKind, type Outcome } from "./load.ts";
import { freePort, startAppProcess, until, type AppProcess } from "./process.ts";
import { recordHardening } from "./report.ts";
import { startCountingSmtp, type CountingSmtp } from "./smtp.ts";

const t0 = Date.now();
const phase = (m: string) => process.stderr.write(`[faults-postgres ${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
const DATA_DIR = path.resolve(`.data/hardening-faults/pg-${process.pid}`);
let pgPort: number;
let pg: EmbeddedDb | undefined;
let pool: CatalogSafePool;
let db: PrismaClient;
let app: AppProcess | undefined;
let fx: LoadFixture;
let smtp: CountingSmtp | undefined;

beforeAll(async () => {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  pgPort = await freePort();
  pg = await startEmbeddedPostgres({ dataDir: DATA_DIR, port: pgPort });
  phase("pg started");
  smtp = await startCountingSmtp();
  // The app applies the migrations at boot.
  app = await startAppProcess({ databaseUrl: pg.url, stripeWebhookSecret: WEBHOOK_SECRET, smtpUrl: smtp.url, dataDir: path.join(DATA_DIR, "app"), env: { OUTBOX_LEASE_SECONDS: "5" } });
  phase("app started");
  pool = new CatalogSafePool({ connectionString: pg.url, max: 3 });
  // The test's own connections are cut by the restart too.
  pool.on("error", () => {});
  db = new PrismaClient({ adapter: new PrismaPg(pool) });
  fx = await seedLoadFixture(db as never, 6);
  phase("seeded");
});

afterAll(async () => {
  await app?.stop();
  await db?.$disconnect().catch(() => {});
  await pool?.end().catch(() => {});
  await pg?.stop().catch(() => {});
  await smtp?.close();
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
});

it("survives a PostgreSQL restart under page + webhook + write load: 503s while it is down, every acknowledged write kept, recovers without a restart", async () => {
  let stop = false;
  const outcomes: Outcome[] = [];
  const loading = runLoad(fx, () => app!.url, { lanes: 6, stop: () => stop, out: outcomes });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  await sleep(3000);
  const downAt = Date.now();
  await pg!.stop();
  pg = undefined;
  await sleep(4000);
  pg = await startEmbeddedPostgres({ dataDir: DATA_DIR, port: pgPort });
  const upAt = Date.now();

  // Keep loading until every kind of request has succeeded again several times (bounded).
  const kinds: OpKind[] = ["page", "webhook", "reply", "adjust"];
  const countOkAfter = (k: OpKind) => outcomes.filter((o) => o.kind === k && ok(o) && o.sentAt > upAt).length;
  const recovered = await until(
    "every kind of request to succeed again after PostgreSQL is back",
    async () => {
      await sleep(500);
      return Date.now() - upAt > 4000 && kinds.every((k) => countOkAfter(k) >= 3);
    },
    { timeoutMs: 90_000 },
  ).catch((e: Error) => e);
  stop = true;
  await loading;
  phase(`load done: ${summarise(outcomes)}`);

  const bad = outcomes.filter((o) => !ok(o) && !clearUnavailable(o));
  const refused = outcomes.filter((o) => o.status === 503);
  const missing = await missingWrites(db as never, outcomes);
  const okAfter = Object.fromEntries(kinds.map((k) => [k, countOkAfter(k)]));

  // Page views buffered while PostgreSQL was away are written once it is back.
  const okPages = outcomes.filter((o) => o.kind === "page" && ok(o)).length;
  const views = await until("buffered page views to be written", async () => {
    const n = await db.touchpoint.count({ where: { customerId: { in: fx.customers.map((c) => c.id) }, type: "page.viewed" } });
    return n >= okPages ? n : null;
  }).catch(() => -1);

  phase("views written");
  // Every acknowledged order's confirmation mail leaves the outbox and reaches the SMTP server (a
  // message whose "sent" mark was lost with the connection may arrive twice, with the same Message-ID).
  const orderNumbers = outcomes.filter((o) => o.kind === "webhook" && ok(o)).map((o) => o.key);
  const buyers = (await db.order.findMany({ where: { number: { in: orderNumbers } }, select: { customerId: true } })).map((o) => o.customerId);
  const confirmations = () => db.mailOutbox.findMany({ where: { template: "order-confirmation", customerId: { in: buyers } }, select: { id: true, status: true, messageId: true, lastError: true } });
  const unsent = await until(
    "the confirmation mail of every acknowledged order to be sent",
    async () => {
      const rows = await confirmations();
      const counts = smtp!.counts();
      const missing = rows.filter((r) => r.status !== "SENT" || !r.messageId || !counts.get(r.messageId));
      return rows.length >= orderNumbers.length && missing.length === 0 ? [] : null;
    },
    { timeoutMs: 90_000 },
  ).catch(async () => (await confirmations()).filter((r) => r.status !== "SENT" || !r.messageId || !smtp!.counts().get(r.messageId)));
  const resent = [...smtp!.counts().values()].filter((n) => n > 1).length;
  phase("mail sent");
  // pg-boss (its own pool) still runs jobs.
  const jobId = await sendJob(pg.url, "maintenance");
  const job = await until("a pg-boss job queued after the restart to complete", async () => ((await jobState(db as never, jobId)) === "completed" ? "completed" : null), { timeoutMs: 60_000 }).catch(async () => jobState(db as never, jobId));

  phase("job done");
  const exited = app!.exited();
  const failed = bad.length + missing.length + (recovered instanceof Error ? 1 : 0) + (exited ? 1 : 0) + (views < 0 ? 1 : 0) + unsent.length + (job === "completed" ? 0 : 1);
  recordHardening({
    area: "faults",
    name: "PostgreSQL stopped for 4 s and restarted under page + webhook + reply + ledger load (child process)",
    tried: outcomes.length,
    failed,
    detail: `${outcomes.filter(ok).length} acknowledged, ${refused.length} answered 503 while down (${((upAt - downAt) / 1000).toFixed(1)} s), ${bad.length} unclear/500/hung, ${missing.length} acknowledged writes missing; after restart ok: ${JSON.stringify(okAfter)}; confirmation mail unsent ${unsent.length} (resent with the same Message-ID: ${resent}); pg-boss job ${job}; process exited: ${exited}`,
  });
  recordHardening({ area: "requests", name: "acknowledged (2xx) writes during the PostgreSQL restart, checked in the database after", tried: outcomes.filter(ok).length, failed: missing.length });
  expect(exited, app!.logs().slice(-3000)).toBe(false);
  expect(bad.map((o) => `${o.kind} ${o.status} ${o.error ?? ""} ${o.body.slice(0, 200)}`), summarise(outcomes)).toEqual([]);
  expect(refused.length, "the outage was felt: some requests were refused with 503").toBeGreaterThan(0);
  expect(missing.map((o) => `${o.kind} ${o.key}`)).toEqual([]);
  expect(recovered instanceof Error ? recovered.message : "recovered", summarise(outcomes)).toBe("recovered");
  expect(views, `page views written (>= ${okPages} acknowledged pages)`).toBeGreaterThanOrEqual(okPages);
  expect(unsent).toEqual([]);
  expect(job).toBe("completed");
  expect(failed).toBe(0);
});
