// The load generator of `npm run bench`. It runs in a worker thread (see startLoadgen) so the
// client's own work never competes with the in-process server for the main event loop.
// Plain node:http with a keep-alive agent (one socket per concurrent lane), a fixed number of
// requests spread over `concurrency` async lanes (a Promise pool), loopback only.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { parentPort, Worker } from "node:worker_threads";
import pg from "pg";

const REQUEST_TIMEOUT_MS = 30_000;

export interface GetJob {
  kind: "get";
  /** Absolute URL on the loopback interface. */
  url: string;
  headers: Record<string, string>;
  requests: number;
  concurrency: number;
  /** Optional time cap: lanes stop taking new requests after this many ms (bounded either way). */
  maxMs?: number;
}

export interface SignInJob {
  kind: "signin";
  /** POST target, e.g. http://127.0.0.1:PORT/login */
  url: string;
  headers: Record<string, string>;
  users: { email: string; password: string }[];
  requests: number;
  concurrency: number;
  /** The app's database: "RateLimit" is cleared before every `clearEvery` sign-ins. */
  databaseUrl: string;
  clearEvery: number;
  maxMs?: number;
}

export type Job = GetJob | SignInJob;

export interface JobResult {
  /** Latency of every successful request, in milliseconds (request sent → last body byte). */
  latenciesMs: number[];
  ok: number;
  failed: number;
  /** The first few failures (status and a snippet), for the error message. */
  failures: string[];
  elapsedMs: number;
  rateLimitClears: number;
  /** True when maxMs ran out before `requests` were sent. */
  capped: boolean;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const keep = (res.statusCode ?? 0) >= 300;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (keep && text.length < 2000) text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

async function runJob(job: Job): Promise<JobResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const url = new URL(job.url);
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  let ok = 0;
  let failed = 0;
  let rateLimitClears = 0;
  let taken = 0;

  // Sign-in only: a gate that every lane awaits before sending. Request i (i % clearEvery === 0)
  // chains a `DELETE FROM "RateLimit"` onto it, so at most (concurrency - 1) + clearEvery attempts
  // are counted per IP between two clears (must stay <= 30, the per-IP limit).
  let gate: Promise<void> = Promise.resolve();
  const client = job.kind === "signin" ? new pg.Client({ connectionString: job.databaseUrl }) : null;
  await client?.connect();
  const clear = async () => {
    await client!.query(`DELETE FROM "RateLimit"`);
    rateLimitClears++;
  };

  const fail = (what: string) => {
    failed++;
    if (failures.length < 5) failures.push(what);
  };

  let capped = false;
  const start = performance.now();
  const lane = async () => {
    for (;;) {
      if (job.maxMs !== undefined && performance.now() - start > job.maxMs) {
        capped ||= taken < job.requests;
        return;
      }
      const i = taken++;
      if (i >= job.requests) return;
      if (job.kind === "signin") {
        if (i % job.clearEvery === 0) gate = gate.then(clear);
        await gate;
      }
      const t0 = performance.now();
      try {
        if (job.kind === "get") {
          const r = await send(agent, url, "GET", job.headers);
          if (r.status !== 200) {
            fail(`GET ${url.pathname} → ${r.status} ${r.headers.location ?? ""} ${r.body.slice(0, 200)}`);
            continue;
          }
        } else {
          const user = job.users[i % job.users.length];
          const form = new URLSearchParams({ email: user.email, password: user.password, intent: "password" }).toString();
          const r = await send(agent, url, "POST", { ...job.headers, "content-type": "application/x-www-form-urlencoded" }, form);
          const cookies = r.headers["set-cookie"] ?? [];
          if (r.status !== 302 || !cookies.some((c) => /^rapport_session=[^;]+/.test(c))) {
            fail(`POST ${url.pathname} as ${user.email} → ${r.status} ${r.body.slice(0, 300)}`);
            continue;
          }
        }
        latenciesMs.push(performance.now() - t0);
        ok++;
      } catch (e) {
        fail(String(e));
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: job.concurrency }, lane));
  } finally {
    agent.destroy();
    await client?.end();
  }
  return { latenciesMs, ok, failed, failures, elapsedMs: performance.now() - start, rateLimitClears, capped };
}

// ---------------------------------------------------------------------------------------------
// Worker side
// ---------------------------------------------------------------------------------------------

if (parentPort && process.env.RAPPORT_BENCH_WORKER === "1") {
  const port = parentPort;
  port.on("message", (msg: { id: number; job: Job }) => {
    runJob(msg.job).then(
      (result) => port.postMessage({ id: msg.id, result }),
      (e: unknown) => port.postMessage({ id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Main-thread side
// ---------------------------------------------------------------------------------------------

export interface Loadgen {
  run(job: Job): Promise<JobResult>;
  close(): Promise<void>;
}

/** Starts the load generator worker (this file, loaded through tsx's ESM hooks). */
export async function startLoadgen(): Promise<Loadgen> {
  // Node 20 does not pass tsx's loader on to workers: register it inside the worker first.
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const self = import.meta.url;
  const boot = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(self)}); }).then(() => require("node:worker_threads").parentPort.postMessage({ ready: true }));`;
  const worker = new Worker(boot, { eval: true, env: { ...process.env, RAPPORT_BENCH_WORKER: "1" } });
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  let dead: Error | null = null;
  const onDeath = (e: Error) => {
    dead = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on("message", (m: { ready?: true; id: number; result?: JobResult; error?: string }) => {
    if (m.ready) return ready();
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(`load generator: ${m.error}`));
    else p?.resolve(m.result!);
  });
  worker.on("error", onDeath);
  worker.on("exit", (code) => onDeath(new Error(`load generator worker exited (code ${code})`)));
  await Promise.race([
    readyP,
    new Promise((_, reject) => worker.once("error", reject)),
  ]);
  return {
    run(job) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, job });
      });
    },
    async close() {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}
