// CSV import of historical orders (`npm run import:orders -- <file.csv> [--dry-run]`, see
// server/cli/import-orders.ts). One streaming pass parses and validates every row and loads it into
// a temporary table; the rest is set-based SQL in the same transaction: cross-row and database
// checks (with line numbers), customers, orders, timeline events and touchpoints. Any error rolls
// everything back, so an invalid file imports nothing; orders already present (by order_number)
// are skipped, so re-importing a file changes nothing. Imported orders send no email.
import { randomBytes } from "node:crypto";
import type { PoolClient } from "pg";
import { z } from "zod";

export const CSV_HEADER = ["customer_id", "email", "name", "order_number", "ordered_at", "currency", "total", "status"] as const;
export const CSV_STATUSES = ["placed", "paid", "shipped", "delivered", "cancelled", "refunded"] as const;

export interface ImportError {
  line: number;
  message: string;
}

export interface ImportReport {
  rows: number;
  /** Orders written (0 on a dry run or when there are errors). */
  imported: number;
  /** Orders whose order_number already exists (skipped: re-import changes nothing). */
  alreadyPresent: number;
  /** Customers that did not exist before (would be created on a dry run). */
  customersCreated: number;
  errors: ImportError[];
  /** All errors, including those beyond the listed cap. */
  errorCount: number;
  dryRun: boolean;
}

export interface ImportOptions {
  dryRun?: boolean;
  /** How many errors to list (all are counted). Default 100. */
  maxErrors?: number;
  /** Called as bytes are consumed (for a progress bar) and for each SQL phase. */
  onProgress?: (p: { bytes: number; rows: number; phase: "reading" | "checking" | "writing" | "done" }) => void;
  batchSize?: number;
  /** Timing of each SQL step (`--verbose`). */
  log?: (message: string) => void;
}

// ---- CSV parsing (RFC 4180: quoted fields, "" escapes, CRLF/LF, newlines inside quotes) ----

