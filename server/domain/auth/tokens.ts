import { createHash, randomBytes } from "node:crypto";

/** A random URL-safe token (256 bits). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Only hashes of tokens are stored, so a database leak does not leak sessions or links. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
