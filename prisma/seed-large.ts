// Benchmark data: `npm run seed:large -- --customers 100000`
//
//   --customers N                  customers to create (default 100000)
//   --orders-per-customer N        mean orders per customer (default 10; skewed per customer)
//   --touchpoints-per-customer N   mean touchpoints per customer, including one "order.placed" per
//                                  order (default 50)
//   --batch-size N                 customers per batch (default 10000); progress after each
//   --events                       also write OrderEvent timeline rows (~3.5 per order; slower)
//   --no-items                     skip OrderItem rows (1–3 per order by default)
//   --keep-indexes                 see "Speed" below
//
// Uses DATABASE_URL, or the embedded PostgreSQL when it is unset (migrations are applied first).
//
// Re-runnable: it first DELETES all existing benchmark data — every customer whose email ends in
// `@large.rapport.test` and everything that belongs to them (touchpoints, ledger entries, tickets,
// orders with items and events, segment/campaign memberships, and any users with such an email) —
// then writes a fresh set. Other data in the database is never touched.
//
// Speed: everything is set-based SQL through the raw pg pool (INSERT … SELECT over generate_series)
// in batches of customers, with progress on stderr. By default the whole run is ONE transaction
// that drops the secondary indexes of Order, OrderItem, OrderEvent and Touchpoint, loads, and
// re-creates them (from their own pg_get_indexdef definitions) before committing: about twice as
// fast as maintaining the indexes row by row, and a failure rolls everything back, indexes
// included. The price: those tables are locked for other sessions until the commit. With
// --keep-indexes each batch is its own transaction and the indexes stay (slower, no long lock).
// Foreign-key triggers are skipped while inserting when the user is a superuser.
//
// The data is deterministic for given arguments (setseed) apart from being anchored at the
// current time:
//   customers  bench-<n>@large.rapport.test, ids lc_<n>; 70% USD, 20% EUR, 10% CNY (zh_CN locale
//              for CNY and ~5% of the others); first seen uniformly over the last 3 years; ~45%
//              stop buying at some point (churn), the rest stay active until now; no logins
//   orders     per customer an exponentially distributed count (mean --orders-per-customer, so
//              many customers have 0–3 orders and a few have 40+), placed uniformly in the
//              customer's active period; totals 500–50000 minor units (log-uniform); statuses from
//              the age of the order: mostly DELIVERED, ~4% CANCELLED, ~5% REFUNDED, recent ones
//              PLACED/PAID/SHIPPED; consistent placed ≤ paid ≤ shipped ≤ delivered timestamps
//   touchpoints one order.placed per order, plus page.viewed/web (subject = page path, as the app
//              records them), email.sent|opened|clicked/email, points.earned/system and
//              ticket.created/web (no real ticket behind it) spread over the customer's lifetime
//   loyalty    tier from 12-month spend; one ADJUST "opening balance" ledger entry per customer
//              with points, so the cached balances equal the ledger sums
import { parseArgs } from "node:util";
import type pg from "pg";
import { pgPool } from "../server/db/client.ts";
import { openDatabase } from "../server/db/open.ts";
import { parseEnv } from "../server/env.ts";

const DOMAIN = "large.rapport.test";

