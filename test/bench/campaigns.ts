// `npm run bench:campaigns`: the campaign engine at scale. Creates N consenting customers
// (set-based SQL, half English and half Chinese), a segment and an EMAIL campaign, then measures
//   1. launch: startCampaign writing every recipient (consent → frequency cap → holdout) and every
//      outbox row in one transaction;
//   2. delivery throughput of the real outbox dispatcher (startOutboxDispatcher, as the app runs
//      it) over loopback SMTP to a minimal sink that only counts messages, and
//   3. the same into the built-in capture server, which stores every message in PostgreSQL
//      (a second campaign to the first BENCH_CAMPAIGN_CAPTURE customers).
// Messages/s = messages / (time from the dispatcher's start until the last outbox row is SENT).
// Peak RSS is sampled every 100 ms during each phase (and process-wide maxRSS is reported).
// Prints a Markdown table (stdout) and one JSON line; progress goes to stderr.
//
// Database: with DATABASE_URL set, its own database `rapport_bench_campaigns` on that server (dropped
// and recreated each run, migrated); else an embedded PostgreSQL under .data/bench-campaigns (port 54369).
// Knobs (env): BENCH_CAMPAIGN_CUSTOMERS (100000), BENCH_CAMPAIGN_HOLDOUT (10 %),
// BENCH_CAMPAIGN_CAPTURE (10000 recipients for the capture-server phase; 0 = skip it),
// BENCH_CAMPAIGN_PROFILE=<file> (write a CPU profile of the sink delivery phase, for DevTools).
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import { openDatabase } from "../../server/db/open.ts";
import { parseEnv, setEnv } from "../../server/env.ts";
import { saveCampaign, startCampaign } from "../../server/domain/campaigns/campaigns.ts";
import { startCaptureServer } from "../../server/mail/capture-server.ts";
import { startOutboxDispatcher } from "../../server/mail/outbox.ts";
import { closeTransport, configureTransport } from "../../server/mail/transport.ts";
import type { Db } from "../../server/db/client.ts";
import { createStaff } from "../factories/index.ts";
import { intEnv, machine, progressLogger, recreateBenchDatabase, startCountingSmtpSink } from "./lib.ts";

const BENCH_DB = "rapport_bench_campaigns";
const CUSTOMERS = intEnv("BENCH_CAMPAIGN_CUSTOMERS", 100_000);
const HOLDOUT = intEnv("BENCH_CAMPAIGN_HOLDOUT", 10, 0);
const CAPTURE = Math.min(CUSTOMERS, intEnv("BENCH_CAMPAIGN_CAPTURE", 10_000, 0));
const TARGET = 1000;
const FROM = "Rapport <no-reply@rapport.test>";

const progress = progressLogger("bench:campaigns");


/** Peak RSS (MB) while `fn` runs, sampled every 100 ms. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakRssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(t);
  }
}

async function launch(db: Db, marketerId: string, name: string, segmentId: string) {
  const draft = await saveCampaign(db, { id: marketerId }, {
    name,
    kind: "EMAIL",
    segmentId,
    holdoutPct: HOLDOUT,
    scheduledAt: null,
    endsAt: null,
    email: {
      subjectEn: "{{firstName}}, your {{points}} points are waiting",
      subjectZh: "{{firstName}}，您的 {{points}} 积分在等您",
      bodyEn: "Hello {{name}},\n\nAs a **{{tier}}** member you have **{{points}}** points.\n\n- [New arrivals](https://shop.example.com/new)\n- [Sale](https://shop.example.com/sale?utm_source=rapport)\n\nUse code **{{code}}** at checkout.",
      bodyZh: "{{name}}，您好：\n\n作为 **{{tier}}** 会员，您有 **{{points}}** 积分。\n\n- [新品](https://shop.example.com/new)\n- [特卖](https://shop.example.com/sale?utm_source=rapport)\n\n结账时使用优惠码 **{{code}}**。",
      offerCode: "SPRING10",
    },
  });
  const t0 = performance.now();
  const r = await startCampaign(db, { id: marketerId }, draft.id);
  const seconds = (performance.now() - t0) / 1000;
  const [counts] = await db.$queryRaw<{ recipients: number; queued: number; outbox: number }[]>`
    SELECT (SELECT count(*)::int FROM "CampaignRecipient" WHERE "campaignId" = ${draft.id}) AS recipients,
           (SELECT count(*)::int FROM "CampaignRecipient" WHERE "campaignId" = ${draft.id} AND "status" = 'QUEUED') AS queued,
           (SELECT count(*)::int FROM "MailOutbox" WHERE "campaignId" = ${draft.id}) AS outbox`;
  if (r.recipients !== counts!.recipients || counts!.outbox !== counts!.queued) throw new Error(`launch wrote ${JSON.stringify(counts)} for ${r.recipients} recipients`);
  return { id: draft.id, seconds, ...counts! };
}

/** `fn` under the V8 CPU profiler when BENCH_CAMPAIGN_PROFILE names a file. */
async function profiled<T>(fn: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_CAMPAIGN_PROFILE;
  if (!file) return fn();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    progress(`CPU profile written to ${file}`);
  }
}

