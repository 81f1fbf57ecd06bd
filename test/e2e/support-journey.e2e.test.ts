// The support journey in real browsers against the real app (production build): a customer opens a
// request; an agent, in another browser context, finds it in the inbox, adds an internal note and
// replies; the reply reaches the customer over SMTP with the ticket's reply-to address; the customer
// answers BY EMAIL (SMTP to the app's inbound listener), the answer appears in the thread; the
// agent solves it; the customer rates it from the link in the CSAT email. The internal note never
// shows on the customer's page or in their mail.
import fs from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { createCustomer, createHelpArticlePair, createStaff, TEST_PASSWORD } from "../factories/index.ts";
import { freePort, launchBrowser, linkIn, startE2eApp, waitFor, watchForProblems, type E2eApp } from "./browser.ts";

let app: E2eApp | undefined;
let browser: Browser | undefined;
let customerCtx: BrowserContext | undefined;
let agentCtx: BrowserContext | undefined;

beforeAll(async () => {
  const inboundPort = await freePort();
  [app, browser] = await Promise.all([startE2eApp({ INBOUND_SMTP_PORT: String(inboundPort) }), launchBrowser()]);
  customerCtx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  agentCtx = await browser.newContext({ locale: "en-US", viewport: { width: 1400, height: 900 } });
  customerCtx.setDefaultTimeout(15_000);
  agentCtx.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await customerCtx?.close();
  await agentCtx?.close();
  await browser?.close();
  await app?.stop();
});

const SHOTS = path.join(ROOT, "test-results");
async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `support-${name}.png`), fullPage: true });
}

const heading = (page: Page, name: string | RegExp) => page.getByRole("heading", { level: 1, name });

async function signIn(page: Page, base: string, email: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((u) => u.pathname !== "/login");
}

/** The newest captured mail to `email` whose plain text contains `text`. */
function mailWith(email: string, text: string) {
  return waitFor(`a mail to ${email} containing "${text}"`, () => db().capturedMail.findFirst({ where: { to: { contains: email }, text: { contains: text } }, orderBy: { receivedAt: "desc" } }));
}

