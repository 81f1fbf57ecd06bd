// Outgoing mail transport: SMTP_URL when set, otherwise the built-in capture server on loopback.
// Pooled: a few long-lived SMTP connections that carry many messages each, so campaign sends are
// not paying a TCP + SMTP handshake per message (the outbox sends up to `maxConnections` at once).
// Query parameters in the URL (e.g. ?pool=false&maxConnections=2) override these defaults.
import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";

let transporter: Transporter | undefined;

export const SMTP_MAX_CONNECTIONS = 16;

export function configureTransport(smtpUrl: string) {
  transporter?.close();
  transporter = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: SMTP_MAX_CONNECTIONS, maxMessages: Infinity });
}

export function transport(): Transporter {
  if (!transporter) throw new Error("Mail transport not configured");
  return transporter;
}

export function closeTransport() {
  transporter?.close();
  transporter = undefined;
}

// --- Bulk (campaign) messages composed directly -------------------------------------------------
// nodemailer's composer (plugins, MIME tree, quoted-printable streams) costs ~1–2 ms of CPU per
// message; for campaign mail — a text and an HTML part, a few headers, nothing attached — the
// message is built here in one pass (base64 parts, RFC 2047 encoded words) and handed to the same
// pooled transport as `raw`, about four times cheaper. The capture server's parse of it is tested
// in test/integration/campaigns.integration.test.ts.

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;

/** RFC 2047 encoded words (UTF-8, base64) of at most 45 bytes each, folded onto new lines. */
export function encodeWords(s: string): string {
  if (ASCII_PRINTABLE.test(s) && s.length <= 70) return s;
  const words: string[] = [];
  let chunk = "";
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > 45) {
      words.push(chunk);
      chunk = "";
      bytes = 0;
    }
    chunk += ch;
    bytes += n;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString("base64")}?=`).join("\r\n ");
}

/** "Name <addr>" → the address, and the header form with the name quoted or encoded. */
export function parseMailbox(from: string): { address: string; header: string } {
  const m = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(from);
  if (!m) return { address: from.trim(), header: from.trim() };
  const [, name, address] = m as unknown as [string, string, string];
  if (!name) return { address, header: `<${address}>` };
  const unquoted = name.replace(/^"(.*)"$/, "$1");
  // Atoms and spaces as they are; other printable ASCII quoted; anything else encoded.
  const display = /^[\w !#$%&'*+\-/=?^`{|}~]*$/.test(unquoted) ? unquoted : ASCII_PRINTABLE.test(unquoted) ? `"${unquoted.replace(/["\\]/g, "\\$&")}"` : encodeWords(unquoted);
  return { address, header: `${display} <${address}>` };
}

// "_" is not a base64 character, so a boundary with one can never occur inside a base64 part.
let boundarySeq = 0;
const boundaryBase = `=_rapport_${process.pid.toString(36)}_${Date.now().toString(36)}_`;

const base64Lines = (s: string) => Buffer.from(s, "utf8").toString("base64").replace(/.{76}/g, "$&\r\n");
const headerValue = (v: string) => v.replace(/[\r\n]+/g, " ");

export interface BulkMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
}

/** The complete RFC 5322 message (multipart/alternative, base64) and its SMTP envelope. */
export function composeBulk(m: BulkMessage): { envelope: { from: string; to: string[] }; raw: string } {
  const from = parseMailbox(m.from);
  const boundary = `${boundaryBase}${(++boundarySeq).toString(36)}`;
  const lines = [
    `From: ${from.header}`,
    `To: ${headerValue(m.to)}`,
    `Subject: ${encodeWords(headerValue(m.subject))}`,
    `Message-ID: ${headerValue(m.messageId)}`,
    `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`,
    "MIME-Version: 1.0",
  ];
  for (const [k, v] of Object.entries(m.headers ?? {})) if (/^[A-Za-z0-9-]+$/.test(k)) lines.push(`${k}: ${headerValue(v)}`);
  lines.push(
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    base64Lines(m.text),
    `--${boundary}`,
    "Content-Type: text/html; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    base64Lines(m.html),
    `--${boundary}--`,
    "",
  );
  return { envelope: { from: from.address, to: [m.to] }, raw: lines.join("\r\n") };
}
