// Demo data for support: the SLA bookkeeping columns of tickets made by the factories (which set
// the due times but not the inbox's slaDueAt, the pause or CSAT timestamps), and a few canned
// replies. Idempotent; called from prisma/seed.ts inside the seed transaction.
import type { Tx } from "../../db/client.ts";

const CANNED = [
  { title: "Order on its way", body: "Hi {{customer.firstName}},\n\nThanks for your patience. Order {{order.number}} is on its way and should arrive within 2–3 working days.\n\nBest regards,\n{{agent.name}}" },
  { title: "Ask for a photo", body: "Hi {{customer.firstName}},\n\nSorry to hear that! Could you reply with a photo of the item and the packaging? Then we can sort it out straight away.\n\n{{agent.name}}" },
  { title: "Refund issued", body: "Hi {{customer.firstName}},\n\nWe've issued a refund for order {{order.number}}. It usually shows on your statement within 5–10 working days.\n\nKind regards,\n{{agent.name}}" },
];

export async function seedSupport(tx: Tx) {
  const tickets = await tx.$executeRaw`
    UPDATE "Ticket" SET
      "slaDueAt" = CASE WHEN "status" IN ('NEW', 'OPEN') THEN CASE WHEN "firstRespondedAt" IS NULL THEN "firstResponseDueAt" ELSE "resolutionDueAt" END END,
      "slaPausedAt" = CASE WHEN "status" IN ('PENDING', 'SOLVED', 'CLOSED') THEN COALESCE("solvedAt", "updatedAt") END,
      "slaBreachedAt" = CASE WHEN "firstRespondedAt" > "firstResponseDueAt" THEN "firstRespondedAt" WHEN "solvedAt" > "resolutionDueAt" THEN "resolutionDueAt" END,
      "csatRequestedAt" = CASE WHEN "status" IN ('SOLVED', 'CLOSED') THEN "solvedAt" END,
      "csatRatedAt" = CASE WHEN "csatScore" IS NOT NULL THEN "solvedAt" + interval '3 hours' END
    WHERE "slaDueAt" IS NULL AND "slaPausedAt" IS NULL AND "csatRequestedAt" IS NULL`;
  let canned = 0;
  if ((await tx.cannedReply.count()) === 0) {
    await tx.cannedReply.createMany({ data: CANNED });
    canned = CANNED.length;
  }
  return { tickets, canned };
}
