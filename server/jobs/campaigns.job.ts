// Customer-care automations, every 10 minutes: each enabled automation's trigger is evaluated from
// the database (runAutomations) and the due customers are entered; the outbox dispatcher (which
// polls) sends their mail. Once per UTC day (the first run from 03:50, after the nightly scoring,
// or the first run after that if the server was down), a snapshot of every saved segment's size;
// the day last snapshotted is kept in Setting "campaigns.segmentSnapshotDay", so nothing is lost
// or doubled across restarts and several processes. Reruns are harmless: an entry is unique per
// (automation, customer, occurrence).
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { runAutomations } from "../domain/campaigns/automations.ts";
import { snapshotAllSegments } from "../domain/campaigns/segments.ts";

export const name = "campaigns";
export const cron = "*/10 * * * *";
export const payload = z
  .object({
    /** Take the segment snapshots now, whatever the time. */
    snapshotSegments: z.boolean().optional(),
  })
  .passthrough();

export const SNAPSHOT_DAY_KEY = "campaigns.segmentSnapshotDay";
const SNAPSHOT_FROM_MINUTE = 3 * 60 + 50;

/** Claims today's snapshot (true once per UTC day, from 03:50) — a conditional upsert, so one process wins. */
async function claimSnapshotDay(db: Db, now: Date, force: boolean): Promise<boolean> {
  if (!force && now.getUTCHours() * 60 + now.getUTCMinutes() < SNAPSHOT_FROM_MINUTE) return false;
  const day = now.toISOString().slice(0, 10);
  const claimed = await db.$executeRaw`
    INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (${SNAPSHOT_DAY_KEY}, to_jsonb(${day}::text), now())
    ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = now()
    WHERE ${force} OR "Setting"."value" #>> '{}' < ${day}`;
  return claimed > 0;
}

export async function run(db: Db, data: z.infer<typeof payload> = {}, now = new Date()) {
  const automations = await runAutomations(db, now);
  const segments = (await claimSnapshotDay(db, now, data.snapshotSegments === true)) ? await snapshotAllSegments(db, now) : null;
  return { automations, segments };
}
