// Profile and consent changes, each recorded as a touchpoint in the same transaction.
import type { Db } from "../../db/client.ts";
import { fromDbLocale, toDbLocale, type Locale } from "../locale.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";
import { AppError } from "../errors.ts";

export async function getProfile(db: Db, userId: string) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, include: { customer: true } });
  const c = user.customer;
  return {
    email: user.email,
    name: user.name ?? "",
    locale: fromDbLocale(user.locale),
    timeZone: user.timeZone,
    emailVerified: Boolean(user.emailVerifiedAt),
    staffRole: user.staffRole,
    birthday: c?.birthday ? c.birthday.toISOString().slice(0, 10) : null,
    consent: c ? { email: c.consentEmail, sms: c.consentSms, push: c.consentPush } : null,
    customerId: c?.id ?? null,
  };
}

export async function updateProfile(db: Db, user: { id: string; customerId: string | null; staffRole: string | null }, input: { name: string; locale: Locale; timeZone: string; birthday: string | null }) {
  if (user.staffRole && input.birthday) throw new AppError("BAD_REQUEST", "Birthdays are kept for customer accounts only.", { birthday: "errors.invalid" });
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id: user.id }, include: { customer: true } });
    await tx.user.update({ where: { id: user.id }, data: { name: input.name, locale: toDbLocale(input.locale), timeZone: input.timeZone } });
    if (user.customerId) {
      await tx.customer.update({
        where: { id: user.customerId },
        data: { name: input.name, locale: toDbLocale(input.locale), timeZone: input.timeZone, birthday: input.birthday ? new Date(`${input.birthday}T00:00:00Z`) : null },
      });
      const changed: string[] = [];
      if ((before.name ?? "") !== input.name) changed.push("name");
      if (fromDbLocale(before.locale) !== input.locale) changed.push("locale");
      if (before.timeZone !== input.timeZone) changed.push("timeZone");
      const bday = before.customer?.birthday?.toISOString().slice(0, 10) ?? null;
      if (bday !== input.birthday) changed.push("birthday");
      if (changed.length) await recordTouchpoint(tx, { customerId: user.customerId, type: "profile.updated", channel: "web", actorUserId: user.id, metadata: { fields: changed } });
    }
    return { ok: true as const };
  });
}

export async function updateConsent(db: Db, user: { id: string; customerId: string }, input: { email: boolean; sms: boolean; push: boolean }) {
  return db.$transaction(async (tx) => {
    const before = await tx.customer.findUniqueOrThrow({ where: { id: user.customerId } });
    await tx.customer.update({ where: { id: user.customerId }, data: { consentEmail: input.email, consentSms: input.sms, consentPush: input.push } });
    const changes: Record<string, boolean> = {};
    if (before.consentEmail !== input.email) changes.email = input.email;
    if (before.consentSms !== input.sms) changes.sms = input.sms;
    if (before.consentPush !== input.push) changes.push = input.push;
    if (Object.keys(changes).length) await recordTouchpoint(tx, { customerId: user.customerId, type: "consent.changed", channel: "web", actorUserId: user.id, metadata: changes });
    return { ok: true as const, changed: Object.keys(changes) };
  });
}
