// Marketing settings (admin): the frequency cap on marketing email. Stored in Setting, audited.
import type { Db, Tx } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { audit } from "../audit/audit.ts";
import { AppError, type FieldMessage } from "../errors.ts";
import { DEFAULT_FREQUENCY_CAP, frequencyCapSchema, type FrequencyCap } from "./schemas.ts";

export const FREQUENCY_CAP_KEY = "marketing.frequencyCap";

export async function getFrequencyCap(tx: Tx): Promise<FrequencyCap> {
  const row = await tx.setting.findUnique({ where: { key: FREQUENCY_CAP_KEY } });
  const parsed = frequencyCapSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_FREQUENCY_CAP;
}

export function zodFieldErrors(issues: readonly { path: PropertyKey[]; message: string }[]): Record<string, FieldMessage> {
  const out: Record<string, FieldMessage> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "form";
    out[key] ??= /^(errors|campaigns)\./.test(issue.message) ? issue.message : "errors.invalid";
  }
  return out;
}

export async function saveFrequencyCap(db: Db, actor: { id: string; ip?: string | null }, input: unknown): Promise<FrequencyCap> {
  const parsed = frequencyCapSchema.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "The frequency cap is not valid.", zodFieldErrors(parsed.error.issues));
  return db.$transaction(async (tx) => {
    const before = await getFrequencyCap(tx);
    const value = parsed.data as unknown as Prisma.InputJsonValue;
    await tx.setting.upsert({ where: { key: FREQUENCY_CAP_KEY }, create: { key: FREQUENCY_CAP_KEY, value, updatedById: actor.id }, update: { value, updatedById: actor.id } });
    await audit(tx, { actorId: actor.id, action: "marketing.frequency_cap.updated", targetType: "setting", targetId: FREQUENCY_CAP_KEY, data: { before, after: parsed.data } as unknown as Prisma.InputJsonValue, ip: actor.ip ?? null });
    return parsed.data;
  });
}
