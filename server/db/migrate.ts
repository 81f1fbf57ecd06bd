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

export async function migrate(databaseUrl: string) {
  await runPrisma(["migrate", "deploy"], databaseUrl);
}
