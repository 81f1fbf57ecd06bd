import { describe, expect, it } from "vitest";
import { db, pgPool } from "../../server/db/client.ts";
import { TouchpointBuffer } from "../../server/domain/touchpoints/buffer.ts";
import { createCustomer } from "../factories/index.ts";

async function views(customerId: string) {
  return db().touchpoint.count({ where: { customerId, type: "page.viewed" } });
}

describe("buffered touchpoint writer", () => {
  it("flushes on its own within the interval", async () => {
    const c = await createCustomer(db());
    const buffer = new TouchpointBuffer(pgPool(), { intervalMs: 200 }).start();
    try {
      buffer.push({ customerId: c.id, type: "page.viewed", channel: "web", subjectType: "page", subjectId: "/orders" });
      expect(await views(c.id)).toBe(0);
      await expect.poll(() => views(c.id), { timeout: 5000, interval: 50 }).toBe(1);
    } finally {
      await buffer.stop();
    }
  });

  it("flushes everything on stop, in one multi-row insert, keeping metadata", async () => {
    const c = await createCustomer(db());
    const buffer = new TouchpointBuffer(pgPool(), { intervalMs: 60_000 }).start();
    for (let i = 0; i < 120; i++) buffer.push({ customerId: c.id, type: "page.viewed", channel: "web", metadata: { i } });
    expect(buffer.pending).toBe(120);
    await buffer.stop();
    expect(buffer.pending).toBe(0);
    expect(await views(c.id)).toBe(120);
    const last = await db().touchpoint.findFirstOrThrow({ where: { customerId: c.id }, orderBy: { id: "desc" } });
    expect(last.metadata).toEqual({ i: 119 });
  });

  it("keeps rows when a flush fails and writes them on the next one", async () => {
    const c = await createCustomer(db());
    let fail = true;
    const flaky = { query: (...args: Parameters<ReturnType<typeof pgPool>["query"]>) => (fail ? Promise.reject(new Error("db down")) : pgPool().query(...args)) };
    const errors: unknown[] = [];
    const buffer = new TouchpointBuffer(flaky as never, { intervalMs: 60_000, onError: (e) => errors.push(e) });
    buffer.push({ customerId: c.id, type: "page.viewed", channel: "web" });
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(buffer.pending).toBe(1);
    fail = false;
    await buffer.flush();
    expect(await views(c.id)).toBe(1);
  });

  it("writes a backlog beyond the 65,535-parameter limit of one statement (10,000 rows), with their fields and times", async () => {
    const c = await createCustomer(db());
    const at = new Date("2024-05-06T07:08:09.123Z");
    const buffer = new TouchpointBuffer(pgPool(), { intervalMs: 60_000, maxRows: 1_000_000 });
    for (let i = 0; i < 10_000; i++) buffer.push({ customerId: c.id, type: "page.viewed", channel: "web", actorUserId: `u-${i}`, subjectType: "page", subjectId: `/p/${i}`, metadata: i % 2 ? { i, q: 'a "quoted" \\ value' } : undefined, occurredAt: at });
    await buffer.flush();
    expect(buffer.pending).toBe(0);
    expect(await views(c.id)).toBe(10_000);
    const row = await db().touchpoint.findFirstOrThrow({ where: { customerId: c.id, subjectId: "/p/9999" } });
    expect(row).toMatchObject({ type: "page.viewed", channel: "web", actorUserId: "u-9999", subjectType: "page", occurredAt: at, metadata: { i: 9999, q: 'a "quoted" \\ value' } });
    expect((await db().touchpoint.findFirstOrThrow({ where: { customerId: c.id, subjectId: "/p/0" } })).metadata).toBeNull();
  });

  it("flush() resolves only after rows pushed while another flush was writing are written too", async () => {
    const c = await createCustomer(db());
    // Every write takes a while, so a flush that returned early would be seen before the rows land.
    const slow = { query: async (...args: Parameters<ReturnType<typeof pgPool>["query"]>) => (await new Promise((r) => setTimeout(r, 150)), pgPool().query(...args)) };
    const buffer = new TouchpointBuffer(slow as never, { intervalMs: 60_000, maxRows: 500 });
    for (let i = 0; i < 500; i++) buffer.push({ customerId: c.id, type: "page.viewed", channel: "web" }); // starts a flush
    for (let i = 0; i < 100; i++) buffer.push({ customerId: c.id, type: "page.viewed", channel: "web" });
    void buffer.flush();
    await buffer.flush();
    expect(await views(c.id)).toBe(600);
  });

  it("while the database refuses writes, keeps at most maxPending rows (the newest) and says it dropped the rest", async () => {
    const c = await createCustomer(db());
    let fail = true;
    const flaky = { query: (...args: Parameters<ReturnType<typeof pgPool>["query"]>) => (fail ? Promise.reject(new Error("db down")) : pgPool().query(...args)) };
    const errors: string[] = [];
    const buffer = new TouchpointBuffer(flaky as never, { intervalMs: 60_000, maxRows: 1000, maxPending: 10, onError: (e) => errors.push(String(e)) });
    for (let i = 0; i < 15; i++) buffer.push({ customerId: c.id, type: "page.viewed", channel: "web", metadata: { i } });
    expect(buffer.pending).toBe(10);
    expect(errors).toHaveLength(5);
    expect(errors[0]).toMatch(/touchpoint buffer full \(10 rows pending\): dropped the 1 oldest/);
    await buffer.flush();
    expect(errors.at(-1)).toMatch(/db down/);
    fail = false;
    await buffer.flush();
    const rows = await db().touchpoint.findMany({ where: { customerId: c.id }, orderBy: { id: "asc" } });
    expect(rows.map((r) => (r.metadata as { i: number }).i)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });
});
