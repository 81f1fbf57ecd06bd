// Reply-to addresses unique to a ticket: support+<ticket id><signature>@<support domain>.
// The signature is an HMAC-SHA256 (80 bits, base32) under a key derived from SESSION_SECRET, so a
// token cannot be forged or moved to another ticket. Tokens use only lowercase letters and digits
// because some mail systems lowercase the local part of an address.
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../../env.ts";

const SIG_LENGTH = 16; // base32 characters = 80 bits
const ID_PATTERN = /^[a-z0-9]{1,40}$/;
const B32 = "abcdefghijklmnopqrstuvwxyz234567";

function base32(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

let keyCache: { secret: string; key: Buffer } | undefined;
function key(): Buffer {
  const secret = env().SESSION_SECRET;
  if (keyCache?.secret !== secret) {
    keyCache = { secret, key: createHmac("sha256", secret).update("rapport:support-reply-token:v1").digest() };
  }
  return keyCache.key;
}

function sign(ticketId: string): string {
  return base32(createHmac("sha256", key()).update(ticketId).digest()).slice(0, SIG_LENGTH);
}

/** The signed token of a ticket (its id followed by the signature). */
export function replyTokenFor(ticketId: string): string {
  if (!ID_PATTERN.test(ticketId)) throw new Error("replyTokenFor: a ticket id is lowercase letters and digits");
  return `${ticketId}${sign(ticketId)}`;
}

/** The ticket id inside a token, or null when the token is malformed or its signature does not verify. */
export function verifyReplyToken(token: string): string | null {
  const t = token.trim().toLowerCase();
  if (t.length <= SIG_LENGTH || t.length > 40 + SIG_LENGTH) return null;
  const ticketId = t.slice(0, -SIG_LENGTH);
  if (!ID_PATTERN.test(ticketId)) return null;
  const given = Buffer.from(t.slice(-SIG_LENGTH));
  const expected = Buffer.from(sign(ticketId));
  return given.length === expected.length && timingSafeEqual(given, expected) ? ticketId : null;
}

/** The support mailbox split into local part and domain (from SUPPORT_ADDRESS). */
export function supportMailbox(): { local: string; domain: string; address: string } {
  const address = env().SUPPORT_ADDRESS.toLowerCase();
  const at = address.lastIndexOf("@");
  return { local: address.slice(0, at), domain: address.slice(at + 1), address };
}

/** The reply-to address of a ticket: support+<token>@<domain>. */
export function replyAddressFor(ticketId: string): string {
  const { local, domain } = supportMailbox();
  return `${local}+${replyTokenFor(ticketId)}@${domain}`;
}

/**
 * Classifies a recipient address: the plain support address, a tokened reply address (with the
 * token, verified or not), or someone else. Comparison ignores case.
 */
export function parseSupportRecipient(address: string): { kind: "support" } | { kind: "reply"; token: string; ticketId: string | null } | { kind: "other" } {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf("@");
  if (at <= 0) return { kind: "other" };
  const { local, domain } = supportMailbox();
  if (a.slice(at + 1) !== domain) return { kind: "other" };
  const localPart = a.slice(0, at);
  if (localPart === local) return { kind: "support" };
  if (!localPart.startsWith(`${local}+`)) return { kind: "other" };
  const token = localPart.slice(local.length + 1);
  return { kind: "reply", token, ticketId: verifyReplyToken(token) };
}