interface Options {
  customers: number;
  ordersPerCustomer: number;
  touchpointsPerCustomer: number;
  batchSize: number;
  events: boolean;
  items: boolean;
  keepIndexes: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== "--"),
    options: {
      customers: { type: "string", default: "100000" },
      "orders-per-customer": { type: "string", default: "10" },
      "touchpoints-per-customer": { type: "string", default: "50" },
      "batch-size": { type: "string", default: "10000" },
      events: { type: "boolean", default: false },
      "no-items": { type: "boolean", default: false },
      "keep-indexes": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.error("usage: npm run seed:large -- [--customers N] [--orders-per-customer N] [--touchpoints-per-customer N] [--batch-size N] [--events] [--no-items] [--keep-indexes]");
    process.exit(0);
  }
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got "${v}")`);
    return n;
  };
  const opts: Options = {
    customers: int("customers", values.customers, 0),
    ordersPerCustomer: int("orders-per-customer", values["orders-per-customer"], 0),
    touchpointsPerCustomer: int("touchpoints-per-customer", values["touchpoints-per-customer"], 0),
    batchSize: int("batch-size", values["batch-size"], 1),
    events: values.events,
    items: !values["no-items"],
    keepIndexes: values["keep-indexes"],
  };
  if (opts.ordersPerCustomer > 400) throw new Error("--orders-per-customer must be at most 400");
  return opts;
}

const log = (m: string) => process.stderr.write(`[seed:large] ${m}\n`);
const fmt = (n: number) => n.toLocaleString("en-US");
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

// ---------------------------------------------------------------------------------------------
// SQL
// ---------------------------------------------------------------------------------------------

const EN_FIRST = ["Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Isabella", "James", "Mia", "Lucas", "Harper", "Mateo", "Evelyn", "Henry", "Aria", "Theo", "Nora", "Samuel", "Priya", "Diego", "Fatima", "Jonas", "Lena", "Marco", "Chiara", "Hannah", "Tomás", "Ines"];
const EN_LAST = ["Bennett", "Garcia", "Nguyen", "Okafor", "Müller", "Rossi", "Smith", "Johnson", "Patel", "Kowalski", "Dubois", "Andersen", "Murphy", "Fischer", "Silva", "Martin", "Clarke", "Reyes", "Novak", "Schmidt"];
const ZH_FAMILY = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "林", "何"];
const ZH_GIVEN = ["芳", "娜", "伟", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "杰", "晓明", "婷婷", "思远", "雨桐", "子涵", "浩然", "欣怡", "俊杰"];
const PRODUCTS = ["Ceramic mug", "Pour-over coffee set", "Ethiopia beans, 250 g", "Colombia beans, 1 kg", "Oolong tea, 100 g", "Gooseneck kettle", "Hand grinder", "Canvas tote bag", "Paper filters (100)", "Digital brew scale", "Travel cup", "Gift card"];
const PATHS = ["/", "/orders", "/rewards", "/support", "/help", "/help/track-your-order", "/help/returns-and-refunds", "/help/earning-points", "/account", "/support/new"];
const TZ = { USD: ["America/New_York", "America/Chicago", "America/Los_Angeles"], EUR: ["Europe/Berlin", "Europe/Paris", "Europe/Madrid"], CNY: ["Asia/Shanghai"] };

const sqlArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(",")}]::text[]`;

