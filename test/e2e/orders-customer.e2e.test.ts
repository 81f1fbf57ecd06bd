// A customer follows an order and asks for a return, in a real browser against the real app
// (production build): the list with its filter, the detail with tracking and totals, the
// printable receipt, a refused return (message on the quantity field) and an accepted one —
// which the agent then sees on the staff order page. Locators are accessible ones.
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { createCustomer, createOrder, createStaff, DAY, TEST_PASSWORD } from "../factories/index.ts";
import { launchBrowser, startE2eApp, watchForProblems, type E2eApp } from "./browser.ts";

let app: E2eApp | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchBrowser()]);
  context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.stop();
});

describe("customer order journey (browser)", () => {
  it("a customer finds an order, opens it, prints the receipt and asks for a return that staff then see", async () => {
    if (!app || !browser || !context) throw new Error("app or browser did not start");
    const base = app.url;
    const customer = await createCustomer(db(), { login: true, name: "Order Journey" });
    const deliveredAt = new Date(Date.now() - 2 * DAY);
    const order = await createOrder(db(), {
      customerId: customer.id,
      status: "DELIVERED",
      placedAt: new Date(deliveredAt.getTime() - 5 * DAY),
      deliveredAt,
      items: [
        { name: "Pour-over coffee set", quantity: 1, unitPriceMinor: 4600 },
        { name: "Paper filters (100)", quantity: 2, unitPriceMinor: 800 },
      ],
      shippingMinor: 599,
      taxMinor: 434,
      shipment: false,
    });
    await db().shipment.create({ data: { orderId: order.id, carrier: "UPS", trackingNumber: "1ZJOURNEY", trackingUrl: "https://www.ups.com/track?tracknum=1ZJOURNEY", status: "DELIVERED" } });
    const other = await createOrder(db(), { customerId: customer.id, status: "SHIPPED" });

    const page = await context.newPage();
    const problems = watchForProblems(page);
    try {
      await page.goto(`${base}/login`);
      await page.getByLabel("Email", { exact: true }).fill(customer.email);
      await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL((u) => u.pathname === "/");

      // --- The list, filtered by status
      await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Orders", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "Your orders" }).waitFor();
      await page.getByRole("link", { name: order.number, exact: true }).waitFor();
      await page.getByRole("link", { name: other.number, exact: true }).waitFor();
      await page.getByLabel("Status", { exact: true }).selectOption("DELIVERED");
      await page.getByRole("button", { name: "Show orders", exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get("status") === "DELIVERED");
      // The URL changes as the navigation commits; the filtered list renders a moment later.
      await expect.poll(() => page.getByRole("link", { name: other.number, exact: true }).count(), { timeout: 10_000 }).toBe(0);
      await page.getByRole("link", { name: order.number, exact: true }).waitFor();

      // --- The detail
      await page.getByRole("link", { name: order.number, exact: true }).click();
      await page.getByRole("heading", { level: 1, name: `Order ${order.number}` }).waitFor();
      // 46.00 + 2 × 8.00 + 5.99 shipping + 4.34 tax
      await page.getByRole("row", { name: "Total $72.33", exact: true }).waitFor();
      expect(await page.getByRole("link", { name: "Track the parcel with UPS (opens the carrier's site)" }).getAttribute("href")).toBe("https://www.ups.com/track?tracknum=1ZJOURNEY");
      expect(await page.getByRole("link", { name: "Get help with this order" }).getAttribute("href")).toBe(`/support/new?order=${order.number}`);

      // --- The printable receipt
      await page.getByRole("link", { name: "Printable receipt" }).click();
      await page.getByRole("heading", { level: 1, name: `Receipt for order ${order.number}` }).waitFor();
      await page.emulateMedia({ media: "print" });
      expect(await page.locator(".site-header").isVisible()).toBe(false);
      await page.emulateMedia({ media: "screen" });
      await page.getByRole("link", { name: "Back to the order" }).click();

      // --- A return: too many filters is refused with the message on that field
      await page.getByLabel("Reason", { exact: true }).selectOption("damaged");
      const filters = page.getByLabel("Quantity of Paper filters (100) to return (up to 2)");
      await filters.fill("3");
      await page.getByRole("button", { name: "Send return request" }).click();
      await page.getByText("You can return at most 2 of this item.").waitFor();
      expect(await filters.getAttribute("aria-invalid")).toBe("true");
      expect(await db().returnRequest.count({ where: { orderId: order.id } })).toBe(0);

      await page.getByLabel("Quantity of Paper filters (100) to return (up to 2)").fill("1");
      await page.getByLabel("Anything else we should know?").fill("One pack was torn");
      await page.getByRole("button", { name: "Send return request" }).click();
      await page.getByRole("status").filter({ hasText: "Your return request was sent." }).waitFor();
      await page.getByText("Waiting for review").waitFor();
      await page.screenshot({ path: path.join(ROOT, "test-results", "orders-customer-detail.png"), fullPage: true });
      expect(await db().returnRequest.count({ where: { orderId: order.id } })).toBe(1);
      // The refused return answers 400 by design (form feedback); the browser logs that response.
      expect(problems.filter((p) => !p.includes("status of 400") || !p.includes(`/orders/${order.number}.data`))).toEqual([]);
    } finally {
      await page.close();
    }

    // --- The agent sees the request in the queue and approves it from the order page
    const agent = await createStaff(db(), { role: "AGENT" });
    const staffContext = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
    const staffPage = await staffContext.newPage();
    try {
      await staffPage.goto(`${base}/login`);
      await staffPage.getByLabel("Email", { exact: true }).fill(agent.email);
      await staffPage.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
      await staffPage.getByRole("button", { name: "Sign in", exact: true }).click();
      await staffPage.waitForURL((u) => u.pathname !== "/login");
      await staffPage.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Orders", exact: true }).click();
      await staffPage.getByRole("heading", { level: 2, name: "Return requests waiting for a decision" }).waitFor();
      await staffPage.getByRole("link", { name: order.number, exact: true }).first().click();
      await staffPage.getByRole("heading", { level: 1, name: `Order ${order.number}` }).waitFor();
      await staffPage.getByText("“One pack was torn”").waitFor();
      await staffPage.getByRole("button", { name: "Approve", exact: true }).click();
      await staffPage.getByRole("status").filter({ hasText: "Return request updated." }).waitFor();
      await staffPage.screenshot({ path: path.join(ROOT, "test-results", "orders-staff-detail.png"), fullPage: true });
      expect((await db().returnRequest.findFirstOrThrow({ where: { orderId: order.id } })).status).toBe("APPROVED");
    } finally {
      await staffContext.close();
    }
  });
});
