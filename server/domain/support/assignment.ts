// Round-robin assignment of new tickets among agents marked available. The cursor (last agent
// given a ticket) lives in Setting "support.roundRobin"; its row is locked FOR UPDATE so two
// tickets created at the same moment never go to the same agent by accident of a race.
import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";

export const ROUND_ROBIN_KEY = "support.roundRobin";

/** Agents who may take tickets: role AGENT, available, not disabled; ordered by id. */
export async function availableAgents(tx: Tx) {
  return tx.user.findMany({ where: { staffRole: "AGENT", available: true, disabledAt: null }, orderBy: { id: "asc" }, select: { id: true, name: true, email: true } });
}

/** Picks the next available agent after the cursor (wrapping) and moves the cursor; null if none. */
export async function nextRoundRobinAgent(tx: Tx): Promise<string | null> {
  const agents = await availableAgents(tx);
  if (!agents.length) return null;
  await tx.$executeRaw`INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (${ROUND_ROBIN_KEY}, '{}'::jsonb, now()) ON CONFLICT ("key") DO NOTHING`;
  const [row] = await tx.$queryRaw<{ value: { lastAgentId?: string } | null }[]>`SELECT "value" FROM "Setting" WHERE "key" = ${ROUND_ROBIN_KEY} FOR UPDATE`;
  const last = row?.value?.lastAgentId ?? "";
  const next = agents.find((a) => a.id > last) ?? agents[0]!;
  await tx.setting.update({ where: { key: ROUND_ROBIN_KEY }, data: { value: { lastAgentId: next.id } as Prisma.InputJsonValue } });
  return next.id;
}
