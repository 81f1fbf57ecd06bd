// Faults around the app as a child process on the run's database, with a counting SMTP server as
// its SMTP_URL:
//  1. the SMTP server is down while mail is queued, then comes back: every queued mail is
//     delivered exactly once (counted by Message-ID at the SMTP server);
//  2. the app is SIGKILLed during a burst of webhooks, ticket replies and points adjustments, then
//     started again: every acknowledged write is there, the mail queued before the kill is
//     delivered (once) by the new process, and pg-boss jobs run again.
// (test/integration/outbox.integration.test.ts covers one retry in-process; campaign-crash covers a
// killed campaign sender. These run the whole app, as deployed.)
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { jobState, missingWrites, ok, operation, runLoad, seedLoadFixture, sendJob, summarise, WEBHOOK_SECRET, type LoadFixture, type Outcome } from "./load.ts";
import { startAppProcess, until, type AppProcess } from "./process.ts";
import { recordHardening } from "./report.ts";
import { startCountingSmtp, type CountingSmtp } from "./smtp.ts";

const databaseUrl = process.env.DATABASE_URL!;
let smtp: CountingSmtp;
let app: AppProcess | undefined;
let fx: LoadFixture;
const appOptions = () => ({ databaseUrl, stripeWebhookSecret: WEBHOOK_SECRET, smtpUrl: smtp.url, dataDir: ".data/hardening", env: { OUTBOX_LEASE_SECONDS: "5" } });

beforeAll(async () => {
  smtp = await startCountingSmtp();
  await smtp.close(); // down from the start
  app = await startAppProcess(appOptions());
  fx = await seedLoadFixture(db() as never, 4);
});

afterAll(async () => {
  await app?.stop();
  await smtp?.close();
});

/** The confirmation mails of these orders (one per order: each buyer is a new customer). */
async function confirmations(orderNumbers: string[]) {
  const buyers = (await db().order.findMany({ where: { number: { in: orderNumbers } }, select: { customerId: true } })).map((o) => o.customerId);
  return db().mailOutbox.findMany({ where: { template: "order-confirmation", customerId: { in: buyers } }, select: { id: true, status: true, attempts: true, messageId: true, lastError: true } });
}

async function allDelivered(orderNumbers: string[]) {
  return until(
    `the ${orderNumbers.length} confirmation mails to be delivered`,
    async () => {
      const rows = await confirmations(orderNumbers);
      const counts = smtp.counts();
      return rows.length === orderNumbers.length && rows.every((r) => r.status === "SENT" && r.messageId && counts.get(r.messageId)) ? rows : null;
    },
    { timeoutMs: 150_000, everyMs: 500 },
  );
}

it("SMTP down while mail is queued, then back: every queued mail delivered exactly once", async () => {
  const sent: Outcome[] = [];
  for (let i = 0; i < 6; i++) sent.push(...(await Promise.all(Array.from({ length: 5 }, () => operation(fx, app!.url, "webhook")))));
  expect(sent.filter((o) => !ok(o)).map((o) => `${o.status} ${o.body}`)).toEqual([]);
  const numbers = sent.map((o) => o.key);

  // The outbox tried while nothing was listening, and kept every mail.
  const tried = await until("the outbox to have tried every mail while SMTP was down", async () => {
    const rows = await confirmations(numbers);
    return rows.length === numbers.length && rows.every((r) => r.status === "PENDING") && rows.some((r) => r.lastError) ? rows : null;
  });
  await smtp.open();
  const rows = await allDelivered(numbers);
  // Nothing more arrives afterwards (a few more outbox passes).
  await new Promise((r) => setTimeout(r, 3000));
  const counts = smtp.counts();
  const ids = rows.map((r) => r.messageId!);
  const lost = ids.filter((id) => !counts.get(id)).length;
  const twice = ids.filter((id) => (counts.get(id) ?? 0) > 1).length;
  recordHardening({
    area: "faults",
    name: "SMTP server down while 30 mails are queued, then back (child process, SMTP_URL)",
    tried: ids.length,
    failed: lost + twice,
    detail: `${tried.filter((r) => r.lastError).length} tried while down and kept; after SMTP returned: ${ids.length - lost} delivered, ${lost} lost, ${twice} delivered twice`,
  });
  expect({ lost, twice }).toEqual({ lost: 0, twice: 0 });
});

it("SIGKILL during a burst of webhooks, ticket replies and ledger writes, then a restart: every acknowledged write kept, queued mail and jobs resume", async () => {
  await smtp.close(); // mail queued during the burst waits in the outbox
  const outcomes: Outcome[] = [];
  let stop = false;
  const loading = runLoad(fx, () => app!.url, { lanes: 8, stop: () => stop, mix: ["webhook", "reply", "adjust"], out: outcomes });
  await until("40 acknowledged writes", async () => outcomes.filter(ok).length >= 40, { timeoutMs: 120_000, everyMs: 50 });
  const victim = app!;
  await victim.kill("SIGKILL");
  stop = true;
  await loading;
  const inFlight = outcomes.filter((o) => o.status === 0).length;

  // Queued while no app is running: the next process must run it.
  const jobId = await sendJob(databaseUrl, "maintenance");
  app = await startAppProcess(appOptions());
  const missing = await missingWrites(db() as never, outcomes);
  const bad = outcomes.filter((o) => !ok(o) && o.status !== 0);

  await smtp.open();
  const numbers = outcomes.filter((o) => o.kind === "webhook" && ok(o)).map((o) => o.key);
  const delivered = await allDelivered(numbers).catch(() => [] as Awaited<ReturnType<typeof confirmations>>);
  await new Promise((r) => setTimeout(r, 2000));
  const counts = smtp.counts();
  const lostMail = numbers.length - delivered.length;
  const twice = delivered.filter((r) => (counts.get(r.messageId!) ?? 0) > 1).length;
  const job = await until("the pg-boss job queued while the app was down to complete", async () => ((await jobState(db() as never, jobId)) === "completed" ? "completed" : null), { timeoutMs: 60_000 }).catch(async () => jobState(db() as never, jobId));

  const acked = outcomes.filter(ok).length;
  recordHardening({
    area: "faults",
    name: "app SIGKILLed during a burst of webhooks + ticket replies + ledger writes, then restarted",
    tried: acked,
    failed: missing.length + bad.length + lostMail + twice + (job === "completed" ? 0 : 1),
    detail: `${acked} acknowledged before the kill (${summarise(outcomes)}), ${inFlight} cut off by it; after restart: ${missing.length} acknowledged writes missing, ${numbers.length - lostMail}/${numbers.length} queued confirmation mails delivered (${twice} twice), pg-boss job ${job}`,
  });
  recordHardening({ area: "requests", name: "acknowledged (2xx) writes before the SIGKILL, checked in the database after the restart", tried: acked, failed: missing.length });
  expect(victim.exitInfo()?.signal).toBe("SIGKILL");
  expect(bad.map((o) => `${o.kind} ${o.status} ${o.body.slice(0, 200)}`)).toEqual([]);
  expect(missing.map((o) => `${o.kind} ${o.key}`)).toEqual([]);
  expect({ lostMail, twice }).toEqual({ lostMail: 0, twice: 0 });
  expect(job).toBe("completed");
});
