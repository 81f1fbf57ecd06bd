// Oversized and malformed input (issue #13, area "input"), against the real app over HTTP (tRPC,
// page form posts, /webhooks/stripe, /api/v1), its inbound SMTP listener, and the CSV import module
// (a CLI, not reachable over HTTP): 10 MB bodies, endless chunked bodies, deep JSON, invalid UTF-8,
// NUL characters, wrong content types, huge CSV lines, a mail with 1,000 attachments, an oversized
// mail. Each must get a clear, specific 4xx/5xx (or a clear import error), and afterwards the server
// still answers a normal request and the process's RSS stays within a generous ceiling over the
// baseline measured before the first case (the app runs in this process). Needs `npm run build`.
import http from "node:http";
import net from "node:net";
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rapport } from "../../server/app.ts";
import { db, pgPool } from "../../server/db/client.ts";
import { createApiKey } from "../../server/domain/apikeys/apikeys.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { CSV_HEADER, importOrdersCsv } from "../../server/domain/orders/csv-import.ts";
import { supportMailbox } from "../../server/domain/support/reply-token.ts";
import { createCustomer, createOrder, createStaff } from "../factories/index.ts";
import { freePort, startTestApp } from "../setup/app.ts";
import { recordHardening } from "./report.ts";

const WHSEC = "whsec_malformed_" + "m".repeat(24);
const MB = 1024 * 1024;
/** RSS may grow at most this much over the baseline (generous: GC is lazy; the point is "bounded"). */
const RSS_CEILING = 300 * MB;

let app: Rapport;
let cookie: string;
let apiKey: string;
let orderNumber: string;
let customerEmail: string;
let baselineRss = 0;

interface Reply {
  status: number;
  text: string;
}

/** A request with a body made of `total` bytes of `chunk` repeated, streamed (chunked when no
 *  content-length is given). Stops sending as soon as the server answers or closes. */
function streamRequest(method: string, path: string, headers: Record<string, string>, total: number, chunk: Buffer): Promise<Reply & { sent: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL(app.url + path);
    const req = http.request({ method, host: "127.0.0.1", port: url.port, path: url.pathname + url.search, headers });
    let sent = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString("utf8"), sent }));
      res.on("error", reject);
    });
    req.on("error", (e) => {
      if (!answered) resolve({ status: 0, text: `connection error: ${(e as Error).message}`, sent });
    });
    const pump = () => {
      while (!answered && sent < total) {
        const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
        sent += piece.length;
        if (!req.write(piece)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered || sent >= total) req.end();
    };
    pump();
  });
}

async function send(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Reply> {
  const buf = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const h = { ...headers, ...(buf ? { "content-length": String(buf.length) } : {}) };
  const r = await streamRequest(method, path, h, buf?.length ?? 0, buf ?? Buffer.alloc(0));
  return { status: r.status, text: r.text };
}

const TRPC = { "x-rapport-client": "malformed", "content-type": "application/json" };
// Requests go to 127.0.0.1 (Host 127.0.0.1:<port>): React Router compares Origin with that.
const ORIGIN = () => ({ origin: `http://127.0.0.1:${app.port}` });
/** `depth` nested arrays: [[[…]]]. */
const deepJson = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** A raw SMTP session to the app's inbound listener; returns the reply to the end of DATA (or the
 *  first refusal). The message is `head` followed by `bodyBytes` of base64-ish lines. */
