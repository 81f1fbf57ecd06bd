// The random holdout: a customer is held out of a campaign when the first 32 bits of
// md5("<campaignId>:<customerId>") read as a fraction of 2^32 fall below the holdout share. The
// assignment is deterministic (re-running a send or an automation puts everyone in the same group),
// independent across campaigns, and computed identically here and in SQL (holdoutSql), so set-based
// sends and one-at-a-time automations agree. The result is stored on CampaignRecipient.holdout.
import { createHash } from "node:crypto";
import { Prisma } from "../../db/generated/client.ts";

export function holdoutFraction(campaignId: string, customerId: string): number {
  const h = createHash("md5").update(`${campaignId}:${customerId}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

export function isHoldout(campaignId: string, customerId: string, pct: number): boolean {
  return pct > 0 && holdoutFraction(campaignId, customerId) < pct / 100;
}

/** The same test as isHoldout, as SQL over a customer id column expression. */
export function holdoutSql(campaignId: string, customerIdColumn: Prisma.Sql, pct: number): Prisma.Sql {
  if (pct <= 0) return Prisma.sql`false`;
  return Prisma.sql`(('x' || substr(md5(${campaignId} || ':' || ${customerIdColumn}), 1, 8))::bit(32)::bigint::float8 / 4294967296.0 < ${pct / 100}::float8)`;
}
