// Load for the fault tests: signed-in customer page GETs, signed Stripe webhooks (the real SDK's
// signature), ticket replies and staff points adjustments over HTTP, each remembered with what it
// should have written, so a test can check that every acknowledged (2xx) request's write is in
// the database and that every refusal was a clear 503 (not a 500, a stack, a hang or a crash).
import { randomUUID } from "node:crypto";
import { createSession } from "../../server/domain/auth/sessions.ts";
import { createCustomer, createStaff, createTicket, type DbClient } from "../factories/index.ts";
import { checkoutSession, newPayment, signed, stripeEvent } from "../integration/orders-backend-fixtures.ts";

export { WEBHOOK_SECRET } from "../integration/orders-backend-fixtures.ts";

export type OpKind = "page" | "webhook" | "reply" | "adjust";

export interface Outcome {
  kind: OpKind;
  /** HTTP status, or 0 when no answer came (connection refused/reset, timeout). */
  status: number;
  /** What was written: order number, reply body, ledger idempotency key ("" for pages). */
  key: string;
  /** Epoch ms when the request was sent and when it ended. */
  sentAt: number;
  doneAt: number;
  body: string;
  retryAfter: string | null;
  error?: string;
}

export interface LoadFixture {
  customers: { id: string; token: string; ticketNumber: string }[];
  agent: { id: string; token: string };
}

/** Customers with a login, a session and an open ticket each; an agent with a session. */
export async function seedLoadFixture(db: DbClient, customers = 6): Promise<LoadFixture> {
  const out: LoadFixture["customers"] = [];
  for (let i = 0; i < customers; i++) {
    const c = await createCustomer(db, { login: true });
    const t = await createTicket(db, { customerId: c.id, status: "OPEN" });
    const { token } = await createSession(db as never, c.user!.id, { ip: "127.0.0.1" });
    out.push({ id: c.id, token, ticketNumber: String(t.number) });
  }
  const agent = await createStaff(db, { role: "AGENT" } as never);
  const { token } = await createSession(db as never, agent.id, { ip: "127.0.0.1" });
  return { customers: out, agent: { id: agent.id, token } };
}

const REQUEST_TIMEOUT_MS = 30_000;
let seq = 0;

async function send(kind: OpKind, key: string, url: string, init: RequestInit): Promise<Outcome> {
  const sentAt = Date.now();
  try {
    const res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    return { kind, status: res.status, key, sentAt, doneAt: Date.now(), body: res.status >= 300 ? text.slice(0, 600) : "", retryAfter: res.headers.get("retry-after") };
  } catch (e) {
    return { kind, status: 0, key, sentAt, doneAt: Date.now(), body: "", retryAfter: null, error: String((e as Error)?.cause ?? e) };
  }
}

