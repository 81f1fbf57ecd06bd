// API keys for the fulfilment API (server/api/v1.ts). Admins create and revoke them; the secret is
// shown once and stored as a SHA-256 hash (the key has 192 random bits, so a slow hash adds nothing).
// A key looks like `rpk_<8-char prefix>_<secret>`; the prefix finds the row, the hash proves the key.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import type { ApiKey } from "../../db/generated/client.ts";
import { audit } from "../audit/audit.ts";
import { AppError } from "../errors.ts";

export const API_SCOPES = ["orders:read", "orders:write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** The procedure's input: loose shape; the rules (with field messages) are checked in createApiKey. */
export const createApiKeyInput = z.object({
  name: z.string().max(1000),
  scopes: z.array(z.string().max(100)).max(20),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

const KEY_RE = /^rpk_([a-z0-9]{8})_([A-Za-z0-9_-]{32})$/;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export interface PublicApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const toPublic = (k: ApiKey): PublicApiKey => ({ id: k.id, name: k.name, prefix: k.prefix, scopes: k.scopes, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, revokedAt: k.revokedAt });

/** Creates a key; the returned `key` is the only time the secret exists in clear. Audited. */
export async function createApiKey(db: Db, actor: { id: string; ip?: string | null }, input: CreateApiKeyInput): Promise<PublicApiKey & { key: string }> {
  const name = input.name.trim();
  const scopes = [...new Set(input.scopes)].sort();
  const fieldErrors: Record<string, string> = {};
  if (!name) fieldErrors.name = "apikeys.errors.nameRequired";
  else if (name.length > 100) fieldErrors.name = "apikeys.errors.nameTooLong";
  if (scopes.length === 0) fieldErrors.scopes = "apikeys.errors.scopesRequired";
  else if (scopes.some((x) => !(API_SCOPES as readonly string[]).includes(x))) fieldErrors.scopes = "apikeys.errors.scopeUnknown";
  if (Object.keys(fieldErrors).length) throw new AppError("BAD_REQUEST", "Invalid API key", fieldErrors);
  for (let attempt = 0; ; attempt++) {
    const prefix = `rpk_${randomBytes(6).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "0").slice(0, 8)}`;
    const key = `${prefix}_${randomBytes(24).toString("base64url")}`;
    try {
      const row = await db.$transaction(async (tx) => {
        const created = await tx.apiKey.create({ data: { name, prefix, secretHash: hashApiKey(key), scopes, createdById: actor.id } });
        await audit(tx, { actorId: actor.id, action: "apikey.created", targetType: "ApiKey", targetId: created.id, data: { name: created.name, prefix, scopes }, ip: actor.ip });
        return created;
      });
      return { ...toPublic(row), key };
    } catch (e) {
      if (attempt < 3 && (e as { code?: string }).code === "P2002") continue; // prefix collision
      throw e;
    }
  }
}

export async function listApiKeys(db: Db): Promise<PublicApiKey[]> {
  const rows = await db.apiKey.findMany({ orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }] });
  return rows.map(toPublic);
}

/** Revokes a key (kept for the record). Revoking twice is a no-op. Audited. */
export async function revokeApiKey(db: Db, actor: { id: string; ip?: string | null }, id: string): Promise<PublicApiKey> {
  return db.$transaction(async (tx) => {
    const k = await tx.apiKey.findUnique({ where: { id } });
    if (!k) throw new AppError("NOT_FOUND", "API key not found");
    if (k.revokedAt) return toPublic(k);
    const row = await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit(tx, { actorId: actor.id, action: "apikey.revoked", targetType: "ApiKey", targetId: id, data: { name: k.name, prefix: k.prefix }, ip: actor.ip });
    return toPublic(row);
  });
}

export type ApiAuth = { ok: true; key: ApiKey } | { ok: false; status: 401 | 403; code: string; message: string };

/**
 * Checks `Authorization: Bearer <key>` and the scope. 401: no/unknown key; 403: revoked or missing
 * scope. Updates lastUsedAt (at most once a minute per key, to keep hot paths cheap).
 */
export async function authenticateApiKey(db: Db, authorization: string | undefined | null, scope: ApiScope): Promise<ApiAuth> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!m) return { ok: false, status: 401, code: "unauthorized", message: "Missing API key: send `Authorization: Bearer <key>`" };
  const parts = KEY_RE.exec(m[1]!);
  const key = parts ? await db.apiKey.findUnique({ where: { prefix: `rpk_${parts[1]}` } }) : null;
  const given = Buffer.from(hashApiKey(m[1]!), "hex");
  if (!key || !timingSafeEqual(given, Buffer.from(key.secretHash, "hex"))) {
    return { ok: false, status: 401, code: "unauthorized", message: "Invalid API key" };
  }
  if (key.revokedAt) return { ok: false, status: 403, code: "forbidden", message: `API key ${key.prefix} was revoked` };
  if (!key.scopes.includes(scope)) return { ok: false, status: 403, code: "forbidden", message: `API key ${key.prefix} lacks the scope ${scope}` };
  const now = new Date();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  }
  return { ok: true, key };
}
