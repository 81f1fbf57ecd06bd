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
});
