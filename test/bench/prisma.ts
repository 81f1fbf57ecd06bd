// `npm run bench:prisma` (the "prisma" section of `npm run bench`): the reads of the hot pages as the
// product runs them, against the same SQL through raw `pg` in the same run (issue #14 target ≤ 1.5×).
//
// For each hot read (the session lookup on every request, the customer home summary, the order list
// of a customer with 200 orders, the rewards overview, the ticket list, the help home and a help
// article) the bench first records the exact statements (text and parameters) one call sends to
// PostgreSQL — by wrapping pg.Client#query, which both Prisma's adapter and the pg pool use — and
// then measures, at the same concurrency and for the same number of calls:
//   product   the product's function (server/domain…), whatever it uses (Prisma or sqlRows on the pool)
//   raw pg    the recorded statements replayed through a plain pg.Pool
//   $queryRaw the recorded statements through Prisma's $queryRawUnsafe (what the page reads cost when
//             they went through Prisma; for the README's before/after)
// Own database `rapport_bench_prisma` on DATABASE_URL's server (default the machine's PostgreSQL),
// recreated per run. Knobs: BENCH_PRISMA_CALLS (2000 per read and variant), BENCH_PRISMA_CONCURRENCY (8).
import pg from "pg";
import { connectDb, db, disconnectDb, pgPool } from "../../server/db/client.ts";
import { migrate } from "../../server/db/migrate.ts";
import { createSession, resolveSession } from "../../server/domain/auth/sessions.ts";
import { helpHome, publicArticle } from "../../server/domain/help/articles.ts";
import { customerOverview } from "../../server/domain/loyalty/overview.ts";
import { listCustomerOrders } from "../../server/domain/orders/queries.ts";
import { listMyTickets } from "../../server/domain/support/customer-views.ts";
import { createCaller } from "../../server/trpc/root.ts";
import { createContext } from "../../server/trpc/context.ts";
import { TouchpointBuffer } from "../../server/domain/touchpoints/buffer.ts";
import { parseEnv } from "../../server/env.ts";
import { createCustomer, createHelpArticlePair, createHelpCategory, createLedgerEntry, createOrder, createTicket } from "../factories/index.ts";
import { intEnv, progressLogger, recreateBenchDatabase, reportBenchRows, type BenchRow } from "./lib.ts";

const CALLS = intEnv("BENCH_PRISMA_CALLS", 2000);
const CONCURRENCY = intEnv("BENCH_PRISMA_CONCURRENCY", 8);
const TARGET = 1.5;
const progress = progressLogger("bench:prisma");

interface Recorded {
  text: string;
  values: unknown[];
}
let recording: Recorded[] | null = null;
const originalQuery = pg.Client.prototype.query;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
(pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
  if (recording) {
    const [a, b] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
    if (typeof a === "string") recording.push({ text: a, values: Array.isArray(b) ? b : [] });
    else if (a && typeof a === "object" && "text" in a) recording.push({ text: a.text, values: a.values ?? [] });
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (originalQuery as any).apply(this, args);
};

/** Runs `fn` `calls` times with `concurrency` in flight; the mean ms per call. */
async function measure(fn: () => Promise<unknown>, calls: number, concurrency: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next++;
        await fn();
      }
    }),
  );
  return (performance.now() - t0) / calls;
}

