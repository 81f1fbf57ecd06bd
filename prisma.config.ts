// Prisma CLI configuration: migrations run in Prisma's WebAssembly schema engine over `pg`,
// because no native engine can be downloaded here (see ../shared/STACK.md "Prisma offline").
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { CatalogSafePool } from "./server/db/pg-pool.ts";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: async () => new PrismaPg(new CatalogSafePool({ connectionString: process.env.DATABASE_URL })),
});