/** Splits one record's text into fields; null when a quoted field is still open (it spans a line break). */
export function splitCsvRecord(text: string): string[] | null {
  if (!text.includes('"')) return text.split(",");
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return null;
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      // Anything between the closing quote and the next comma is kept (lenient, like most readers).
      const comma = text.indexOf(",", j);
      out.push(value + text.slice(j, comma < 0 ? text.length : comma));
      if (comma < 0) return out;
      i = comma + 1;
    } else {
      const comma = text.indexOf(",", i);
      if (comma < 0) {
        out.push(text.slice(i));
        return out;
      }
      out.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** Longest record (one order row; quoted line breaks included). Real rows are well under 1 KB. */
export const MAX_RECORD_CHARS = 64 * 1024;

/**
 * Splits a stream of text chunks into CSV records (RFC 4180: quoted fields, "" escapes, CRLF or
 * LF, line breaks inside quotes), each with the line number it starts on and the bytes read so far.
 */
export async function* csvRecords(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<{ line: number; fields: string[]; bytes: number; tooLong?: boolean }> {
  let tail = "";
  let bytes = 0;
  let line = 0;
  let open = ""; // a record whose quoted field continues on the next line
  let openLine = 0;
  let first = true;
  // The line a record over MAX_RECORD_CHARS starts on: reading stops there (issue #13: a file
  // without line breaks, or with a quote never closed, would otherwise be held whole in memory
  // and re-split once per line).
  let tooLong = 0;
  const take = function* (text: string) {
    line++;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    const candidate = open ? `${open}\n${text}` : text;
    if (candidate.length > MAX_RECORD_CHARS) {
      tooLong = open ? openLine : line;
      return;
    }
    const fields = splitCsvRecord(candidate);
    if (fields === null) {
      if (!open) openLine = line;
      open = candidate;
      return;
    }
    const at = open ? openLine : line;
    open = "";
    yield { line: at, fields, bytes };
  };
  for await (const raw of chunks) {
    let chunk = typeof raw === "string" ? raw : raw.toString("utf8");
    bytes += typeof raw === "string" ? Buffer.byteLength(raw) : raw.length;
    if (first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    const text = tail + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      yield* take(text.slice(start, nl));
      start = nl + 1;
      if (tooLong) break;
    }
    tail = text.slice(start);
    if (!tooLong && tail.length + open.length > MAX_RECORD_CHARS) tooLong = open ? openLine : line + 1;
    if (tooLong) {
      yield { line: tooLong, fields: [], bytes, tooLong: true };
      return;
    }
  }
  if (tail !== "" || open) yield* take(tail);
  if (tooLong) {
    yield { line: tooLong, fields: [], bytes, tooLong: true };
    return;
  }
  if (open) {
    // An unterminated quote: report the record as it is (it will fail validation with its line).
    yield { line: openLine, fields: open.split(","), bytes };
  }
}

// ---- Field validation ----

const emailSchema = z.email();
const currencies = new Set(Intl.supportedValuesOf("currency"));
const exponents = new Map<string, number>();

/** Digits after the decimal point of a currency (JPY 0, USD 2, BHD 3), from Intl. */
export function currencyExponent(currency: string): number {
  let e = exponents.get(currency);
  if (e === undefined) {
    e = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    exponents.set(currency, e);
  }
  return e;
}

/** "12.3" in USD → 1230. Exact (no floating point). null when not a plain non-negative decimal or too precise. */
export function toMinorUnits(total: string, exponent: number): number | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(total);
  if (!m) return null;
  const frac = m[2] ?? "";
  if (frac.replace(/0+$/, "").length > exponent) return null;
  const minor = Number(m[1]! + frac.padEnd(exponent, "0").slice(0, exponent));
  return Number.isSafeInteger(minor) && minor <= 2_147_483_647 ? minor : null;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 date or date-time; UTC when it has no offset. null when invalid. */
export function parseOrderedAt(s: string): Date | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", sec = "00", frac = "", off] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return null; // 2023-02-30
  const ms = frac ? Math.round(Number(`0${frac}`) * 1000) : 0;
  let t = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(sec), ms);
  if (off && off.toUpperCase() !== "Z") {
    const om = /^([+-])(\d{2}):?(\d{2})$/.exec(off)!;
    const minutes = Number(om[2]) * 60 + Number(om[3]);
    if (Number(om[2]) > 14 || Number(om[3]) > 59) return null;
    t -= (om[1] === "+" ? 1 : -1) * minutes * 60_000;
  }
  return new Date(t);
}

interface Row {
  line: number;
  customerId: string;
  email: string;
  name: string;
  number: string;
  placedAt: Date;
  currency: string;
  totalMinor: number;
  status: (typeof CSV_STATUSES)[number];
}

/** Validates one record; returns the row or the problems (each with the column name). */
export function validateRecord(line: number, f: string[], now = Date.now()): { row: Row } | { errors: string[] } {
  if (f.length !== CSV_HEADER.length) return { errors: [`expected ${CSV_HEADER.length} columns, found ${f.length}`] };
  const [customerId, emailRaw, name, number, orderedAt, currencyRaw, total, statusRaw] = f.map((x) => x.trim()) as [string, string, string, string, string, string, string, string];
  const errors: string[] = [];
  const email = emailRaw.toLowerCase();
  if (customerId.length > 100) errors.push("customer_id: at most 100 characters");
  if (!customerId && !email) errors.push("customer_id or email: one of them is required");
  if (email && (email.length > 254 || !emailSchema.safeParse(email).success)) errors.push(`email: "${emailRaw}" is not a valid email address`);
  if (name.length > 200) errors.push("name: at most 200 characters");
  if (!number) errors.push("order_number: required");
  else if (number.length > 64) errors.push("order_number: at most 64 characters");
  const placedAt = parseOrderedAt(orderedAt);
  if (!orderedAt) errors.push("ordered_at: required");
  else if (!placedAt) errors.push(`ordered_at: "${orderedAt}" is not an ISO date (2024-03-01) or date-time (2024-03-01T14:30:00Z)`);
  else if (placedAt.getTime() > now + 86400_000) errors.push(`ordered_at: ${orderedAt} is in the future`);
  const currency = currencyRaw.toUpperCase();
  let totalMinor: number | null = null;
  if (!/^[A-Z]{3}$/.test(currency) || !currencies.has(currency)) errors.push(`currency: "${currencyRaw}" is not an ISO 4217 currency code`);
  else {
    const exp = currencyExponent(currency);
    totalMinor = toMinorUnits(total, exp);
    if (!total) errors.push("total: required");
    else if (totalMinor === null) errors.push(`total: "${total}" must be a non-negative amount with at most ${exp} decimal${exp === 1 ? "" : "s"} for ${currency}`);
  }
  const status = statusRaw.toLowerCase() as Row["status"];
  if (!(CSV_STATUSES as readonly string[]).includes(status)) errors.push(`status: "${statusRaw}" must be one of ${CSV_STATUSES.join(", ")}`);
  if (errors.length) return { errors };
  return { row: { line, customerId, email, name, number, placedAt: placedAt!, currency, totalMinor: totalMinor!, status } };
}

