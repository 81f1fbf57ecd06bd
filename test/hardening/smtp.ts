// A real SMTP server on loopback (the `smtp-server` package) that counts what arrives, by
// Message-ID — the app's SMTP_URL in the fault tests. It can be closed (nothing listening: senders
// get ECONNREFUSED) and opened again on the same port.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface Received {
  messageId: string | null;
  to: string[];
  at: number;
}

export interface CountingSmtp {
  port: number;
  url: string;
  received: Received[];
  /** Message-ID → how many times it arrived. */
  counts(): Map<string, number>;
  listening(): boolean;
  close(): Promise<void>;
  /** Listen again on the same port. */
  open(): Promise<void>;
}

function headerValue(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, "im").exec(head);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, " ").trim() : null;
}

export async function startCountingSmtp(port = 0): Promise<CountingSmtp> {
  const received: Received[] = [];
  let server: SMTPServer | undefined;
  let actualPort = port;
  const listen = async () => {
    const s = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          received.push({ messageId: headerValue(raw, "Message-ID"), to: session.envelope.rcptTo.map((r) => r.address), at: Date.now() });
          callback();
        });
      },
    });
    // A sender that disappears mid-message (a killed app) must not crash the test process.
    s.on("error", () => {});
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.listen(actualPort, "127.0.0.1", () => {
        s.server.off("error", reject);
        resolve();
      });
    });
    actualPort = (s.server.address() as AddressInfo).port;
    server = s;
  };
  await listen();
  return {
    port: actualPort,
    url: `smtp://127.0.0.1:${actualPort}`,
    received,
    counts() {
      const m = new Map<string, number>();
      for (const r of received) if (r.messageId) m.set(r.messageId, (m.get(r.messageId) ?? 0) + 1);
      return m;
    },
    listening: () => server !== undefined,
    async close() {
      const s = server;
      server = undefined;
      if (!s) return;
      // Close the listener and cut open (pooled) connections at once: the sender sees the server gone.
      const conns = (s as unknown as { connections?: Set<{ close?: () => void; _socket?: { destroy(): void } }> }).connections;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const c of conns ?? []) c._socket?.destroy();
      await closed;
    },
    open: listen,
  };
}
