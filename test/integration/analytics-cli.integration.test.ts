// The analytics CLI over orders in a database of its own (so other tests' orders don't count):
// stdout is exactly one JSON object, the summary rules hold, and the SQL summaries equal the
// reference implementation.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { migrate } from "../../server/db/migrate.ts";
import { connectDb } from "../../server/db/client.ts";
import { analyse, toCliJson } from "../../server/domain/analytics/scoring.ts";
import { loadSummaries, parseAsOf, summarizeTransactions, type Transaction } from "../../server/domain/analytics/summary.ts";
import { simulateCustomers } from "../../server/domain/analytics/simulate.ts";
import { RFM_SEGMENTS } from "../../server/domain/analytics/rfm.ts";

const run = promisify(execFile);
const DAY = 86_400_000;
const name = `rapport_analytics_${process.pid}_${Date.now().toString(36)}`;
const serverUrl = new URL(inject("databaseUrl"));
serverUrl.pathname = "/postgres";
const url = new URL(inject("databaseUrl"));
url.pathname = `/${name}`;

interface OrderRow { customer: string; at: Date; totalMinor: number; refundedMinor?: number; status?: string; currency?: string }
const orders: OrderRow[] = [];
// Simulated customers start within the 52 weeks before the as-of date (2023-07-02 + 364 days).
const start = Date.parse("2023-07-02T00:00:00Z");
const AS_OF = "2024-06-30";

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  await migrate(url.toString());

  // Hand-made customers for the rules.
  orders.push(
    { customer: "h-merge", at: new Date("2024-01-01T08:00:00Z"), totalMinor: 1000 },
    { customer: "h-merge", at: new Date("2024-01-01T21:00:00Z"), totalMinor: 2000 },
    { customer: "h-merge", at: new Date("2024-02-01T00:00:00Z"), totalMinor: 4000, refundedMinor: 1000 },
    { customer: "h-merge", at: new Date("2024-02-01T23:59:00Z"), totalMinor: 500 },
    { customer: "h-merge", at: new Date("2024-03-10T10:00:00Z"), totalMinor: 9900, status: "CANCELLED" },
    { customer: "h-merge", at: new Date("2024-03-11T10:00:00Z"), totalMinor: 9900, refundedMinor: 9900, status: "REFUNDED" },
    { customer: "h-merge", at: new Date("2024-07-01T00:00:00Z"), totalMinor: 100000 },
    { customer: "h-late", at: new Date("2024-07-02T10:00:00Z"), totalMinor: 5000 },
    { customer: "h-asof", at: new Date("2024-06-30T23:59:59Z"), totalMinor: 700 },
  );
  // 1 500 customers simulated from the CDNOW parameters, observed until the as-of date.
  const sim = simulateCustomers(1500, { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { p: 6.25, q: 3.74, gamma: 15.44 }, { seed: 5, minT: 0, maxT: 52 });
  sim.forEach((c, i) => {
    const first = start + Math.floor((52 - c.T) * 7) * DAY + 12 * 3600_000;
    c.times.forEach((t, k) => orders.push({ customer: `s-${i}`, at: new Date(first + t * 7 * DAY), totalMinor: Math.max(1, Math.round(c.values[k]! * 100)) }));
  });

  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const customers = [...new Set(orders.map((o) => o.customer))];
  await client.query(
    `INSERT INTO "Customer" (id, email, "updatedAt") SELECT id, id || '@example.test', now() FROM unnest($1::text[]) AS id`,
    [customers],
  );
  await client.query(
    `INSERT INTO "Order" (id, number, "customerId", status, currency, "subtotalMinor", "totalMinor", "refundedMinor", "placedAt", "updatedAt", source)
     SELECT 'o' || n, 'N' || n, c, s::"OrderStatus", cur, t, t, r, at, now(), 'csv'
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::timestamp[], $6::text[]) WITH ORDINALITY AS u(c, s, t, r, at, cur, n)`,
    [
      orders.map((o) => o.customer),
      orders.map((o) => o.status ?? "DELIVERED"),
      orders.map((o) => o.totalMinor),
      orders.map((o) => o.refundedMinor ?? 0),
      orders.map((o) => o.at.toISOString().replace("Z", "")),
      orders.map((o) => o.currency ?? "USD"),
    ],
  );
  await client.end();
}, 180_000);

