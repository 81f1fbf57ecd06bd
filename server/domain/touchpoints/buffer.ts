// Buffered writer for high-volume view touchpoints: collects rows in memory and inserts them in
// one multi-row INSERT at least every `intervalMs` (default 1 s), when the buffer is full, and on
// shutdown (flush()). A failed flush keeps the rows and retries on the next tick.
import type pg from "pg";
import type { TouchpointInput } from "./record.ts";

export class TouchpointBuffer {
  private rows: TouchpointInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  constructor(
    private readonly pool: Pick<pg.Pool, "query">,
    private readonly opts: { intervalMs?: number; maxRows?: number; onError?: (e: unknown) => void } = {},
  ) {}

  start() {
    this.timer ??= setInterval(() => void this.flush(), this.opts.intervalMs ?? 1000);
    this.timer.unref();
    return this;
  }

  push(t: TouchpointInput) {
    this.rows.push({ ...t, occurredAt: t.occurredAt ?? new Date() });
    if (this.rows.length >= (this.opts.maxRows ?? 500)) void this.flush();
  }

  get pending() {
    return this.rows.length;
  }

  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.rows.length === 0) return;
    const batch = this.rows;
    this.rows = [];
    this.flushing = this.insert(batch)
      .catch((e) => {
        this.rows = batch.concat(this.rows);
        this.opts.onError?.(e);
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async insert(batch: TouchpointInput[]) {
    const values: unknown[] = [];
    const tuples = batch.map((t, i) => {
      values.push(t.customerId, t.type, t.channel, t.actorUserId ?? null, t.subjectType ?? null, t.subjectId ?? null, t.metadata === undefined ? null : JSON.stringify(t.metadata), t.occurredAt);
      const b = i * 8;
      return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7}::jsonb,$${b + 8})`;
    });
    await this.pool.query(
      `INSERT INTO "Touchpoint" ("customerId","type","channel","actorUserId","subjectType","subjectId","metadata","occurredAt") VALUES ${tuples.join(",")}`,
      values,
    );
  }
}