async function smtp(message: AsyncIterable<Buffer> | Buffer, to = supportMailbox().address): Promise<string> {
  const socket = net.connect(app.inboundSmtpPort!, "127.0.0.1");
  let buffer = "";
  const waiters: ((line: string) => void)[] = [];
  const lines: string[] = [];
  socket.on("data", (d: Buffer) => {
    buffer += d.toString("utf8");
    let nl: number;
    while ((nl = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      if (/^\d{3} /.test(line)) {
        const w = waiters.shift();
        if (w) w(line);
        else lines.push(line);
      }
    }
  });
  let closed = false;
  socket.on("error", () => {});
  socket.on("close", () => {
    closed = true;
    for (const w of waiters.splice(0)) w("closed");
  });
  const reply = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : closed ? resolve("closed") : waiters.push(resolve)));
  const cmd = async (c: string) => {
    socket.write(c + "\r\n");
    return reply();
  };
  try {
    await reply(); // banner
    await cmd("EHLO probe.test");
    let r = await cmd(`MAIL FROM:<${customerEmail}>`);
    if (!r.startsWith("250")) return r;
    r = await cmd(`RCPT TO:<${to}>`);
    if (!r.startsWith("250")) return r;
    r = await cmd("DATA");
    if (!r.startsWith("354")) return r;
    const write = (b: Buffer) => new Promise<void>((resolve) => (socket.write(b) ? resolve() : socket.once("drain", () => resolve())));
    if (Buffer.isBuffer(message)) await write(message);
    else for await (const b of message) {
      if (closed) break;
      await write(b);
    }
    socket.write("\r\n.\r\n");
    return await reply();
  } finally {
    socket.end("QUIT\r\n");
  }
}

