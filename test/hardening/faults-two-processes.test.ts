// Two app processes (child processes on ports A and B) on one PostgreSQL, as behind a load
// balancer: a session made on A works on B; a Stripe event delivered to both at once is applied
// once; the mail it queues is sent once (outbox claims with SKIP LOCKED, counted at the SMTP server
// by Message-ID); a scheduled pg-boss job runs once per tick, not once per process. Also measures a
// page's and the webhook's throughput with one process and with two (README capacity model; figures
// only, nothing asserted about speed).
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { createCustomer, TEST_PASSWORD } from "../factories/index.ts";
import { checkoutSession, newPayment, refund, refundedCharge, signed, stripeEvent } from "../integration/orders-backend-fixtures.ts";
import { ok, operation, runLoad, seedLoadFixture, WEBHOOK_SECRET, type LoadFixture, type OpKind, type Outcome } from "./load.ts";
import { startAppProcess, until, type AppProcess } from "./process.ts";
import { recordHardening } from "./report.ts";
import { startCountingSmtp, type CountingSmtp } from "./smtp.ts";

const databaseUrl = process.env.DATABASE_URL!;
const SECRET = "shared-session-secret-for-both-processes-0123";
let smtp: CountingSmtp;
let a: AppProcess | undefined;
let b: AppProcess | undefined;
let bothUpAt = 0;
let fx: LoadFixture;

beforeAll(async () => {
  smtp = await startCountingSmtp();
  const opts = { databaseUrl, sessionSecret: SECRET, stripeWebhookSecret: WEBHOOK_SECRET, smtpUrl: smtp.url, dataDir: ".data/hardening" };
  // Both at once, as a process manager starts them: migrations (Prisma's advisory lock) and pg-boss's
  // schema check and queue creation must cope with the other process doing the same.
  [a, b] = await Promise.all([startAppProcess(opts), startAppProcess(opts)]);
  bothUpAt = Date.now();
  fx = await seedLoadFixture(db() as never, 4);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await smtp?.close();
});