describe("support journey (browser)", () => {
  it("a customer opens a request, an agent replies, the customer answers by email, the agent solves it and the customer rates it", async () => {
    if (!app || !browser || !customerCtx || !agentCtx) throw new Error("app or browser did not start");
    expect(app.inboundSmtpPort, "the app's inbound SMTP listener").toBeTruthy();
    const base = app.url;
    const stamp = Date.now();
    const customer = await createCustomer(db(), { login: true, name: "Mia Walker", email: `mia-${stamp}@example.test` });
    const agent = await createStaff(db(), { role: "AGENT", name: "Sam Agent" });
    await db().user.updateMany({ where: { staffRole: "AGENT", id: { not: agent.id } }, data: { available: false } });
    const subject = `Scarf arrived torn ${stamp}`;
    const note = `NOTE-${stamp}: checked warehouse photos, packing was fine`;

    const page = await customerCtx.newPage();
    const agentPage = await agentCtx.newPage();
    const customerProblems = watchForProblems(page);
    const agentProblems = watchForProblems(agentPage);
    try {
      // --- The customer opens a request
      await signIn(page, base, customer.email);
      await page.goto(`${base}/support`);
      await heading(page, "Support").waitFor();
      await page.getByRole("link", { name: "New request", exact: true }).click();
      await heading(page, "Ask for help").waitFor();
      // Deflection: typing a subject suggests matching help articles; opening one is recorded.
      await createHelpArticlePair(db(), { en: { title: "What to do if an item arrived damaged", slug: `arrived-damaged-${stamp}`, summary: "Report the damage and choose a replacement or a refund." } });
      await page.getByLabel("Subject", { exact: true }).pressSequentially("arrived damaged", { delay: 20 });
      const suggestion = page.getByRole("link", { name: "What to do if an item arrived damaged", exact: true });
      expect(await suggestion.getAttribute("href")).toBe(`/help/arrived-damaged-${stamp}?from=ticket-form`);
      const [article] = await Promise.all([customerCtx.waitForEvent("page"), suggestion.click()]);
      await article.waitForLoadState();
      await article.close();
      await waitFor("the suggestion_opened touchpoint", () => db().touchpoint.findFirst({ where: { customerId: customer.id, type: "help.suggestion_opened" } }));
      await page.getByLabel("Subject", { exact: true }).fill(subject);
      await page.getByLabel("Category", { exact: true }).selectOption("delivery");
      await page.getByLabel("Message", { exact: true }).fill("The scarf I received has a tear along one edge.");
      // A program renamed to .png is refused by its bytes, with a message naming the file.
      const files = page.getByLabel("Attachments (optional)", { exact: true });
      await files.setInputFiles({ name: "scarf.png", mimeType: "image/png", buffer: Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200)]) });
      await page.getByRole("button", { name: "Send request", exact: true }).click();
      await page.getByText("scarf.png is not an image, PDF or plain-text file, so it can't be attached.").waitFor();
      expect(await db().ticket.count({ where: { customerId: customer.id } })).toBe(0);
      await files.setInputFiles({ name: "receipt.txt", mimeType: "text/plain", buffer: Buffer.from("Receipt: 1 scarf, paid by card.") });
      await page.getByRole("button", { name: "Send request", exact: true }).click();
      await page.waitForURL((u) => /^\/support\/\d+$/.test(u.pathname));
      const number = Number(new URL(page.url()).pathname.split("/").pop());
      await heading(page, `Request #${number}: ${subject}`).waitFor();
      await page.getByText(`Thanks — request #${number} was sent.`).waitFor();
      const ticket = await db().ticket.findUniqueOrThrow({ where: { number } });
      expect(ticket.assigneeId).toBe(agent.id);
      // The attachment: downloadable by its owner; another customer gets 404, a visitor the sign-in page.
      const fileLink = page.getByRole("link", { name: /Download receipt\.txt/ });
      const href = await fileLink.getAttribute("href");
      const own = await page.request.get(`${base}${href}`);
      expect(own.status()).toBe(200);
      expect(await own.text()).toBe("Receipt: 1 scarf, paid by card.");
      const otherCustomer = await createCustomer(db(), { login: true });
      const otherCtx = await browser.newContext();
      try {
        const otherPage = await otherCtx.newPage();
        const anonymous = await otherPage.request.get(`${base}${href}`, { maxRedirects: 0 });
        expect(anonymous.status()).toBe(302);
        expect(anonymous.headers().location).toContain("/login");
        await signIn(otherPage, base, otherCustomer.email);
        expect((await otherPage.request.get(`${base}${href}`)).status()).toBe(404);
        expect((await otherPage.request.get(`${base}/support/${number}`)).status()).toBe(404);
      } finally {
        await otherCtx.close();
      }

      // --- The agent finds it in the inbox (search), notes internally, and replies
      await signIn(agentPage, base, agent.email);
      await agentPage.goto(`${base}/staff/inbox`);
      await heading(agentPage, "Inbox").waitFor();
      await agentPage.getByLabel("Search", { exact: true }).fill(subject);
      await agentPage.getByRole("button", { name: "Apply", exact: true }).click();
      await shot(agentPage, "inbox");
      await agentPage.getByRole("link", { name: subject, exact: true }).click();
      await heading(agentPage, `#${number} ${subject}`).waitFor();
      await agentPage.getByLabel("Message", { exact: true }).fill(note);
      await agentPage.getByLabel("Internal note (agents only)", { exact: true }).check();
      await agentPage.getByRole("button", { name: "Send", exact: true }).click();
      await agentPage.getByText("Internal note added.").waitFor();
      await agentPage.locator('[data-internal="true"]').filter({ hasText: note }).waitFor();
      await agentPage.getByLabel("Message", { exact: true }).fill("I'm sorry about that! Could you tell us whether you'd prefer a replacement or a refund?");
      await agentPage.getByRole("button", { name: "Send", exact: true }).click();
      await agentPage.getByText("Sent.", { exact: true }).waitFor();

      // --- The customer's notification arrives over SMTP, with the ticket's reply-to address
      const replyMail = await mailWith(customer.email, "replacement or a refund");
      expect(replyMail.subject).toContain(`#${number}`);
      expect(replyMail.text).not.toContain(note);
      const replyTo = /support\+[a-z0-9]+@[a-z0-9.-]+/i.exec(JSON.stringify(replyMail.headers))?.[0];
      expect(replyTo, "Reply-To header").toBeTruthy();

      // --- The customer answers by email (quoted history below their answer)
      const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: app.inboundSmtpPort!, secure: false, ignoreTLS: true });
      await smtp.sendMail({
        from: `Mia Walker <${customer.email}>`,
        to: replyTo,
        subject: `Re: ${replyMail.subject}`,
        text: `A replacement, please.\n\nOn Mon, Sam Agent wrote:\n> I'm sorry about that! Could you tell us whether you'd prefer a replacement or a refund?\n`,
      });
      smtp.close();
      await waitFor("the emailed answer on the ticket", () => db().ticketMessage.findFirst({ where: { ticketId: ticket.id, channel: "email", fromCustomer: true } }));
      await page.reload();
      await page.getByText("A replacement, please.").waitFor();
      await page.getByText("I'm sorry about that!").first().waitFor();
      expect(await page.content()).not.toContain(`NOTE-${stamp}`);
      expect(await page.getByText("Open", { exact: true }).count()).toBeGreaterThan(0);

      // --- The agent sees it and solves the ticket
      await agentPage.reload();
      await agentPage.getByText("A replacement, please.").waitFor();
      await shot(agentPage, "agent-ticket");
      await agentPage.getByLabel("Status", { exact: true }).selectOption("SOLVED");
      await agentPage.locator("form").filter({ has: agentPage.getByLabel("Status", { exact: true }) }).getByRole("button", { name: "Save" }).click();
      await agentPage.getByText("Saved.").waitFor();

      // --- The customer is asked to rate it, once, and does so from the emailed link
      const csatMail = await mailWith(customer.email, "/rate?score=5");
      const rateLink = linkIn(csatMail.text, `/support/${number}/rate`);
      expect(rateLink.origin).toBe(base);
      await page.goto(`${base}/support/${number}/rate?score=5`);
      await heading(page, `Rate request #${number}`).waitFor();
      expect(await page.getByLabel("5 — Very satisfied").isChecked()).toBe(true);
      await page.getByLabel("Comment (optional)").fill("Quick and friendly.");
      await page.getByRole("button", { name: "Send rating", exact: true }).click();
      await page.waitForURL((u) => u.pathname === `/support/${number}`);
      await page.getByText("Thank you for your rating.").waitFor();
      await page.getByText("Your rating: 5 out of 5").waitFor();
      await shot(page, "customer-thread");

      const done = await db().ticket.findUniqueOrThrow({ where: { number } });
      expect(done).toMatchObject({ status: "SOLVED", csatScore: 5, csatComment: "Quick and friendly." });
      const allMail = await db().capturedMail.findMany({ where: { to: { contains: customer.email } } });
      expect(allMail.length).toBeGreaterThanOrEqual(3);
      for (const m of allMail) expect(`${m.text}${m.html}`).not.toContain(`NOTE-${stamp}`);
      // The refused attachment answered 400 on purpose (the form's failure status); nothing else may show up.
      const expected = (p: string) => p.includes("status of 400") && p.includes("/support/new.data");
      expect([...customerProblems, ...agentProblems].filter((p) => !expected(p))).toEqual([]);
    } catch (e) {
      const logs = app.logs.length ? `\napp log:\n${app.logs.join("\n")}` : "";
      if (e instanceof Error) e.message += `\n(customer at ${page.url()}, agent at ${agentPage.url()})${logs}`;
      throw e;
    } finally {
      await page.close();
      await agentPage.close();
    }
  });
});