/** Parameters: $1 first n, $2 last n, $3 mean orders, $4 mean touchpoints, $5 now (UTC timestamp). */
const CREATE_BATCH_CUSTOMERS = `
CREATE TEMP TABLE bc AS
SELECT n, id, email, currency, locale, time_zone, name, birthday, consent, start_at, end_at, n_orders,
       greatest(0, floor(($4::float8 - $3::float8) * (0.5 + u_tp)))::int AS n_other_tp
FROM (
  SELECT r.*,
         'lc_' || n AS id,
         'bench-' || n || '@${DOMAIN}' AS email,
         CASE WHEN currency = 'CNY' OR u_loc < 0.05 THEN 'zh_CN' ELSE 'en' END::"Locale" AS locale,
         CASE currency
           WHEN 'USD' THEN (${sqlArray(TZ.USD)})[1 + (n % ${TZ.USD.length})]
           WHEN 'EUR' THEN (${sqlArray(TZ.EUR)})[1 + (n % ${TZ.EUR.length})]
           ELSE 'Asia/Shanghai' END AS time_zone,
         CASE WHEN currency = 'CNY' OR u_loc < 0.05
           THEN (${sqlArray(ZH_FAMILY)})[1 + floor(u_name1 * ${ZH_FAMILY.length})::int] || (${sqlArray(ZH_GIVEN)})[1 + floor(u_name2 * ${ZH_GIVEN.length})::int]
           ELSE (${sqlArray(EN_FIRST)})[1 + floor(u_name1 * ${EN_FIRST.length})::int] || ' ' || (${sqlArray(EN_LAST)})[1 + floor(u_name2 * ${EN_LAST.length})::int]
         END AS name,
         CASE WHEN u_bday < 0.3 THEN (DATE '1955-01-01' + floor(u_bday / 0.3 * 18000)::int) END AS birthday,
         u_consent < 0.45 AS consent,
         CASE WHEN u_alive < 0.55 THEN $5::timestamp ELSE start_at + ($5::timestamp - start_at) * u_end END AS end_at,
         least(400, floor(-ln(1 - u_n) * ($3::float8 + 0.5)))::int AS n_orders
  FROM (
    SELECT q.*,
           CASE WHEN u_cur < 0.7 THEN 'USD' WHEN u_cur < 0.9 THEN 'EUR' ELSE 'CNY' END AS currency,
           $5::timestamp - interval '3 years' * u_start AS start_at
    FROM (
      SELECT n, random() AS u_start, random() AS u_alive, random() AS u_end, random() AS u_cur, random() AS u_loc,
             random() AS u_n, random() AS u_tp, random() AS u_name1, random() AS u_name2, random() AS u_consent, random() AS u_bday
      FROM generate_series($1::int, $2::int) AS n
    ) q
  ) r
) s`;

/** Orders of the batch with their whole timeline. Parameter: $1 now. */
const CREATE_BATCH_ORDERS = `
CREATE TEMP TABLE bo AS
SELECT t.*,
       CASE WHEN status IN ('PAID','SHIPPED','DELIVERED','REFUNDED') THEN paid_t END AS paid_at,
       CASE WHEN status IN ('SHIPPED','DELIVERED','REFUNDED') THEN shipped_t END AS shipped_at,
       CASE WHEN status IN ('DELIVERED','REFUNDED') THEN delivered_t END AS delivered_at,
       CASE WHEN status = 'CANCELLED' THEN least($1::timestamp, placed_at + interval '1 hour' * (1 + u_pay * 47)) END AS cancelled_at,
       CASE WHEN status = 'REFUNDED' THEN delivered_t + interval '1 day' * (3 + u_ship * 7) END AS refunded_at,
       floor((total - shipping) / 100.0 * CASE currency WHEN 'CNY' THEN 1.0 / 7 ELSE 1 END)::int AS points
FROM (
  SELECT o.*,
         CASE
           WHEN u_outcome < 0.04 THEN 'CANCELLED'
           WHEN u_outcome < 0.09 AND delivered_t + interval '10 days' <= $1::timestamp THEN 'REFUNDED'
           WHEN delivered_t <= $1::timestamp THEN 'DELIVERED'
           WHEN shipped_t <= $1::timestamp THEN 'SHIPPED'
           WHEN paid_t <= $1::timestamp THEN 'PAID'
           ELSE 'PLACED'
         END::"OrderStatus" AS status,
         CASE WHEN total < 5000 THEN 499 ELSE 0 END AS shipping
  FROM (
    SELECT p.*,
           round(exp(ln(500) + (ln(50000) - ln(500)) * u_total))::int AS total,
           placed_at + interval '1 minute' * (1 + u_pay * 59) AS paid_t,
           placed_at + interval '1 minute' * (1 + u_pay * 59) + interval '1 hour' * (18 + u_ship * 54) AS shipped_t,
           placed_at + interval '1 minute' * (1 + u_pay * 59) + interval '1 hour' * (18 + u_ship * 54) + interval '1 day' * (2 + u_del * 4) AS delivered_t
    FROM (
      SELECT c.n, k, c.id AS customer_id, c.currency,
             'lo_' || c.n || '_' || k AS id,
             'L-' || (c.n::bigint * 1000 + k) AS number,
             c.start_at + (c.end_at - c.start_at) * random() AS placed_at,
             random() AS u_total, random() AS u_outcome, random() AS u_pay, random() AS u_ship, random() AS u_del
      FROM bc c, generate_series(1, c.n_orders) AS k
    ) p
  ) o
) t`;

