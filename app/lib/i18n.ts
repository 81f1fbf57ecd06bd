// Client-safe hooks for the current locale and translator (from the root loader's data).
import { useRouteLoaderData } from "react-router";
import { translator, type Locale, type T } from "#app/i18n/index.ts";
import type { SessionUser } from "#server/domain/auth/sessions.ts";

export interface RootData {
  locale: Locale;
  user: SessionUser | null;
}

export function useRoot(): RootData {
  return (useRouteLoaderData("root") as RootData | undefined) ?? { locale: "en", user: null };
}

export function useT(): T {
  return translator(useRoot().locale);
}

export function useLocale(): Locale {
  return useRoot().locale;
}
