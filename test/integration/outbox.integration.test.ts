// The mail outbox over real SMTP: the capture server receives what the dispatcher sends;
// a failing SMTP server leaves the mail pending with a backoff, and it is sent on a later pass.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { startCaptureServer } from "../../server/mail/capture-server.ts";
import { enqueueMail, processOutbox } from "../../server/mail/outbox.ts";
import { closeTransport, configureTransport } from "../../server/mail/transport.ts";

let capture: Awaited<ReturnType<typeof startCaptureServer>>;
const from = "Rapport <no-reply@rapport.test>";

beforeAll(async () => {
  capture = await startCaptureServer(db());
});
afterAll(async () => {
  closeTransport();
  await capture.close();
});

describe("mail outbox", () => {
  it("delivers a queued mail over SMTP in the recipient's language", async () => {
    configureTransport(capture.url);
    const to = `outbox-${Date.now()}@example.test`;
    const row = await db().$transaction((tx) => enqueueMail(tx, { to, template: "magic-link", locale: "zh-CN", props: { url: "http://localhost/magic?token=abc", expiresInMinutes: 15 } }));
    expect(await processOutbox(db(), { from })).toBeGreaterThanOrEqual(1);
    expect(await db().mailOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "SENT", attempts: 1 });
    const mail = await db().capturedMail.findFirstOrThrow({ where: { to } });
    expect(mail.subject).toMatch(/[\u4e00-\u9fff]/);
    expect(mail.text).toContain("http://localhost/magic?token=abc");
    expect(mail.from).toContain("no-reply@rapport.test");
  });

  it("a mail rolled back with its transaction is never sent", async () => {
    const to = `rollback-${Date.now()}@example.test`;
    await expect(
      db().$transaction(async (tx) => {
        await enqueueMail(tx, { to, template: "magic-link", locale: "en", props: { url: "http://x/y", expiresInMinutes: 15 } });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db().mailOutbox.count({ where: { to } })).toBe(0);
  });

  it("keeps a mail when SMTP fails and retries it later from the database", async () => {
    // A port with nothing listening: connection refused.
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    configureTransport(`smtp://127.0.0.1:${closed}`);
    const to = `retry-${Date.now()}@example.test`;
    const row = await db().$transaction((tx) => enqueueMail(tx, { to, template: "password-reset", locale: "en", props: { url: "http://localhost/reset-password?token=t", expiresInMinutes: 60 } }));
    await processOutbox(db(), { from });
    const failed = await db().mailOutbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(failed).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(failed.lastError).toBeTruthy();
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

    // Not due yet: nothing happens. Once due (simulated), the working transport delivers it.
    configureTransport(capture.url);
    await processOutbox(db(), { from });
    expect((await db().mailOutbox.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("PENDING");
    await db().mailOutbox.update({ where: { id: row.id }, data: { nextAttemptAt: new Date() } });
    await processOutbox(db(), { from });
    expect(await db().mailOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "SENT", attempts: 2 });
    expect(await db().capturedMail.count({ where: { to } })).toBe(1);
  });
});
