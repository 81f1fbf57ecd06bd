// The help center's guest session: a random id in a first-party cookie, so a visitor who is not
// signed in gets one "Was this helpful?" vote per article and deflection can follow them.
import { randomBytes } from "node:crypto";
import type { AppLoadContext } from "react-router";
import { GUEST_COOKIE } from "#server/domain/help/schemas.ts";

const VALID = /^[A-Za-z0-9_-]{16,64}$/;

export function readGuestId(request: Request): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === GUEST_COOKIE) {
      const id = v.join("=");
      return VALID.test(id) ? id : undefined;
    }
  }
  return undefined;
}

/** The visitor's guest id, creating it (and its cookie, one year) when `create` is set. */
export function guestId(request: Request, context: AppLoadContext, create: boolean): string | undefined {
  const existing = readGuestId(request);
  if (existing || !create) return existing;
  const id = randomBytes(18).toString("base64url");
  const secure = context.ctx.env.APP_URL.startsWith("https://") ? "; Secure" : "";
  context.ctx.setCookie(`${GUEST_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${365 * 24 * 3600}${secure}`);
  return id;
}

/** Absolute URL of a path on this site (canonical and hreflang links, sitemap). */
export function absoluteUrl(context: AppLoadContext, path: string): string {
  return new URL(path, context.ctx.env.APP_URL).toString();
}

// Requests that posted a form (a vote). React Router then runs the loaders of the same request
// with a GET request; the load context is the one object they share, so the page view is not
// counted twice.
const posted = new WeakSet<object>();
export function markPosted(context: AppLoadContext) {
  posted.add(context);
}
export function wasPosted(context: AppLoadContext) {
  return posted.has(context);
}
