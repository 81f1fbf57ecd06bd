// `npm run bench:webhooks -- [--payments 300] [--concurrency 16] [--wait-ms 5000]`
// Stripe webhooks end to end (issue #14, target ≥ 500 events/s): signed, mixed events
// (checkout.session.completed, payment_intent.succeeded / payment_failed, charge.refunded,
// charge.dispute.created; some payments delivered out of order, some events delivered twice at
// once) POSTed over HTTP with `--concurrency` clients to the real app (production build) on its own
// database `rapport_bench_webhooks` (recreated each run). The figure is events APPLIED per second:
// from the first send until every event is applied in the database (StripeEvent.appliedAt is set in
// the same transaction as the event's effects), not merely acknowledged. Then every event is sent
// again: each must be answered "duplicate" and the effects (orders, items, refunds, timeline,
// touchpoints, outbox mail, ledger, balances) must be unchanged, and the expected effects of each
// payment must be there. Reports one BenchRow (test/bench/lib.ts) via reportBenchRows.
// `--wait-ms` sets STRIPE_WEBHOOK_WAIT_MS of the app (0 = the webhook answers once the event is stored).
import fs from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { startRapport } from "../../server/app.ts";
import { parseEnv } from "../../server/env.ts";
import { checkoutSession, dispute, newPayment, paymentIntent, refund, refundedCharge, signed, stripeEvent, WEBHOOK_SECRET } from "../integration/orders-backend-fixtures.ts";
import { ensureBuild, freePort, startCountingSmtpSink, machine, percentileFloor, progressLogger, recreateBenchDatabase, reportBenchRows, type BenchRow } from "./lib.ts";

