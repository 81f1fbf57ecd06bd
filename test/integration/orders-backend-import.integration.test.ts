// CSV import: every row validated (line numbers), an invalid file imports nothing, a good file
// imports, a second import of the same file adds nothing, --dry-run writes nothing.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { db, pgPool } from "../../server/db/client.ts";
import { importOrdersCsv } from "../../server/domain/orders/csv-import.ts";

const run = promisify(execFile);
const HEADER = "customer_id,email,name,order_number,ordered_at,currency,total,status";
const tag = Date.now().toString(36).toLowerCase();

function writeCsv(lines: string[]) {
  const file = path.join(os.tmpdir(), `orders-${tag}-${Math.random().toString(36).slice(2)}.csv`);
  fs.writeFileSync(file, [HEADER, ...lines].join("\n") + "\n");
  return file;
}

async function cli(args: string[]) {
  try {
    const r = await run("npx", ["tsx", "server/cli/import-orders.ts", ...args], { env: { ...process.env, DATABASE_URL: inject("databaseUrl") }, cwd: process.cwd() });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

async function importFile(file: string, dryRun = false) {
  const client = await pgPool().connect();
  try {
    return await importOrdersCsv(client, fs.createReadStream(file, { highWaterMark: 64 }), { dryRun });
  } finally {
    client.release();
  }
}

const counts = async () => ({
  orders: await db().order.count({ where: { number: { startsWith: `I${tag}-` } } }),
  customers: await db().customer.count({ where: { externalId: { startsWith: `c${tag}-` } } }),
});

describe("npm run import:orders", () => {
  it("rejects a file with one bad row, listing its line, and imports nothing (exit code 1)", async () => {
    const file = writeCsv([
      `c${tag}-1,ann.${tag}@example.com,Ann Lee,I${tag}-1,2024-03-01,USD,12.50,paid`,
      `c${tag}-1,,,I${tag}-2,2024-03-01T10:00:00+08:00,USD,3,delivered`,
      `c${tag}-2,bo.${tag}@example.com,"Bo, Chen",I${tag}-3,2024-02-30,JPY,1200.5,lost`,
    ]);
    const r = await cli([file]);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stderr).toMatch(/3 errors in 3 rows; nothing was imported/);
    expect(r.stderr).toContain(`line 4: ordered_at: "2024-02-30" is not an ISO date`);
    expect(r.stderr).toContain(`line 4: total: "1200.5" must be a non-negative amount with at most 0 decimals for JPY`);
    expect(r.stderr).toContain(`line 4: status: "lost" must be one of placed, paid, shipped, delivered, cancelled, refunded`);
    expect(await counts()).toEqual({ orders: 0, customers: 0 });
  });

  it("reports unknown customers without email and duplicate order numbers", async () => {
    const file = writeCsv([`c${tag}-9,,,I${tag}-90,2024-01-01,USD,1,placed`, `c${tag}-8,x.${tag}@example.com,,I${tag}-91,2024-01-01,USD,1,placed`, `c${tag}-8,,,I${tag}-91,2024-01-02,USD,1,placed`]);
    const report = await importFile(file);
    expect(report.errors).toEqual([
      { line: 4, message: `order_number: I${tag}-91 already appears on line 3` },
    ]);
    const shared = writeCsv([`c${tag}-6,s.${tag}@example.com,,I${tag}-92,2024-01-01,USD,1,placed`, `c${tag}-7,s.${tag}@example.com,,I${tag}-93,2024-01-01,USD,1,placed`]);
    expect((await importFile(shared)).errors).toEqual([{ line: 3, message: `email: s.${tag}@example.com belongs to customer_id c${tag}-6 on line 2, not c${tag}-7` }]);
    const file2 = writeCsv([`c${tag}-9,,,I${tag}-90,2024-01-01,USD,1,placed`]);
    expect((await importFile(file2)).errors).toEqual([{ line: 2, message: `email: required for customer_id c${tag}-9, which is not a known customer yet` }]);
    expect(await counts()).toEqual({ orders: 0, customers: 0 });
  });

  it("imports a good file with consistent timestamps and no email; a second import adds nothing; --dry-run writes nothing", async () => {
    const lines = [
      `c${tag}-1,ann.${tag}@example.com,Ann Lee,I${tag}-1,2024-03-01,USD,12.50,paid`,
      `c${tag}-1,,,I${tag}-2,2024-03-01T10:00:00+08:00,USD,3,delivered`,
      `c${tag}-1,,,I${tag}-3,2024-03-01T10:00:00+08:00,USD,7.5,delivered`,
      `c${tag}-2,bo.${tag}@example.com,"Bo, Chen",I${tag}-4,2024-02-29T23:59:59Z,JPY,1200,refunded`,
      `,cy.${tag}@example.com,Cy,I${tag}-5,2023-12-31,EUR,0.99,cancelled`,
    ];
    const file = writeCsv(lines);
    const mailsBefore = await db().mailOutbox.count();

    const dry = await cli([file, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: 5 rows are valid; 5 orders and 3 customers would be imported/);
    expect(await counts()).toEqual({ orders: 0, customers: 0 });

    const r = await cli([file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Imported 5 orders and 3 new customers from 5 rows/);
    expect(await counts()).toEqual({ orders: 5, customers: 2 });

    const delivered = await db().order.findUniqueOrThrow({ where: { number: `I${tag}-2` }, include: { customer: true, events: { orderBy: { type: "asc" } } } });
    expect(delivered).toMatchObject({ status: "DELIVERED", totalMinor: 300, currency: "USD", source: "csv" });
    expect(delivered.placedAt.toISOString()).toBe("2024-03-01T02:00:00.000Z");
    expect(delivered.paidAt).toEqual(delivered.placedAt);
    expect(delivered.shippedAt).toEqual(delivered.placedAt);
    expect(delivered.deliveredAt).toEqual(delivered.placedAt);
    expect(delivered.customer).toMatchObject({ email: `ann.${tag}@example.com`, name: "Ann Lee", externalId: `c${tag}-1` });
    expect(delivered.events.map((e) => e.type)).toEqual(["delivered", "paid", "placed", "shipped"]);
    expect(await db().touchpoint.count({ where: { subjectId: delivered.id, type: { startsWith: "order." } } })).toBe(4);

    const refunded = await db().order.findUniqueOrThrow({ where: { number: `I${tag}-4` }, include: { customer: true, refunds: true } });
    expect(refunded).toMatchObject({ status: "REFUNDED", totalMinor: 1200, refundedMinor: 1200, currency: "JPY" });
    expect(refunded.refunds.map((x) => x.amountMinor)).toEqual([1200]);
    expect(refunded.customer.name).toBe("Bo, Chen");
    const cancelled = await db().order.findUniqueOrThrow({ where: { number: `I${tag}-5` } });
    expect(cancelled).toMatchObject({ status: "CANCELLED", totalMinor: 99, paidAt: null });
    expect(cancelled.cancelledAt).toEqual(new Date("2023-12-31T00:00:00Z"));
    expect(await db().mailOutbox.count()).toBe(mailsBefore);

    const again = await importFile(file);
    expect(again).toMatchObject({ errorCount: 0, imported: 0, alreadyPresent: 5, customersCreated: 0 });
    expect(await counts()).toEqual({ orders: 5, customers: 2 });
    expect(await db().orderEvent.count({ where: { orderId: delivered.id } })).toBe(4);
  });

  it("links a customer known by email to the shop's customer id", async () => {
    const email = `known.${tag}@example.com`;
    const existing = await db().customer.create({ data: { email, name: "Known" } });
    const file = writeCsv([`c${tag}-k,${email},Someone,I${tag}-k1,2024-05-05,CNY,88,shipped`]);
    const r = await importFile(file);
    expect(r).toMatchObject({ errorCount: 0, imported: 1, customersCreated: 0 });
    expect((await db().customer.findUniqueOrThrow({ where: { id: existing.id } })).externalId).toBe(`c${tag}-k`);
    expect((await db().order.findUniqueOrThrow({ where: { number: `I${tag}-k1` } })).customerId).toBe(existing.id);
  });

  it("a second file overlapping the first imports only its new orders, matching customers by customer_id and by email", async () => {
    // Both files put orders on the same line numbers: the ids the import derives from them must not collide.
    const m1 = `m1.${tag}@example.com`;
    const m2 = `m2.${tag}@example.com`;
    const first = writeCsv([`c${tag}-m1,${m1},Mia,I${tag}-m1,2024-01-01,USD,10,refunded`, `c${tag}-m1,,,I${tag}-m2,2024-01-02,USD,20,delivered`, `,${m2},Max,I${tag}-m3,2024-01-03,EUR,30,paid`]);
    expect(await importFile(first)).toMatchObject({ errorCount: 0, imported: 3, alreadyPresent: 0, customersCreated: 2 });
    const second = writeCsv([`c${tag}-m1,,,I${tag}-m2,2024-01-02,USD,20,delivered`, `c${tag}-m1,,,I${tag}-m4,2024-02-01,USD,40,refunded`, `,${m2},,I${tag}-m5,2024-02-02,EUR,50,placed`]);
    expect(await importFile(second)).toMatchObject({ errorCount: 0, imported: 2, alreadyPresent: 1, customersCreated: 0 });

    const orders = await db().order.findMany({ where: { number: { startsWith: `I${tag}-m` } }, include: { customer: true, events: true, refunds: true }, orderBy: { number: "asc" } });
    expect(orders.map((o) => [o.number, o.customer.email, o.events.length, o.refunds.length])).toEqual([
      [`I${tag}-m1`, m1, 3, 1],
      [`I${tag}-m2`, m1, 4, 0],
      [`I${tag}-m3`, m2, 2, 0],
      [`I${tag}-m4`, m1, 3, 1],
      [`I${tag}-m5`, m2, 1, 0],
    ]);
    expect(new Set(orders.map((o) => o.id)).size).toBe(5);
    expect(new Set(orders.flatMap((o) => o.events.map((e) => e.id))).size).toBe(13);
    expect(await db().customer.count({ where: { email: { in: [m1, m2] } } })).toBe(2);
    const m4 = orders[3]!;
    const touchpoints = await db().touchpoint.findMany({ where: { subjectType: "order", subjectId: m4.id }, orderBy: { type: "asc" } });
    expect(touchpoints.map((t) => [t.type, t.customerId, t.channel])).toEqual([
      ["order.paid", m4.customerId, "system"],
      ["order.placed", m4.customerId, "system"],
      ["order.refunded", m4.customerId, "system"],
    ]);
    expect(touchpoints[0]!.metadata).toEqual({ number: `I${tag}-m4`, source: "csv" });
  });

  it("rejects a wrong header", async () => {
    const file = path.join(os.tmpdir(), `bad-header-${tag}.csv`);
    fs.writeFileSync(file, "id,email\n1,a@b.c\n");
    const report = await importFile(file);
    expect(report.errors[0]).toMatchObject({ line: 1, message: expect.stringContaining(`header must be exactly "${HEADER}"`) });
    expect(report.imported).toBe(0);
  });
});
