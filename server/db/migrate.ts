// Applies prisma/migrations with `prisma migrate deploy` (the WebAssembly schema engine; see
// prisma.config.ts). Used at boot and by the test setup.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function runPrisma(args: string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const bin = path.join(root, "node_modules", "prisma", "build", "index.js");
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(Object.assign(new Error(`prisma ${args.join(" ")} failed (exit ${code}):\n${out}`), { code, output: out }))));
  });
}

/**
 * `prisma migrate deploy`. Several processes starting at once on one database (see README "Running
 * several processes") queue on Prisma's migration advisory lock, which it gives up on after 10 s
 * (P1002): then the migrations are being applied by another process, so wait and try again.
 */
export async function migrate(databaseUrl: string, opts: { attempts?: number } = {}) {
  const attempts = opts.attempts ?? 6;
  for (let i = 1; ; i++) {
    try {
      await runPrisma(["migrate", "deploy"], databaseUrl);
      return;
    } catch (e) {
      const out = (e as { output?: string }).output ?? "";
      if (i >= attempts || !/P1002/.test(out) || !/advisory lock/i.test(out)) throw e;
    }
  }
}
