// Support housekeeping every 5 minutes: flag SLA breaches (first time a NEW/OPEN ticket passes its
// next due time; one "ticket.sla_breached" touchpoint each) and close tickets solved more than
// N days ago (Setting "support.autoCloseDays", default 4, set on /admin/settings/sla).
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { loadAutoCloseDays } from "../domain/support/sla.ts";

export const name = "support";
export const cron = "*/5 * * * *";
export const payload = z.object({}).passthrough();

export async function run(db: Db, _data?: unknown, now = new Date()) {
  const days = await loadAutoCloseDays(db);
  const cutoff = new Date(now.getTime() - days * 86400_000);
  return db.$transaction(async (tx) => {
    const breached = await tx.$queryRaw<{ id: string }[]>`
      WITH b AS (
        UPDATE "Ticket" SET "slaBreachedAt" = ${now}
        WHERE "slaBreachedAt" IS NULL AND "status" IN ('NEW', 'OPEN') AND "slaDueAt" < ${now}
        RETURNING "id", "customerId", "number", "slaDueAt", "firstRespondedAt"
      ), tp AS (
        INSERT INTO "Touchpoint" ("customerId", "type", "channel", "occurredAt", "subjectType", "subjectId", "metadata")
        SELECT "customerId", 'ticket.sla_breached', 'system', ${now}, 'ticket', "id",
               jsonb_build_object('number', "number", 'target', CASE WHEN "firstRespondedAt" IS NULL THEN 'first_response' ELSE 'resolution' END, 'dueAt', "slaDueAt")
        FROM b
      )
      SELECT "id" FROM b`;
    const closed = await tx.$queryRaw<{ id: string }[]>`
      WITH c AS (
        UPDATE "Ticket" SET "status" = 'CLOSED', "closedAt" = ${now}, "slaDueAt" = NULL, "updatedAt" = ${now}
        WHERE "status" = 'SOLVED' AND "solvedAt" < ${cutoff}
        RETURNING "id", "customerId", "number"
      ), tp AS (
        INSERT INTO "Touchpoint" ("customerId", "type", "channel", "occurredAt", "subjectType", "subjectId", "metadata")
        SELECT "customerId", 'ticket.closed', 'system', ${now}, 'ticket', "id", jsonb_build_object('number', "number", 'by', 'auto', 'afterDays', ${days}::int)
        FROM c
      )
      SELECT "id" FROM c`;
    return { breached: breached.length, closed: closed.length };
  });
}