function mime(parts: { filename: string; content: string }[], text = "Hello, see attached.") {
  const boundary = "b_" + randomBytes(8).toString("hex");
  const out = [`From: <${customerEmail}>`, `To: <${supportMailbox().address}>`, "Subject: Scans of my invoice", "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="${boundary}"`, "", `--${boundary}`, "Content-Type: text/plain; charset=utf-8", "", text];
  for (const p of parts) out.push(`--${boundary}`, `Content-Type: text/plain; name="${p.filename}"`, `Content-Disposition: attachment; filename="${p.filename}"`, "Content-Transfer-Encoding: base64", "", Buffer.from(p.content).toString("base64"));
  out.push(`--${boundary}--`, "");
  return out.join("\r\n");
}

/** An oversized mail, generated on the fly: headers, then `bytes` of base64 lines in one attachment. */
async function* bigMail(bytes: number) {
  const boundary = "big_" + randomBytes(6).toString("hex");
  yield Buffer.from(
    [`From: <${customerEmail}>`, `To: <${supportMailbox().address}>`, "Subject: Huge scan", "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="${boundary}"`, "", `--${boundary}`, "Content-Type: text/plain", "", "See the scan.", `--${boundary}`, 'Content-Type: application/pdf; name="scan.pdf"', 'Content-Disposition: attachment; filename="scan.pdf"', "Content-Transfer-Encoding: base64", "", ""].join("\r\n"),
  );
  const line = Buffer.from("QUFB".repeat(19) + "\r\n"); // 78 bytes
  const block = Buffer.concat(Array.from({ length: 840 }, () => line)); // ~64 KB
  for (let sent = 0; sent < bytes; sent += block.length) yield block;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

async function* csvChunks(parts: (string | (() => Generator<string>))[]) {
  for (const p of parts) {
    if (typeof p === "string") yield p;
    else yield* p();
  }
}

interface Case {
  name: string;
  run: () => Promise<Reply>;
  /** Accepted statuses, and a pattern the answer must contain (the clear, specific message). */
  status: number[];
  message: RegExp;
  /** What must not have happened (checked after). */
  after?: () => Promise<string | null>;
}

const tenMbJson = () => JSON.stringify({ email: "a".repeat(10 * MB) + "@example.test", password: "x" });

function cases(): Case[] {
  const big = Buffer.alloc(64 * 1024, "a");
  return [
    // --- tRPC ---
    { name: "tRPC POST, 10 MB JSON body", run: () => send("POST", "/api/trpc/auth.signIn", TRPC, tenMbJson()), status: [413], message: /too large.*1 MB/i },
    { name: "tRPC POST, 256 MB chunked body (no Content-Length)", run: () => streamRequest("POST", "/api/trpc/auth.signIn", { ...TRPC, "transfer-encoding": "chunked" }, 256 * MB, big), status: [413], message: /too large/i },
    { name: "tRPC POST, JSON nested 100,000 deep (200 KB)", run: () => send("POST", "/api/trpc/auth.signIn", TRPC, `{"email":${deepJson(100_000)}}`), status: [400], message: /nested deeper than \d+ levels/i },
    { name: "tRPC GET, JSON nested 2,000 deep in ?input", run: () => send("GET", `/api/trpc/help.search?input=${encodeURIComponent(`{"q":${deepJson(2_000)}}`)}`, { "x-rapport-client": "m" }), status: [400], message: /nested deeper than \d+ levels/i },
    { name: "tRPC POST, invalid UTF-8 bytes", run: () => send("POST", "/api/trpc/auth.signIn", TRPC, Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('@example.test","password":"x"}')])), status: [400], message: /not valid UTF-8/i },
    { name: "tRPC POST, invalid JSON", run: () => send("POST", "/api/trpc/auth.signIn", TRPC, '{"email": "a@b.c", '), status: [400], message: /JSON/i },
    {
      name: "tRPC POST, NUL character in a ticket subject (PostgreSQL text cannot hold it)",
      run: () => send("POST", "/api/trpc/support.create", { ...TRPC, cookie }, JSON.stringify({ subject: "Broken\u0000 lid", body: "It leaks." })),
      status: [400],
      message: /NUL/,
      after: async () => ((await db().ticket.count({ where: { subject: { startsWith: "Broken" } } })) ? "a ticket was created" : null),
    },
    { name: "tRPC POST, Content-Type text/plain", run: () => send("POST", "/api/trpc/auth.signIn", { ...TRPC, "content-type": "text/plain" }, '{"email":"a@b.c","password":"x"}'), status: [415], message: /application\/json/ },
    { name: "tRPC POST, multipart body", run: () => send("POST", "/api/trpc/auth.signIn", { ...TRPC, "content-type": "multipart/form-data; boundary=x" }, "--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na\r\n--x--\r\n"), status: [415], message: /application\/json/ },
    { name: "tRPC GET, 1 MB ?input (URL too long)", run: () => send("GET", `/api/trpc/help.search?input=${"a".repeat(MB)}`, {}), status: [414, 431], message: /.*/ },
    { name: "tRPC GET batch of 500 calls", run: () => send("GET", `/api/trpc/${Array.from({ length: 500 }, () => "help.categories").join(",")}?batch=1&input=%7B%7D`, {}), status: [400], message: /batch/i },

    // --- page form posts (React Router actions) ---
    { name: "form POST /login, 10 MB urlencoded", run: () => send("POST", "/login", { ...ORIGIN(), "content-type": "application/x-www-form-urlencoded" }, `intent=password&password=x&email=${"a".repeat(10 * MB)}`), status: [413], message: /too large.*2 MB/i },
    { name: "form POST /login, 256 MB chunked (no Content-Length)", run: () => streamRequest("POST", "/login", { ...ORIGIN(), "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" }, 256 * MB, big), status: [411, 413], message: /Content-Length|too large/i },
    { name: "form POST /support/new, 80 MB multipart (over the attachment budget)", run: () => streamRequest("POST", "/support/new", { ...ORIGIN(), cookie, "content-type": "multipart/form-data; boundary=zz", "content-length": String(80 * MB) }, 80 * MB, big), status: [413], message: /too large.*MB/i },
    { name: "form POST /login, invalid UTF-8 in fields", run: () => send("POST", "/login", { ...ORIGIN(), "content-type": "application/x-www-form-urlencoded" }, "intent=password&email=%FF%FE%C3%28%40x.test&password=%ED%A0%80"), status: [400], message: /Enter a valid email address/ },
    { name: "form POST /login, Content-Type application/json", run: () => send("POST", "/login", { ...ORIGIN(), "content-type": "application/json" }, '{"email":"a@b.c"}'), status: [415], message: /form/i },
    { name: "form POST /login, no Content-Type", run: () => send("POST", "/login", { ...ORIGIN() }, "email=a"), status: [415], message: /form/i },
    { name: "form POST /support/new, multipart without boundary", run: () => send("POST", "/support/new", { ...ORIGIN(), cookie, "content-type": "multipart/form-data" }, "garbage"), status: [400, 415], message: /./ },
    {
      name: "form POST /support/new, NUL in the subject",
      run: () => send("POST", "/support/new", { ...ORIGIN(), cookie, "content-type": "application/x-www-form-urlencoded" }, "subject=Cracked%00mug&body=It+is+cracked.&category=other"),
      status: [400],
      message: /Remove the invisible NUL control character/,
      after: async () => ((await db().ticket.count({ where: { subject: { startsWith: "Cracked" } } })) ? "a ticket was created" : null),
    },

    // --- Stripe webhook ---
    { name: "Stripe webhook, 10 MB body", run: () => send("POST", "/webhooks/stripe", { "content-type": "application/json", "stripe-signature": "t=1,v1=00" }, tenMbJson()), status: [413], message: /too large/i },
    { name: "Stripe webhook, 256 MB chunked", run: () => streamRequest("POST", "/webhooks/stripe", { "content-type": "application/json", "stripe-signature": "t=1,v1=00", "transfer-encoding": "chunked" }, 256 * MB, big), status: [413], message: /too large/i },
    { name: "Stripe webhook, invalid UTF-8 body", run: () => send("POST", "/webhooks/stripe", { "content-type": "application/json", "stripe-signature": "t=1,v1=00" }, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), status: [400], message: /signature/i },
    {
      name: "Stripe webhook, correctly signed JSON nested 100,000 deep",
      run: () => {
        const payload = `{"id":"evt_deep","type":"checkout.session.completed","data":{"object":${deepJson(100_000)}}}`;
        return send("POST", "/webhooks/stripe", { "content-type": "application/json", "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret: WHSEC }) }, payload);
      },
      status: [400],
      message: /./,
    },
    { name: "Stripe webhook, text/xml", run: () => send("POST", "/webhooks/stripe", { "content-type": "text/xml", "stripe-signature": "t=1,v1=00" }, "<event/>"), status: [400], message: /signature/i },

    // --- Fulfilment API ---
    { name: "API PUT shipments, 10 MB JSON", run: () => send("PUT", `/api/v1/orders/${orderNumber}/shipments`, { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, tenMbJson()), status: [413], message: /too large/i },
    { name: "API PUT shipments, JSON nested 30,000 deep (60 KB)", run: () => send("PUT", `/api/v1/orders/${orderNumber}/shipments`, { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, `{"carrier":${deepJson(30_000)}}`), status: [422], message: /nested deeper than \d+ levels/i },
    { name: "API PUT shipments, invalid UTF-8", run: () => send("PUT", `/api/v1/orders/${orderNumber}/shipments`, { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, Buffer.concat([Buffer.from('{"carrier":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","tracking_number":"X1"}')])), status: [422], message: /UTF-8/ },
    { name: "API PUT shipments, NUL in carrier", run: () => send("PUT", `/api/v1/orders/${orderNumber}/shipments`, { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, JSON.stringify({ carrier: "UP\u0000S", tracking_number: "X1" })), status: [422], message: /NUL/ },
    { name: "API PUT shipments, text/xml body", run: () => send("PUT", `/api/v1/orders/${orderNumber}/shipments`, { authorization: `Bearer ${apiKey}`, "content-type": "text/xml" }, "<shipment/>"), status: [422], message: /not valid JSON/ },
  ];
}

beforeAll(async () => {
  app = await startTestApp({ STRIPE_WEBHOOK_SECRET: WHSEC, INBOUND_SMTP_PORT: String(await freePort()) }, { log: (m) => process.env.PROBE_DEBUG && process.stderr.write(m + "\n") });
  const c = await createCustomer(db(), { login: true });
  customerEmail = c.email;
  cookie = `${SESSION_COOKIE}=${(await createSession(db(), c.userId!, { ip: "127.0.0.1" })).token}`;
  const admin = await createStaff(db(), { role: "ADMIN" });
  apiKey = (await createApiKey(db(), { id: admin.id }, { name: "malformed", scopes: ["orders:read", "orders:write"] })).key;
  orderNumber = (await createOrder(db(), { customerId: c.id, status: "PAID" })).number;
  // Warm up (first renders, JIT, pools) before the baseline.
  for (let i = 0; i < 5; i++) await fetch(`${app.url}/login`);
  baselineRss = process.memoryUsage().rss;
});
afterAll(async () => {
  await app?.stop();
});

/** The server still answers a normal page and a normal tRPC call, and RSS is within the ceiling. */
async function healthy(): Promise<string | null> {
  const page = await fetch(`${app.url}/login`);
  if (page.status !== 200) return `GET /login → ${page.status} afterwards`;
  await page.text();
  const rpc = await fetch(`${app.url}/api/trpc/help.categories`);
  if (rpc.status !== 200) return `GET /api/trpc/help.categories → ${rpc.status} afterwards`;
  await rpc.text();
  const grown = process.memoryUsage().rss - baselineRss;
  if (grown > RSS_CEILING) return `RSS grew by ${Math.round(grown / MB)} MB (ceiling ${RSS_CEILING / MB} MB)`;
  return null;
}

describe("oversized and malformed input", () => {
  it("HTTP: tRPC, form posts, the Stripe webhook and the fulfilment API answer a clear 4xx, stay up, memory bounded", async () => {
    const failures: string[] = [];
    const list = cases();
    let peak = 0;
    for (const c of list) {
      let r: Reply;
      try {
        r = await c.run();
      } catch (e) {
        failures.push(`${c.name}: the request failed: ${(e as Error).message}`);
        continue;
      }
      const text = r.text.slice(0, 300);
      if (process.env.PROBE_DEBUG) process.stderr.write(`[case] ${c.name} → ${r.status} ${text.slice(0, 160)} rss+${Math.round((process.memoryUsage().rss - baselineRss) / MB)}MB\n`);
      if (!c.status.includes(r.status) || !c.message.test(r.text)) failures.push(`${c.name}: got ${r.status} «${text}», want ${c.status.join("/")} matching ${c.message}`);
      const notAfter = await c.after?.();
      if (notAfter) failures.push(`${c.name}: ${notAfter}`);
      const sick = await healthy();
      if (sick) failures.push(`${c.name}: ${sick}`);
      peak = Math.max(peak, process.memoryUsage().rss - baselineRss);
    }
    recordHardening({ area: "input", name: "oversized / malformed HTTP bodies (tRPC, forms, webhook, API)", tried: list.length, failed: failures.length, detail: `peak RSS +${Math.round(peak / MB)} MB over baseline (ceiling +${RSS_CEILING / MB} MB)` });
    expect(failures).toEqual([]);
  });

  it("SMTP: 300 attachments are taken with 5 kept and the rest named briefly; 1,000 attachments and a 400 MB mail are refused with a clear 552; the listener stays up", async () => {
    const failures: string[] = [];
    const before = await db().ticket.count({ where: { customer: { email: customerEmail } } });
    const files = (n: number) => Array.from({ length: n }, (_, i) => ({ filename: `scan-of-page-${String(i + 1).padStart(4, "0")}-of-${n}.txt`, content: `page ${i + 1}\n` }));
    const r0 = await smtp(Buffer.from(mime(files(300))));
    if (!r0.startsWith("250")) failures.push(`300 attachments: got «${r0}», want 250`);
    else {
      const t = await db().ticket.findFirst({ where: { customer: { email: customerEmail } }, orderBy: { createdAt: "desc" }, include: { messages: { include: { attachments: true } } } });
      const m = t?.messages[0];
      if (!m || m.attachments.length !== 5) failures.push(`300 attachments: the ticket message has ${m?.attachments.length} attachments, want 5`);
      if (!m || !/Attachments not accepted.*scan-of-page-0006-of-300\.txt.* and 285 more\]/s.test(m.body)) failures.push(`300 attachments: the message does not name the first refused files and count the rest: «${m?.body.slice(-300)}»`);
    }
    const r1 = await smtp(Buffer.from(mime(files(1000))));
    if (!/^552 5\.3\.4 The message has more than 1,000 parts/.test(r1)) failures.push(`1,000 attachments: got «${r1}», want 552 5.3.4 …more than 1,000 parts`);
    const sick1 = await healthy();
    if (sick1) failures.push(`after 1,000 attachments: ${sick1}`);

    const r2 = await smtp(bigMail(400 * MB));
    if (!/^552 .*larger than 25 MB/.test(r2)) failures.push(`400 MB mail: got «${r2}», want 552 …larger than 25 MB`);
    const sick = await healthy();
    if (sick) failures.push(`after the 400 MB mail: ${sick}`);
    // The listener still takes a normal mail.
    const r3 = await smtp(Buffer.from(mime([{ filename: "note.txt", content: "hello" }], "A normal mail after the big ones.")));
    if (!r3.startsWith("250")) failures.push(`normal mail afterwards: got «${r3}»`);
    const after = await db().ticket.count({ where: { customer: { email: customerEmail } } });
    if (after - before !== 2) failures.push(`tickets created: ${after - before}, want 2 (the 300-attachment mail and the normal one)`);
    recordHardening({ area: "input", name: "inbound SMTP: 300 and 1,000 attachments, 400 MB mail", tried: 4, failed: failures.length, detail: `RSS +${Math.round((process.memoryUsage().rss - baselineRss) / MB)} MB after` });
    expect(failures).toEqual([]);
  });

  it("CSV import: a 100 MB line, an unterminated quote over 200,000 lines, a 1 MB field: a clear error with the line, nothing written, memory bounded", async () => {
    const failures: string[] = [];
    const header = CSV_HEADER.join(",") + "\n";
    const goodRow = (n: number) => `,csv-${n}-${randomBytes(3).toString("hex")}@example.test,Ann Lee,CSVH-${n}-${randomBytes(3).toString("hex")},2026-01-02T10:00:00Z,USD,12.50,paid\n`;
    const variants: [string, () => AsyncIterable<string>, RegExp][] = [
      [
        "a 100 MB line without a line break",
        () =>
          csvChunks([
            header,
            goodRow(1),
            function* () {
              const block = "x".repeat(64 * 1024);
              for (let i = 0; i < 1600; i++) yield block;
            },
          ]),
        /line 3: .*longer than/i,
      ],
      [
        "an unterminated quote followed by 200,000 lines",
        () =>
          csvChunks([
            header,
            ',a@example.test,"Ann Lee,CSVQ-1,2026-01-02T10:00:00Z,USD,1.00,paid\n',
            function* () {
              for (let i = 0; i < 200_000; i++) yield goodRow(i);
            },
          ]),
        /line 2: .*longer than/i,
      ],
      ["a 1 MB name field", () => csvChunks([header, goodRow(1), `,big@example.test,${"N".repeat(MB)},CSVB-1,2026-01-02T10:00:00Z,USD,1.00,paid\n`]), /line 3: .*longer than/i],
    ];
    for (const [name, chunks, want] of variants) {
      const client = await pgPool().connect();
      try {
        const before = await db().order.count();
        const report = await importOrdersCsv(client, chunks());
        const first = report.errors[0]?.message ? `line ${report.errors[0].line}: ${report.errors[0].message}` : "";
        if (report.imported !== 0 || !want.test(first)) failures.push(`${name}: imported ${report.imported}, first error «${first.slice(0, 200)}», want ${want}`);
        if ((await db().order.count()) !== before) failures.push(`${name}: orders were written`);
      } catch (e) {
        failures.push(`${name}: threw ${(e as Error).message.slice(0, 200)}`);
      } finally {
        client.release();
      }
      const grown = process.memoryUsage().rss - baselineRss;
      if (grown > RSS_CEILING) failures.push(`${name}: RSS grew by ${Math.round(grown / MB)} MB`);
    }
    recordHardening({ area: "input", name: "CSV import: huge line, unterminated quote, huge field", tried: variants.length, failed: failures.length });
    expect(failures).toEqual([]);
  });
});