/** Parameter: $1 now. */
const INSERT_CUSTOMERS = `
INSERT INTO "Customer" (id, email, name, locale, "timeZone", birthday, "consentEmail", tier, "pointsAvailable", "pointsPending", "createdAt", "updatedAt")
SELECT c.id, c.email, c.name, c.locale, c.time_zone, c.birthday, c.consent,
       CASE WHEN s.spend >= 300000 THEN 'PLATINUM' WHEN s.spend >= 120000 THEN 'GOLD' WHEN s.spend >= 40000 THEN 'SILVER' ELSE 'BRONZE' END,
       coalesce(s.available, 0), coalesce(s.pending, 0), c.start_at, $1::timestamp
FROM bc c
LEFT JOIN (
  SELECT customer_id,
         sum((total - CASE WHEN status = 'REFUNDED' THEN total ELSE 0 END) * CASE currency WHEN 'EUR' THEN 1.08 WHEN 'CNY' THEN 0.14 ELSE 1 END)
           FILTER (WHERE paid_at >= $1::timestamp - interval '1 year') AS spend,
         -- released points (delivered more than 30 days ago), of which ~40% were redeemed
         floor(0.6 * coalesce(sum(points) FILTER (WHERE status = 'DELIVERED' AND delivered_at + interval '30 days' <= $1::timestamp), 0))::int AS available,
         coalesce(sum(points) FILTER (WHERE status IN ('PAID','SHIPPED') OR (status = 'DELIVERED' AND delivered_at + interval '30 days' > $1::timestamp)), 0)::int AS pending
  FROM bo GROUP BY customer_id
) s ON s.customer_id = c.id`;

const INSERT_LEDGER = `
INSERT INTO "LoyaltyLedgerEntry" (id, "customerId", type, "availableDelta", "pendingDelta", reason, "sourceType", "idempotencyKey", "createdAt")
SELECT 'lle_' || c.n, c.id, 'ADJUST', cu."pointsAvailable", cu."pointsPending", 'Opening balance (benchmark data)', 'import', 'large:opening:' || c.n, cu."updatedAt"
FROM bc c JOIN "Customer" cu ON cu.id = c.id
WHERE cu."pointsAvailable" <> 0 OR cu."pointsPending" <> 0`;

const INSERT_ORDERS = `
INSERT INTO "Order" (id, number, "customerId", status, currency, "subtotalMinor", "shippingMinor", "taxMinor", "discountMinor", "totalMinor", "refundedMinor",
                     "placedAt", "paidAt", "shippedAt", "deliveredAt", "cancelledAt", source, "createdAt", "updatedAt")
SELECT id, number, customer_id, status, currency, total - shipping, shipping, 0, 0, total, CASE WHEN status = 'REFUNDED' THEN total ELSE 0 END,
       placed_at, paid_at, shipped_at, delivered_at, cancelled_at, 'import', placed_at,
       coalesce(refunded_at, delivered_at, shipped_at, paid_at, cancelled_at, placed_at)
FROM bo`;

const INSERT_ITEMS = `
INSERT INTO "OrderItem" (id, "orderId", sku, name, quantity, "unitPriceMinor")
SELECT o.id || '_' || j, o.id, 'SKU-' || (1 + (o.n * 7 + o.k * 3 + j) % ${PRODUCTS.length}),
       (${sqlArray(PRODUCTS)})[1 + (o.n * 7 + o.k * 3 + j) % ${PRODUCTS.length}], 1,
       CASE WHEN j < m THEN (o.total - o.shipping) / m ELSE (o.total - o.shipping) - (m - 1) * ((o.total - o.shipping) / m) END
FROM (SELECT bo.*, 1 + (total - shipping > 3000)::int + (total - shipping > 15000)::int AS m FROM bo) o, generate_series(1, o.m) AS j`;

