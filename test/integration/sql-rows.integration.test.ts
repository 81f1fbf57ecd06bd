// server/db/sql.ts `sqlRows`: the hot pages' reads on the pg pool must return what Prisma's
// $queryRaw returns for the same template — timestamps as the same instants (the columns hold UTC,
// whatever the process's time zone), Date parameters bound as Prisma binds them — and must run on the
// transaction's connection inside an interactive transaction.
import { afterEach, describe, expect, it } from "vitest";
import { Prisma } from "../../server/db/generated/client.ts";
import { db } from "../../server/db/client.ts";
import { sqlRows } from "../../server/db/sql.ts";
import { createCustomer, createOrder } from "../factories/index.ts";

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe("sqlRows", () => {
  for (const tz of ["UTC", "Asia/Shanghai", "America/Los_Angeles"]) {
    it(`returns the same rows as $queryRaw, with a Date parameter and timestamp columns (process TZ ${tz})`, async () => {
      process.env.TZ = tz;
      const c = await createCustomer(db());
      const placedAt = new Date("2026-03-08T09:30:15.123Z"); // a DST change day in Los Angeles
      await createOrder(db(), { customerId: c.id, placedAt });
      await createOrder(db(), { customerId: c.id, placedAt: new Date("2026-01-01T00:00:00.000Z") });
      const q = Prisma.sql`
        SELECT number, "placedAt", "totalMinor", "placedAt"::date AS day, (SELECT count(*)::int FROM "Order" WHERE "customerId" = ${c.id}) AS n,
               array_agg("placedAt") OVER () AS every
        FROM "Order" WHERE "customerId" = ${c.id} AND "placedAt" >= ${new Date("2026-03-08T09:30:15.123Z")} ORDER BY "placedAt"`;
      const viaPool = await sqlRows<Record<string, unknown>[]>(db(), q);
      const viaPrisma = await db().$queryRaw<Record<string, unknown>[]>(q);
      expect(viaPool).toHaveLength(1);
      expect(viaPool).toEqual(viaPrisma);
      expect((viaPool[0]!.placedAt as Date).toISOString()).toBe(placedAt.toISOString());
      expect((viaPool[0]!.day as Date).toISOString()).toBe("2026-03-08T00:00:00.000Z");
      expect((viaPool[0]!.every as Date[]).map((d) => d.toISOString())).toEqual([placedAt.toISOString()]);
    });
  }

  it("inside an interactive transaction it reads the transaction's own uncommitted writes", async () => {
    const c = await createCustomer(db());
    const seen = await db().$transaction(async (tx) => {
      await tx.customer.update({ where: { id: c.id }, data: { name: "Inside The Transaction" } });
      const rows = await sqlRows<{ name: string }[]>(tx, Prisma.sql`SELECT name FROM "Customer" WHERE id = ${c.id}`);
      return rows[0]!.name;
    });
    expect(seen).toBe("Inside The Transaction");
  });
});
