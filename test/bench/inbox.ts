// `npm run bench:inbox`: the agents' inbox page (GET /staff/inbox, server-rendered through the real
// production app) with BENCH_TICKETS tickets (default 100 000) in `rapport_large`.
// The tickets are created set-based (one INSERT … SELECT from generate_series over the large
// database's customers) the first time, and reused afterwards. Migrations are applied first.
// Prints a Markdown table (p50 / p95 / max per view) on stdout; progress on stderr.
// Knobs (env): BENCH_DATABASE_URL (postgresql://postgres@127.0.0.1:5432/rapport_large),
// BENCH_TICKETS (100000), BENCH_REQUESTS (200 per variant), BENCH_CONCURRENCY (4).
// Needs a production build (`npm run build`).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { startRapport, ROOT } from "../../server/app.ts";
import { migrate } from "../../server/db/migrate.ts";
import { parseEnv } from "../../server/env.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { freePort, percentile as pct, progressLogger } from "./lib.ts";

const URL_ = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/rapport_large";
const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const AGENTS = 20;
const progress = progressLogger("bench:inbox");

/** Bench agents and BENCH_TICKETS tickets (ids "bt<n>"), inserted set-based; idempotent. */
async function seedTickets(client: pg.Client) {
  for (let i = 1; i <= AGENTS; i++) {
    await client.query(
      `INSERT INTO "User" ("id", "email", "name", "staffRole", "available", "updatedAt") VALUES ($1, $2, $3, 'AGENT', true, now()) ON CONFLICT ("email") DO NOTHING`,
      [`benchagent${i}`, `bench-agent-${i}@bench.rapport.test`, `Bench Agent ${i}`],
    );
  }
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Ticket" WHERE "id" LIKE 'bt%'`);
  const have = Number(rows[0]!.n);
  if (have >= TICKETS) {
    progress(`${have} bench tickets already present`);
    return;
  }
  progress(`inserting ${TICKETS - have} tickets (set-based)…`);
  await client.query(`CREATE TEMP TABLE bench_c AS SELECT "id", row_number() OVER (ORDER BY "id") AS rn FROM (SELECT "id" FROM "Customer" ORDER BY "id" LIMIT 100000) c`);
  const { rows: cn } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM bench_c`);
  const customers = Number(cn[0]!.n);
  if (!customers) throw new Error("rapport_large has no customers: run `npm run seed:large` first");
  await client.query("BEGIN");
  await client.query(
    `INSERT INTO "Ticket" ("id", "customerId", "subject", "category", "status", "priority", "assigneeId", "createdAt", "updatedAt",
                           "firstResponseDueAt", "resolutionDueAt", "firstRespondedAt", "slaDueAt", "solvedAt", "closedAt", "slaBreachedAt")
     SELECT 'bt' || g, c."id",
            (ARRAY['Where is my order','Damaged item','Refund status','Cannot sign in','Change my address','Points missing','Wrong size'])[1 + g % 7] || ' ' || g,
            (ARRAY['general','order','delivery','returns','billing','account','rewards'])[1 + g % 7],
            s.status::"TicketStatus",
            (ARRAY['LOW','NORMAL','NORMAL','NORMAL','HIGH','URGENT'])[1 + (g * 7) % 6]::"TicketPriority",
            CASE WHEN g % 9 = 0 THEN NULL ELSE 'benchagent' || (1 + g % ${AGENTS}) END,
            t.created, t.created, t.created + interval '8 hours', t.created + interval '48 hours',
            CASE WHEN s.status = 'NEW' THEN NULL ELSE t.created + interval '2 hours' END,
            CASE s.status WHEN 'NEW' THEN t.created + interval '8 hours' WHEN 'OPEN' THEN t.created + interval '48 hours' ELSE NULL END,
            CASE WHEN s.status IN ('SOLVED', 'CLOSED') THEN t.created + interval '20 hours' END,
            CASE WHEN s.status = 'CLOSED' THEN t.created + interval '5 days' END,
            CASE WHEN g % 13 = 0 THEN t.created + interval '9 hours' END
     FROM generate_series($1::int, $2::int) g
     JOIN bench_c c ON c.rn = 1 + g % ${customers}
     CROSS JOIN LATERAL (SELECT now() - ((g * 37) % 525600) * interval '1 minute' AS created) t
     CROSS JOIN LATERAL (SELECT (ARRAY['NEW','OPEN','OPEN','PENDING','SOLVED','CLOSED','CLOSED','CLOSED','CLOSED','CLOSED'])[1 + (g * 3) % 10] AS status) s`,
    [have + 1, TICKETS],
  );
  await client.query(
    `INSERT INTO "TicketMessage" ("id", "ticketId", "fromCustomer", "body", "channel", "createdAt")
     SELECT 'bm' || substr(t."id", 3), t."id", true, 'Hello, could you help me with this? Thank you.', 'portal', t."createdAt"
     FROM "Ticket" t WHERE t."id" LIKE 'bt%' ON CONFLICT ("id") DO NOTHING`,
  );
  await client.query("COMMIT");
  await client.query(`ANALYZE "Ticket"; ANALYZE "TicketMessage"`);
  progress("tickets inserted");
}

function get(port: number, pathAndQuery: string, cookie: string): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: pathAndQuery, headers: { cookie, accept: "text/html" } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
    });
    req.on("error", reject);
  });
}


async function main() {
  if (!fs.existsSync(path.join(ROOT, "build", "server", "index.js"))) throw new Error("No production build: run `npm run build` first");
  progress(`migrating ${URL_.replace(/\/\/[^@]*@/, "//")}`);
  await migrate(URL_);
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  await seedTickets(client);
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Ticket"`);
  const total = Number(rows[0]!.n);
  const { rows: sample } = await client.query<{ email: string; number: number }>(`SELECT c."email", t."number" FROM "Ticket" t JOIN "Customer" c ON c."id" = t."customerId" WHERE t."id" LIKE 'bt%' ORDER BY t."number" LIMIT 1 OFFSET 4321`);
  await client.end();

  const port = await freePort();
  const env = parseEnv({ NODE_ENV: "production", DATABASE_URL: URL_, PORT: String(port), SEED_DEMO: "false", SESSION_SECRET: "b".repeat(40), DATA_DIR: ".data/bench", INBOUND_SMTP_PORT: "0", TOUCHPOINT_VIEWS: "off" });
  const app = await startRapport(env, { mode: "production", jobs: false, log: () => {} });
  try {
    const { token } = await createSession(app.services.db, "benchagent1", { ip: "127.0.0.1" });
    const cookie = `${SESSION_COOKIE}=${token}`;
    const variants: [string, string][] = [
      ["all open (default)", "/staff/inbox"],
      ["unassigned", "/staff/inbox?view=unassigned"],
      ["mine", "/staff/inbox?view=mine"],
      ["SLA breached", "/staff/inbox?view=breached"],
      ["all, page 20", "/staff/inbox?view=all&page=20"],
      ["filter priority + category", "/staff/inbox?view=open&priority=URGENT&category=billing"],
      ["search ticket number", `/staff/inbox?view=all&q=%23${sample[0]?.number ?? 1}`],
      ["search customer email", `/staff/inbox?view=all&q=${encodeURIComponent(sample[0]?.email ?? "x@y")}`],
      ["search subject word", "/staff/inbox?view=all&q=refund"],
    ];
    const out: string[] = [];
    out.push(`Inbox page (GET, server-rendered, ${total.toLocaleString("en")} tickets, ${REQUESTS} requests per row, concurrency ${CONCURRENCY})`, "");
    out.push("| view | p50 ms | p95 ms | max ms | non-200 |", "| --- | ---: | ---: | ---: | ---: |");
    for (const [label, url] of variants) {
      for (let i = 0; i < 5; i++) await get(port, url, cookie); // warm-up
      const times: number[] = [];
      let bad = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < REQUESTS) {
            next++;
            const r = await get(port, url, cookie);
            if (r.status !== 200) bad++;
            times.push(r.ms);
          }
        }),
      );
      times.sort((a, b) => a - b);
      out.push(`| ${label} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${times[times.length - 1]!.toFixed(1)} | ${bad} |`);
      progress(`${label}: p95 ${pct(times, 95).toFixed(1)} ms`);
    }
    process.stdout.write(out.join("\n") + "\n");
  } finally {
    await app.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
