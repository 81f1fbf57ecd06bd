// The analytics pages over HTTP (production build): the marketer dashboard with its SVG charts and
// table fallbacks, the scoring form, the staff 360° insights, and the public NPS survey page.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startRapport, type Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { parseEnv } from "../../server/env.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { sendNpsSurvey } from "../../server/domain/analytics/nps.ts";
import { createCustomer, createOrder, createStaff } from "../factories/index.ts";

let app: Rapport;

async function freePort() {
  return new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function cookieFor(role: "MARKETER" | "AGENT") {
  const staff = await createStaff(db(), { role });
  const { token } = await createSession(db(), staff.id, { ip: "127.0.0.1" });
  return `${SESSION_COOKIE}=${token}`;
}

beforeAll(async () => {
  const port = await freePort();
  app = await startRapport(parseEnv({ NODE_ENV: "production", DATABASE_URL: inject("databaseUrl"), PORT: String(port), APP_URL: `http://localhost:${port}`, SEED_DEMO: "false", SESSION_SECRET: "h".repeat(40), DATA_DIR: ".data/test" }), { mode: "production", jobs: false, log: () => {} });
});
afterAll(async () => {
  await app?.stop();
});

describe("analytics pages", () => {
  it("marketers run the scoring from the dashboard and see charts with table fallbacks", async () => {
    const c = await createCustomer(db());
    await createOrder(db(), { customerId: c.id, status: "DELIVERED", placedAt: new Date("2024-01-10T10:00:00Z") });
    await createOrder(db(), { customerId: c.id, status: "DELIVERED", placedAt: new Date("2024-03-10T10:00:00Z") });
    const cookie = await cookieFor("MARKETER");

    const bad = await fetch(`${app.url}/marketing/analytics`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: "asOf=2024-02-31&period=week" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Enter a calendar date as YYYY-MM-DD.");

    const ok = await fetch(`${app.url}/marketing/analytics`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: "asOf=2024-04-01&period=week" });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Scores recomputed as of 2024-04-01");

    const page = await fetch(`${app.url}/marketing/analytics`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<h1>Customer analytics</h1>");
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="[^"]+"/);
    expect(html).toContain("RFM grid");
    expect(html).toContain("P(alive) distribution");
    expect(html).toContain("Predicted 12-month CLV by tier");
    expect(html).toContain("Cohort retention by first-order month");
    expect(html).toContain("Show the data as a table");
    expect(html).not.toContain("coming soon");

    const agent = await fetch(`${app.url}/marketing/analytics`, { headers: { cookie: await cookieFor("AGENT") }, redirect: "manual" });
    expect([302, 303, 403]).toContain(agent.status);

    const c360 = await (await fetch(`${app.url}/staff/customers/${c.id}`, { headers: { cookie } })).text();
    expect(c360).toContain("Scores");
    expect(c360).toContain("As of 2024-04-01");
    expect(c360).toContain("Campaigns received");
    expect(c360).toContain("Send NPS survey");
  }, 120_000);

  it("a customer answers the NPS survey from the email link", async () => {
    const c = await createCustomer(db());
    const { token } = await db().$transaction((tx) => sendNpsSurvey(tx, { customerId: c.id, appUrl: app.url }));
    const form = await (await fetch(`${app.url}/survey/nps/${token}?score=8`)).text();
    expect(form.match(/<input type="radio" name="score"/g)).toHaveLength(11);
    expect(form).toMatch(/name="score" checked="" value="8"/);
    const zh = await (await fetch(`${app.url}/survey/nps/${token}`, { headers: { "accept-language": "zh-CN,zh;q=0.9" } })).text();
    expect(zh).toContain("您有多大可能推荐我们？");

    const missing = await fetch(`${app.url}/survey/nps/${token}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "comment=hi" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Choose a score from 0 to 10.");

    const done = await fetch(`${app.url}/survey/nps/${token}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "score=8&comment=Fast+delivery" });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Thank you! Your answer has been recorded.");
    expect(await db().npsResponse.findFirst({ where: { customerId: c.id } })).toMatchObject({ score: 8, comment: "Fast delivery" });

    const again = await (await fetch(`${app.url}/survey/nps/${token}`)).text();
    expect(again).toContain("You have already answered this survey.");
    const invalid = await fetch(`${app.url}/survey/nps/${"z".repeat(43)}`);
    expect(invalid.status).toBe(404);
  }, 60_000);
});
