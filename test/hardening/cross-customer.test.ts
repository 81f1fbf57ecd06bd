// Cross-customer probing (issue #13, area "probes"): customer B, signed in, asks for customer A's
// resources by A's real identifiers, by guessed neighbours (number ± 1) and by random ids, on every
// page of the route table (app/routes.ts, document and .data requests, GET and form POST), every
// tRPC procedure of the root router (over HTTP, inputs built from each procedure's zod shape), the
// Express-level endpoints of server/http.ts (tracking links, Stripe webhook) and the fulfilment
// API's routes (server/api/v1.ts). B must get 404 / NOT_FOUND (403 or a sign-in for staff pages,
// 401 on the API) and no response may contain any of A's distinctive strings, except what B itself
// put in the request. The probe tables are keyed by route pattern, param name and input key, and a
// test fails naming any parametrised route, Express endpoint or customer-callable input key that
// has no mapping: a new route or procedure is covered or the suite says so.
// Positive controls: the same URLs and procedures served to A do contain A's strings (so an empty
// or broken page cannot pass as "no leak"), and A's data is unchanged after B's mutations.
// Needs `npm run build` first.
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Stripe from "stripe";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import routeConfig from "../../app/routes.ts";
import type { Rapport } from "../../server/app.ts";
import { db } from "../../server/db/client.ts";
import { sendNpsSurvey } from "../../server/domain/analytics/nps.ts";
import { createSession, SESSION_COOKIE } from "../../server/domain/auth/sessions.ts";
import { hashToken, newToken } from "../../server/domain/auth/tokens.ts";
import { signToken } from "../../server/domain/campaigns/tokens.ts";
import { ensureReferralCode } from "../../server/domain/loyalty/referrals.ts";
import { checkAttachments, storeAttachments } from "../../server/domain/support/attachments.ts";
import { fulfilmentApiRouter } from "../../server/api/v1.ts";
import type { Meta } from "../../server/trpc/init.ts";
import { appRouter } from "../../server/trpc/root.ts";
import { createCustomer, createLedgerEntry, createOrder, createTicket, DAY } from "../factories/index.ts";
import { startTestApp } from "../setup/app.ts";
import { callerAs, testServices } from "../setup/harness.ts";
import { recordHardening } from "./report.ts";

const WHSEC = "whsec_probes_" + "p".repeat(24);
let app: Rapport;

// ---------------------------------------------------------------------------------------------
// Customer A's rich data, and the strings that must never reach B.

const tag = randomBytes(5).toString("hex");
const TAG = tag.toUpperCase();
interface DataOfA {
  customerId: string;
  userId: string;
  email: string;
  name: string;
  orders: { number: string; itemId: string; itemName: string; tracking: string }[];
  tickets: { number: number; subject: string; body: string }[];
  attachment: { id: string; filename: string; content: string };
  redemption: { id: string; code: string; rewardId: string };
  referralCode: string;
  ledgerReason: string;
  returnComment: string;
  npsToken: string;
  erasureToken: string;
  unsubscribeToken: string;
  session: { id: string; token: string };
  mailId: string;
  mailSubject: string;
}
let A: DataOfA;
let B: { customerId: string; userId: string; email: string };

/** A's strings that B must never see (each appears in A's own pages: see the positive controls). */
function secretsOfA(): Record<string, string> {
  return {
    email: A.email,
    name: A.name,
    customerId: A.customerId,
    userId: A.userId,
    order1: A.orders[0]!.number,
    order2: A.orders[1]!.number,
    itemName: A.orders[0]!.itemName,
    tracking: A.orders[0]!.tracking,
    ticketSubject: A.tickets[0]!.subject,
    ticketBody: A.tickets[0]!.body,
    solvedSubject: A.tickets[1]!.subject,
    attachmentName: A.attachment.filename,
    attachmentContent: A.attachment.content,
    attachmentId: A.attachment.id,
    redemptionCode: A.redemption.code,
    redemptionId: A.redemption.id,
    referralCode: A.referralCode,
    ledgerReason: A.ledgerReason,
    returnComment: A.returnComment,
    sessionId: A.session.id,
    mailSubject: A.mailSubject,
    // The tag is in every one of A's strings above; a fragment of any of them is a leak too.
    tag,
  };
}

/** A's strings found in `body` that B did not itself send (`request`), each with some context. */
function leaks(body: string, request: string): string[] {
  const req = safeDecode(request).toLowerCase();
  const text = body.toLowerCase();
  return Object.entries(secretsOfA())
    .filter(([, v]) => !req.includes(v.toLowerCase()) && text.includes(v.toLowerCase()))
    .map(([k, v]) => {
      const at = text.indexOf(v.toLowerCase());
      return `${k} in «${body.slice(Math.max(0, at - 60), at + v.length + 20)}»`;
    });
}
function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function cuidLike() {
  return "c" + randomBytes(12).toString("hex").slice(0, 24);
}
function tamper(token: string) {
  const last = token.at(-1)!;
  return token.slice(0, -1) + (last === "A" ? "B" : "A");
}
function bump(orderNumber: string, by: number) {
  const m = /^(.*?)(\d+)$/.exec(orderNumber)!;
  return m[1]! + String(Number(m[2]) + by).padStart(m[2]!.length, "0");
}

