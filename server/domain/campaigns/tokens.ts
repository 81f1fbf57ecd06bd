// Signed tokens in campaign mail: unsubscribe (names the customer and the campaign), open pixel and
// click links (name the recipient row; a click names the link's index in the campaign's own body, so
// only links that were in the message are ever followed — no open redirect). HMAC-SHA256 under a key
// derived from SESSION_SECRET; a forged or altered token verifies as null and changes nothing.
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../../env.ts";

export type TokenKind = "u" | "o" | "c";

let keyCache: { secret: string; key: Buffer } | undefined;
function key(): Buffer {
  const secret = env().SESSION_SECRET;
  if (keyCache?.secret !== secret) keyCache = { secret, key: createHmac("sha256", secret).update("rapport:campaign-token:v1").digest() };
  return keyCache.key;
}

const PART = /^[A-Za-z0-9_-]{1,64}$/;

function mac(payload: string) {
  return createHmac("sha256", key()).update(payload).digest().subarray(0, 16).toString("base64url");
}

/** kind + parts (ids: letters, digits, - and _) → "<kind>.<part>.<part>….<signature>". */
export function signToken(kind: TokenKind, parts: string[]): string {
  for (const p of parts) if (!PART.test(p)) throw new Error(`token part not allowed: ${p}`);
  const payload = [kind, ...parts].join(".");
  return `${payload}.${mac(payload)}`;
}

/** The parts of a valid token of `kind` (exactly `count` of them), else null. */
export function verifyToken(kind: TokenKind, token: string, count: number): string[] | null {
  if (typeof token !== "string" || token.length > 400) return null;
  const pieces = token.split(".");
  if (pieces.length !== count + 2 || pieces[0] !== kind) return null;
  const sig = pieces.pop()!;
  if (!pieces.slice(1).every((p) => PART.test(p))) return null;
  const expected = Buffer.from(mac(pieces.join(".")));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return pieces.slice(1);
}

export const unsubscribeToken = (customerId: string, campaignId: string) => signToken("u", [customerId, campaignId]);
export const openToken = (recipientId: string) => signToken("o", [recipientId]);
export const clickToken = (recipientId: string, link: number) => signToken("c", [recipientId, String(link)]);

export function appUrl(path: string) {
  return `${env().APP_URL.replace(/\/$/, "")}${path}`;
}
