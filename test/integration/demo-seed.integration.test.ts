// The demo data `npm start` seeds on first run, on a database of its own (fresh migrations): the
// four demo logins with the demo password and their roles, a customer with a history, the help
// center in both languages, a rewards catalog, analytics scores for the dashboards — and a second
// run changes nothing.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDb, db, disconnectDb } from "../../server/db/client.ts";
import { migrate } from "../../server/db/migrate.ts";
import { verifyPassword } from "../../server/domain/auth/password.ts";
import { CATEGORIES } from "../../server/domain/support/tickets.ts";
import { DEMO_EMAILS, seedDemo } from "../../prisma/seed.ts";
import { isHoldout } from "../../server/domain/campaigns/holdout.ts";

const server = process.env.RAPPORT_TEST_SERVER_URL!;
const name = `rapport_demo_${process.pid}`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function counts() {
  const d = db();
  const [users, customers, orders, tickets, articles, ledger, touchpoints, scores] = await Promise.all([
    d.user.count(),
    d.customer.count(),
    d.order.count(),
    d.ticket.count(),
    d.helpArticle.count(),
    d.loyaltyLedgerEntry.count(),
    d.touchpoint.count(),
    d.customerScore.count(),
  ]);
  return { users, customers, orders, tickets, articles, ledger, touchpoints, scores };
}

beforeAll(async () => {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(server);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  await disconnectDb();
  connectDb(url.toString());
});
afterAll(async () => {
  await disconnectDb();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});

describe("demo data", () => {
  it("is seeded once with working demo logins, histories, articles and scores; a second run changes nothing", async () => {
    expect(await seedDemo(db(), { demoPassword: "rapport-demo" })).toEqual({ created: true });

    const users = await db().user.findMany({ where: { email: { in: Object.values(DEMO_EMAILS) } }, select: { email: true, staffRole: true, passwordHash: true, emailVerifiedAt: true, customer: { select: { id: true } } } });
    const byEmail = new Map(users.map((u) => [u.email, u]));
    expect(byEmail.get(DEMO_EMAILS.agent)?.staffRole).toBe("AGENT");
    expect(byEmail.get(DEMO_EMAILS.marketer)?.staffRole).toBe("MARKETER");
    expect(byEmail.get(DEMO_EMAILS.admin)?.staffRole).toBe("ADMIN");
    const customer = byEmail.get(DEMO_EMAILS.customer)!;
    expect(customer.staffRole).toBeNull();
    const customerId = customer.customer!.id;
    for (const u of users) {
      expect(await verifyPassword(u.passwordHash, "rapport-demo"), u.email).toBe(true);
      expect(u.emailVerifiedAt, u.email).not.toBeNull();
    }

    expect(await db().order.count({ where: { customerId } })).toBeGreaterThanOrEqual(5);
    expect(await db().ticket.count({ where: { customerId } })).toBeGreaterThanOrEqual(1);
    expect(await db().helpArticle.count({ where: { locale: "en", publishedAt: { not: null } } })).toBeGreaterThanOrEqual(20);
    expect(await db().helpArticle.count({ where: { locale: "zh_CN", publishedAt: { not: null } } })).toBeGreaterThanOrEqual(20);
    const c = await counts();
    expect(c.customers).toBeGreaterThanOrEqual(45);
    expect(c.scores).toBeGreaterThan(0);
    expect(await db().analyticsRun.count()).toBe(4);
    // Every seeded ticket has a category the forms and labels know.
    const categories = new Set((await db().ticket.findMany({ select: { category: true } })).map((t) => t.category));
    expect([...categories].filter((c) => !(CATEGORIES as readonly string[]).includes(c))).toEqual([]);
    const kinds = new Set((await db().reward.findMany({ where: { active: true }, select: { kind: true } })).map((r) => r.kind));
    expect([...kinds].sort()).toEqual(["FIXED_AMOUNT", "FREE_SHIPPING", "GIFT_ITEM", "PERCENTAGE"]);
    // Marketing pages have something to show: segments with a size history, a finished campaign
    // with treated and held-out recipients, and the care automations switched on.
    expect(await db().segment.count()).toBeGreaterThanOrEqual(2);
    expect(await db().segmentSnapshot.count()).toBeGreaterThanOrEqual(16);
    const finished = await db().campaign.findFirstOrThrow({ where: { name: "Spring thank-you to loyal customers", kind: "EMAIL", status: "COMPLETED" }, select: { id: true } });
    const recipients = await db().campaignRecipient.findMany({ where: { campaignId: finished.id }, select: { customerId: true, status: true } });
    expect(recipients.filter((r) => r.status === "SENT").length).toBeGreaterThan(0);
    // The holdout is the stored deterministic assignment (20 %): exactly the mailable customers the hash holds out.
    const mailable = recipients.filter((r) => r.status === "SENT" || r.status === "HOLDOUT");
    expect(mailable.filter((r) => r.status === "HOLDOUT").map((r) => r.customerId).sort()).toEqual(mailable.filter((r) => isHoldout(finished.id, r.customerId, 20)).map((r) => r.customerId).sort());
    const automations = await db().campaign.findMany({ where: { kind: "AUTOMATION" }, select: { status: true } });
    expect(automations.length).toBe(6);
    expect(automations.every((a) => a.status === "RUNNING")).toBe(true);

    expect(await seedDemo(db(), { demoPassword: "rapport-demo" })).toEqual({ created: false });
    expect(await counts()).toEqual(c);
  });
});
