// The inbound SMTP listener for support mail (smtp-server + mailparser). Recipients are checked at
// RCPT TO (a reply token that does not verify gets a 550 there, before any data is sent); the
// message is parsed and routed by inbound.ts. Binds to loopback by default: in production a real
// MTA (Postfix, a cloud inbound-mail service) relays support@ / support+*@ mail to it.
import type { AddressInfo } from "node:net";
import { Transform } from "node:stream";
import { simpleParser, type AddressObject, type HeaderValue } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { Db } from "../../db/client.ts";
import { AppError } from "../errors.ts";
import { InboundRejection, recipientRefusal, routeInboundMail, type InboundResult } from "./inbound.ts";

/** Largest message accepted (the sum of a message's parts, encoded). */
export const MAX_INBOUND_BYTES = 25 * 1024 * 1024;

export interface InboundServer {
  port: number;
  host: string;
  close(): Promise<void>;
}

export interface InboundServerOptions {
  port: number;
  host?: string;
  log?: (m: string) => void;
  /** Called after each message is routed (tests, benchmarks, metrics). */
  onRouted?: (results: InboundResult[]) => void;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): { address: string; name: string } | null {
  const list = a ? (Array.isArray(a) ? a : [a]) : [];
  for (const group of list) for (const v of group.value) if (v.address) return { address: v.address, name: v.name };
  return null;
}

function headerText(v: HeaderValue): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && "value" in v && typeof v.value === "string") return v.value;
  return "";
}

export async function startInboundServer(db: Db, opts: InboundServerOptions): Promise<InboundServer> {
  const log = opts.log ?? (() => {});
  const server = new SMTPServer({
    name: "rapport-inbound",
    banner: "Rapport support mail",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    size: MAX_INBOUND_BYTES,
    // On shutdown, give a sender mid-transaction 5 s to finish, then answer 421 (it will retry).
    closeTimeout: 5000,
    onRcptTo(address, _session, callback) {
      const refusal = recipientRefusal(address.address);
      if (refusal) {
        log(`[inbound] refused RCPT ${address.address}: ${refusal.message}`);
        return callback(smtpError(refusal.responseCode, refusal.message));
      }
      callback();
    },
    onData(stream, session, callback) {
      // smtp-server only flags an oversized message (sizeExceeded) and keeps streaming it: pass the
      // parser at most MAX_INBOUND_BYTES and drop the rest, so memory stays bounded however much
      // a sender pushes before the final ".", which is then answered 552 below.
      let passed = 0;
      const bounded = new Transform({
        transform(chunk: Buffer, _enc, done) {
          if (passed + chunk.length <= MAX_INBOUND_BYTES) {
            passed += chunk.length;
            done(null, chunk);
          } else {
            passed = MAX_INBOUND_BYTES + 1;
            done();
          }
        },
      });
      stream.pipe(bounded);
      simpleParser(bounded, { skipImageLinks: true })
        .then(async (mail) => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            throw new InboundRejection(552, `5.3.4 The message is larger than ${MAX_INBOUND_BYTES / 1024 / 1024} MB.`);
          }
          const sender = firstAddress(mail.from) ?? (session.envelope.mailFrom ? { address: session.envelope.mailFrom.address, name: "" } : null);
          const headers: Record<string, string> = {};
          for (const [k, v] of mail.headers) headers[k.toLowerCase()] = headerText(v);
          const results = await routeInboundMail(db, {
            from: sender?.address ?? "",
            fromName: sender?.name || null,
            recipients: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            headers,
            attachments: mail.attachments.map((a) => ({ filename: a.filename ?? "", contentType: a.contentType, content: a.content, related: a.related })),
          });
          opts.onRouted?.(results);
          callback();
        })
        .catch((e: unknown) => {
          if (e instanceof InboundRejection) {
            log(`[inbound] rejected message: ${e.message}`);
            return callback(smtpError(e.responseCode, e.message));
          }
          if ((e as { code?: string }).code === "EMAXLEN") {
            // mailparser's structural limits (more than 1,000 MIME parts, or a part's header over
            // its size limit): permanent, the same message would fail again.
            const what = /child nodes/i.test((e as Error).message) ? "more than 1,000 parts (attachments and body parts); send the files in several messages" : "a part whose header is too large";
            log(`[inbound] rejected message: ${(e as Error).message}`);
            return callback(smtpError(552, `5.3.4 The message has ${what}.`));
          }
          if (e instanceof AppError) {
            // The ticket rules refused it (e.g. the customer was erased): permanent, tell the sender why.
            log(`[inbound] refused by the ticket rules: ${e.message}`);
            return callback(smtpError(550, `5.6.0 ${e.message}`));
          }
          // Anything else (database down…) is temporary: the sending server will retry.
          log(`[inbound] failed, asking the sender to retry: ${e instanceof Error ? e.message : String(e)}`);
          callback(smtpError(451, "4.3.0 Temporary failure, please try again later."));
        });
    },
  });
  server.on("error", (e) => log(`[inbound] ${e.message}`));
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.server.once("error", onError);
    server.listen(opts.port, host, () => {
      server.server.off("error", onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, host, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
