// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// as the diff between the schema of the last migration (its schema.prisma snapshot) and
// prisma/schema.prisma. `prisma migrate dev` cannot run offline; see README "Decisions".
import fs from "node:fs";
import path from "node:path";
import { runPrisma } from "./migrate.ts";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]+/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
const dir = path.resolve("prisma/migrations");
const last = fs.readdirSync(dir).filter((d) => /^\d{14}_/.test(d)).sort().at(-1);
const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const from = last ? ["--from-schema-datamodel", path.join(dir, last, "schema.prisma")] : ["--from-empty"];
const sql = await runPrisma(["migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"], url);
const body = sql.split("\n").filter((l) => !l.startsWith("Loaded Prisma config")).join("\n").trim();
if (!body || body === "-- This is an empty migration.") {
  console.error("schema.prisma has no changes since the last migration; nothing written.");
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const target = path.join(dir, `${stamp}_${name}`);
fs.mkdirSync(target);
fs.writeFileSync(path.join(target, "migration.sql"), body + "\n");
fs.copyFileSync("prisma/schema.prisma", path.join(target, "schema.prisma"));
console.log(`wrote ${path.relative(process.cwd(), target)}/migration.sql`);
