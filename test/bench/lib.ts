// Helpers shared by the bench scripts in test/bench/: knobs from the environment, progress lines on
// stderr, the production build check, a free port, percentiles, the machine description and
// signing in over HTTP as a customer.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ROOT } from "../../server/app.ts";
import { startEmbeddedPostgres } from "../../server/db/embedded.ts";

/** An integer knob from the environment (`dflt` when unset); throws a clear message when invalid. */
export function intEnv(name: string, dflt: number, min = 1): number {
  const raw = process.env[name];
  if (!raw) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min} (got ${raw})`);
  return n;
}

/** A progress logger for stderr: `[<tag> <seconds since start>s] message` (stdout stays the report). */
export function progressLogger(tag: string, secondsWidth = 3): (m: string) => void {
  return (m) => process.stderr.write(`[${tag} ${((performance.now() / 1000) | 0).toString().padStart(secondsWidth)}s] ${m}\n`);
}

/** Builds the production bundle (build/) unless it exists; BENCH_BUILD=1 forces a rebuild. */
export function ensureBuild(progress: (m: string) => void) {
  const entry = path.join(ROOT, "build", "server", "index.js");
  if (fs.existsSync(entry) && process.env.BENCH_BUILD !== "1") return;
  progress("building the production bundle (npm run build)…");
  // Build output goes to stderr so stdout stays the report.
  const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", process.stderr, process.stderr] });
  if (r.status !== 0 || !fs.existsSync(entry)) throw new Error(`npm run build failed (exit ${r.status ?? r.signal})`);
}

/** A loopback TCP port that was free a moment ago (the OS picks it; we release it for the app). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Nearest-rank percentile `p` (0–100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The element at index floor(p% × n) of ascending `sorted` (one rank above `percentile` when p% × n is whole); 0 when empty. */
export function percentileFloor(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
}

/** The machine the bench ran on (for the report). */
export function machine(unknownCpu = "?") {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? unknownCpu,
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/**
 * Signs in with email + password through the login form (POST /login, as a browser without JS) and
 * returns the session cookie (`rapport_session=…`) to send with later requests; throws if refused.
 */
export async function signInOverHttp(base: string, who: { email: string; password: string }, opts: { userAgent?: string; what?: string } = {}): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(opts.userAgent ? { "user-agent": opts.userAgent } : {}) },
    body: new URLSearchParams({ email: who.email, password: who.password, intent: "password" }),
    redirect: "manual",
  });
  const body = await res.text();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("rapport_session="));
  if (res.status !== 302 || !cookie) throw new Error(`${opts.what ?? who.email} sign-in failed: ${res.status} ${body.slice(0, 300)}`);
  return cookie;
}

/** A fresh database `name` on the `base` server (dropped and recreated, so runs are comparable); its URL. */
export async function recreateBenchDatabase(base: string, name: string, progress: (m: string) => void): Promise<string> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    progress(`recreating database ${name}`);
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * One row of the `npm run bench` summary table (issue #14): what was measured, the product's figure,
 * the baseline measured in the same run (null when the row has none), their ratio, the target and
 * whether it was met (null = not measured in this run, say why in `note`). `data` keeps the raw
 * numbers for bench-results.json.
 */
export interface BenchRow {
  path: string;
  product: string;
  baseline: string | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  note?: string;
  data?: Record<string, unknown>;
}

/** Markdown table of `rows` (path, product, baseline, ratio, target, result). */
export function benchRowsTable(rows: BenchRow[]): string {
  const out = ["| path | product | baseline (same run) | ratio | target | result |", "|---|---|---|---:|---|---|"];
  for (const r of rows) {
    const result = r.pass === null ? `not measured${r.note ? `: ${r.note}` : ""}` : r.pass ? "pass" : "FAIL";
    out.push(`| ${r.path} | ${r.product} | ${r.baseline ?? "—"} | ${r.ratio === null ? "—" : r.ratio < 0.1 ? r.ratio.toFixed(3) : r.ratio.toFixed(2)} | ${r.target} | ${result} |`);
  }
  return out.join("\n");
}

/**
 * Hands a bench section's rows to `npm run bench` (test/bench/all.ts sets BENCH_ROWS_OUT to a file
 * for each section it runs) and prints them as a table on stdout when the section runs alone.
 */
export function reportBenchRows(rows: BenchRow[]) {
  const out = process.env.BENCH_ROWS_OUT;
  if (out) fs.writeFileSync(out, JSON.stringify(rows, null, 2) + "\n");
  process.stdout.write("\n" + benchRowsTable(rows) + "\n\n");
}

/** A minimal SMTP server on loopback that accepts and counts messages (no parsing, no storage). */
export function startCountingSmtpSink(): Promise<{ url: string; count(): number; close(): Promise<void> }> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => {});
    let buf = "";
    let inData = false;
    sock.write("220 sink ESMTP\r\n");
    sock.on("data", (chunk: Buffer) => {
      buf += chunk.toString("latin1");
      for (;;) {
        if (inData) {
          const end = buf.indexOf("\r\n.\r\n");
          if (end < 0) {
            buf = buf.slice(-4);
            return;
          }
          buf = buf.slice(end + 5);
          inData = false;
          n++;
          sock.write("250 2.0.0 queued\r\n");
          continue;
        }
        const nl = buf.indexOf("\r\n");
        if (nl < 0) return;
        const cmd = buf.slice(0, Math.min(4, nl)).toUpperCase();
        buf = buf.slice(nl + 2);
        if (cmd === "EHLO") sock.write("250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
        else if (cmd === "DATA") {
          inData = true;
          buf = `\r\n${buf}`; // the terminator's leading CRLF may be the one ending the DATA line
          sock.write("354 go ahead\r\n");
        } else if (cmd === "QUIT") {
          sock.end("221 bye\r\n");
          return;
        } else sock.write("250 OK\r\n");
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `smtp://127.0.0.1:${port}`,
        count: () => n,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    }),
  );
}

/**
 * The PostgreSQL server a bench creates its database on: DATABASE_URL's server, else an embedded
 * PostgreSQL under `dataDir` on `port` (stop it with `stop()` when done; a no-op for DATABASE_URL).
 */
export async function benchServer(opts: { dataDir: string; port: number; progress?: (m: string) => void }): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: opts.dataDir, port: opts.port, log: opts.progress });
  return { url: embedded.url, stop: embedded.stop };
}
