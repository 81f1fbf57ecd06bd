import type { Locale as DbLocale } from "../db/generated/enums.ts";

export type Locale = "en" | "zh-CN";
export const LOCALES: readonly Locale[] = ["en", "zh-CN"];

export function toDbLocale(l: Locale): DbLocale {
  return l === "zh-CN" ? "zh_CN" : "en";
}
export function fromDbLocale(l: DbLocale): Locale {
  return l === "zh_CN" ? "zh-CN" : "en";
}
export function isLocale(x: unknown): x is Locale {
  return x === "en" || x === "zh-CN";
}
/** Picks en or zh-CN from an Accept-Language header. */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  if (!acceptLanguage) return "en";
  const ranked = acceptLanguage
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { tag: tag!.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}
