// `npm run bench:inbound`: inbound support emails processed per second. Starts the inbound SMTP
// listener in-process on loopback and sends N real SMTP messages with nodemailer at a given
// concurrency (pooled connections), in two scenarios:
//   1. replies to existing tickets through signed reply addresses (token check, sender check,
//      quote stripping, addCustomerMessage with touchpoint), and
//   2. new mail to the plain support address from new senders (new customer + createTicket with
//      SLA due times, round-robin assignment, touchpoint and the "received" mail in the outbox).
// A message counts when the listener has answered 250 to its DATA, i.e. it is committed.
// Prints a Markdown table (stdout) and one JSON line; progress goes to stderr.
//
// Database: with DATABASE_URL set, its own database `rapport_bench_inbound` on that server (dropped
// and recreated each run, migrated); else an embedded PostgreSQL under .data/bench-inbound (port 54359).
// Knobs (env): BENCH_INBOUND_MESSAGES (400 per scenario), BENCH_INBOUND_CONCURRENCY (8),
// BENCH_INBOUND_TICKETS (100 tickets the replies are spread over).
import nodemailer, { type SendMailOptions, type Transporter } from "nodemailer";
import { openDatabase } from "../../server/db/open.ts";
import { parseEnv, setEnv } from "../../server/env.ts";
import { startInboundServer } from "../../server/domain/support/inbound-server.ts";
import { replyAddressFor } from "../../server/domain/support/reply-token.ts";
import { createTicket } from "../../server/domain/support/tickets.ts";
import { createCustomer } from "../factories/index.ts";
import { intEnv, machine, percentile, progressLogger, recreateBenchDatabase } from "./lib.ts";

const BENCH_DB = "rapport_bench_inbound";

const MESSAGES = intEnv("BENCH_INBOUND_MESSAGES", 400);
const CONCURRENCY = intEnv("BENCH_INBOUND_CONCURRENCY", 8);
const TICKETS = intEnv("BENCH_INBOUND_TICKETS", 100);

const progress = progressLogger("bench:inbound");


interface Scenario {
  name: string;
  conditions: string;
  message(i: number): SendMailOptions;
}

interface Result {
  name: string;
  conditions: string;
  sent: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
}

async function run(transport: Transporter, s: Scenario): Promise<Result> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= MESSAGES) return;
      const t0 = performance.now();
      try {
        await transport.sendMail(s.message(i));
        latencies.push(performance.now() - t0);
      } catch (e) {
        failed++;
        if (failed <= 3) progress(`${s.name}: message ${i} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { name: s.name, conditions: s.conditions, sent: latencies.length, failed, seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

async function main() {
  const base = process.env.DATABASE_URL;
  const env = parseEnv({
    NODE_ENV: "production",
    DATABASE_URL: base ? await recreateBenchDatabase(base, BENCH_DB, progress) : undefined,
    DATA_DIR: ".data/bench-inbound",
    EMBEDDED_PG_PORT: "54359",
    SESSION_SECRET: "b".repeat(40),
    APP_URL: "http://localhost:3000",
    LOG_LEVEL: "warn",
  });
  setEnv(env);
  progress(env.DATABASE_URL ? `database ${BENCH_DB} on DATABASE_URL's server` : "embedded PostgreSQL under .data/bench-inbound");
  const database = await openDatabase(env, { log: progress, poolMax: Math.max(10, CONCURRENCY + 2) });
  const db = database.db;
  const server = await startInboundServer(db, { port: 0 });
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: server.port, secure: false, ignoreTLS: true, pool: true, maxConnections: CONCURRENCY, maxMessages: Infinity });
  try {
    progress(`seeding ${TICKETS} customers with one ticket each`);
    const tickets: { id: string; email: string; number: number }[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const c = await createCustomer(db, { login: i % 2 === 0 });
      const t = await createTicket(db, { customerId: c.id, subject: `Bench ticket ${i}`, body: "Seed message.", channel: "portal" });
      tickets.push({ id: t.id, email: c.email, number: t.number });
    }
    const runId = Date.now().toString(36);
    const quoted = ["", "On Mon, 23 Nov 2026 at 10:02, Rapport Support <support@rapport.test> wrote:", ...Array.from({ length: 30 }, (_, k) => `> earlier line ${k} of the conversation, quoted by the mail client`)].join("\r\n");
    const scenarios: Scenario[] = [
      {
        name: "reply by email (signed token)",
        conditions: `${TICKETS} tickets, ~2 KB text with 30 quoted lines`,
        message: (i) => {
          const t = tickets[i % tickets.length]!;
          return { from: t.email, to: replyAddressFor(t.id), subject: `[#${t.number}] Re: Bench ticket`, text: `Reply ${i}: thanks, here are the details you asked for.\r\n\r\n-- \r\nA customer${quoted}` };
        },
      },
      {
        name: "new ticket by email (new customer)",
        conditions: "plain support address, a new sender each time",
        message: (i) => ({ from: `"Sender ${i}" <inbound-${runId}-${i}@bench.example>`, to: env.SUPPORT_ADDRESS, subject: `Question ${i} about my order`, text: `Hello, message ${i}.\r\nWhere is my parcel?\r\n\r\nSent from my iPhone` }),
      },
    ];
    // Warm-up: a few messages so JIT, pools and connections are ready.
    for (let i = 0; i < Math.min(CONCURRENCY, 8); i++) await transport.sendMail(scenarios[0]!.message(i));
    const results: Result[] = [];
    for (const s of scenarios) {
      progress(`${s.name}: ${MESSAGES} messages at concurrency ${CONCURRENCY}`);
      results.push(await run(transport, s));
    }

    const m = machine();
    const date = new Date().toISOString().slice(0, 10);
    console.log(`Machine: ${m.cpu} × ${m.cores}, Node ${process.version}, ${env.DATABASE_URL ? "PostgreSQL at DATABASE_URL" : "embedded PostgreSQL"}; sender and listener in one process.\n`);
    console.log("| date | metric | conditions | figure |");
    console.log("| --- | --- | --- | --- |");
    for (const r of results) {
      console.log(
        `| ${date} | inbound emails processed/s — ${r.name} | SMTP over loopback, concurrency ${CONCURRENCY}, ${r.sent} messages${r.failed ? ` (${r.failed} failed)` : ""}, ${r.conditions} | ${r.perSecond.toFixed(1)} msg/s (per message p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms) |`,
      );
    }
    console.log(JSON.stringify({ bench: "inbound", concurrency: CONCURRENCY, messages: MESSAGES, results }));
  } finally {
    transport.close();
    await server.close();
    await database.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
