// "The database cannot serve this request right now" (PostgreSQL restarting, failing over, refusing
// connections, or every pooled connection busy for too long) as opposed to a bug or a refused query. Requests that hit it are answered 503 with
// a short message and Retry-After (server/http.ts, server/api/*, server/trpc/init.ts,
// app/entry.server.tsx) instead of a 500 that carries Prisma's text; the pools reconnect by
// themselves once PostgreSQL is back (test/hardening/faults-postgres.test.ts).
//
// The same failure arrives in several shapes: a pg socket error (ECONNREFUSED…), a pg protocol error
// with a SQLSTATE of class 08 / 57P0x ("terminating connection due to administrator command", "the
// database system is starting up"), pg's own "Connection terminated unexpectedly", and Prisma's
// wrappers of those (P1001, P2010 with meta.driverAdapterError { kind: "DatabaseNotReachable" }, …).

export const DB_UNAVAILABLE_MESSAGE = "The service is temporarily unavailable (database not available). Please try again in a moment.";
/** Seconds, for the Retry-After header. */
export const DB_RETRY_AFTER_SECONDS = 5;

const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
// "Unable to start a transaction in the given time": every pooled connection stayed busy for
// Prisma's maxWait (PostgreSQL slow or overloaded) — also "try again shortly", not a bug.
const MESSAGES =
  /Can't reach database server|Unable to start a transaction in the given time|Connection terminated|Connection is closed|Client has encountered a connection error|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|timeout exceeded when trying to connect|Server has closed the connection/i;

function matches(e: object): boolean {
  const x = e as { code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown };
  const code = typeof x.code === "string" ? x.code : undefined;
  if (code && (SOCKET_CODES.has(code) || PRISMA_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof x.kind === "string" && ADAPTER_KINDS.has(x.kind)) return true;
  if (typeof x.originalCode === "string" && (SQLSTATES.has(x.originalCode) || /^08[0-9A-Z]{3}$/.test(x.originalCode))) return true;
  return typeof x.message === "string" && MESSAGES.test(x.message);
}

/** Whether `e` (or anything it wraps: cause, Prisma's meta.driverAdapterError, AggregateError) says the database is unreachable. */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 6) return false;
  if (matches(e)) return true;
  const x = e as { cause?: unknown; meta?: { driverAdapterError?: unknown }; errors?: unknown };
  if (isDatabaseUnavailable(x.cause, depth + 1)) return true;
  if (isDatabaseUnavailable(x.meta?.driverAdapterError, depth + 1)) return true;
  return Array.isArray(x.errors) && x.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1));
}

/** The page answered when the database is unreachable: short, in English and Simplified Chinese. */
export function unavailableHtml(): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Temporarily unavailable</title></head><body><main>
<h1>Temporarily unavailable</h1><p>The service is temporarily unavailable. Please try again in a moment.</p>
<h1 lang="zh-CN">暂时无法使用</h1><p lang="zh-CN">服务暂时无法使用，请稍后再试。</p>
</main></body></html>`;
}