/** Runs the app's outbox dispatcher until every row of the campaign is SENT; returns msg/s. */
async function deliver(db: Db, campaignId: string, expected: number, received: () => number) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const dispatcher = startOutboxDispatcher(db, { from: FROM, intervalMs: 200, onError: (e) => progress(`outbox error: ${String(e)}`) });
  dispatcher.kick();
  let last = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const [row] = await db.$queryRaw<{ left: number; failed: number }[]>`
      SELECT count(*) FILTER (WHERE "status" IN ('PENDING', 'SENDING'))::int AS left, count(*) FILTER (WHERE "status" = 'FAILED')::int AS failed
      FROM "MailOutbox" WHERE "campaignId" = ${campaignId}`;
    if (row!.failed) throw new Error(`${row!.failed} messages failed`);
    if (row!.left === 0) break;
    if (performance.now() - last > 5000) {
      last = performance.now();
      progress(`  ${expected - row!.left} / ${expected} sent (${received()} received)`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await dispatcher.stop();
  const got = received();
  if (got !== expected) throw new Error(`the SMTP server received ${got} messages, expected ${expected}`);
  // Share of one core this process used (dispatcher + SMTP server); PostgreSQL runs apart.
  const cpuPct = (100 * (cpu.user + cpu.system)) / 1e6 / seconds;
  return { messages: expected, seconds, perSecond: expected / seconds, cpuPct, loadAvg: os.loadavg()[0]! };
}

async function main() {
  const base = process.env.DATABASE_URL;
  const env = parseEnv({
    NODE_ENV: "production",
    DATABASE_URL: base ? await recreateBenchDatabase(base, BENCH_DB, progress) : undefined,
    DATA_DIR: ".data/bench-campaigns",
    EMBEDDED_PG_PORT: "54369",
    SESSION_SECRET: "b".repeat(40),
    APP_URL: "https://portal.rapport.test",
    LOG_LEVEL: "warn",
  });
  setEnv(env);
  progress(env.DATABASE_URL ? `database ${BENCH_DB} on DATABASE_URL's server` : "embedded PostgreSQL under .data/bench-campaigns");
  const database = await openDatabase(env, { log: progress, poolMax: 12 });
  const db = database.db;
  const sink = await startCountingSmtpSink();
  let capture: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
  try {
    progress(`creating ${CUSTOMERS.toLocaleString("en")} customers (set-based)`);
    const c0 = performance.now();
    // The first CAPTURE customers signed up in 2020, the rest in 2021 (the capture phase's segment).
    await db.$executeRaw`
      INSERT INTO "Customer" ("id", "email", "name", "locale", "tier", "pointsAvailable", "consentEmail", "createdAt", "updatedAt")
      SELECT 'bc' || g, 'bench-' || g || '@bench.example',
             CASE WHEN g % 2 = 0 THEN '王' || g ELSE 'Alex Bench' || g END,
             CASE WHEN g % 2 = 0 THEN 'zh_CN'::"Locale" ELSE 'en'::"Locale" END,
             (ARRAY['BRONZE', 'SILVER', 'GOLD'])[1 + g % 3], (g * 37) % 5000, true,
             CASE WHEN g <= ${CAPTURE} THEN timestamp '2020-01-01' ELSE timestamp '2021-01-01' END + (g % 1000) * interval '1 minute', now()
      FROM generate_series(1, ${CUSTOMERS}) g`;
    await db.$executeRaw`ANALYZE "Customer"`;
    progress(`  done in ${((performance.now() - c0) / 1000).toFixed(1)} s`);
    const marketer = await createStaff(db, { role: "MARKETER" });
    const all = await db.segment.create({ data: { name: "Bench: email consent", rules: { kind: "group", combinator: "and", rules: [{ kind: "consent", channel: "email", value: true }] } } });

    progress("launching the campaign");
    const { result: first, peakRssMb: launchRss } = await withPeakRss(() => launch(db, marketer.id, "Bench campaign", all.id));
    progress(`  ${first.recipients} recipients, ${first.outbox} outbox rows in ${first.seconds.toFixed(2)} s`);

    configureTransport(sink.url);
    progress(`delivering ${first.outbox} messages to the counting SMTP sink`);
    const { result: toSink, peakRssMb: sinkRss } = await withPeakRss(() => profiled(() => deliver(db, first.id, first.outbox, sink.count)));
    progress(`  ${toSink.perSecond.toFixed(0)} msg/s, process CPU ${toSink.cpuPct.toFixed(0)} % of a core`);

    let toCapture: { messages: number; seconds: number; perSecond: number; cpuPct: number; loadAvg: number; peakRssMb: number } | undefined;
    if (CAPTURE > 0) {
      let received = 0;
      capture = await startCaptureServer(db, 0, { onMessage: () => received++ });
      configureTransport(capture.url);
      const early = await db.segment.create({ data: { name: "Bench: early sign-ups", rules: { kind: "group", combinator: "and", rules: [{ kind: "consent", channel: "email", value: true }, { kind: "signedUp", op: "before", date: "2020-06-01" }] } } });
      const second = await launch(db, marketer.id, "Bench campaign (capture)", early.id);
      progress(`delivering ${second.outbox} messages to the capture server (stores each in PostgreSQL)`);
      const r = await withPeakRss(() => deliver(db, second.id, second.outbox, () => received));
      toCapture = { ...r.result, peakRssMb: r.peakRssMb };
      progress(`  ${toCapture.perSecond.toFixed(0)} msg/s`);
    }

    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const m = machine();
    const date = new Date().toISOString().slice(0, 10);
    const mb = (x: number) => `${x.toFixed(0)} MB`;
    console.log(`Machine: ${m.cpu} × ${m.cores}, Node ${process.version}, ${env.DATABASE_URL ? "PostgreSQL at DATABASE_URL" : "embedded PostgreSQL"}; dispatcher and SMTP server in one process; load average ${toSink.loadAvg.toFixed(1)} after the sink phase (other work on the machine slows the figures).\n`);
    console.log("| date | metric | conditions | figure |");
    console.log("| --- | --- | --- | --- |");
    console.log(`| ${date} | campaign launch (recipients + outbox rows) | ${CUSTOMERS.toLocaleString("en")} consenting customers, holdout ${HOLDOUT} %, one transaction | ${first.seconds.toFixed(2)} s: ${first.recipients.toLocaleString("en")} recipients, ${first.outbox.toLocaleString("en")} outbox rows (peak RSS ${mb(launchRss)}) |`);
    console.log(`| ${date} | campaign delivery to a counting SMTP sink | ${toSink.messages.toLocaleString("en")} messages (en + zh-CN), outbox dispatcher, pooled SMTP over loopback | ${toSink.perSecond.toFixed(0)} msg/s (${toSink.seconds.toFixed(1)} s; this process used ${toSink.cpuPct.toFixed(0)} % of a core; peak RSS ${mb(sinkRss)}; target ≥ ${TARGET}) |`);
    if (toCapture) console.log(`| ${date} | campaign delivery to the capture server (stores in PostgreSQL) | ${toCapture.messages.toLocaleString("en")} messages, same dispatcher | ${toCapture.perSecond.toFixed(0)} msg/s (${toCapture.seconds.toFixed(1)} s; ${toCapture.cpuPct.toFixed(0)} % of a core; peak RSS ${mb(toCapture.peakRssMb)}) |`);
    console.log(
      JSON.stringify({
        bench: "campaigns",
        customers: CUSTOMERS,
        holdoutPct: HOLDOUT,
        launch: { seconds: first.seconds, recipients: first.recipients, outbox: first.outbox, peakRssMb: launchRss },
        sink: { ...toSink, peakRssMb: sinkRss, target: TARGET, meetsTarget: toSink.perSecond >= TARGET },
        capture: toCapture ?? null,
        maxRssMb,
      }),
    );
  } finally {
    closeTransport();
    await sink.close();
    await capture?.close();
    await database.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
