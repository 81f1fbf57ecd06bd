import os from "node:os";
import { startRapport } from "../../server/app.ts";
import { parseEnv } from "../../server/env.ts";
import { startLoadgen } from "./loadgen.ts";
import pg from "pg";
const env = parseEnv({ ...process.env, DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/rapport_bench", NODE_ENV: "production", PORT: "39999", APP_URL: "http://localhost:39999", SEED_DEMO: "true", TOUCHPOINT_VIEWS: "on", DATA_DIR: ".data/bench", LOG_LEVEL: "warn" });
const app = await startRapport(env, { mode: "production", jobs: false, log: () => {} });
const sql = new pg.Client({ connectionString: app.databaseUrl }); await sql.connect(); await sql.query(`DELETE FROM "RateLimit"`);
const r = await fetch("http://127.0.0.1:39999/login", { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "Mozilla/5.0 rapport-bench/1" }, body: "email=customer%40demo.rapport.test&password=rapport-demo&intent=password" });
const cookie = r.headers.getSetCookie()[0].split(";")[0];
const headers = { cookie, accept: "text/html", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) rapport-bench/1" };
const lg = await startLoadgen();
const path = process.argv[2] ?? "/account";
await lg.run({ kind: "get", url: "http://127.0.0.1:39999" + path, headers, requests: 50, concurrency: 16 });
for (let k = 0; k < 6; k++) for (const v of (k % 2 ? ["on", "off"] : ["off", "on"]) as ("on"|"off")[]) {
  await app.services.views.flush(); app.services.env.TOUCHPOINT_VIEWS = v;
  const cpu0 = process.cpuUsage();
  const res = await lg.run({ kind: "get", url: "http://127.0.0.1:39999" + path, headers, requests: 100, concurrency: 16 });
  const cpu = process.cpuUsage(cpu0);
  const s = res.latenciesMs.sort((a, b) => a - b);
  console.log(`${v.padEnd(3)} p50=${s[s.length >> 1].toFixed(1)} rps=${(res.ok / res.elapsedMs * 1000).toFixed(1)} cpu/req=${((cpu.user + cpu.system) / 1000 / res.ok).toFixed(2)}ms load=${os.loadavg()[0].toFixed(2)}`);
}
await lg.close(); await sql.query(`DELETE FROM "Session" WHERE "userAgent" LIKE '%rapport-bench%'`); await sql.end(); await app.stop(); process.exit(0);
