// Validation shared by forms and procedures. Messages are i18n keys (app/i18n/en.ts "errors.*").
import { z } from "zod";
import { LOCALES } from "../locale.ts";

export const emailSchema = z
  .string({ error: "errors.emailRequired" })
  .trim()
  .toLowerCase()
  .min(1, "errors.emailRequired")
  .max(254, "errors.emailInvalid")
  .pipe(z.email({ error: "errors.emailInvalid" }));

const COMMON = new Set(["password", "password1", "password123", "12345678", "123456789", "1234567890", "qwertyuiop", "iloveyou", "letmein123", "rapport-demo", "welcome123", "11111111", "abcdefgh", "qwerty123", "passw0rd"]);

export const passwordSchema = z
  .string({ error: "errors.passwordRequired" })
  .min(1, "errors.passwordRequired")
  .min(10, "errors.passwordTooShort")
  .max(200, "errors.passwordTooLong")
  .refine((p) => !COMMON.has(p.toLowerCase()), "errors.passwordCommon")
  .refine((p) => new Set(p).size >= 5, "errors.passwordCommon");

export const nameSchema = z.string().trim().min(1, "errors.nameRequired").max(100, "errors.nameTooLong");
export const localeSchema = z.enum(LOCALES as ["en", "zh-CN"], { error: "errors.localeInvalid" });

export function isValidTimeZone(tz: string) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
export const timeZoneSchema = z.string().trim().min(1, "errors.timeZoneInvalid").refine(isValidTimeZone, "errors.timeZoneInvalid");

export const signUpInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema,
  locale: localeSchema.default("en"),
});
export const signInInput = z.object({ email: emailSchema, password: z.string().min(1, "errors.passwordRequired").max(200) });
export const emailOnlyInput = z.object({ email: emailSchema });
export const tokenInput = z.object({ token: z.string().min(10, "errors.tokenInvalid").max(200, "errors.tokenInvalid") });
/** Email confirmation; `referralCode` is the code a referral link left in the browser (optional). */
export const verifyEmailInput = tokenInput.extend({ referralCode: z.string().max(40).optional() });
export const resetPasswordInput = z.object({ token: z.string().min(10, "errors.tokenInvalid").max(200), password: passwordSchema });
export const acceptInviteInput = z.object({ token: z.string().min(10, "errors.tokenInvalid").max(200), name: nameSchema, password: passwordSchema });

export const profileInput = z.object({
  name: nameSchema,
  locale: localeSchema,
  timeZone: timeZoneSchema,
  birthday: z
    .union([z.literal(""), z.iso.date({ error: "errors.birthdayInvalid" })])
    .nullable()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => !v || (v >= "1900-01-01" && new Date(v) <= new Date()), "errors.birthdayInvalid"),
});
export const consentInput = z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() });
export const staffRoleSchema = z.enum(["AGENT", "MARKETER", "ADMIN"], { error: "errors.roleInvalid" });
export const inviteInput = z.object({ email: emailSchema, role: staffRoleSchema });