const { values } = parseArgs({
  options: {
    payments: { type: "string", default: "300" },
    concurrency: { type: "string", default: "16" },
    "wait-ms": { type: "string", default: "5000" },
  },
});
const int = (name: string, v: string | undefined, min = 1) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min} (got ${v})`);
  return n;
};
const PAYMENTS = int("payments", values.payments);
const CONCURRENCY = int("concurrency", values.concurrency);
const WAIT_MS = int("wait-ms", values["wait-ms"], 0);
const TARGET = 500;
const progress = progressLogger("bench:webhooks");

const base = process.env.DATABASE_URL;
if (!base) {
  reportBenchRows([
    { path: "POST /webhooks/stripe — signed mixed Stripe events, applied end to end", product: "—", baseline: null, ratio: null, target: `≥ ${TARGET} events/s, idempotent`, pass: null, note: "DATABASE_URL unset: bench:webhooks needs a PostgreSQL server (it creates its own database rapport_bench_webhooks there)" },
  ]);
  process.exit(0);
}
ensureBuild(progress);
const databaseUrl = await recreateBenchDatabase(base, "rapport_bench_webhooks", progress);

type Signed = { id: string; payload: string; header: string };
const sign = (e: { id: string }): Signed => ({ id: e.id, ...signed(e) });

// Each payment: its events in the order its client sends them.
const REFUND = 500;
const payments = Array.from({ length: PAYMENTS }, (_, i) => {
  const p = newPayment();
  const checkout = stripeEvent("checkout.session.completed", checkoutSession(p));
  const paid = stripeEvent("payment_intent.succeeded", paymentIntent(p));
  const refunded = stripeEvent("charge.refunded", refundedCharge(p, [refund(p, REFUND)]));
  const failed = i % 5 === 0 ? stripeEvent("payment_intent.payment_failed", paymentIntent(p, "requires_payment_method")) : null;
  const disputed = i % 10 === 0 ? stripeEvent("charge.dispute.created", dispute(p)) : null;
  // Every 7th payment arrives out of order: the refund first, then the payment, then the checkout.
  const seq = i % 7 === 3 ? [refunded, paid, checkout] : [checkout, paid, refunded];
  if (failed) seq.splice(1, 0, failed);
  if (disputed) seq.push(disputed);
  return { p, events: seq.map(sign), failed: failed !== null, disputed: disputed !== null };
});
const all = payments.flatMap((x) => x.events);
const ids = all.map((e) => e.id);

// Mail goes to a counting SMTP sink, as to an MTA elsewhere in production (the outbox still
// renders and sends every message in this process; the dev capture server would also parse and store them).
const sink = await startCountingSmtpSink();
const port = await freePort();
const env = parseEnv({
  ...process.env,
  NODE_ENV: "production",
  DATABASE_URL: databaseUrl,
  PORT: String(port),
  APP_URL: `http://localhost:${port}`,
  SEED_DEMO: "false",
  SESSION_SECRET: "w".repeat(40),
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_WEBHOOK_WAIT_MS: String(WAIT_MS),
  STRIPE_SECRET_KEY: undefined,
  SMTP_URL: sink.url,
  INBOUND_SMTP_PORT: "0",
  LOG_LEVEL: "warn",
});
progress("starting the app (production build)");
const app = await startRapport(env, { mode: "production", jobs: false, log: () => {} });
// One connection for the checks (its backend is left out of the database CPU below).
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const ownPid = (await db.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
const TICKS = 100; // USER_HZ on Linux

/** CPU ticks (user + system) of each PostgreSQL backend serving the bench database, from /proc (same machine). */
async function backendTicks(): Promise<Map<number, number>> {
  const pids = (await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> $1`, [ownPid])).rows.map((r) => r.pid as number);
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
      out.set(pid, Number(rest[11]) + Number(rest[12]));
    } catch {
      // Not readable (another machine or user): no database CPU figure.
    }
  }
  return out;
}
const ticksSince = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((sum, [pid, t]) => sum + t - (a.get(pid) ?? 0), 0);

async function send(s: Signed): Promise<{ ms: number; status: string }> {
  const t0 = performance.now();
  const res = await fetch(`${app.url}/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": s.header }, body: s.payload });
  const body = (await res.json()) as { status?: string };
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(body)}`);
  return { ms: performance.now() - t0, status: body.status ?? "?" };
}

async function appliedCount(): Promise<number> {
  return (await db.query(`SELECT count(*)::int AS n FROM "StripeEvent" WHERE "id" = ANY($1::text[]) AND "appliedAt" IS NOT NULL`, [ids])).rows[0].n;
}

async function untilApplied(timeoutMs: number): Promise<number> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if ((await appliedCount()) === ids.length) return performance.now();
    if (performance.now() > end) throw new Error(`only ${await appliedCount()} of ${ids.length} events applied after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the events did, in numbers: must not change on replay. */
async function effects() {
  const q = async (sql: string) => (await db.query(sql)).rows[0] as Record<string, number>;
  return {
    ...(await q(`SELECT count(*)::int AS orders, COALESCE(sum("refundedMinor"), 0)::int AS refunded, count(*) FILTER (WHERE "paidAt" IS NOT NULL)::int AS paid, count(*) FILTER (WHERE "disputedAt" IS NOT NULL)::int AS disputed FROM "Order"`)),
    ...(await q(`SELECT count(*)::int AS items FROM "OrderItem"`)),
    ...(await q(`SELECT count(*)::int AS refunds FROM "Refund"`)),
    ...(await q(`SELECT count(*)::int AS "timelineEvents" FROM "OrderEvent"`)),
    ...(await q(`SELECT count(*)::int AS touchpoints FROM "Touchpoint"`)),
    ...(await q(`SELECT count(*)::int AS mails FROM "MailOutbox"`)),
    ...(await q(`SELECT count(*)::int AS "ledgerEntries" FROM "LoyaltyLedgerEntry"`)),
    ...(await q(`SELECT count(*)::int AS customers, COALESCE(sum("pointsPending"), 0)::int AS "pointsPending", COALESCE(sum("pointsAvailable"), 0)::int AS "pointsAvailable" FROM "Customer"`)),
    ...(await q(`SELECT count(*)::int AS "loyaltyOrders", COALESCE(sum("earned"), 0)::int AS earned, COALESCE(sum("reversed"), 0)::int AS reversed FROM "LoyaltyOrderPoints"`)),
  };
}

let row: BenchRow;
try {
  // Warm-up (not measured): a few payments through the same path.
  for (let i = 0; i < 3; i++) {
    const p = newPayment();
    await send(sign(stripeEvent("checkout.session.completed", checkoutSession(p))));
  }
  for (let i = 0; (await db.query(`SELECT 1 FROM "StripeEvent" WHERE "appliedAt" IS NULL`)).rowCount! > 0; i++) {
    if (i > 500) throw new Error("warm-up events were not applied");
    await new Promise((r) => setTimeout(r, 20));
  }
  const before = await effects();

  progress(`${all.length} signed events (${PAYMENTS} payments), concurrency ${CONCURRENCY}, webhook wait ${WAIT_MS} ms; load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  let doubles = 0;
  const cpu0 = process.cpuUsage();
  const pg0 = await backendTicks();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < payments.length) {
        const pay = payments[next++]!;
        for (const [k, s] of pay.events.entries()) {
          // Every 8th payment: its first event is delivered twice at the same moment.
          const both = k === 0 && next % 8 === 0 ? [send(s), send(s)] : [send(s)];
          if (both.length === 2) doubles++;
          for (const r of await Promise.all(both)) {
            latencies.push(r.ms);
            statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          }
        }
      }
    }),
  );
  const tAcked = performance.now();
  const tApplied = await untilApplied(120_000);
  const cpu = process.cpuUsage(cpu0);
  const pgTicks = ticksSince(pg0, await backendTicks());
  const nodeMsPerEvent = (cpu.user + cpu.system) / 1000 / all.length;
  const pgMsPerEvent = ((pgTicks / TICKS) * 1000) / all.length;
  const secs = (tApplied - t0) / 1000;
  const rate = all.length / secs;
  latencies.sort((a, b) => a - b);
  const after = await effects();
  progress(`applied ${all.length} events in ${secs.toFixed(2)} s (${rate.toFixed(0)}/s; all acknowledged after ${((tAcked - t0) / 1000).toFixed(2)} s); answers ${JSON.stringify(statuses)}`);
  progress(`CPU per event: this process ${nodeMsPerEvent.toFixed(2)} ms, PostgreSQL ${pgMsPerEvent.toFixed(2)} ms → an idle 2-core machine: ~${Math.round(2000 / (nodeMsPerEvent + pgMsPerEvent))} events/s`);

  // Expected effects of the workload (the default settings: 1 point per USD of subtotal, Bronze).
  const problems: string[] = [];
  const grew = (k: keyof typeof after) => after[k]! - before[k]!;
  const expect = (what: string, got: number, want: number) => got !== want && problems.push(`${what}: ${got}, expected ${want}`);
  const failedN = payments.filter((x) => x.failed).length;
  const disputedN = payments.filter((x) => x.disputed).length;
  expect("orders", grew("orders"), PAYMENTS);
  expect("paid orders", grew("paid"), PAYMENTS);
  expect("refunds", grew("refunds"), PAYMENTS);
  expect("refunded total", grew("refunded"), PAYMENTS * REFUND);
  expect("disputed orders", grew("disputed"), disputedN);
  expect("timeline events (placed, paid, refunded, payment_failed, disputed)", grew("timelineEvents"), PAYMENTS * 3 + failedN + disputedN);
  expect("mails (confirmation, refund)", grew("mails"), PAYMENTS * 2);
  expect("ledger entries (earn, reverse)", grew("ledgerEntries"), PAYMENTS * 2);
  expect("loyalty orders", grew("loyaltyOrders"), PAYMENTS);
  const earnEach = Math.floor((payments[0]!.p.amount - 599) / 100);
  expect("points earned", grew("earned"), PAYMENTS * earnEach);
  expect("points pending", grew("pointsPending"), PAYMENTS * earnEach - grew("reversed"));

  // Idempotency: every event again; each must be a duplicate, and nothing may change.
  progress("replaying every event");
  let ri = 0;
  const replayLat: number[] = [];
  const replayStatuses: Record<string, number> = {};
  const r0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (ri < all.length) {
        const r = await send(all[ri++]!);
        replayLat.push(r.ms);
        replayStatuses[r.status] = (replayStatuses[r.status] ?? 0) + 1;
      }
    }),
  );
  const replayRate = all.length / ((performance.now() - r0) / 1000);
  await new Promise((r) => setTimeout(r, 300));
  const replayed = await effects();
  if ((replayStatuses.duplicate ?? 0) !== all.length) problems.push(`replays answered ${JSON.stringify(replayStatuses)}, expected ${all.length} duplicates`);
  for (const k of Object.keys(after) as (keyof typeof after)[]) if (replayed[k] !== after[k]) problems.push(`replay changed ${k}: ${after[k]} → ${replayed[k]}`);
  replayLat.sort((a, b) => a - b);
  if (problems.length) progress(`PROBLEMS: ${problems.join("; ")}`);

  const load = os.loadavg().map((x) => Number(x.toFixed(2)));
  row = {
    path: `POST /webhooks/stripe — signed mixed Stripe events, applied end to end (concurrency ${CONCURRENCY})`,
    product: `${rate.toFixed(0)} events/s applied (${all.length} events in ${secs.toFixed(1)} s; CPU/event ${nodeMsPerEvent.toFixed(1)} ms app + ${pgMsPerEvent.toFixed(1)} ms PostgreSQL; ack p50 ${percentileFloor(latencies, 50).toFixed(0)} ms, p95 ${percentileFloor(latencies, 95).toFixed(0)} ms); replays ${replayRate.toFixed(0)}/s, effects unchanged: ${problems.length === 0 ? "yes" : "NO"}`,
    baseline: null,
    ratio: null,
    target: `≥ ${TARGET} events/s, idempotent`,
    pass: problems.length === 0 && rate >= TARGET,
    ...(problems.length ? { note: problems.join("; ") } : {}),
    data: {
      events: all.length,
      payments: PAYMENTS,
      doublesSentAtOnce: doubles,
      concurrency: CONCURRENCY,
      webhookWaitMs: WAIT_MS,
      appliedPerSecond: Math.round(rate),
      secondsToApplied: Number(secs.toFixed(3)),
      secondsToAcknowledged: Number(((tAcked - t0) / 1000).toFixed(3)),
      ackP50Ms: Number(percentileFloor(latencies, 50).toFixed(1)),
      ackP95Ms: Number(percentileFloor(latencies, 95).toFixed(1)),
      answers: statuses,
      replayPerSecond: Math.round(replayRate),
      replayP95Ms: Number(percentileFloor(replayLat, 95).toFixed(1)),
      // Load-independent cost: CPU per applied event of this process (app + load generator + mail
      // delivery) and of the PostgreSQL backends serving it; 2 cores / their sum is the rate an idle
      // 2-core machine could reach with this code.
      processCpuMsPerEvent: Number(nodeMsPerEvent.toFixed(2)),
      postgresCpuMsPerEvent: Number(pgMsPerEvent.toFixed(2)),
      idleTwoCoreEstimatePerSecond: Math.round(2000 / (nodeMsPerEvent + pgMsPerEvent)),
      effects: { before, after, replayed },
      problems,
      mailsDeliveredToSink: sink.count(),
      load,
      machine: machine(),
    },
  };
} finally {
  await db.end();
  await app.stop();
  await sink.close();
}
reportBenchRows([row]);
process.exit(0);
