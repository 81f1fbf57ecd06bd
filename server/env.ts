// The environment, validated once at boot. Add a variable here (with a clear message) before
// reading it anywhere else; nothing else in the server reads process.env directly.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { z } from "zod";

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), "must be a postgresql:// connection URL, e.g. postgresql://user:pass@host:5432/db");

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
function isProxyAddress(token: string) {
  const [ip, bits, extra] = token.split("/");
  if (extra !== undefined || !ip) return false;
  const family = net.isIP(ip);
  if (!family) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * Which proxies in front of the app are trusted to set X-Forwarded-For / -Proto (Express's
 * "trust proxy"): their client address is used for per-IP rate limits and the audit log. Default
 * loopback (a proxy on the same host). A comma-separated list of addresses, CIDR ranges and the
 * names loopback, linklocal, uniquelocal; a number of hops; or "false" to trust none.
 */
const trustProxy = z
  .string()
  .transform((v, ctx): string | number | false => {
    const value = v.trim().toLowerCase();
    if (value === "false" || value === "none") return false;
    if (/^\d+$/.test(value)) return Number(value);
    const tokens = value.split(",").map((x) => x.trim()).filter(Boolean);
    const bad = tokens.filter((x) => !PROXY_NAMES.has(x) && !isProxyAddress(x));
    if (!tokens.length || bad.length) {
      ctx.addIssue({ code: "custom", message: `must be false, a number of hops, or addresses / CIDR ranges / loopback, linklocal, uniquelocal separated by commas (not understood: ${bad.join(", ") || "empty"})` });
      return z.NEVER;
    }
    return tokens.join(",");
  });

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int("must be a whole number").min(0).max(65535, "must be a TCP port (0-65535)").default(3000),
  APP_URL: z.url("must be an absolute URL such as https://portal.example.com").optional(),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)").optional(),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\/.+/.test(v), "must look like smtp://user:pass@host:587 or smtps://host:465")
    .optional(),
  /** Port of the built-in capture SMTP server (used only when SMTP_URL is unset); 0 = any free port. */
  SMTP_CAPTURE_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  MAIL_FROM: z.string().min(3).default("Rapport <no-reply@rapport.localhost>"),
  /** Support mailbox: ticket replies go to support+<token>@its domain; default support@<APP_URL host>. */
  SUPPORT_ADDRESS: z.email("must be an email address such as support@example.com").optional(),
  /** Port of the inbound SMTP listener for emailed ticket replies; 0 = disabled. */
  INBOUND_SMTP_PORT: z.coerce.number().int("must be a whole number").min(0).max(65535, "must be a TCP port (0-65535)").default(2525),
  /** Interface the inbound SMTP listener binds to (loopback by default; put a real MTA in front). */
  INBOUND_SMTP_HOST: z.string().min(1).default("127.0.0.1"),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, "must start with sk_test_, sk_live_, rk_test_ or rk_live_").optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_/, "must start with whsec_").optional(),
  /**
   * How long POST /webhooks/stripe waits, after storing an event, for the applier to apply it and
   * answer with the result (0 = answer as soon as the event is stored). Stored events are applied
   * either way (server/domain/orders/stripe-apply.ts).
   */
  STRIPE_WEBHOOK_WAIT_MS: z.coerce.number().int("must be a whole number").min(0, "must be at least 0").max(20_000, "must be at most 20000").default(5000),
  DEMO_PASSWORD: z.string().min(8, "must be at least 8 characters").default("rapport-demo"),
  SEED_DEMO: z.enum(["true", "false"]).default("true"),
  /** Record page-view touchpoints (benchmarks switch this off to measure the cost). */
  TOUCHPOINT_VIEWS: z.enum(["on", "off"]).default("on"),
  /** Seconds a mail being sent stays claimed before another pass may take it over (crash recovery). */
  OUTBOX_LEASE_SECONDS: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(86_400, "must be at most 86400").default(120),
  TRUST_PROXY: trustProxy.default("loopback"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type Env = z.infer<typeof schema> & { APP_URL: string; SESSION_SECRET: string; SUPPORT_ADDRESS: string };

export class EnvError extends Error {}

/** Parse an environment (default: process.env). Throws EnvError listing every problem. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}\nSee README.md "Configuration".`);
  }
  const env = result.data;
  const appUrl = (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
  return {
    ...env,
    APP_URL: appUrl,
    SESSION_SECRET: env.SESSION_SECRET ?? persistentSecret(env.DATA_DIR),
    SUPPORT_ADDRESS: (env.SUPPORT_ADDRESS ?? `support@${mailDomain(appUrl)}`).toLowerCase(),
  };
}

/** The APP_URL host when it is a real domain name; "rapport.test" for localhost and IP addresses. */
function mailDomain(appUrl: string): string {
  const host = new URL(appUrl).hostname;
  return host.includes(".") && !/^[\d.]+$/.test(host) && !host.startsWith("[") ? host : "rapport.test";
}

/** Without SESSION_SECRET we keep one random secret in DATA_DIR so sessions survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = path.resolve(dataDir, "session-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("hex");
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
/** For tests and the boot sequence: replace the parsed environment. */
export function setEnv(next: Env) {
  cached = next;
}
