// A pg.Pool that reports PostgreSQL catalog types `name` (oid 19) and `"char"` (oid 18) as text.
// Why: @prisma/adapter-pg 6.19.3 cannot deserialise them ("Column type 'name' could not be
// deserialized") and the schema engine reads them during migrations. See ../shared/STACK.md.
import pg from "pg";

const CATALOG_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

function patchFields(result: unknown) {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as pg.QueryResult | undefined)?.fields;
    if (!fields) continue;
    for (const f of fields) if (CATALOG_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
  }
  return result;
}

export class CatalogSafePool extends pg.Pool {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const cb = last as (err: Error | null, res: unknown) => void;
      args[args.length - 1] = (err: Error | null, res: unknown) => cb(err, err ? res : patchFields(res));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (super.query as any)(...args);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ret = (super.query as any)(...args);
    return ret && typeof ret.then === "function" ? ret.then(patchFields) : ret;
  }
}
