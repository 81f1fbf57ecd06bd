// Crash safety of campaign delivery: the outbox dispatcher runs in a child process that is killed
// with SIGKILL in the middle of a 2,000-recipient campaign; a fresh child takes over. Counted at
// the SMTP level (every arrival at the capture server), each recipient gets the campaign exactly
// once: no message lost, none sent twice (the rows left SENDING by the dead process are recognised
// by their Message-ID after the lease instead of being sent again), and every recipient ends SENT.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { startCampaign, saveCampaign, tickCampaigns } from "../../server/domain/campaigns/campaigns.ts";
import { startCaptureServer } from "../../server/mail/capture-server.ts";
import { createStaff } from "../factories/index.ts";

const RECIPIENTS = 2000;
const KILL_AFTER = 300;
const ROOT = path.resolve(import.meta.dirname, "../..");
const RUN = `crash${Date.now().toString(36)}`;
/** The campaign's customers all signed up on this (future) day, so the segment holds only them. */
const DAY = "2951-03-15";

interface Arrival {
  messageId: string | null;
  to: string;
  duplicate: boolean;
}

let capture: Awaited<ReturnType<typeof startCaptureServer>>;
const arrivals: Arrival[] = [];
let onArrival: (() => void) | undefined;
const children: ChildProcess[] = [];
const emails = new Set<string>();

