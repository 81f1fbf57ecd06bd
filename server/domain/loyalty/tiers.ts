// Tiers from rolling 12-month qualifying spend (paid orders, minus refunds, converted to the base
// currency). Upgrades happen at once (on a paid order); downgrades only in the monthly evaluation.
// Every change writes TierHistory, a touchpoint and an email, in the same transaction.
import { Prisma } from "../../db/generated/client.ts";
import { sqlRows } from "../../db/sql.ts";
import type { Tx } from "../../db/client.ts";
import { enqueueMail } from "../../mail/outbox.ts";
import { fromDbLocale } from "../locale.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { rewardsUrl } from "./config.ts";
import { DAY_MS, tierDef, tierForSpend, tierRank, toBaseMinor } from "./rules.ts";
import type { ProgramSettings } from "./settings.ts";

/** Rolling 12-month qualifying spend in base-currency minor units. `extra` counts an order being paid now. */
export async function qualifyingSpend(tx: Tx, customerId: string, s: ProgramSettings, now = new Date(), extra?: { orderId: string; amountMinor: number; currency: string }): Promise<number> {
  const since = new Date(now.getTime() - 365 * DAY_MS);
  const rows = await sqlRows<{ currency: string; amount: number }[]>(tx, Prisma.sql`
    SELECT "currency", COALESCE(SUM("totalMinor" - "refundedMinor"), 0)::float8 AS "amount"
    FROM "Order"
    WHERE "customerId" = ${customerId} AND "paidAt" IS NOT NULL AND "paidAt" >= ${since} AND "paidAt" <= ${now}
      AND "status" NOT IN ('CANCELLED', 'REFUNDED', 'PLACED') AND "id" <> ${extra?.orderId ?? ""}
    GROUP BY "currency"`);
  let total = 0;
  for (const r of rows) total += toBaseMinor(Math.max(0, r.amount), r.currency.trim(), s);
  if (extra) total += toBaseMinor(Math.max(0, extra.amountMinor), extra.currency, s);
  return total;
}

/**
 * Sets the customer's tier from their spend. mode "upgrade" only ever raises it (a paid order);
 * mode "full" may lower it too (the monthly evaluation). Returns the change, if any.
 */
export async function applyTier(
  tx: Tx,
  c: { id: string; tier: string; email: string; name: string | null; locale: string; anonymizedAt: Date | null },
  spend: number,
  s: ProgramSettings,
  mode: "upgrade" | "full",
  reason: string,
) {
  const target = tierForSpend(spend, s.tiers);
  const from = tierRank(c.tier, s.tiers);
  const to = tierRank(target.code, s.tiers);
  const known = s.tiers.some((t) => t.code === c.tier);
  if (known && (to === from || (mode === "upgrade" && to < from))) return null;
  await tx.customer.update({ where: { id: c.id }, data: { tier: target.code } });
  await tx.tierHistory.create({ data: { customerId: c.id, fromTier: c.tier, toTier: target.code, spendMinor: Math.min(spend, 2_000_000_000), reason } });
  const direction = to > from ? "up" : "down";
  await recordTouchpoint(tx, { customerId: c.id, type: direction === "up" ? "loyalty.tier_upgraded" : "loyalty.tier_downgraded", channel: "system", subjectType: "customer", subjectId: c.id, metadata: { from: c.tier, to: target.code, spendMinor: spend } });
  if (!c.anonymizedAt) {
    const locale = fromDbLocale(c.locale as "en" | "zh_CN");
    const prev = tierDef(c.tier, s.tiers);
    await enqueueMail(tx, {
      to: c.email,
      template: "loyalty-tier-changed",
      locale,
      customerId: c.id,
      props: {
        url: rewardsUrl(),
        name: c.name,
        direction,
        fromTier: locale === "zh-CN" ? prev.nameZh : prev.nameEn,
        toTier: locale === "zh-CN" ? target.nameZh : target.nameEn,
        benefits: locale === "zh-CN" ? target.benefitsZh : target.benefitsEn,
        multiplier: target.multiplier,
      },
    });
  }
  return { from: c.tier, to: target.code, direction };
}