/** One request of the given kind against `baseUrl`. */
export function operation(fx: LoadFixture, baseUrl: string, kind: OpKind): Promise<Outcome> {
  const n = seq++;
  const c = fx.customers[n % fx.customers.length]!;
  const cookie = `rapport_session=${c.token}`;
  switch (kind) {
    case "page":
      return send("page", "", `${baseUrl}/orders`, { headers: { cookie, accept: "text/html" } });
    case "webhook": {
      const p = newPayment();
      const { payload, header } = signed(stripeEvent("checkout.session.completed", checkoutSession(p)));
      return send("webhook", p.orderNumber, `${baseUrl}/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": header }, body: payload });
    }
    case "reply": {
      const body = `fault reply ${randomUUID()}`;
      return send("reply", body, `${baseUrl}/api/trpc/support.reply`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", "x-rapport-client": "hardening" },
        body: JSON.stringify({ number: c.ticketNumber, body }),
      });
    }
    case "adjust": {
      const requestId = randomUUID();
      return send("adjust", `adjust:${c.id}:${requestId}`, `${baseUrl}/api/trpc/loyalty.adjust`, {
        method: "POST",
        headers: { cookie: `rapport_session=${fx.agent.token}`, "content-type": "application/json", "x-rapport-client": "hardening" },
        body: JSON.stringify({ customerId: c.id, points: 5, reason: "fault test credit", requestId }),
      });
    }
  }
}

export const MIX: OpKind[] = ["page", "page", "webhook", "reply", "adjust"];

/**
 * `lanes` concurrent clients, each sending the next request of `mix` as soon as its previous one is
 * answered, until `stop()` returns true. `target()` picks the base URL per request; `out` (optional)
 * is filled as the answers come in.
 */
export async function runLoad(fx: LoadFixture, target: () => string, opts: { lanes: number; stop: () => boolean; mix?: OpKind[]; pauseMs?: number; out?: Outcome[] }): Promise<Outcome[]> {
  const mix = opts.mix ?? MIX;
  /** Filled as answers come in (pass one to watch the load live). */
  const out: Outcome[] = opts.out ?? [];
  let i = 0;
  await Promise.all(
    Array.from({ length: opts.lanes }, async () => {
      while (!opts.stop()) {
        out.push(await operation(fx, target(), mix[i++ % mix.length]!));
        // A refused request (nothing listening) comes back at once: don't spin.
        if (opts.pauseMs || out[out.length - 1]!.status === 0) await new Promise((r) => setTimeout(r, opts.pauseMs ?? 50));
      }
    }),
  );
  return out;
}

export const ok = (o: Outcome) => o.status >= 200 && o.status < 300;

/** A clear refusal: 503 with Retry-After and a short message, no Prisma text or stack trace. */
export function clearUnavailable(o: Outcome): boolean {
  return o.status === 503 && o.retryAfter !== null && o.body.length > 0 && o.body.length < 2000 && !/prisma|invocation|\bat \S+ \(|node_modules|stack/i.test(o.body);
}

/** Acknowledged writes that are not in the database. */
export async function missingWrites(db: DbClient, outcomes: Outcome[]): Promise<Outcome[]> {
  const acked = outcomes.filter((o) => ok(o) && o.kind !== "page");
  const numbers = acked.filter((o) => o.kind === "webhook").map((o) => o.key);
  const bodies = acked.filter((o) => o.kind === "reply").map((o) => o.key);
  const keys = acked.filter((o) => o.kind === "adjust").map((o) => o.key);
  const found = new Set<string>();
  for (const o of await db.order.findMany({ where: { number: { in: numbers } }, select: { number: true } })) found.add(o.number);
  for (const m of await db.ticketMessage.findMany({ where: { body: { in: bodies } }, select: { body: true } })) found.add(m.body);
  for (const e of await db.loyaltyLedgerEntry.findMany({ where: { idempotencyKey: { in: keys } }, select: { idempotencyKey: true } })) found.add(e.idempotencyKey);
  return acked.filter((o) => !found.has(o.key));
}

export function summarise(outcomes: Outcome[]): string {
  const by = new Map<string, number>();
  for (const o of outcomes) by.set(`${o.kind} ${o.status}`, (by.get(`${o.kind} ${o.status}`) ?? 0) + 1);
  return [...by.entries()]
    .sort()
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
}

/** Queues a pg-boss job the way the app's own code would (the app's workers must pick it up). */
export async function sendJob(databaseUrl: string, name: string, opts: { startAfterSeconds?: number } = {}): Promise<string> {
  const { default: PgBoss } = await import("pg-boss");
  const boss = new PgBoss({ connectionString: databaseUrl, max: 1, supervise: false, schedule: false, migrate: false });
  boss.on("error", () => {});
  await boss.start();
  try {
    const id = await boss.send(name, {}, opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {});
    if (!id) throw new Error(`pg-boss refused to queue ${name}`);
    return id;
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/** The state of a pg-boss job ("created", "active", "completed", …). */
export async function jobState(db: DbClient, id: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ state: string }[]>`SELECT state::text AS state FROM pgboss.job WHERE id = ${id}::uuid`;
  return rows[0]?.state ?? null;
}
