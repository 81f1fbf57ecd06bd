// The jobs runner: pg-boss 10 (jobs live in PostgreSQL, schema "pgboss"). Each job module in this
// folder exports name, cron (optional), a zod payload and run(db, data); register it in JOBS.
import PgBoss from "pg-boss";
import type { Db } from "../db/client.ts";
import * as maintenance from "./maintenance.job.ts";
import * as support from "./support.job.ts";
import * as analytics from "./analytics.job.ts";
import * as loyalty from "./loyalty.job.ts";
import * as ordersStripeRetry from "./orders-stripe-retry.job.ts";
import * as campaigns from "./campaigns.job.ts";

interface JobModule {
  name: string;
  cron?: string;
  payload: { parse(x: unknown): unknown };
  run(db: Db, data: never): Promise<unknown>;
}

export const JOBS: JobModule[] = [maintenance, support, analytics, loyalty, ordersStripeRetry, campaigns];

export async function startJobs(opts: { url: string; db: Db; log: (m: string) => void }) {
  const boss = new PgBoss({ connectionString: opts.url, max: 4 });
  boss.on("error", (e) => opts.log(`[jobs] ${e.message}`));
  await boss.start();
  for (const job of JOBS) {
    await boss.createQueue(job.name);
    if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
    await boss.work(job.name, async (jobs) => {
      for (const j of jobs) {
        const result = await job.run(opts.db, job.payload.parse(j.data) as never);
        opts.log(`[jobs] ${job.name} done ${JSON.stringify(result)}`);
      }
    });
  }
  return {
    boss,
    stop: () => boss.stop({ graceful: true, timeout: 5000 }),
  };
}