const INSERT_EVENTS = `
INSERT INTO "OrderEvent" (id, "orderId", type, "occurredAt", data)
SELECT id || '_' || type, id, type, at, NULL FROM (
  SELECT id, 'placed' AS type, placed_at AS at FROM bo
  UNION ALL SELECT id, 'paid', paid_at FROM bo WHERE paid_at IS NOT NULL
  UNION ALL SELECT id, 'shipped', shipped_at FROM bo WHERE shipped_at IS NOT NULL
  UNION ALL SELECT id, 'delivered', delivered_at FROM bo WHERE delivered_at IS NOT NULL
  UNION ALL SELECT id, 'cancelled', cancelled_at FROM bo WHERE cancelled_at IS NOT NULL
  UNION ALL SELECT id, 'refunded', refunded_at FROM bo WHERE refunded_at IS NOT NULL
) e`;

const INSERT_ORDER_TOUCHPOINTS = `
INSERT INTO "Touchpoint" ("customerId", type, channel, "occurredAt", "subjectType", "subjectId")
SELECT customer_id, 'order.placed', 'web', placed_at, 'order', id FROM bo`;

/** Parameter: $1 now. */
const INSERT_OTHER_TOUCHPOINTS = `
INSERT INTO "Touchpoint" ("customerId", type, channel, "occurredAt", "subjectType", "subjectId")
SELECT id, type, channel,
       CASE WHEN channel = 'email' THEN start_at + ($1::timestamp - start_at) * u_time ELSE start_at + (end_at - start_at) * u_time END,
       CASE WHEN type = 'page.viewed' THEN 'page' END,
       CASE WHEN type = 'page.viewed' THEN (${sqlArray(PATHS)})[1 + floor(u_kind * 1000)::int % ${PATHS.length}] END
FROM (
  SELECT x.*,
         CASE WHEN u_kind < 0.45 THEN 'page.viewed' WHEN u_kind < 0.70 THEN 'email.sent' WHEN u_kind < 0.85 THEN 'email.opened'
              WHEN u_kind < 0.90 THEN 'email.clicked' WHEN u_kind < 0.97 THEN 'points.earned' ELSE 'ticket.created' END AS type,
         CASE WHEN u_kind < 0.45 THEN 'web' WHEN u_kind < 0.90 THEN 'email' WHEN u_kind < 0.97 THEN 'system' ELSE 'web' END AS channel
  FROM (
    SELECT c.id, c.start_at, c.end_at, random() AS u_kind, random() AS u_time
    FROM bc c, generate_series(1, c.n_other_tp) AS j
  ) x
) y`;

// ---------------------------------------------------------------------------------------------

