// The durable mail outbox. enqueueMail() writes a row in the caller's transaction, so a mail is
// never lost when the change commits and never sent when it rolls back; the dispatcher delivers
// rows with retries and exponential backoff, surviving restarts (state lives in MailOutbox).
import type { Db, Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { fromDbLocale, toDbLocale, type Locale } from "../domain/locale.ts";
import { isTemplateName, renderEmail, type TemplateName, type TemplateProps } from "../../emails/index.ts";
import { transport } from "./transport.ts";

export const MAX_ATTEMPTS = 8;

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

/** Backoff after the n-th failed attempt: 30 s, 1 min, 2 min, … capped at 1 h. */
export function backoffMs(attempts: number) {
  return Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/** Delivers due mail; returns how many were sent. Safe to run in several processes at once. */
export async function processOutbox(db: Db, opts: { from: string; limit?: number }): Promise<number> {
  // Rows stuck in SENDING (a crash mid-send) become due again after 5 minutes.
  await db.$executeRaw`UPDATE "MailOutbox" SET "status" = 'PENDING' WHERE "status" = 'SENDING' AND "nextAttemptAt" < now() - interval '5 minutes'`;
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE "MailOutbox" SET "status" = 'SENDING', "attempts" = "attempts" + 1, "nextAttemptAt" = now()
    WHERE "id" IN (
      SELECT "id" FROM "MailOutbox" WHERE "status" = 'PENDING' AND "nextAttemptAt" <= now()
      ORDER BY "nextAttemptAt" LIMIT ${opts.limit ?? 20} FOR UPDATE SKIP LOCKED)
    RETURNING "id"`;
  let sent = 0;
  for (const { id } of claimed) {
    const row = await db.mailOutbox.findUniqueOrThrow({ where: { id } });
    try {
      if (!isTemplateName(row.template)) throw new Error(`unknown template ${row.template}`);
      const rendered = await renderEmail(row.template, fromDbLocale(row.locale), row.props as never);
      const info = await transport().sendMail({
        from: opts.from,
        to: row.to,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        headers: (row.headers as Record<string, string> | null) ?? undefined,
      });
      await db.mailOutbox.update({ where: { id }, data: { status: "SENT", sentAt: new Date(), messageId: String(info.messageId ?? ""), lastError: null } });
      sent++;
    } catch (e) {
      const failed = row.attempts >= MAX_ATTEMPTS;
      await db.mailOutbox.update({
        where: { id },
        data: {
          status: failed ? "FAILED" : "PENDING",
          lastError: (e instanceof Error ? e.message : String(e)).slice(0, 1000),
          nextAttemptAt: new Date(Date.now() + backoffMs(row.attempts)),
        },
      });
    }
  }
  return sent;
}

/** Polls the outbox every `intervalMs`; kick() runs a pass at once (after a commit that enqueued mail). */
export function startOutboxDispatcher(db: Db, opts: { from: string; intervalMs?: number; onError?: (e: unknown) => void }) {
  let running: Promise<void> | undefined;
  let again = false;
  const pass = () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await processOutbox(db, { from: opts.from }).catch(opts.onError);
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void pass(), opts.intervalMs ?? 1000);
  timer.unref();
  return {
    kick: () => void pass(),
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