async function sessionCookie(userId: string) {
  const s = await createSession(db(), userId, { ip: "127.0.0.1" });
  return `${SESSION_COOKIE}=${s.token}`;
}

interface HttpResult {
  status: number;
  text: string;
  location: string | null;
}
async function http(method: string, url: string, opts: { cookie?: string; body?: string | URLSearchParams; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: "text/html,application/json", ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (method !== "GET") headers.origin = app.url;
  const res = await fetch(`${app.url}${url}`, { method, headers, body: opts.body, redirect: "manual" });
  return { status: res.status, text: await res.text(), location: res.headers.get("location") };
}

// ---------------------------------------------------------------------------------------------
// The route table, flattened.

interface RouteEntry {
  path?: string;
  index?: boolean;
  file: string;
  children?: RouteEntry[];
}
function flatten(entries: RouteEntry[], parent = ""): { path: string; file: string }[] {
  const out: { path: string; file: string }[] = [];
  for (const e of entries) {
    const p = e.index ? parent : [parent, e.path ?? ""].filter(Boolean).join("/");
    out.push({ path: p, file: e.file });
    if (e.children) out.push(...flatten(e.children, p));
  }
  return out;
}
const ROUTES = flatten(routeConfig as unknown as RouteEntry[]);
const paramsOf = (p: string) => p.split("/").filter((s) => s.startsWith(":") || s === "*").map((s) => s.replace(/^:/, "").replace(/\?$/, ""));

/** What an identifier in a URL is, per route pattern and param name. */
type IdKind = "orderNumber" | "ticketNumber" | "attachmentId" | "npsToken" | "unsubscribeToken" | "helpSlug" | "customerId" | "helpArticleId" | "segmentId" | "campaignId" | "automationKey" | "mailId" | "path";
/** customer: owned by a customer (B gets 404, A gets 200); staff: B gets 403; token: a bearer link
 *  (guessed/altered tokens get 404 — the real token is A's secret from A's mailbox, see README);
 *  public: public content addressed by A's strings (404). */
type RouteClass = "customer" | "staff" | "token" | "public";
const ROUTE_PROBES: Record<string, { cls: RouteClass; params: Record<string, IdKind> }> = {
  "survey/nps/:token": { cls: "token", params: { token: "npsToken" } },
  "u/:token": { cls: "token", params: { token: "unsubscribeToken" } },
  "orders/:number": { cls: "customer", params: { number: "orderNumber" } },
  "orders/:number/receipt": { cls: "customer", params: { number: "orderNumber" } },
  "support/attachments/:id": { cls: "customer", params: { id: "attachmentId" } },
  "support/:number": { cls: "customer", params: { number: "ticketNumber" } },
  "support/:number/rate": { cls: "customer", params: { number: "ticketNumber" } },
  "help/:slug": { cls: "public", params: { slug: "helpSlug" } },
  "staff/orders/:number": { cls: "staff", params: { number: "orderNumber" } },
  "staff/tickets/:number": { cls: "staff", params: { number: "ticketNumber" } },
  "staff/help/:id": { cls: "staff", params: { id: "helpArticleId" } },
  "staff/loyalty/:customerId": { cls: "staff", params: { customerId: "customerId" } },
  "staff/customers/:id": { cls: "staff", params: { id: "customerId" } },
  "marketing/segments/:id": { cls: "staff", params: { id: "segmentId" } },
  "marketing/campaigns/:id": { cls: "staff", params: { id: "campaignId" } },
  "marketing/campaigns/:id/edit": { cls: "staff", params: { id: "campaignId" } },
  "marketing/automations/:key": { cls: "staff", params: { key: "automationKey" } },
  "admin/mailbox/:id": { cls: "staff", params: { id: "mailId" } },
  "*": { cls: "public", params: { "*": "path" } },
};

/** The values B tries for an identifier: A's real one (not for bearer tokens), neighbours, random. */
function valuesFor(kind: IdKind): { label: string; value: string; real: boolean }[] {
  const o1 = A.orders[0]!.number;
  const t1 = A.tickets[0]!.number;
  switch (kind) {
    case "orderNumber":
      return [
        { label: "A's order", value: o1, real: true },
        { label: "A's 2nd order", value: A.orders[1]!.number, real: true },
        { label: "A's order +1", value: bump(o1, 1), real: false },
        { label: "A's order -1", value: bump(o1, -1), real: false },
        { label: "A's order, lower case", value: o1.toLowerCase(), real: false },
      ];
    case "ticketNumber":
      return [
        { label: "A's ticket", value: String(t1), real: true },
        { label: "A's solved ticket", value: String(A.tickets[1]!.number), real: true },
        { label: "A's ticket +1", value: String(t1 + 1), real: false },
        { label: "A's ticket -1", value: String(t1 - 1), real: false },
        { label: "A's ticket, padded", value: `0${t1}`, real: false },
      ];
    case "attachmentId":
      return [
        { label: "A's attachment", value: A.attachment.id, real: true },
        { label: "A's attachment, altered", value: tamper(A.attachment.id), real: false },
        { label: "random cuid", value: cuidLike(), real: false },
      ];
    case "npsToken":
      return [
        { label: "A's survey token, altered", value: tamper(A.npsToken), real: false },
        { label: "random token", value: newToken(), real: false },
      ];
    case "unsubscribeToken":
      return [
        { label: "A's unsubscribe token, altered", value: tamper(A.unsubscribeToken), real: false },
        { label: "forged for A's id", value: `u.${A.customerId}.x.${"0".repeat(43)}`, real: false },
      ];
    case "helpSlug":
      return [
        { label: "A's ticket subject", value: encodeURIComponent(A.tickets[0]!.subject), real: false },
        { label: "A's order", value: o1, real: false },
      ];
    case "customerId":
      return [
        { label: "A's customer id", value: A.customerId, real: true },
        { label: "A's user id", value: A.userId, real: false },
        { label: "random cuid", value: cuidLike(), real: false },
      ];
    case "mailId":
      return [
        { label: "mail to A", value: A.mailId, real: true },
        { label: "random cuid", value: cuidLike(), real: false },
      ];
    case "helpArticleId":
    case "segmentId":
    case "campaignId":
      return [
        { label: "A's customer id", value: A.customerId, real: false },
        { label: "random cuid", value: cuidLike(), real: false },
      ];
    case "automationKey":
      return [{ label: "A's customer id", value: A.customerId, real: false }];
    case "path":
      return [
        { label: "A's order under a made-up path", value: `x/orders/${o1}`, real: false },
        { label: "A's attachment under a made-up path", value: `files/${A.attachment.id}`, real: false },
      ];
  }
}

function fill(pattern: string, values: Record<string, string>) {
  return (
    "/" +
    pattern
      .split("/")
      .map((s) => (s === "*" ? values["*"]! : s.startsWith(":") ? values[s.slice(1)]! : s))
      .join("/")
  );
}

/** The form intents a route's page posts (read from the route module, so a new intent is probed). */
function intentsOf(file: string): string[] {
  const src = fs.readFileSync(path.resolve("app", file), "utf8");
  const found = new Set<string>();
  for (const m of src.matchAll(/name="intent"\s+value="([\w-]+)"/g)) found.add(m[1]!);
  for (const m of src.matchAll(/intent\S*\s*===\s*"([\w-]+)"/g)) found.add(m[1]!);
  return found.size ? [...found] : [""];
}
const hasAction = (file: string) => /export\s+(async\s+)?function\s+action\b/.test(fs.readFileSync(path.resolve("app", file), "utf8"));

// ---------------------------------------------------------------------------------------------
// tRPC: procedures and their input shapes.

interface AnyProcedure {
  _def: { type: "query" | "mutation"; meta?: Meta; inputs: z.ZodType[] };
}
const PROCEDURES = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, AnyProcedure> } })._def.procedures);

interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
}
function inputShape(p: AnyProcedure): { props: Record<string, JsonSchema>; required: string[] } | null {
  const schema = p._def.inputs[0];
  if (!schema) return null;
  const js = z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) as JsonSchema;
  return { props: js.properties ?? {}, required: js.required ?? [] };
}
const typesOf = (s: JsonSchema): string[] => (s.anyOf ? s.anyOf.flatMap(typesOf) : s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

/** Input values per key (first value = the one used while another key varies); `undefined` omits
 *  an optional key. `path` is the procedure, `types` the key's JSON types. */
type KeyValues = (path: string, types: string[]) => unknown[];
const INPUT_KEYS: Record<string, KeyValues> = {
  email: (_p, t) => (t.includes("boolean") ? [true] : [A.email, A.email.toUpperCase()]),
  password: () => ["not-the-password-of-A-1"],
  name: () => ["Probe B"],
  locale: () => ["en"],
  timeZone: () => ["UTC"],
  birthday: () => [null],
  sms: () => [false],
  push: () => [false],
  token: (p) =>
    p.startsWith("analytics.")
      ? [tamper(A.npsToken), newToken()]
      : p === "privacy.confirmErasure"
        ? [A.erasureToken, tamper(A.erasureToken)] // bound to A's session: B holding A's token gets nothing
        : p.startsWith("campaigns.")
          ? [tamper(A.unsubscribeToken), `c.${A.customerId}.x.${"0".repeat(43)}`, `o.${A.customerId}.x.${"0".repeat(43)}`]
          : [newToken(), tamper(A.erasureToken)],
  referralCode: () => [A.referralCode],
  id: (p) =>
    p === "account.revokeSession"
      ? [A.session.id, tamper(A.session.id), cuidLike()]
      : p === "support.attachment"
        ? [A.attachment.id, tamper(A.attachment.id), cuidLike()]
        : p === "loyalty.redemption"
          ? [A.redemption.id, tamper(A.redemption.id), cuidLike()]
          : [A.customerId, cuidLike()],
  number: (p, t) => {
    const orders = [A.orders[0]!.number, A.orders[1]!.number, bump(A.orders[0]!.number, 1), bump(A.orders[0]!.number, -1)];
    const tickets = [A.tickets[0]!.number, A.tickets[1]!.number, A.tickets[0]!.number + 1, A.tickets[0]!.number - 1];
    if (p.startsWith("orders.")) return orders;
    if (p.startsWith("support.")) return t.includes("integer") || t.includes("number") ? tickets : tickets.map(String);
    return [...orders, ...tickets];
  },
  orderNumber: () => [A.orders[0]!.number, bump(A.orders[0]!.number, 1)],
  q: (p) => (p.startsWith("orders.") ? [undefined, A.orders[0]!.number, A.orders[0]!.itemName, A.orders[0]!.tracking] : [A.tickets[0]!.subject, A.email, A.orders[0]!.number]),
  status: () => [undefined],
  page: () => [undefined],
  pageSize: () => [undefined],
  reason: () => ["damaged"],
  comment: () => ["probe comment"],
  items: () => [[{ orderItemId: A.orders[0]!.itemId, quantity: 1 }]],
  subject: () => ["Probe subject from B"],
  body: () => ["probe body from B"],
  category: () => [undefined],
  attachments: () => [undefined],
  score: () => [9],
  slug: () => [A.tickets[0]!.subject, A.orders[0]!.number],
  guestId: () => [undefined],
  articleId: () => [A.customerId, cuidLike()],
  from: () => [undefined],
  helpful: () => [true],
  rewardId: () => [A.redemption.rewardId, cuidLike()],
  requestId: () => [randomUUID()],
  code: () => [A.referralCode, A.redemption.code],
  acknowledge: () => [true],
};

const customerCallable = PROCEDURES.filter(([, p]) => p._def.meta?.policy && p._def.meta.policy.kind !== "staff");
const staffOnly = PROCEDURES.filter(([, p]) => p._def.meta?.policy?.kind === "staff");

/** Inputs for one procedure: each key at its first value, then each key through its other values. */
function inputVariants(path: string, p: AnyProcedure, strict: boolean): { input: unknown; label: string }[] {
  const shape = inputShape(p);
  if (!shape) return [{ input: undefined, label: "no input" }];
  const base: Record<string, unknown> = {};
  const alternatives: [string, unknown[]][] = [];
  for (const [key, s] of Object.entries(shape.props)) {
    const fn = INPUT_KEYS[key];
    if (!fn) {
      if (strict) throw new Error(`${path}: input key "${key}" has no probe mapping in INPUT_KEYS`);
      base[key] = A.customerId;
      continue;
    }
    const values = fn(path, typesOf(s));
    base[key] = values[0];
    if (values.length > 1) alternatives.push([key, values.slice(1)]);
  }
  const out = [{ input: base, label: "base" }];
  for (const [key, values] of alternatives) for (const v of values) out.push({ input: { ...base, [key]: v }, label: `${key}=${String(v).slice(0, 40)}` });
  return out.map((o) => ({ ...o, input: JSON.parse(JSON.stringify(o.input)) as unknown }));
}

interface TrpcResult {
  status: number;
  code: string | null;
  text: string;
  request: string;
}
async function trpc(path: string, type: "query" | "mutation", input: unknown, cookie?: string): Promise<TrpcResult> {
  const json = input === undefined ? "" : JSON.stringify(input);
  const headers: Record<string, string> = { "x-rapport-client": "probes", "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  const url = type === "query" ? `/api/trpc/${path}${json ? `?input=${encodeURIComponent(json)}` : ""}` : `/api/trpc/${path}`;
  const res = await fetch(`${app.url}${url}`, { method: type === "query" ? "GET" : "POST", headers, body: type === "mutation" ? json || undefined : undefined });
  const text = await res.text();
  let code: string | null = null;
  try {
    code = (JSON.parse(text) as { error?: { data?: { code?: string } } }).error?.data?.code ?? null;
  } catch {
    code = "NOT_JSON";
  }
  return { status: res.status, code, text, request: `${path} ${json}` };
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  app = await startTestApp({ STRIPE_WEBHOOK_SECRET: WHSEC, TOUCHPOINT_VIEWS: "off" });
  const name = `Quillon Marchetti-${TAG}`;
  const a = await createCustomer(db(), { login: true, name, email: `probe-a-${tag}@example.test`, consentEmail: true });
  const b = await createCustomer(db(), { login: true, name: "Probe B", email: `probe-b-${randomBytes(5).toString("hex")}@example.test` });
  B = { customerId: b.id, userId: b.userId!, email: b.email };
  const base = 100_000 + Math.floor(Math.random() * 800_000);
  const itemName = `Gooseneck kettle ${TAG}`;
  const o1 = await createOrder(db(), {
    customerId: a.id,
    number: `PRB${base}`,
    status: "DELIVERED",
    placedAt: new Date(Date.now() - 6 * DAY),
    deliveredAt: new Date(Date.now() - DAY),
    items: [
      { name: itemName, quantity: 2, unitPriceMinor: 7900 },
      { name: `Tea tin ${TAG}`, quantity: 1, unitPriceMinor: 1200 },
    ],
    carrier: "UPS",
    trackingNumber: `1ZPRB${TAG}`,
  });
  const o2 = await createOrder(db(), { customerId: a.id, number: `PRB${base + 2}`, status: "SHIPPED", carrier: "UPS", trackingNumber: `1ZPRC${TAG}` });
  const { caller: asA } = await callerAs({ userId: a.userId! });
  const returnComment = `Strap torn on arrival ${TAG}`;
  await asA.orders.requestReturn({ number: o1.number, reason: "damaged", comment: returnComment, items: [{ orderItemId: o1.items[1]!.id, quantity: 1 }] });
  const t1 = await createTicket(db(), { customerId: a.id, order: o1, subject: `Lid leaks after a week ${TAG}`, body: `The lid of my kettle leaks, serial ${TAG}`, status: "OPEN" });
  const t2 = await createTicket(db(), { customerId: a.id, subject: `Wrong colour delivered ${TAG}`, body: `I ordered green ${TAG}`, status: "SOLVED" });
  const filename = `receipt-${tag}.txt`;
  const content = `private note of A ${TAG}`;
  const files = checkAttachments([{ filename, contentType: "text/plain", content: Buffer.from(content) }]);
  const [att] = await db().$transaction((tx) => storeAttachments(tx, t1.id, t1.messages[0]!.id, files));
  const ledgerReason = `Goodwill for the leaking lid ${TAG}`;
  await createLedgerEntry(db(), { customerId: a.id, availableDelta: 1234, reason: ledgerReason });
  const reward = await db().reward.create({ data: { kind: "FREE_SHIPPING", nameEn: "Free shipping", nameZh: "免运费", pointsCost: 100 } });
  const redemption = await db().redemption.create({ data: { customerId: a.id, rewardId: reward.id, code: `RW-PRB-${TAG}`, pointsCost: 100, expiresAt: new Date(Date.now() + 30 * DAY) } });
  const referralCode = await ensureReferralCode(db(), a.id);
  const nps = await db().$transaction((tx) => sendNpsSurvey(tx, { customerId: a.id, appUrl: app.url }));
  const erasureToken = newToken();
  await db().erasureRequest.create({ data: { customerId: a.id, tokenHash: hashToken(erasureToken), expiresAt: new Date(Date.now() + DAY) } });
  const session = await createSession(db(), a.userId!, { ip: "127.0.0.1" });
  const mailSubject = `Your order ${o1.number} has shipped ${TAG}`;
  const mail = await db().capturedMail.create({ data: { from: "shop@rapport.test", to: a.email, subject: mailSubject, text: `Hello ${name}`, headers: {} } });
  A = {
    customerId: a.id,
    userId: a.userId!,
    email: a.email,
    name,
    orders: [
      { number: o1.number, itemId: o1.items[1]!.id, itemName, tracking: `1ZPRB${TAG}` },
      { number: o2.number, itemId: o2.items[0]!.id, itemName: o2.items[0]!.name, tracking: `1ZPRC${TAG}` },
    ],
    tickets: [
      { number: t1.number, subject: t1.subject, body: t1.messages[0]!.body },
      { number: t2.number, subject: t2.subject, body: t2.messages[0]!.body },
    ],
    attachment: { id: att!.id, filename, content },
    redemption: { id: redemption.id, code: redemption.code, rewardId: reward.id },
    referralCode,
    ledgerReason,
    returnComment,
    npsToken: nps.token,
    erasureToken,
    unsubscribeToken: signToken("u", [a.id, "probecampaign"]),
    session: { id: session.session.id, token: session.token },
    mailId: mail.id,
    mailSubject,
  };
});
afterAll(async () => {
  await app?.stop();
});

/** A snapshot of everything B's mutations could have touched in A's data. */
async function stateOfA() {
  const c = await db().customer.findUniqueOrThrow({ where: { id: A.customerId }, select: { name: true, email: true, consentEmail: true, pointsAvailable: true } });
  const tickets = await db().ticket.findMany({ where: { customerId: A.customerId }, orderBy: { number: "asc" }, select: { number: true, status: true, csatScore: true, _count: { select: { messages: true } } } });
  const orders = await db().order.findMany({ where: { customerId: A.customerId }, orderBy: { number: "asc" }, select: { number: true, status: true, _count: { select: { returnRequests: true } } } });
  const sessions = await db().session.count({ where: { id: A.session.id } });
  const erasure = await db().erasureRequest.findMany({ where: { customerId: A.customerId }, select: { confirmedAt: true } });
  const nps = await db().npsResponse.findMany({ where: { customerId: A.customerId }, select: { respondedAt: true, score: true } });
  const redemptions = await db().redemption.findMany({ where: { customerId: A.customerId }, select: { status: true } });
  const ticketsOfBOnAOrders = await db().ticket.count({ where: { customerId: B.customerId, order: { customerId: A.customerId } } });
  return { c, tickets, orders, sessions, erasure, nps, redemptions, ticketsOfBOnAOrders };
}

describe("cross-customer probes", () => {
  it("every parametrised route of app/routes.ts has a probe mapping, with a kind for each of its params", () => {
    const parametrised = ROUTES.filter((r) => paramsOf(r.path).length > 0);
    expect(parametrised.length).toBeGreaterThan(10);
    const unmapped = parametrised.filter((r) => !ROUTE_PROBES[r.path]).map((r) => r.path);
    expect(unmapped, "routes with params but no entry in ROUTE_PROBES").toEqual([]);
    const unknownParams = parametrised.flatMap((r) => paramsOf(r.path).filter((p) => !ROUTE_PROBES[r.path]?.params[p]).map((p) => `${r.path}: ${p}`));
    expect(unknownParams, "route params without an IdKind").toEqual([]);
    const stale = Object.keys(ROUTE_PROBES).filter((p) => !ROUTES.some((r) => r.path === p));
    expect(stale, "ROUTE_PROBES entries for routes that no longer exist").toEqual([]);
  });

  it("every input key of every customer-callable tRPC procedure has a probe mapping", () => {
    expect(customerCallable.length).toBeGreaterThan(30);
    const missing = customerCallable.flatMap(([path, p]) =>
      Object.keys(inputShape(p)?.props ?? {})
        .filter((k) => !INPUT_KEYS[k])
        .map((k) => `${path}.${k}`),
    );
    expect(missing, "input keys without an INPUT_KEYS entry").toEqual([]);
  });

  it("pages: B gets 404 (403 on staff pages) and none of A's data for A's ids, neighbours and random ids; A is served", async () => {
    const cookieA = await sessionCookie(A.userId);
    const cookieB = await sessionCookie(B.userId);
    const failures: string[] = [];
    let tried = 0;
    const before = await stateOfA();

    // Positive controls: A's own pages carry A's strings (so "no leak" below means something).
    const controls: [string, string][] = [
      [`/orders/${A.orders[0]!.number}`, A.orders[0]!.tracking],
      [`/orders/${A.orders[0]!.number}`, A.returnComment],
      [`/orders/${A.orders[0]!.number}/receipt`, A.orders[0]!.itemName],
      [`/support/${A.tickets[0]!.number}`, A.tickets[0]!.subject],
      [`/support/${A.tickets[0]!.number}`, A.attachment.filename],
      [`/support/${A.tickets[1]!.number}/rate`, A.tickets[1]!.subject],
      [`/support/attachments/${A.attachment.id}`, A.attachment.content],
      [`/orders`, A.orders[1]!.number],
      [`/support`, A.tickets[1]!.subject],
      [`/rewards`, A.redemption.code],
      [`/rewards`, A.referralCode],
      [`/account`, A.email],
      [`/account/export`, A.ledgerReason],
    ];
    for (const [url, expected] of controls) {
      const r = await http("GET", url, { cookie: cookieA });
      if (r.status !== 200 || !r.text.includes(expected)) failures.push(`control: A's ${url} → ${r.status}, missing "${expected}"`);
    }

    const check = (what: string, r: HttpResult, request: string, okStatus: number[]) => {
      tried++;
      const leaked = leaks(r.text + (r.location ?? ""), request);
      if (!okStatus.includes(r.status) || leaked.length) failures.push(`${what} → ${r.status}${leaked.length ? ` LEAKED ${leaked.join(",")}` : ""}`);
    };

    for (const route of ROUTES) {
      const probe = ROUTE_PROBES[route.path];
      const params = paramsOf(route.path);
      if (!params.length) {
        // Pages without params: B's view must hold none of A's data (lists, account, export, rewards…).
        const url = "/" + route.path;
        check(`B GET ${url}`, await http("GET", url, { cookie: cookieB }), url, [200, 302, 303, 403, 404, 405]);
        check(`B GET ${url}.data`, await http("GET", `${url === "/" ? "/_root" : url}.data`, { cookie: cookieB }), url, [200, 202, 302, 303, 403, 404, 405]);
        continue;
      }
      if (!probe) continue; // reported by the mapping test
      // One param per route today; vary each param through its values, the others at their first.
      const lists = params.map((p) => [p, valuesFor(probe.params[p]!)] as const);
      const combos: { label: string; values: Record<string, string> }[] = [];
      for (const [p, vs] of lists) {
        for (const v of vs) {
          const values: Record<string, string> = Object.fromEntries(lists.map(([q, qs]) => [q, qs[0]!.value]));
          values[p] = v.value;
          combos.push({ label: `${p}=${v.label}`, values });
        }
      }
      const expectGet = probe.cls === "staff" ? [403] : [404];
      // .data: a thrown 404/403 keeps its status in single fetch.
      for (const combo of combos) {
        const url = fill(route.path, combo.values);
        check(`B GET ${route.path} (${combo.label}) ${url}`, await http("GET", url, { cookie: cookieB }), url, expectGet);
        check(`B GET ${route.path}.data (${combo.label})`, await http("GET", `${url}.data`, { cookie: cookieB }), url, expectGet);
        if (hasAction(route.file)) {
          for (const intent of intentsOf(route.file)) {
            const form = new URLSearchParams({ intent, body: "reply from B", comment: "from B", reason: "damaged", score: "1", token: "x", [`qty_${A.orders[0]!.itemId}`]: "1" });
            // A form POST is refused before anything is read or changed: 404 for customer pages
            // (403 staff, 404/400 on bearer-token pages).
            const okPost = probe.cls === "staff" ? [403] : probe.cls === "token" ? [400, 404] : [404, 405];
            check(`B POST ${route.path} intent=${intent} (${combo.label})`, await http("POST", url, { cookie: cookieB, body: form }), url + " " + form.toString(), okPost);
          }
        }
      }
    }

    // Query-string tokens of the account pages (links from A's mailbox), guessed or A's own
    // session-bound erasure token: nothing of A's, nothing confirmed.
    for (const url of ["/verify-email", "/magic", "/reset-password", "/invite", "/account/erasure"]) {
      for (const token of [newToken(), tamper(A.erasureToken), A.erasureToken]) {
        const u = `${url}?token=${encodeURIComponent(token)}`;
        check(`B GET ${u}`, await http("GET", u, { cookie: cookieB }), u, [200, 302, 303, 400, 404]);
      }
    }
    const confirm = await http("POST", "/account/erasure", { cookie: cookieB, body: new URLSearchParams({ token: A.erasureToken }) });
    check("B POST /account/erasure with A's token", confirm, `token=${A.erasureToken}`, [400, 404]);

    const after = await stateOfA();
    if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`A's data changed: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    recordHardening({ area: "probes", name: "pages of app/routes.ts as customer B (GET, .data, form POST)", tried, failed: failures.length, detail: `${ROUTES.length} routes, ${Object.keys(ROUTE_PROBES).length} parametrised; ${controls.length} positive controls as A` });
    expect(failures).toEqual([]);
  });

  it("tRPC: every customer-callable procedure, called by B over HTTP with A's ids, gets NOT_FOUND/FORBIDDEN or a result without A's data; A's data unchanged", async () => {
    const failures: string[] = [];
    let tried = 0;
    const before = await stateOfA();
    const refusals = new Set(["NOT_FOUND", "FORBIDDEN", "BAD_REQUEST", "UNAUTHORIZED", "CONFLICT", "TOO_MANY_REQUESTS", "PRECONDITION_FAILED", "UNPROCESSABLE_CONTENT"]);

    // Positive controls: A asking for A's resources gets them, with A's strings.
    const controls: [string, "query" | "mutation", unknown, string][] = [
      ["orders.detail", "query", { number: A.orders[0]!.number }, A.orders[0]!.tracking],
      ["support.ticket", "query", { number: A.tickets[0]!.number }, A.tickets[0]!.subject],
      ["loyalty.redemption", "query", { id: A.redemption.id }, A.redemption.code],
      ["privacy.export", "query", undefined, A.ledgerReason],
      ["analytics.npsSurvey", "query", { token: A.npsToken }, A.name],
    ];
    const cookieA = await sessionCookie(A.userId);
    for (const [path, type, input, expected] of controls) {
      const r = await trpc(path, type, input, cookieA);
      if (r.status !== 200 || !r.text.includes(expected)) failures.push(`control: A ${path} → ${r.status} ${r.code}, missing "${expected}"`);
    }

    for (const [path, proc] of customerCallable) {
      const owned = proc._def.meta?.resource;
      for (const { input, label } of inputVariants(path, proc, true)) {
        // A fresh session per call: some calls end B's session (signOut) or change B's profile.
        const cookie = await sessionCookie(B.userId);
        const r = await trpc(path, proc._def.type, input, cookie);
        tried++;
        const leaked = leaks(r.text, r.request);
        const ownedReal = owned && typeof input === "object" && input !== null && isRealOfA((input as Record<string, unknown>)[owned.field]);
        const bad = leaked.length > 0 || (r.status === 200 ? Boolean(ownedReal) : !r.code || !refusals.has(r.code)) || (ownedReal && r.code !== "NOT_FOUND");
        if (bad) failures.push(`B ${path} (${label}) → ${r.status} ${r.code ?? "ok"}${leaked.length ? ` LEAKED ${leaked.join(",")}` : ""}: ${r.text.slice(0, 200)}`);
      }
    }
    // Staff procedures: B is refused whatever ids it sends (policy before input).
    for (const [path, proc] of staffOnly) {
      for (const { input, label } of inputVariants(path, proc, false).slice(0, 2)) {
        const r = await trpc(path, proc._def.type, input, await sessionCookie(B.userId));
        tried++;
        const leaked = leaks(r.text, r.request);
        if (r.code !== "FORBIDDEN" || leaked.length) failures.push(`B staff ${path} (${label}) → ${r.status} ${r.code}${leaked.length ? ` LEAKED ${leaked.join(",")}` : ""}`);
      }
    }
    const after = await stateOfA();
    // B attaching A's public referral code makes A B's referrer: that is what the code is for, and
    // it is B's record that changes, not A's (referredById is on B). Everything of A's stays.
    if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`A's data changed: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    recordHardening({ area: "probes", name: "tRPC procedures as customer B over HTTP", tried, failed: failures.length, detail: `${customerCallable.length} customer-callable + ${staffOnly.length} staff procedures; ${controls.length} positive controls as A` });
    expect(failures).toEqual([]);
  });

  it("Express endpoints, the fulfilment API and the Stripe webhook: B's session and guessed keys get 401/404/400 and none of A's data", async () => {
    const failures: string[] = [];
    let tried = 0;
    const cookieB = await sessionCookie(B.userId);
    const check = (what: string, r: HttpResult, request: string, ok: number[]) => {
      tried++;
      const leaked = leaks(r.text + (r.location ?? ""), request);
      if (!ok.includes(r.status) || leaked.length) failures.push(`${what} → ${r.status}${leaked.length ? ` LEAKED ${leaked.join(",")}` : ""}: ${r.text.slice(0, 160)}`);
    };

    // The Express-level mounts of server/http.ts, read from its source: a new one fails here
    // until it is probed below.
    const httpSrc = fs.readFileSync(path.resolve("server/http.ts"), "utf8");
    const mounts = [...httpSrc.matchAll(/app\.(?:get|post|use|all)\(\s*(?:"([^"]+)"|\/(\^.*?\$)\/)/g)].map((m) => m[1] ?? m[2]!);
    const PROBED_MOUNTS = ["/healthz", "/webhooks/stripe", "/api/v1", "/api/trpc", "/t/o/:token", "/t/c/:token", "/assets", String.raw`^\/u\/[^/]+$`];
    expect(
      mounts.filter((m) => !PROBED_MOUNTS.includes(m)),
      "Express mounts in server/http.ts without a probe",
    ).toEqual([]);

    // Campaign tracking links with forged tokens naming A.
    for (const t of [`o.${A.customerId}.x.${"0".repeat(43)}`, tamper(A.unsubscribeToken)]) check(`B GET /t/o/${t}`, await http("GET", `/t/o/${t}`, { cookie: cookieB }), t, [200]);
    for (const t of [`c.${A.customerId}.x.${"0".repeat(43)}`, tamper(A.unsubscribeToken)]) check(`B GET /t/c/${t}`, await http("GET", `/t/c/${t}`, { cookie: cookieB }), t, [404]);
    for (const t of [tamper(A.unsubscribeToken), `u.${A.customerId}.x.${"0".repeat(43)}`]) check(`POST /u/${t} (one-click)`, await http("POST", `/u/${t}`, { body: new URLSearchParams({ "List-Unsubscribe": "One-Click" }) }), t, [404]);
    check("GET /healthz", await http("GET", "/healthz", { cookie: cookieB }), "", [200]);

    // The fulfilment API: its routes read from the router itself.
    const v1 = fulfilmentApiRouter(testServices()) as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    const apiRoutes = v1.stack.filter((l) => l.route).map((l) => ({ path: l.route!.path, methods: Object.keys(l.route!.methods).filter((m) => m !== "_all") }));
    expect(apiRoutes.length).toBeGreaterThan(2);
    for (const r of apiRoutes) {
      expect(paramsOf(r.path).every((p) => p === "number"), `/api/v1${r.path}: unknown param`).toBe(true);
      for (const method of r.methods) {
        for (const number of [A.orders[0]!.number, bump(A.orders[0]!.number, 1)]) {
          const url = `/api/v1${r.path.replace(":number", number)}`;
          const body = method === "get" ? undefined : JSON.stringify({ carrier: "UPS", tracking_number: "X", status: "in_transit", reason: "probe" });
          for (const [who, headers] of [
            ["B's session", { cookie: cookieB, "content-type": "application/json" }],
            ["guessed key", { authorization: `Bearer rk_${randomBytes(16).toString("hex")}`, "content-type": "application/json" }],
            ["A's session token as key", { authorization: `Bearer ${A.session.token}`, "content-type": "application/json" }],
          ] as const) {
            const res = await http(method.toUpperCase(), url, { headers: { ...headers }, body });
            check(`${method.toUpperCase()} ${url} with ${who}`, res, url, [401]);
          }
        }
      }
    }

    // The Stripe webhook: unsigned or wrongly signed events naming A's order are refused.
    const event = JSON.stringify({ id: `evt_${tag}`, type: "checkout.session.completed", data: { object: { id: `cs_${tag}`, metadata: { orderNumber: A.orders[0]!.number }, customer_email: A.email } } });
    const wrong = Stripe.webhooks.generateTestHeaderString({ payload: event, secret: "whsec_wrong_" + "w".repeat(24) });
    for (const [what, headers] of [
      ["no signature", {}],
      ["wrong secret", { "stripe-signature": wrong }],
      ["B's session", { cookie: cookieB }],
    ] as const) {
      check(`POST /webhooks/stripe (${what})`, await http("POST", "/webhooks/stripe", { headers: { "content-type": "application/json", ...headers }, body: event }), event, [400]);
    }
    recordHardening({ area: "probes", name: "Express endpoints, /api/v1 and /webhooks/stripe as customer B", tried, failed: failures.length, detail: `${apiRoutes.length} API routes × methods × 2 numbers × 3 credentials` });
    expect(failures).toEqual([]);
  });
});

function isRealOfA(v: unknown): boolean {
  const real = [A.session.id, A.attachment.id, A.redemption.id, ...A.orders.map((o) => o.number), ...A.tickets.map((t) => t.number), ...A.tickets.map((t) => String(t.number))];
  return real.includes(v as string);
}