async function deleteExisting(client: pg.PoolClient) {
  const t0 = performance.now();
  await client.query(`DROP TABLE IF EXISTS old_lc`);
  await client.query(`CREATE TEMP TABLE old_lc AS SELECT id FROM "Customer" WHERE email LIKE '%@${DOMAIN}'`);
  const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM old_lc`);
  const n = Number(rows[0]!.n);
  const users = await client.query(`SELECT 1 FROM "User" WHERE email LIKE '%@${DOMAIN}' LIMIT 1`);
  if (n === 0 && users.rowCount === 0) return;
  log(`deleting the previous benchmark data (${fmt(n)} customers and everything that belongs to them)…`);
  await client.query(`ANALYZE old_lc`);
  const steps: [string, string][] = [
    ["touchpoints", `DELETE FROM "Touchpoint" t USING old_lc c WHERE t."customerId" = c.id`],
    ["ledger entries", `DELETE FROM "LoyaltyLedgerEntry" l USING old_lc c WHERE l."customerId" = c.id`],
    ["ticket messages", `DELETE FROM "TicketMessage" m USING "Ticket" t, old_lc c WHERE m."ticketId" = t.id AND t."customerId" = c.id`],
    ["tickets", `DELETE FROM "Ticket" t USING old_lc c WHERE t."customerId" = c.id`],
    ["order items", `DELETE FROM "OrderItem" i USING "Order" o, old_lc c WHERE i."orderId" = o.id AND o."customerId" = c.id`],
    ["order events", `DELETE FROM "OrderEvent" e USING "Order" o, old_lc c WHERE e."orderId" = o.id AND o."customerId" = c.id`],
    ["orders", `DELETE FROM "Order" o USING old_lc c WHERE o."customerId" = c.id`],
    ["customers", `DELETE FROM "Customer" cu USING old_lc c WHERE cu.id = c.id`],
    ["users", `DELETE FROM "User" WHERE email LIKE '%@${DOMAIN}'`],
  ];
  for (const [what, sql] of steps) {
    const t = performance.now();
    const r = await client.query(sql);
    if (r.rowCount) log(`  deleted ${fmt(r.rowCount)} ${what} (${secs(t)} s)`);
  }
  log(`deleted in ${secs(t0)} s`);
}

/** With SEED_LARGE_TIMINGS=1, logs the time of each statement. */
function timed(client: pg.PoolClient) {
  const on = process.env.SEED_LARGE_TIMINGS === "1";
  return async (sql: string, params?: unknown[]) => {
    const t = performance.now();
    const r = await client.query(sql, params);
    if (on) log(`  ${sql.trim().split("\n")[0]!.slice(0, 60)}: ${r.rowCount ?? 0} rows, ${secs(t)} s`);
    return r;
  };
}

/** Drops the non-primary-key indexes of `tables` (not those backing constraints); returns their definitions. */
async function dropSecondaryIndexes(client: pg.PoolClient, tables: string[]): Promise<{ name: string; def: string }[]> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE ns.nspname = current_schema() AND t.relname = ANY($1::text[]) AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
      ORDER BY t.relname, 1`,
    [tables],
  );
  for (const ix of rows) await client.query(`DROP INDEX ${ix.name}`);
  return rows;
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const env = parseEnv();
  const started = performance.now();
  const database = await openDatabase(env, { poolMax: 2, log });
  const client = await pgPool().connect();
  const totals = { customers: 0, orders: 0, items: 0, events: 0, touchpoints: 0, ledger: 0 };
  try {
    log(`database: ${database.embedded ? "embedded PostgreSQL" : database.url.replace(/\/\/[^@/]*@/, "//***@")}`);
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET work_mem = '64MB'`);
    // The planner overestimates generate_series rows and would JIT-compile every statement (~1 s each).
    await client.query(`SET jit = off`);

    const single = !opts.keepIndexes;
    await client.query("BEGIN");
    await deleteExisting(client);
    let dropped: { name: string; def: string }[] = [];
    if (single) {
      dropped = await dropSecondaryIndexes(client, ["Order", "OrderItem", "OrderEvent", "Touchpoint"]);
      log(`one transaction; dropped ${dropped.length} secondary indexes for the load (re-created before the commit)`);
    } else {
      await client.query("COMMIT");
    }

    // Skip the per-row foreign-key triggers while inserting (a third of the insert time): every
    // reference is generated inside the same batch, so the data is consistent by construction.
    // Set only after the delete above, which relies on ON DELETE CASCADE triggers. Needs a
    // superuser (the default for the embedded server and a local one); otherwise checks stay on.
    await client.query("SAVEPOINT fk").catch(() => {});
    const fkChecks = await client
      .query(`SET session_replication_role = replica`)
      .then(() => "skipped (session_replication_role = replica)")
      .catch(async () => {
        await client.query("ROLLBACK TO SAVEPOINT fk").catch(() => {});
        return "on (not a superuser)";
      });
    log(`foreign-key checks during the load: ${fkChecks}`);

    const nowIso = new Date().toISOString().replace("T", " ").replace("Z", "");
    await client.query(`SELECT setseed(0.20261123)`);
    const t0 = performance.now();
    for (let lo = 1; lo <= opts.customers; lo += opts.batchSize) {
      const hi = Math.min(opts.customers, lo + opts.batchSize - 1);
      if (!single) await client.query("BEGIN");
      const q = timed(client);
      await q(`DROP TABLE IF EXISTS bc, bo`);
      await q(CREATE_BATCH_CUSTOMERS, [lo, hi, opts.ordersPerCustomer, opts.touchpointsPerCustomer, nowIso]);
      await q(CREATE_BATCH_ORDERS, [nowIso]);
      totals.customers += (await q(INSERT_CUSTOMERS, [nowIso])).rowCount ?? 0;
      totals.ledger += (await q(INSERT_LEDGER)).rowCount ?? 0;
      totals.orders += (await q(INSERT_ORDERS)).rowCount ?? 0;
      if (opts.items) totals.items += (await q(INSERT_ITEMS)).rowCount ?? 0;
      if (opts.events) totals.events += (await q(INSERT_EVENTS)).rowCount ?? 0;
      totals.touchpoints += (await q(INSERT_ORDER_TOUCHPOINTS)).rowCount ?? 0;
      totals.touchpoints += (await q(INSERT_OTHER_TOUCHPOINTS, [nowIso])).rowCount ?? 0;
      await q(`DROP TABLE bc, bo`);
      if (!single) await client.query("COMMIT");
      const elapsed = (performance.now() - t0) / 1000;
      log(
        `${fmt(hi)}/${fmt(opts.customers)} customers (${Math.round((hi / Math.max(1, opts.customers)) * 100)}%) · ${fmt(totals.orders)} orders · ` +
          `${fmt(totals.touchpoints)} touchpoints · ${elapsed.toFixed(1)} s (${fmt(Math.round(totals.customers / Math.max(elapsed, 0.001)))} customers/s)`,
      );
    }
    const tLoad = performance.now();
    if (single) {
      await client.query(`SET maintenance_work_mem = '256MB'`);
      for (const ix of dropped) {
        const t = performance.now();
        await client.query(ix.def);
        log(`  re-created ${ix.name} (${secs(t)} s)`);
      }
      await client.query("COMMIT");
      log(`indexes re-created and committed in ${secs(tLoad)} s`);
    }
    const ta = performance.now();
    // VACUUM also sets the visibility map, so benchmarks get index-only scans as in a settled database.
    await client.query(`VACUUM (ANALYZE) "Customer", "Order", "OrderItem", "OrderEvent", "Touchpoint", "LoyaltyLedgerEntry"`);
    log(`vacuumed and analyzed in ${secs(ta)} s`);

    const seconds = (performance.now() - started) / 1000;
    console.log(
      `seed:large done in ${seconds.toFixed(1)} s (insert ${((tLoad - t0) / 1000).toFixed(1)} s, indexes ${((ta - tLoad) / 1000).toFixed(1)} s, vacuum ${((performance.now() - ta) / 1000).toFixed(1)} s): ${fmt(totals.customers)} customers, ${fmt(totals.orders)} orders, ` +
        `${fmt(totals.items)} order items, ${fmt(totals.events)} order events, ${fmt(totals.touchpoints)} touchpoints, ${fmt(totals.ledger)} ledger entries`,
    );
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await client.query("RESET session_replication_role").catch(() => {});
    client.release();
    await database.close();
  }
}

main().catch((e) => {
  console.error(`[seed:large] failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
