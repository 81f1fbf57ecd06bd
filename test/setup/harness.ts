// Helpers for integration tests: services, and tRPC callers acting as a given user.
import { db } from "../../server/db/client.ts";
import { parseEnv, type Env } from "../../server/env.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { TouchpointBuffer } from "../../server/domain/touchpoints/buffer.ts";
import { pgPool } from "../../server/db/client.ts";
import { createContext, type Services } from "../../server/trpc/context.ts";
import { createCaller } from "../../server/trpc/root.ts";

export function testEnv(overrides: Record<string, string> = {}): Env {
  return parseEnv({ NODE_ENV: "test", DATABASE_URL: process.env.DATABASE_URL, SESSION_SECRET: "x".repeat(40), APP_URL: "http://localhost:3999", DATA_DIR: ".data/test", ...overrides });
}

export function testServices(overrides: Partial<Services> = {}): Services {
  return { db: db(), env: testEnv(), views: new TouchpointBuffer(pgPool()), mailQueued: () => {}, ...overrides };
}

let ipCounter = 0;
/** A unique client IP per caller so per-IP rate limits don't leak between tests. */
export function freshIp() {
  ipCounter++;
  return `10.${(process.pid >> 8) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

export interface CallerOptions {
  userId?: string | null;
  /** Act with an existing session token instead of a new session. */
  sessionToken?: string;
  ip?: string;
  services?: Services;
  cookies?: string[];
  headers?: Record<string, string>;
}

/** A tRPC caller as an anonymous visitor or as `userId` (a real session row is created). */
export async function callerAs(opts: CallerOptions = {}) {
  const services = opts.services ?? testServices();
  const headers = new Headers(opts.headers);
  let sessionToken = opts.sessionToken;
  if (sessionToken) headers.set("cookie", `${SESSION_COOKIE}=${sessionToken}`);
  else if (opts.userId) {
    sessionToken = (await createSession(db(), opts.userId, { ip: "127.0.0.1" })).token;
    headers.set("cookie", `${SESSION_COOKIE}=${sessionToken}`);
  }
  const cookies = opts.cookies ?? [];
  const ctx = await createContext(services, { headers, ip: opts.ip ?? freshIp(), setCookie: (c) => cookies.push(c) });
  return { caller: createCaller(ctx), ctx, cookies, sessionToken };
}
