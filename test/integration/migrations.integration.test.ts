// Fails when prisma/schema.prisma has a change that no migration covers, and when the SQL of the
// migrations does not build the schema their snapshot describes.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { inject, describe, expect, it } from "vitest";
import { runPrisma } from "../../server/db/migrate.ts";

const dir = path.resolve("prisma/migrations");
const migrations = fs.readdirSync(dir).filter((d) => /^\d{14}_/.test(d)).sort();
const latest = migrations.at(-1)!;

async function catalog(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const cols = await c.query(`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema = 'public' and table_name <> '_prisma_migrations' order by 1, 2`);
    const idx = await c.query(`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' and tablename <> '_prisma_migrations' order by 1, 2`);
    const cons = await c.query(`select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def from pg_constraint where connamespace = 'public'::regnamespace and conrelid::regclass::text <> '_prisma_migrations' order by 1, 2`);
    const types = await c.query(`select t.typname, array_agg(e.enumlabel order by e.enumsortorder) as labels from pg_type t join pg_enum e on e.enumtypid = t.oid group by 1 order by 1`);
    return { columns: cols.rows, indexes: idx.rows, constraints: cons.rows, enums: types.rows };
  } finally {
    await c.end();
  }
}

describe("migrations", () => {
  it("every migration folder keeps a migration.sql and the schema snapshot it was made from", () => {
    for (const m of migrations) {
      expect(fs.existsSync(path.join(dir, m, "migration.sql")), m).toBe(true);
      expect(fs.existsSync(path.join(dir, m, "schema.prisma")), m).toBe(true);
    }
  });

  it("schema.prisma has no change that the latest migration does not cover", async () => {
    const out = await runPrisma(["migrate", "diff", "--from-schema-datamodel", path.join(dir, latest, "schema.prisma"), "--to-schema-datamodel", "prisma/schema.prisma", "--script"], inject("databaseUrl"));
    const sql = out
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("Loaded Prisma config") && !l.startsWith("--"))
      .join("\n");
    expect(sql, "run `npm run db:migration -- <name>` to write a migration for these changes").toBe("");
  });

  it("the migrations build exactly the schema of their snapshot", async () => {
    const server = process.env.RAPPORT_TEST_SERVER_URL!;
    const name = `rapport_snapshot_${process.pid}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    try {
      const url = new URL(server);
      url.pathname = `/${name}`;
      const script = await runPrisma(["migrate", "diff", "--from-empty", "--to-schema-datamodel", path.join(dir, latest, "schema.prisma"), "--script"], url.toString());
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      await c.query(script.split("\n").filter((l) => !l.startsWith("Loaded Prisma config")).join("\n"));
      await c.end();
      const [fromMigrations, fromSnapshot] = await Promise.all([catalog(inject("databaseUrl")), catalog(url.toString())]);
      expect(fromMigrations).toEqual(fromSnapshot);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