async function main() {
  const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const url = await recreateBenchDatabase(base, "rapport_bench_prisma", progress);
  await migrate(url);
  connectDb(url, { max: CONCURRENCY + 2 });
  const raw = new pg.Pool({ connectionString: url, max: CONCURRENCY + 2 });
  try {
    progress("creating a customer with 200 orders, tickets, ledger entries and help articles…");
    const c = await createCustomer(db(), { login: true });
    for (let i = 0; i < 200; i++) await createOrder(db(), { customerId: c.id });
    for (let i = 0; i < 10; i++) await createTicket(db(), { customerId: c.id });
    for (let i = 0; i < 30; i++) await createLedgerEntry(db(), { customerId: c.id, type: "BONUS", availableDelta: 10, reason: "bench" });
    const category = await createHelpCategory(db());
    let slug = "";
    for (let i = 0; i < 20; i++) slug = (await createHelpArticlePair(db(), { category: category.id })).en.slug;
    const { token } = await createSession(db(), c.userId!, { ip: "127.0.0.1" });
    await pgPool().query("ANALYZE");

    const env = parseEnv({ NODE_ENV: "production", DATABASE_URL: url, SESSION_SECRET: "b".repeat(40), APP_URL: "http://localhost:1", DATA_DIR: ".data/bench" });
    const services = { db: db(), env, views: new TouchpointBuffer(pgPool()), mailQueued: () => {} };
    const headers = new Headers({ cookie: `rapport_session=${token}` });
    const caller = createCaller(await createContext(services, { headers, ip: "127.0.0.1", setCookie: () => {} }));
    const visitor = { customerId: c.id, userId: c.userId, guestId: null };

    const reads: { name: string; run: () => Promise<unknown> }[] = [
      { name: "session lookup (every request)", run: () => resolveSession(db(), token) },
      { name: "customer home summary (`/`)", run: () => caller.portal.summary() },
      { name: "order list, 200 orders (`/orders`)", run: () => listCustomerOrders(db(), c.id, {}) },
      { name: "rewards overview (`/rewards`)", run: () => customerOverview(db(), c.id) },
      { name: "ticket list (`/support`)", run: () => listMyTickets(db(), c.id) },
      { name: "help home (`/help`)", run: () => helpHome(db(), "en") },
      { name: "help article (`/help/<slug>`)", run: () => publicArticle(db(), slug, "en", visitor) },
    ];

    const rows: BenchRow[] = [];
    let productTotal = 0;
    let rawTotal = 0;
    for (const r of reads) {
      // The statements one call sends (after a warm-up call, so caches are as in steady state).
      await r.run();
      recording = [];
      await r.run();
      const statements = recording.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s.text));
      recording = null;
      const replayRaw = () => Promise.all(statements.map((s) => raw.query(s.text, s.values)));
      const replayPrisma = () => Promise.all(statements.map((s) => db().$queryRawUnsafe(s.text, ...s.values)));
      const warm = Math.min(200, CALLS);
      await measure(r.run, warm, CONCURRENCY);
      await measure(replayRaw, warm, CONCURRENCY);
      // Alternate the variants in two halves so background noise hits them alike.
      const half = Math.max(1, Math.floor(CALLS / 2));
      const product = await measure(r.run, half, CONCURRENCY);
      const rawMs = await measure(replayRaw, half, CONCURRENCY);
      const rawMs2 = await measure(replayRaw, half, CONCURRENCY);
      const product2 = await measure(r.run, half, CONCURRENCY);
      const prismaMs = await measure(replayPrisma, half, CONCURRENCY);
      const p = (product + product2) / 2;
      const q = (rawMs + rawMs2) / 2;
      productTotal += p;
      rawTotal += q;
      const ratio = p / q;
      progress(`${r.name}: ${statements.length} statement(s); product ${p.toFixed(3)} ms/call, raw pg ${q.toFixed(3)}, Prisma $queryRaw ${prismaMs.toFixed(3)}; ratio ${ratio.toFixed(2)}`);
      rows.push({
        path: `hot query: ${r.name}`,
        product: `${(1000 / p).toFixed(0)} calls/s (${p.toFixed(2)} ms/call at ${CONCURRENCY} in flight; ${statements.length} statement${statements.length === 1 ? "" : "s"}); same SQL through Prisma $queryRaw: ${prismaMs.toFixed(2)} ms`,
        baseline: `same SQL through raw pg: ${(1000 / q).toFixed(0)} calls/s (${q.toFixed(2)} ms/call)`,
        ratio,
        target: `≤ ${TARGET}× raw pg's time`,
        pass: ratio <= TARGET,
        data: { statements: statements.length, productMs: p, rawPgMs: q, prismaQueryRawMs: prismaMs, calls: CALLS, concurrency: CONCURRENCY },
      });
    }
    progress(`all hot reads: product ${productTotal.toFixed(2)} ms, raw pg ${rawTotal.toFixed(2)} ms (${(productTotal / rawTotal).toFixed(2)}×)`);
    reportBenchRows(rows);
  } finally {
    await raw.end();
    await disconnectDb();
  }
}

await main();
