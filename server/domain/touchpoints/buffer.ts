// Buffered writer for high-volume view touchpoints: collects rows in memory and inserts them at
// least every `intervalMs` (default 1 s), when `maxRows` (500) are pending, and on shutdown
// (flush()/stop()). A failed flush keeps the rows and retries on the next tick.
//
// Rows are kept column by column (one array per column, values already in the text form PostgreSQL
// reads), and each INSERT sends eight array parameters — `INSERT … SELECT FROM unnest($1::text[], …)`
// — for up to `batchRows` (5,000) rows. The earlier multi-row `VALUES ($1,…,$8),(…)` form sent eight
// parameters per row, so a backlog above 8,191 rows (a slow or briefly unavailable database) hit the
// protocol's 65,535-parameter limit: that batch failed on every retry, forever, while the backlog grew.
// One drain loop writes at a time; flush() resolves only once every row pushed before the call is
// written (or the write failed), which a second caller's flush could not rely on before.
import type pg from "pg";
import type { TouchpointInput } from "./record.ts";

const INSERT = `INSERT INTO "Touchpoint" ("customerId","type","channel","actorUserId","subjectType","subjectId","metadata","occurredAt")
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[])`;

type Columns = [(string | null)[], string[], string[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], string[]];
const emptyColumns = (): Columns => [[], [], [], [], [], [], [], []];

export class TouchpointBuffer {
  private cols: Columns = emptyColumns();
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  constructor(
    private readonly pool: Pick<pg.Pool, "query">,
    private readonly opts: {
      intervalMs?: number;
      /** Pending rows that start a flush (default 500). */
      maxRows?: number;
      /** Rows per INSERT statement (default 5,000). */
      batchRows?: number;
      /** Pending rows kept while the database refuses writes (default 200,000); beyond, the oldest are dropped and reported to onError. */
      maxPending?: number;
      onError?: (e: unknown) => void;
    } = {},
  ) {}

  start() {
    this.timer ??= setInterval(() => void this.flush(), this.opts.intervalMs ?? 1000);
    this.timer.unref();
    return this;
  }

  push(t: TouchpointInput) {
    const c = this.cols;
    c[0].push(t.customerId);
    c[1].push(t.type);
    c[2].push(t.channel);
    c[3].push(t.actorUserId ?? null);
    c[4].push(t.subjectType ?? null);
    c[5].push(t.subjectId ?? null);
    c[6].push(t.metadata === undefined ? null : JSON.stringify(t.metadata));
    c[7].push((t.occurredAt ?? new Date()).toISOString());
    const n = c[1].length;
    const cap = this.opts.maxPending ?? 200_000;
    if (n > cap) {
      const drop = n - cap;
      for (const col of c) col.splice(0, drop);
      this.opts.onError?.(new Error(`touchpoint buffer full (${cap} rows pending): dropped the ${drop} oldest`));
    }
    if (n >= (this.opts.maxRows ?? 500) && !this.draining) void this.flush();
  }

  get pending() {
    return this.cols[1].length;
  }

  /** Writes every pending row (in batches of `batchRows`); resolves when they are written or a write failed (onError; rows kept). */
  async flush(): Promise<void> {
    // A drain in progress writes rows pushed while it runs too; wait for it, then drain what is left
    // (rows put back by a failed write are retried here only once, on the next tick otherwise).
    if (this.draining) await this.draining;
    if (this.pending === 0) return;
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    await this.draining;
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async drain() {
    const size = this.opts.batchRows ?? 5000;
    while (this.pending > 0) {
      const batch = this.cols.map((col) => col.splice(0, size)) as Columns;
      try {
        await this.pool.query(INSERT, batch);
      } catch (e) {
        // Keep the rows (in order, before anything pushed since) for the next flush.
        this.cols.forEach((col, i) => col.unshift(...(batch[i] as never[])));
        this.opts.onError?.(e);
        return;
      }
    }
  }
}
