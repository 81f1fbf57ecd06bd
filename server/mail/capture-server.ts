// A real SMTP server on loopback that stores every message it receives in CapturedMail, so that
// with no SMTP_URL configured all outgoing mail can be read at /admin/mailbox (and by tests).
import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { Db } from "../db/client.ts";

function addresses(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return "";
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(", ");
}

/**
 * A message arriving twice with the same Message-ID (a sender retrying after a crash) is stored
 * once, as a receiving mail system deduplicates it; `onMessage` sees every arrival (tests count them).
 */
export async function startCaptureServer(db: Db, port = 0, opts: { onMessage?: (m: { messageId: string | null; to: string; duplicate: boolean }) => void; onError?: (e: Error) => void } = {}): Promise<{ port: number; url: string; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          const rcpt = session.envelope.rcptTo.map((r) => r.address).join(", ");
          const headers: Record<string, string> = {};
          for (const [k, v] of mail.headers) headers[k] = typeof v === "string" ? v : JSON.stringify(v);
          // mailparser folds List-* headers into one parsed "list" object; keep them as sent too
          // (List-Unsubscribe, List-Unsubscribe-Post: what a mailbox provider's one-click unsubscribe reads).
          for (const h of mail.headerLines) {
            if (h.key.startsWith("list-")) headers[h.key] = h.line.slice(h.line.indexOf(":") + 1).replace(/\r?\n[ \t]+/g, " ").trim();
          }
          const messageId = mail.messageId ?? null;
          const to = rcpt || addresses(mail.to);
          const stored = await db.capturedMail.createMany({
            data: [{ from: addresses(mail.from), to, subject: mail.subject ?? "", text: mail.text ?? null, html: typeof mail.html === "string" ? mail.html : null, headers, messageId }],
            skipDuplicates: true,
          });
          opts.onMessage?.({ messageId, to, duplicate: stored.count === 0 });
          callback();
        })
        .catch((e: Error) => callback(e));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // smtp-server re-emits a client's connection errors (e.g. ECONNRESET from a sender that died in
  // the middle of a message) on the server: without a listener each would crash the process.
  server.on("error", (e: Error & { code?: string }) => {
    if (opts.onError) opts.onError(e);
    else if (!["ECONNRESET", "EPIPE", "ETIMEDOUT"].includes(e.code ?? "")) console.warn(`[capture-smtp] ${e.message}`);
  });
  const actual = (server.server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