function startWorker(): { child: ChildProcess; ready: Promise<void>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stderr: () => string } {
  // `node --import tsx` (not the tsx CLI, which runs the script in a grandchild): the pid we kill is the worker.
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/outbox-worker.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "test",
      DATABASE_URL: inject("databaseUrl"),
      SMTP_URL: capture.url,
      MAIL_FROM: "Rapport <no-reply@rapport.test>",
      OUTBOX_LEASE_SECONDS: "2",
      SESSION_SECRET: "c".repeat(40),
      APP_URL: "https://portal.rapport.test",
      DATA_DIR: ".data/test",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready")) resolve();
    });
    child.once("exit", (code, signal) => reject(new Error(`outbox worker exited before it was ready (${code ?? signal}): ${err}`)));
  });
  ready.catch(() => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, ready, exited, stderr: () => err };
}

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
async function until(what: string, ms: number, check: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ours = () => arrivals.filter((a) => emails.has(a.to));

beforeAll(async () => {
  capture = await startCaptureServer(db(), 0, {
    onMessage: (m) => {
      arrivals.push(m);
      onArrival?.();
    },
  });
  // Set-based: 2,000 consenting customers, half of them Chinese-speaking.
  await db().$executeRaw`
    INSERT INTO "Customer" ("id", "email", "name", "locale", "consentEmail", "createdAt", "updatedAt")
    SELECT ${RUN} || '-' || g, ${RUN} || '-' || g || '@example.test', 'Crash Test ' || g,
           CASE WHEN g % 2 = 0 THEN 'zh_CN'::"Locale" ELSE 'en'::"Locale" END, true, ${new Date(`${DAY}T12:00:00Z`)}, now()
    FROM generate_series(1, ${RECIPIENTS}) g`;
  for (let g = 1; g <= RECIPIENTS; g++) emails.add(`${RUN}-${g}@example.test`);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await capture?.close();
  // Leave the shared test database as we found it (these customers would weigh on later files).
  await db().$executeRaw`DELETE FROM "MailOutbox" WHERE "to" LIKE ${`${RUN}-%`}`;
  await db().$executeRaw`DELETE FROM "CapturedMail" WHERE "to" LIKE ${`${RUN}-%`}`;
  await db().$executeRaw`DELETE FROM "Touchpoint" WHERE "customerId" LIKE ${`${RUN}-%`}`;
  await db().$executeRaw`DELETE FROM "CampaignRecipient" WHERE "customerId" LIKE ${`${RUN}-%`}`;
  await db().$executeRaw`DELETE FROM "Customer" WHERE "id" LIKE ${`${RUN}-%`}`;
});

describe("campaign delivery survives a crash of the sending process", () => {
  it("SIGKILL mid-campaign, then a fresh process: every recipient gets exactly one message", { timeout: 300_000 }, async () => {
    const marketer = await createStaff(db(), { role: "MARKETER" });
    const segment = await db().segment.create({
      data: {
        name: `Crash test ${RUN}`,
        rules: { kind: "group", combinator: "and", rules: [{ kind: "signedUp", op: "after", date: "2951-03-14" }, { kind: "signedUp", op: "before", date: "2951-03-16" }] },
      },
    });
    const draft = await saveCampaign(db(), { id: marketer.id }, {
      name: `Crash test ${RUN}`,
      kind: "EMAIL",
      segmentId: segment.id,
      holdoutPct: 0,
      scheduledAt: null,
      endsAt: null,
      email: { subjectEn: "Hello {{firstName}}", subjectZh: "{{firstName}}，你好", bodyEn: "You have **{{points}}** points. [Shop](https://shop.example.com/sale)", bodyZh: "您有 **{{points}}** 积分。[商店](https://shop.example.com/sale)" },
    });

    // The first worker is killed from inside the SMTP server's callback, as the 300th message arrives.
    const first = startWorker();
    await first.ready;
    let atKill = -1;
    onArrival = () => {
      if (atKill < 0 && ours().length >= KILL_AFTER) {
        atKill = ours().length;
        first.child.kill("SIGKILL");
      }
    };
    const launched = await startCampaign(db(), { id: marketer.id }, draft.id);
    expect(launched).toEqual({ status: "RUNNING", recipients: RECIPIENTS });
    expect(await db().mailOutbox.count({ where: { campaignId: draft.id } })).toBe(RECIPIENTS);

    const death = await Promise.race([first.exited, new Promise<null>((r) => setTimeout(() => r(null), 120_000))]);
    if (!death) throw new Error(`the first worker was never killed (${ours().length} messages arrived); stderr: ${first.stderr()}`);
    expect(death.signal).toBe("SIGKILL");
    onArrival = undefined;
    // Let connections the dead process left half-way settle, then look at what it left behind.
    await new Promise((r) => setTimeout(r, 500));
    const beforeRestart = ours().length;
    expect(atKill).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(beforeRestart).toBeLessThan(RECIPIENTS); // some, but not all, were delivered
    const sentBefore = await db().campaignRecipient.count({ where: { campaignId: draft.id, status: "SENT" } });
    expect(sentBefore).toBeLessThan(RECIPIENTS);

    const second = startWorker();
    await second.ready;
    await until("every recipient SENT", 240_000, async () => (await db().campaignRecipient.count({ where: { campaignId: draft.id, status: "SENT" } })) === RECIPIENTS);
    // Give a duplicate, if one were on its way, the chance to arrive before we count.
    await until("the outbox to settle", 30_000, async () => (await db().mailOutbox.count({ where: { campaignId: draft.id, status: { not: "SENT" } } })) === 0);
    await new Promise((r) => setTimeout(r, 3000));
    second.child.kill("SIGTERM");
    await second.exited;

    const got = ours();
    expect(got.length).toBe(RECIPIENTS); // arrivals at the SMTP server, duplicates included
    expect(got.filter((a) => a.duplicate)).toEqual([]);
    expect(new Set(got.map((a) => a.messageId)).size).toBe(RECIPIENTS);
    expect(got.every((a) => a.messageId !== null)).toBe(true);
    expect(new Set(got.map((a) => a.to))).toEqual(emails);

    const statuses = await db().campaignRecipient.groupBy({ by: ["status"], where: { campaignId: draft.id }, _count: { _all: true } });
    expect(statuses.map((s) => [s.status, s._count._all])).toEqual([["SENT", RECIPIENTS]]);
    const outbox = await db().mailOutbox.groupBy({ by: ["status"], where: { campaignId: draft.id }, _count: { _all: true } });
    expect(outbox.map((s) => [s.status, s._count._all])).toEqual([["SENT", RECIPIENTS]]);
    // Each row's Message-ID is the one the SMTP server received for that address.
    const rows = await db().mailOutbox.findMany({ where: { campaignId: draft.id }, select: { to: true, messageId: true } });
    const byTo = new Map(got.map((a) => [a.to, a.messageId]));
    expect(rows.filter((r) => byTo.get(r.to) !== r.messageId)).toEqual([]);
    expect(await db().capturedMail.count({ where: { to: { in: [...emails] } } })).toBe(RECIPIENTS);

    await tickCampaigns(db());
    expect((await db().campaign.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("COMPLETED");
  });
});
