// The app as a CHILD PROCESS (`node --import tsx server/main.ts`, production build in build/), for the fault tests
// of `npm run test:hardening`: it can be SIGKILLed, restarted, or run twice on one database, which
// an in-process app (test/setup/app.ts) cannot. Loopback only; logs are kept for the failure message.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A TCP port that was free a moment ago (the OS picks it; we release it for the child to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface AppProcess {
  url: string;
  port: number;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  /** True once the process has exited (by itself or by a signal). */
  exited(): boolean;
  exitInfo(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Sends a signal; resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM (orderly shutdown), then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface AppProcessOptions {
  databaseUrl: string;
  port?: number;
  sessionSecret?: string;
  stripeWebhookSecret?: string;
  /** SMTP_URL; unset = the built-in capture server (mail stored in CapturedMail). */
  smtpUrl?: string;
  dataDir?: string;
  env?: Record<string, string>;
  /** How long to wait for "Rapport is running". */
  startTimeoutMs?: number;
}

export async function startAppProcess(opts: AppProcessOptions): Promise<AppProcess> {
  const port = opts.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATABASE_URL: opts.databaseUrl,
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    SEED_DEMO: "false",
    SESSION_SECRET: opts.sessionSecret ?? "f".repeat(40),
    STRIPE_WEBHOOK_SECRET: opts.stripeWebhookSecret ?? "whsec_hardening_faults_0123456789",
    INBOUND_SMTP_PORT: "0",
    DATA_DIR: opts.dataDir ?? ".data/hardening",
    LOG_LEVEL: "info",
    ...(opts.smtpUrl ? { SMTP_URL: opts.smtpUrl } : {}),
    ...opts.env,
  };
  // `node --import tsx`, not node_modules/.bin/tsx: the tsx CLI runs the program in a child process
  // of its own and only relays signals, so a SIGKILL sent to it would leave the app running.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const append = (d: Buffer) => {
    out += d.toString("utf8");
    // Keep the tail only: a long load run logs a lot.
    if (out.length > 400_000) out = out.slice(-200_000);
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve();
    });
  });
  const timeoutMs = opts.startTimeoutMs ?? 120_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the app did not start within ${timeoutMs} ms:\n${out.slice(-4000)}`));
    }, timeoutMs);
    const check = () => {
      if (out.includes("Rapport is running")) {
        clearTimeout(timer);
        child.stdout!.off("data", check);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the app exited during start-up (${JSON.stringify(exit)}):\n${out.slice(-4000)}`));
    });
  });
  const kill = async (signal: NodeJS.Signals) => {
    if (exit) return;
    child.kill(signal);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    logs: () => out,
    exited: () => exit !== null,
    exitInfo: () => exit,
    kill,
    async stop(graceMs = 15_000) {
      if (exit) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Polls `check` until it returns a truthy value (bounded; no timing assertion). */
export async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, opts: { timeoutMs?: number; everyMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 250));
  }
}