afterAll(async () => {
  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

/** The reference summaries of the orders above (counted statuses, value net of refunds, in dollars). */
function referenceTransactions(): Transaction[] {
  return orders
    .filter((o) => o.status !== "CANCELLED" && o.status !== "REFUNDED")
    .map((o) => ({ customerId: o.customer, at: o.at, value: (o.totalMinor - (o.refundedMinor ?? 0)) / 100 }));
}

describe("analytics CLI", () => {
  it("prints exactly one JSON object with the fitted models and RFM segments", async () => {
    const { stdout, stderr } = await run("npm", ["run", "-s", "analytics", "--", "--as-of", AS_OF, "--period", "week", "--json"], {
      env: { ...process.env, DATABASE_URL: url.toString() },
      maxBuffer: 10 * 1024 * 1024,
    });
    const lines = stdout.split("\n").filter((l) => l.trim() !== "");
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(Object.keys(out)).toEqual(["asOf", "period", "customers", "repeatCustomers", "bgnbd", "gammaGamma", "rfmSegments"]);
    expect(out.asOf).toBe(AS_OF);
    expect(out.period).toBe("week");
    expect(stderr).toContain("[analytics]");

    const asOfDay = parseAsOf(AS_OF)!;
    const reference = summarizeTransactions(referenceTransactions(), asOfDay, "week");
    expect(out.customers).toBe(1502); // 1 500 simulated + h-merge + h-asof; h-late starts after as-of
    expect(out.repeatCustomers).toBe(reference.filter((s) => s.x > 0).length);
    // The same fit as in process on the reference summaries (SQL sums values in another order,
    // so allow a relative 1e-5).
    const expected = toCliJson(analyse(reference, asOfDay, "week"));
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    for (const k of ["r", "alpha", "a", "b", "logLikelihood"] as const) expect(rel(out.bgnbd[k], expected.bgnbd[k]!)).toBeLessThan(1e-5);
    for (const k of ["p", "q", "gamma"] as const) expect(rel(out.gammaGamma[k], expected.gammaGamma[k]!)).toBeLessThan(1e-5);
    expect(out.bgnbd.converged).toBe(true);
    expect(out.gammaGamma.converged).toBe(true);
    expect(Object.keys(out.rfmSegments)).toEqual([...RFM_SEGMENTS]);
    expect(Object.values(out.rfmSegments as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(1502);
    // Plausible recovery even from 1 500 customers (the unit tests check tight recovery).
    expect(out.bgnbd.r).toBeGreaterThan(0.15);
    expect(out.bgnbd.r).toBeLessThan(0.4);
    expect(out.gammaGamma.p).toBeGreaterThan(3);
    expect(out.gammaGamma.p).toBeLessThan(12);
  }, 120_000);

  it("computes the same summaries in SQL as the reference rules", async () => {
    const asOfDay = parseAsOf(AS_OF)!;
    const other = connectDb(url.toString(), { max: 2 });
    try {
      const { summaries, currencies } = await loadSummaries(other, asOfDay, "week");
      const reference = summarizeTransactions(referenceTransactions(), asOfDay, "week");
      expect(currencies).toEqual(["USD"]);
      expect(summaries.length).toBe(reference.length);
      summaries.forEach((s, i) => {
        const r = reference[i]!;
        expect(s.customerId).toBe(r.customerId);
        expect([s.x, s.recencyDays, s.firstDay]).toEqual([r.x, r.recencyDays, r.firstDay]);
        expect(s.tx).toBeCloseTo(r.tx, 9);
        expect(s.T).toBeCloseTo(r.T, 9);
        expect(s.total).toBeCloseTo(r.total, 6);
        expect(s.mx).toBeCloseTo(r.mx, 6);
      });
      const merge = summaries.find((s) => s.customerId === "h-merge")!;
      // Jan 1 (10 + 20 $) first; Feb 1 (40 − 10 refunded + 5 $) one repeat; cancelled, refunded and
      // after-as-of orders ignored.
      expect(merge.x).toBe(1);
      expect(merge.tx).toBeCloseTo(31 / 7, 12);
      expect(merge.total).toBeCloseTo(65, 9);
      expect(merge.mx).toBeCloseTo(35, 9);
      expect(summaries.find((s) => s.customerId === "h-late")).toBeUndefined();
      expect(summaries.find((s) => s.customerId === "h-asof")).toMatchObject({ x: 0, T: 0, recencyDays: 0 });
    } finally {
      // connectDb replaced the per-file client: point it back at the run's database.
      connectDb(inject("databaseUrl"));
    }
  }, 60_000);

  it("rejects a bad date with a clear message and prints nothing on stdout", async () => {
    const err = await run("npx", ["tsx", "server/cli/analytics.ts", "--as-of", "2024-02-30", "--period", "week", "--json"], {
      env: { ...process.env, DATABASE_URL: url.toString() },
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2, stdout: "" });
    expect((err as { stderr: string }).stderr).toContain("--as-of must be a calendar date YYYY-MM-DD");
  }, 60_000);
});
