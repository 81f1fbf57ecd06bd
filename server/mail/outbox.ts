// The durable mail outbox. enqueueMail() writes a row in the caller's transaction, so a mail is
// never lost when the change commits and never sent when it rolls back; the dispatcher delivers
// rows with retries and exponential backoff, surviving restarts (state lives in MailOutbox).
//
// Delivery is batched: one UPDATE … RETURNING claims a batch (SKIP LOCKED, so several processes
// share the work), messages go out concurrently over a pooled SMTP transport (campaign mail composed
// directly, see transport.ts composeBulk), and delivered rows are marked SENT in chunks while the
// rest of the batch is still being sent. Every message carries a Message-ID derived from its
// row (its dedupe key when it has one), so a message whose send outcome was lost in a crash is
// recognisable: rows left in SENDING past their lease are checked against the mail the loopback
// capture server stored (CapturedMail.messageId) and marked SENT instead of being sent again;
// elsewhere they are retried with the same Message-ID, which receiving systems deduplicate.
// Campaign mail (template "campaign") is rendered from its campaign once per language and
// personalised per recipient (server/domain/campaigns/render.ts).
import type { Db, Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { fromDbLocale, toDbLocale, type Locale } from "../domain/locale.ts";
import { isTemplateName, renderEmail, type TemplateName, type TemplateProps } from "../../emails/index.ts";
import { renderCampaignRow, afterCampaignBatch, checkCampaignRows } from "../domain/campaigns/delivery.ts";
import { env } from "../env.ts";
import { composeBulk, SMTP_MAX_CONNECTIONS, transport } from "./transport.ts";

export const MAX_ATTEMPTS = 8;
/** Rows claimed per pass, and messages in flight at once (one per pooled SMTP connection). */
export const OUTBOX_BATCH = 250;
export const OUTBOX_CONCURRENCY = SMTP_MAX_CONNECTIONS;
/** Delivered rows are marked SENT this many at a time, during the batch. */
const MARK_CHUNK = 64;

export async function enqueueMail<K extends TemplateName>(
  tx: Tx,
  m: { to: string; template: K; locale: Locale; props: TemplateProps[K]; customerId?: string | null; headers?: Record<string, string> },
) {
  return tx.mailOutbox.create({
    data: {
      to: m.to,
      template: m.template,
      locale: toDbLocale(m.locale),
      props: m.props as unknown as Prisma.InputJsonValue,
      headers: m.headers,
      customerId: m.customerId ?? null,
    },
  });
}

/**
 * enqueueMail on a raw pg connection inside the caller's transaction (the Stripe event applier,
 * server/domain/orders/stripe-apply.ts): the same row, one plain INSERT instead of a Prisma create.
 */
export async function enqueueMailRaw<K extends TemplateName>(
  client: { query: (q: { name: string; text: string; values: unknown[] }) => Promise<unknown> },
  m: { to: string; template: K; locale: "en" | "zh_CN"; props: TemplateProps[K]; customerId?: string | null },
) {
  await client.query({
    name: "outbox_enqueue_raw",
    text: `INSERT INTO "MailOutbox" ("id", "to", "template", "locale", "props", "customerId") VALUES ('m' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3::"Locale", $4::jsonb, $5)`,
    values: [m.to, m.template, m.locale, JSON.stringify(m.props), m.customerId ?? null],
  });
}

/** Backoff after the n-th failed attempt: 30 s, 1 min, 2 min, … capped at 1 h. */
export function backoffMs(attempts: number) {
  return Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/** Seconds a claimed row stays SENDING before another pass may take it over (crash recovery). */
export function leaseSeconds() {
  return env().OUTBOX_LEASE_SECONDS;
}

export interface OutboxRow {
  id: string;
  to: string;
  template: string;
  locale: "en" | "zh_CN";
  props: Record<string, unknown>;
  headers: Record<string, string> | null;
  customerId: string | null;
  campaignId: string | null;
  dedupeKey: string | null;
  attempts: number;
}

export function messageIdFor(row: Pick<OutboxRow, "id" | "dedupeKey">, from: string) {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "rapport.localhost";
  const local = (row.dedupeKey ?? `outbox:${row.id}`).replace(/[^A-Za-z0-9._-]/g, ".");
  return `<${local}@${domain}>`;
}

/** A failure of the connection (nothing listening, TLS, timeout), not a reply from the server. */
function isConnectionError(e: unknown) {
  const err = e as { responseCode?: number; code?: string };
  return !err?.responseCode && ["ECONNECTION", "ESOCKET", "ETIMEDOUT", "EDNS", "ECONNREFUSED", "ECONNRESET", "EPROTOCOL"].includes(String(err?.code ?? "ECONNECTION"));
}

async function render(row: OutboxRow) {
  if (row.template === "campaign") return renderCampaignRow(row);
  if (!isTemplateName(row.template)) throw Object.assign(new Error(`unknown template ${row.template}`), { responseCode: 550 });
  const r = await renderEmail(row.template, fromDbLocale(row.locale), row.props as never);
  return { ...r, headers: row.headers ?? undefined };
}

/** Rows whose lease ran out: SENT if the capture server has their Message-ID, else due again. */
async function recoverStale(db: Db, from: string) {
  const stale = await db.$queryRaw<{ id: string; dedupeKey: string | null }[]>`
    SELECT "id", "dedupeKey" FROM "MailOutbox"
    WHERE "status" = 'SENDING' AND "nextAttemptAt" < now() - make_interval(secs => ${leaseSeconds()})
    LIMIT 1000`;
  if (!stale.length) return;
  const ids = stale.map((r) => messageIdFor(r, from));
  const delivered = new Set((await db.$queryRaw<{ messageId: string }[]>`SELECT "messageId" FROM "CapturedMail" WHERE "messageId" = ANY(${ids})`).map((r) => r.messageId));
  const sent = stale.filter((r) => delivered.has(messageIdFor(r, from)));
  if (sent.length) await markSent(db, sent.map((r) => ({ id: r.id, messageId: messageIdFor(r, from) })));
  const again = stale.filter((r) => !delivered.has(messageIdFor(r, from))).map((r) => r.id);
  if (again.length) await db.$executeRaw`UPDATE "MailOutbox" SET "status" = 'PENDING' WHERE "id" = ANY(${again}) AND "status" = 'SENDING'`;
}

async function markSent(db: Db, done: { id: string; messageId: string }[]) {
  await db.$transaction(async (tx) => {
    const ids = done.map((d) => d.id);
    const rows = await tx.$queryRaw<{ id: string; campaignId: string | null; dedupeKey: string | null; customerId: string | null }[]>`
      UPDATE "MailOutbox" m SET "status" = 'SENT', "sentAt" = now(), "lastError" = NULL, "messageId" = d."messageId"
      FROM unnest(${ids}::text[], ${done.map((d) => d.messageId)}::text[]) AS d("id", "messageId")
      WHERE m."id" = d."id" AND m."status" = 'SENDING'
      RETURNING m."id", m."campaignId", m."dedupeKey", m."customerId"`;
    await afterCampaignBatch(tx, rows);
  });
}

/** Delivers due mail; returns how many were sent. Safe to run in several processes at once. */
export async function processOutbox(db: Db, opts: { from: string; limit?: number; concurrency?: number }): Promise<number> {
  await recoverStale(db, opts.from);
  const claimed = await db.$queryRaw<OutboxRow[]>`
    UPDATE "MailOutbox" SET "status" = 'SENDING', "attempts" = "attempts" + 1, "nextAttemptAt" = now()
    WHERE "id" IN (
      SELECT "id" FROM "MailOutbox" WHERE "status" = 'PENDING' AND NOT "held" AND "nextAttemptAt" <= now()
      ORDER BY "nextAttemptAt" LIMIT ${opts.limit ?? OUTBOX_BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING "id", "to", "template", "locale"::text AS "locale", "props", "headers", "customerId", "campaignId", "dedupeKey", "attempts"`;
  if (!claimed.length) return 0;
  // Campaign mail to someone who withdrew consent (or was erased) since it was queued is dropped.
  const rows = await checkCampaignRows(db, claimed);
  // Delivered messages are marked SENT in chunks while the rest of the batch is still going out,
  // so the database work overlaps the SMTP work (and fewer rows are left SENDING by a crash).
  let sent: { id: string; messageId: string }[] = [];
  let sentCount = 0;
  const marking: Promise<void>[] = [];
  let markError: unknown;
  const flush = () => {
    if (!sent.length) return;
    sentCount += sent.length;
    marking.push(markSent(db, sent).catch((e: unknown) => void (markError ??= e)));
    sent = [];
  };
  let connectionDown = false;
  const queue = [...rows];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      if (connectionDown) {
        await db.$executeRaw`UPDATE "MailOutbox" SET "status" = 'PENDING', "attempts" = "attempts" - 1, "nextAttemptAt" = now() + interval '15 seconds' WHERE "id" = ${row.id}`;
        continue;
      }
      const messageId = messageIdFor(row, opts.from);
      try {
        const m = await render(row);
        const mail = { from: opts.from, to: row.to, subject: m.subject, html: m.html, text: m.text, headers: m.headers, messageId };
        // Campaign mail (bulk, no attachments) is composed directly: several times cheaper per message.
        await transport().sendMail(row.template === "campaign" ? composeBulk(mail) : mail);
        sent.push({ id: row.id, messageId });
        if (sent.length >= MARK_CHUNK) flush();
      } catch (e) {
        const conn = isConnectionError(e);
        if (conn) connectionDown = true;
        // SMTP down: retried at least every minute, for as long as it takes (never FAILED);
        // a rejection by the server counts towards MAX_ATTEMPTS.
        const failed = !conn && row.attempts >= MAX_ATTEMPTS;
        const next = new Date(Date.now() + (conn ? Math.min(60_000, backoffMs(row.attempts)) : backoffMs(row.attempts)));
        const error = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
        await db.$executeRaw`UPDATE "MailOutbox" SET "status" = ${failed ? "FAILED" : "PENDING"}::"MailStatus", "lastError" = ${error}, "nextAttemptAt" = ${next} WHERE "id" = ${row.id}`;
        if (failed && row.campaignId && row.dedupeKey) {
          await db.$executeRaw`UPDATE "CampaignRecipient" SET "status" = 'FAILED', "skipReason" = 'smtp' WHERE "id" = ${row.dedupeKey.slice("campaign:".length)}`;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? OUTBOX_CONCURRENCY, rows.length) }, worker));
  flush();
  await Promise.all(marking);
  if (markError) throw markError;
  return sentCount;
}

/** Polls the outbox every `intervalMs`; kick() runs a pass at once (after a commit that enqueued mail). */
export function startOutboxDispatcher(db: Db, opts: { from: string; intervalMs?: number; onError?: (e: unknown) => void }) {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const pass = () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        // A full batch means more is waiting: keep going without waiting for the timer.
        const n = await processOutbox(db, { from: opts.from }).catch((e: unknown) => {
          opts.onError?.(e);
          return 0;
        });
        if (n >= OUTBOX_BATCH / 2 && !stopped) again = true;
      } while (again && !stopped);
    })().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void pass(), opts.intervalMs ?? 1000);
  timer.unref();
  return {
    kick: () => void pass(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