// ---- The import ----

const COLUMNS = "line, customer_id, email, name, order_number, placed_at, currency, total_minor, status";

export async function importOrdersCsv(client: PoolClient, chunks: AsyncIterable<string | Buffer>, opts: ImportOptions = {}): Promise<ImportReport> {
  const maxErrors = opts.maxErrors ?? 100;
  const batchSize = opts.batchSize ?? 5000;
  const report: ImportReport = { rows: 0, imported: 0, alreadyPresent: 0, customersCreated: 0, errors: [], errorCount: 0, dryRun: Boolean(opts.dryRun) };
  const fail = (line: number, message: string) => {
    report.errorCount++;
    if (report.errors.length < maxErrors) report.errors.push({ line, message });
  };
  const now = Date.now();

  await client.query("BEGIN");
  try {
    // One import at a time (two imports of overlapping files would race on customers).
    await client.query("SELECT pg_advisory_xact_lock(hashtext('rapport:import-orders'))");
    // The set-based steps sort and hash millions of rows (customer aggregates, events in key order);
    // the default 4 MB work_mem sends each of those to disk. For this transaction only.
    await client.query("SET LOCAL work_mem = '256MB'");
    await client.query(`CREATE TEMP TABLE import_rows (
      line int NOT NULL, customer_id text, email text, name text, order_number text NOT NULL,
      placed_at timestamptz NOT NULL, currency text NOT NULL, total_minor int NOT NULL, status text NOT NULL) ON COMMIT DROP`);

    const seenNumbers = new Map<string, number>();
    const customerEmail = new Map<string, { email: string; line: number }>();
    const emailOwner = new Map<string, { customerId: string; line: number }>();
    let batch: Row[] = [];
    const flush = async () => {
      if (batch.length === 0 || report.errorCount > 0) {
        batch = [];
        return;
      }
      const cols: unknown[][] = [[], [], [], [], [], [], [], [], []];
      for (const r of batch) {
        cols[0]!.push(r.line);
        cols[1]!.push(r.customerId || null);
        cols[2]!.push(r.email || null);
        cols[3]!.push(r.name || null);
        cols[4]!.push(r.number);
        cols[5]!.push(r.placedAt.toISOString());
        cols[6]!.push(r.currency);
        cols[7]!.push(r.totalMinor);
        cols[8]!.push(r.status);
      }
      await client.query(
        `INSERT INTO import_rows (${COLUMNS})
         SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::int[], $9::text[])`,
        cols,
      );
      batch = [];
    };

    let header = true;
    let lastBytes = 0;
    for await (const rec of csvRecords(chunks)) {
      if (rec.tooLong) {
        fail(rec.line, `the record starting on this line is longer than ${MAX_RECORD_CHARS / 1024} KB: a line without a line break, or a quote (") that is never closed; the import stops here`);
        break;
      }
      if (header) {
        header = false;
        const got = rec.fields.map((f) => f.trim()).join(",");
        if (got !== CSV_HEADER.join(",")) {
          fail(rec.line, `header must be exactly "${CSV_HEADER.join(",")}" (found "${got.slice(0, 200)}")`);
          break;
        }
        continue;
      }
      if (rec.fields.length === 1 && rec.fields[0]!.trim() === "") continue; // blank line
      report.rows++;
      const v = validateRecord(rec.line, rec.fields, now);
      if ("errors" in v) {
        for (const m of v.errors) fail(rec.line, m);
      } else {
        const r = v.row;
        const dup = seenNumbers.get(r.number);
        if (dup !== undefined) fail(r.line, `order_number: ${r.number} already appears on line ${dup}`);
        else seenNumbers.set(r.number, r.line);
        if (r.customerId && r.email) {
          const known = customerEmail.get(r.customerId);
          if (!known) customerEmail.set(r.customerId, { email: r.email, line: r.line });
          else if (known.email !== r.email) fail(r.line, `email: customer_id ${r.customerId} has email ${known.email} on line ${known.line}, not ${r.email}`);
          const owner = emailOwner.get(r.email);
          if (!owner) emailOwner.set(r.email, { customerId: r.customerId, line: r.line });
          else if (owner.customerId !== r.customerId) fail(r.line, `email: ${r.email} belongs to customer_id ${owner.customerId} on line ${owner.line}, not ${r.customerId}`);
        }
        if (report.errorCount === 0) {
          batch.push(r);
          if (batch.length >= batchSize) await flush();
        }
      }
      if (rec.bytes !== lastBytes) {
        lastBytes = rec.bytes;
        opts.onProgress?.({ bytes: rec.bytes, rows: report.rows, phase: "reading" });
      }
    }
    if (header) fail(1, `the file is empty: the first line must be the header "${CSV_HEADER.join(",")}"`);
    await flush();
    seenNumbers.clear();

    if (report.errorCount === 0) {
      opts.onProgress?.({ bytes: lastBytes, rows: report.rows, phase: "checking" });
      await client.query("CREATE INDEX ON import_rows (customer_id)");
      await client.query("CREATE INDEX ON import_rows (email)");
      await client.query("ANALYZE import_rows");
      await checkCustomers(client, fail);
    }
    if (report.errorCount > 0) {
      await client.query("ROLLBACK");
      return report;
    }

    opts.onProgress?.({ bytes: lastBytes, rows: report.rows, phase: "writing" });
    const written = await writeAll(timed(client, opts.log));
    Object.assign(report, written);
    if (opts.dryRun) {
      report.imported = 0;
      await client.query("ROLLBACK");
    } else {
      await client.query("COMMIT");
    }
    opts.onProgress?.({ bytes: lastBytes, rows: report.rows, phase: "done" });
    return report;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
}

/** Checks that need the database: unknown customers without email, an email owned by another customer_id. */
async function checkCustomers(client: PoolClient, fail: (line: number, message: string) => void) {
  // A customer_id never seen with an email (in the file or the database) cannot be created.
  const unknown = await client.query<{ line: number; customer_id: string }>(`
    SELECT r.line, r.customer_id FROM import_rows r
    WHERE r.email IS NULL
      AND NOT EXISTS (SELECT 1 FROM import_rows r2 WHERE r2.customer_id = r.customer_id AND r2.email IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM "Customer" c WHERE c."externalId" = r.customer_id)
    ORDER BY r.line LIMIT 1000`);
  for (const r of unknown.rows) fail(r.line, `email: required for customer_id ${r.customer_id}, which is not a known customer yet`);
  // The email already belongs to a customer with another customer_id.
  const taken = await client.query<{ line: number; email: string; external_id: string; customer_id: string }>(`
    SELECT r.line, r.email, c."externalId" AS external_id, r.customer_id FROM import_rows r
    JOIN "Customer" c ON c.email = r.email
    WHERE r.customer_id IS NOT NULL AND c."externalId" IS NOT NULL AND c."externalId" <> r.customer_id
      AND NOT EXISTS (SELECT 1 FROM "Customer" k WHERE k."externalId" = r.customer_id)
    ORDER BY r.line LIMIT 1000`);
  for (const r of taken.rows) fail(r.line, `email: ${r.email} belongs to customer_id ${r.external_id}, not ${r.customer_id}`);
}

/** A client whose queries report their duration to `log` (first line of the SQL). */
function timed(client: PoolClient, log?: (m: string) => void): PoolClient {
  if (!log) return client;
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== "query") return Reflect.get(target, prop, receiver) as unknown;
      return async (sql: string, params?: unknown[]) => {
        const t0 = performance.now();
        const r = await target.query(sql, params);
        log(`${((performance.now() - t0) / 1000).toFixed(2)} s  ${sql.trim().split("\n")[0]!.slice(0, 90)} (${r.rowCount ?? 0} rows)`);
        return r;
      };
    },
  });
}

