// Read queries of the hot pages, written as Prisma.sql templates, run straight on the pg pool.
//
// Why (issue #14, README "Where the time went"): Prisma's $queryRaw costs ~0.9 ms of CPU per query
// in this process (argument serialisation, the adapter's row conversion, its engine round trip),
// plain pg ~0.25 ms for the same statement; the session lookup and a page's reads run on every
// request. `sqlRows(db, Prisma.sql\`…\`)` keeps Prisma's template (the same parameter binding, so no
// string concatenation) and returns what $queryRaw would for the types these queries select:
// timestamps as Date (the columns are `timestamp(3)` holding UTC, as Prisma writes them), int4 and
// float8 as number, text/enum casts as string, json as objects, arrays as arrays. int8 and numeric
// come back as strings, not BigInt/Decimal: cast them in SQL (`::int`, `::float8`) as the callers do.
//
// Inside a transaction (a Prisma interactive-transaction client) the query must run on that
// transaction's connection, so anything but the process-wide client goes through $queryRaw.
import pg from "pg";
import type { Prisma } from "./generated/client.ts";
import { db as rootDb, pgPool, type Tx } from "./client.ts";

const TIMESTAMP_OID = 1114;
const TIMESTAMP_ARRAY_OID = 1115;
const DATE_OID = 1082;

/** `timestamp without time zone` as UTC (what Prisma stores), not as the process's local time. */
function parseUtcTimestamp(s: string): Date {
  return new Date(s.replace(" ", "T") + "Z");
}

const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP_OID) return parseUtcTimestamp;
    if (oid === DATE_OID) return (s: string) => new Date(s + "T00:00:00Z");
    if (oid === TIMESTAMP_ARRAY_OID) {
      const parseArray = pg.types.getTypeParser(1009 as never) as (s: string) => string[];
      return (s: string) => parseArray(s).map((x) => (x === null ? null : parseUtcTimestamp(x)));
    }
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

/** Parameters as Prisma binds them: a Date as its UTC wall-clock time (the columns have no zone). */
function param(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(param);
  return v;
}

function isRootClient(db: Tx): boolean {
  try {
    return db === rootDb();
  } catch {
    return false;
  }
}

/**
 * Rows of `query` (a Prisma.sql template), typed like `$queryRaw<R>`; on the pg pool unless `db` is
 * a transaction client.
 */
export async function sqlRows<R extends unknown[] = unknown[]>(db: Tx, query: Prisma.Sql): Promise<R> {
  if (!isRootClient(db)) return db.$queryRaw<R>(query);
  const r = await pgPool().query({ text: query.text, values: query.values.map(param), types });
  return r.rows as R;
}
