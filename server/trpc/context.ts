// The per-request tRPC context. Built once per HTTP request (or per server-side caller) from the
// request's cookies and headers; `services` are the process-wide singletons created at boot.
import type { Db } from "../db/client.ts";
import type { Env } from "../env.ts";
import type { ActiveSession } from "../domain/auth/sessions.ts";
import { resolveSession, SESSION_COOKIE } from "../domain/auth/sessions.ts";
import type { TouchpointBuffer } from "../domain/touchpoints/buffer.ts";
import { negotiateLocale, isLocale, type Locale } from "../domain/locale.ts";

export interface Services {
  db: Db;
  env: Env;
  views: TouchpointBuffer;
  /** Run the mail outbox now (after a commit that enqueued mail). */
  mailQueued: () => void;
}

export interface Context extends Services {
  ip: string | null;
  userAgent: string | null;
  session: ActiveSession | null;
  locale: Locale;
  /** Adds a Set-Cookie header to the response (sign-in, sign-out, language). */
  setCookie: (cookie: string) => void;
}

export const LOCALE_COOKIE = "rapport_lang";

export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!(k in out)) {
      try {
        out[k] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        out[k] = part.slice(i + 1).trim();
      }
    }
  }
  return out;
}

export async function createContext(services: Services, req: { headers: Headers; ip?: string | null; setCookie?: (cookie: string) => void }): Promise<Context> {
  const cookies = parseCookies(req.headers.get("cookie"));
  const session = await resolveSession(services.db, cookies[SESSION_COOKIE]);
  const cookieLocale = cookies[LOCALE_COOKIE];
  const locale = session?.user.locale ?? (isLocale(cookieLocale) ? cookieLocale : negotiateLocale(req.headers.get("accept-language")));
  return {
    ...services,
    ip: req.ip ?? null,
    userAgent: req.headers.get("user-agent"),
    session,
    locale,
    setCookie: req.setCookie ?? (() => {}),
  };
}
