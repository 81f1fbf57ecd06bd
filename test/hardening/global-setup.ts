// The main suite's global setup (a fresh migrated database) plus the hardening report: cleared at
// the start, printed as a table and written to hardening-results.json at the end.
import fs from "node:fs";
import type { TestProject } from "vitest/node";
import setupDatabase from "../setup/global-setup.ts";
import { hardeningSummary, hardeningTable, readHardeningRows, REPORT_DIR } from "./report.ts";

export default async function setup(project: TestProject) {
  fs.rmSync(REPORT_DIR, { recursive: true, force: true });
  const teardown = await setupDatabase(project);
  return async () => {
    const rows = readHardeningRows();
    if (rows.length) {
      process.stdout.write(`\nHardening report (${new Date().toISOString()})\n\n${hardeningSummary(rows)}\n\n${hardeningTable(rows)}\n\n`);
      fs.writeFileSync("hardening-results.json", JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + "\n");
    }
    await teardown();
  };
}