it("two processes on one database: shared sessions, a Stripe event delivered to both applied once, its mail sent once, a scheduled job run once per tick", { timeout: 300_000 }, async () => {
  // --- A session made on A works on B -----------------------------------------------------------
  const customer = await createCustomer(db(), { login: true });
  const login = await fetch(`${a!.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: customer.email, password: TEST_PASSWORD, intent: "password" }).toString(),
  });
  const cookie = /rapport_session=[^;]+/.exec(login.headers.get("set-cookie") ?? "")?.[0];
  const onB = cookie ? await fetch(`${b!.url}/account`, { headers: { cookie, accept: "text/html" }, redirect: "manual" }) : null;
  const onBBody = onB ? await onB.text() : "";
  const anonymousOnB = await fetch(`${b!.url}/account`, { headers: { accept: "text/html" }, redirect: "manual" });
  const sessionShared = login.status === 302 && !!cookie && onB?.status === 200 && onBBody.includes(customer.email) && anonymousOnB.status >= 300 && anonymousOnB.status < 400;

  // --- The same Stripe events delivered to both processes at once -----------------------------------
  const PAYMENTS = 15;
  const payments = Array.from({ length: PAYMENTS }, () => newPayment());
  // Like Stripe: an event not acknowledged (no 2xx from either process) is delivered again, to both.
  type Answer = { status: number; body: { status?: string } };
  let redeliveries = 0;
  const both = async (event: object): Promise<Answer[]> => {
    const s = signed(event);
    const post = (url: string) => fetch(`${url}/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": s.header }, body: s.payload }).then(async (r) => ({ status: r.status, body: (await r.json()) as { status?: string } }));
    const all: Answer[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      if (attempt > 0) {
        redeliveries++;
        await new Promise((r) => setTimeout(r, 1000));
      }
      all.push(...(await Promise.all([post(a!.url), post(b!.url)])));
      if (all.some((x) => x.status === 200)) break;
    }
    return all;
  };
  const answers = await Promise.all(payments.map((p) => both(stripeEvent("checkout.session.completed", checkoutSession(p)))));
  const refundAnswers = await Promise.all(payments.map((p) => both(stripeEvent("charge.refunded", refundedCharge(p, [refund(p, 500)])))));
  // Every delivery of an event is answered; exactly one of them (on A or B) stored it — the others
  // are "duplicate" — and it is applied once (the orders below). The storing process answers
  // "applied" when an applier of either process settles it within STRIPE_WEBHOOK_WAIT_MS, else "queued".
  const notOnce = [...answers, ...refundAnswers].filter((all) => all.filter((x) => x.status === 200 && x.body.status !== "duplicate").length !== 1);
  const appliedTwice = notOnce.length;
  const refusedDeliveries = [...answers, ...refundAnswers].flat().filter((x) => x.status !== 200);
  const readOrders = () => db().order.findMany({ where: { number: { in: payments.map((p) => p.orderNumber) } }, include: { refunds: true } });
  // Events answered "queued" are applied a moment later from the database: wait for that (bounded).
  await until("every stored event to be applied", async () => ((await db().stripeEvent.count({ where: { appliedAt: null, error: null, receivedAt: { gte: new Date(bothUpAt) } } })) === 0 ? true : null), { timeoutMs: 60_000 }).catch(() => null);
  const orders = await readOrders();
  const wrongOrders = payments.filter((p) => {
    const o = orders.filter((x) => x.number === p.orderNumber);
    return o.length !== 1 || o[0]!.refundedMinor !== 500 || o[0]!.refunds.length !== 1;
  }).length;
  const mails = await db().mailOutbox.findMany({ where: { template: "order-confirmation", customerId: { in: orders.map((o) => o.customerId) } } });
  const delivered = await until(
    "the confirmation mails to be sent",
    async () => {
      const rows = await db().mailOutbox.findMany({ where: { id: { in: mails.map((m) => m.id) } } });
      const counts = smtp.counts();
      return rows.every((r) => r.status === "SENT" && r.messageId && counts.get(r.messageId)) ? rows : null;
    },
    { timeoutMs: 60_000 },
  ).catch(() => []);
  await new Promise((r) => setTimeout(r, 2000));
  const counts = smtp.counts();
  const mailNotOnce = PAYMENTS - mails.length + mails.length - delivered.filter((r) => counts.get(r.messageId!) === 1).length;

  // --- Throughput, one process vs two (figures for the README; the cron tick below needs the time anyway)
  const measure = async (targets: AppProcess[], kind: OpKind, ms: number) => {
    let i = 0;
    const started = Date.now();
    const out = await runLoad(fx, () => targets[i++ % targets.length]!.url, { lanes: 8, stop: () => Date.now() - started > ms, mix: [kind] });
    const secs = (Date.now() - started) / 1000;
    return { perSecond: out.filter(ok).length / secs, failed: out.filter((o: Outcome) => !ok(o)).length };
  };
  await Promise.all([operation(fx, a!.url, "page"), operation(fx, b!.url, "page")]); // warm both
  const pageOne = await measure([a!], "page", 5000);
  const pageTwo = await measure([a!, b!], "page", 5000);
  const hookOne = await measure([a!], "webhook", 5000);
  const hookTwo = await measure([a!, b!], "webhook", 5000);

  // --- A scheduled job (orders.stripe-retry, every minute) runs once per tick, not once per process
  const doneLines = () => (a!.logs().match(/\[jobs\] orders\.stripe-retry done/g)?.length ?? 0) + (b!.logs().match(/\[jobs\] orders\.stripe-retry done/g)?.length ?? 0);
  const since = new Date(bothUpAt);
  const jobs = () => db().$queryRaw<{ minute: Date; n: number; completed: number }[]>`
    SELECT date_trunc('minute', created_on) AS minute, count(*)::int AS n, count(*) FILTER (WHERE state = 'completed')::int AS completed
    FROM pgboss.job WHERE name = 'orders.stripe-retry' AND created_on > ${since} GROUP BY 1 ORDER BY 1`;
  const ticks = await until("a cron tick with both processes up, its job completed", async () => {
    const rows = await jobs();
    return rows.length > 0 && rows.every((r) => r.completed === r.n) && doneLines() >= rows.reduce((s, r) => s + r.n, 0) ? rows : null;
  }, { timeoutMs: 100_000, everyMs: 1000 });
  await new Promise((r) => setTimeout(r, 3000));
  const finalTicks = await jobs();
  const jobsRun = finalTicks.reduce((s, r) => s + r.completed, 0);
  const extraRuns = finalTicks.filter((r) => r.n !== 1).length + Math.abs(doneLines() - jobsRun);

  const failed = (sessionShared ? 0 : 1) + appliedTwice + wrongOrders + mailNotOnce + extraRuns;
  const figures = `page GET /orders: ${pageOne.perSecond.toFixed(1)} req/s with 1 process, ${pageTwo.perSecond.toFixed(1)} with 2; webhook (new checkout): ${hookOne.perSecond.toFixed(1)} events/s with 1, ${hookTwo.perSecond.toFixed(1)} with 2 (8 clients, 5 s each, same 2-core machine as PostgreSQL and the load)`;
  recordHardening({
    area: "faults",
    name: "two app processes on one PostgreSQL (sessions, Stripe event to both, outbox, pg-boss schedule)",
    tried: 1 + PAYMENTS * 2 + PAYMENTS + ticks.length,
    failed,
    detail: `session from A on B: ${sessionShared ? "works" : "FAILED"}; ${PAYMENTS * 2} events each delivered to both at once: ${appliedTwice} not applied exactly once (${redeliveries} redelivered after both answered non-2xx: ${[...new Set(refusedDeliveries.map((x) => x.status))].join("/") || "none"}), ${wrongOrders} orders wrong; ${PAYMENTS} confirmation mails: ${mailNotOnce} not delivered exactly once; cron ticks ${finalTicks.map((r) => `${r.minute.toISOString().slice(11, 16)}×${r.n}`).join(", ")}, runs logged ${doneLines()}. ${figures}`,
  });
  process.stderr.write(`[faults-two-processes] ${figures}; uptime load ${(await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")}\n`);
  expect(sessionShared, `login ${login.status}, B ${onB?.status}, anonymous on B ${anonymousOnB.status}`).toBe(true);
  const stripeLog = (a!.logs() + b!.logs()).split("\n").filter((l) => l.includes("[stripe]")).join("\n");
  expect(notOnce.map((pair) => JSON.stringify(pair)), stripeLog).toEqual([]);
  expect({ appliedTwice, wrongOrders, mailNotOnce, extraRuns }).toEqual({ appliedTwice: 0, wrongOrders: 0, mailNotOnce: 0, extraRuns: 0 });
  expect(pageOne.failed + pageTwo.failed + hookOne.failed + hookTwo.failed).toBe(0);
  expect(failed).toBe(0);
});