/** Set-based writes; returns counts. Everything runs inside the caller's transaction. */
async function writeAll(client: PoolClient): Promise<Pick<ImportReport, "imported" | "alreadyPresent" | "customersCreated">> {
  // Ids: "<prefix><stamp><line in hex>" — one stamp per import (time in ms + random, both hex), so the
  // ids of one import are unique, increasing in file order and all past earlier imports' ids. Their
  // primary-key entries are appended at the right edge of each btree instead of landing on random
  // pages (random uuids made the 3M-row OrderEvent insert write a full page image per row: 111 s).
  const stamp = Date.now().toString(16).padStart(12, "0") + randomBytes(2).toString("hex");
  // 1. Customers. Link an existing customer found by email (no customer_id yet) to its customer_id.
  await client.query(`
    UPDATE "Customer" c SET "externalId" = x.customer_id, "updatedAt" = now()
    FROM (SELECT DISTINCT ON (customer_id) customer_id, email FROM import_rows WHERE customer_id IS NOT NULL AND email IS NOT NULL ORDER BY customer_id, line) x
    WHERE c.email = x.email AND c."externalId" IS NULL
      AND NOT EXISTS (SELECT 1 FROM "Customer" k WHERE k."externalId" = x.customer_id)`);
  // New customers: by customer_id (first email and name seen), then email-only rows.
  const byId = await client.query(`
    INSERT INTO "Customer" ("id", "email", "externalId", "name", "createdAt", "updatedAt")
    SELECT 'ci' || $1::text || 'a' || lpad(to_hex(x.first_line), 8, '0'), x.email, x.customer_id, x.name, LEAST(x.first_at, now()), now()
    FROM (
      SELECT customer_id, min(line) AS first_line,
        (array_agg(email ORDER BY line) FILTER (WHERE email IS NOT NULL))[1] AS email,
        (array_agg(name ORDER BY line) FILTER (WHERE name IS NOT NULL))[1] AS name,
        min(placed_at) AS first_at
      FROM import_rows WHERE customer_id IS NOT NULL GROUP BY customer_id) x
    WHERE x.email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Customer" k WHERE k."externalId" = x.customer_id)
    ORDER BY x.first_line
    ON CONFLICT DO NOTHING`, [stamp]);
  const byEmail = await client.query(`
    INSERT INTO "Customer" ("id", "email", "name", "createdAt", "updatedAt")
    SELECT 'ci' || $1::text || 'b' || lpad(to_hex(x.first_line), 8, '0'), x.email, x.name, LEAST(x.first_at, now()), now()
    FROM (
      SELECT email, min(line) AS first_line, (array_agg(name ORDER BY line) FILTER (WHERE name IS NOT NULL))[1] AS name, min(placed_at) AS first_at
      FROM import_rows WHERE customer_id IS NULL GROUP BY email) x
    ORDER BY x.first_line
    ON CONFLICT DO NOTHING`, [stamp]);

  // 2. Orders, with timestamps implied by the status (the file only knows when it was ordered).
  await client.query(`
    CREATE TEMP TABLE import_orders ON COMMIT DROP AS
    SELECT 'oi' || $1::text || lpad(to_hex(r.line), 8, '0') AS id, r.*, COALESCE(k.id, e.id) AS cust
    FROM import_rows r
    LEFT JOIN "Customer" k ON r.customer_id IS NOT NULL AND k."externalId" = r.customer_id
    LEFT JOIN "Customer" e ON r.customer_id IS NULL AND e.email = r.email
    WHERE NOT EXISTS (SELECT 1 FROM "Order" o WHERE o.number = r.order_number)
    ORDER BY r.line`, [stamp]);
  const orphans = await client.query<{ line: number }>(`SELECT line FROM import_orders WHERE cust IS NULL ORDER BY line LIMIT 10`);
  if (orphans.rowCount) {
    // Only a concurrent change of the same customers can get here (the checks above cover the file).
    throw new Error(`No customer could be found or created for lines ${orphans.rows.map((r) => r.line).join(", ")}; run the import again`);
  }
  const present = await client.query<{ n: string }>(`SELECT (SELECT count(*) FROM import_rows) - (SELECT count(*) FROM import_orders) AS n`);
  const inserted = await client.query(`
    INSERT INTO "Order" ("id", "number", "customerId", "status", "currency", "subtotalMinor", "totalMinor", "refundedMinor",
      "placedAt", "paidAt", "shippedAt", "deliveredAt", "cancelledAt", "source", "createdAt", "updatedAt")
    SELECT id, order_number, cust, upper(status)::"OrderStatus", currency, total_minor, total_minor,
      CASE WHEN status = 'refunded' THEN total_minor ELSE 0 END,
      placed_at,
      CASE WHEN status IN ('paid', 'shipped', 'delivered', 'refunded') THEN placed_at END,
      CASE WHEN status IN ('shipped', 'delivered') THEN placed_at END,
      CASE WHEN status = 'delivered' THEN placed_at END,
      CASE WHEN status = 'cancelled' THEN placed_at END,
      'csv', placed_at, now()
    FROM import_orders
    ORDER BY id
    ON CONFLICT ("number") DO NOTHING`);
  // Rows lost to a concurrent writer of the same number would have no order: drop them.
  await client.query(`DELETE FROM import_orders i WHERE NOT EXISTS (SELECT 1 FROM "Order" o WHERE o.id = i.id)`);

  // 3. The timeline (one event per step the status implies) and a touchpoint per event.
  await client.query(`
    CREATE TEMP TABLE import_events ON COMMIT DROP AS
    SELECT i.id AS order_id, s.step, i.cust, i.order_number, s.type, i.placed_at AS at, i.total_minor, i.currency
    FROM import_orders i
    CROSS JOIN LATERAL unnest(CASE i.status
      WHEN 'placed' THEN ARRAY['placed']
      WHEN 'paid' THEN ARRAY['placed', 'paid']
      WHEN 'shipped' THEN ARRAY['placed', 'paid', 'shipped']
      WHEN 'delivered' THEN ARRAY['placed', 'paid', 'shipped', 'delivered']
      WHEN 'cancelled' THEN ARRAY['placed', 'cancelled']
      WHEN 'refunded' THEN ARRAY['placed', 'paid', 'refunded'] END) WITH ORDINALITY AS s(type, step)`);
  await client.query(`
    INSERT INTO "OrderEvent" ("id", "orderId", "type", "occurredAt", "data")
    SELECT 'e' || substr(order_id, 2) || step, order_id, type, at,
      jsonb_build_object('actor', 'import', 'source', 'csv') ||
      CASE WHEN type IN ('placed', 'paid', 'refunded') THEN jsonb_build_object(CASE type WHEN 'placed' THEN 'totalMinor' ELSE 'amountMinor' END, total_minor, 'currency', currency) ELSE '{}'::jsonb END
    FROM import_events
    ORDER BY order_id, step`);
  await client.query(`
    INSERT INTO "Touchpoint" ("customerId", "type", "channel", "occurredAt", "subjectType", "subjectId", "metadata")
    SELECT cust, 'order.' || type, 'system', at, 'order', order_id, jsonb_build_object('number', order_number, 'source', 'csv')
    FROM import_events
    ORDER BY cust, at, order_id, step`);
  await client.query(`
    INSERT INTO "Refund" ("id", "orderId", "amountMinor", "currency", "reason", "source", "refundedAt")
    SELECT 'r' || substr(id, 2), id, total_minor, currency, NULL, 'csv', placed_at
    FROM import_orders WHERE status = 'refunded'
    ORDER BY id`);
  return { imported: inserted.rowCount ?? 0, alreadyPresent: Number(present.rows[0]!.n), customersCreated: (byId.rowCount ?? 0) + (byEmail.rowCount ?? 0) };
}
