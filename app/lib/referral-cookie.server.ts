// The referral link (/rewards/join?ref=CODE) leaves the code in a cookie for 30 days: the email
// confirmation attaches it automatically, and /rewards prefills it. One place for its name and format.
export const REFERRAL_COOKIE = "rapport_ref";

/** A referral code as stored: letters and digits, upper case, at most 20 characters. */
export function cleanReferralCode(raw: string): string {
  return raw.toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 20);
}

export function referralCodeFrom(request: Request): string {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === REFERRAL_COOKIE) {
      try {
        return cleanReferralCode(decodeURIComponent(v.join("=")));
      } catch {
        return "";
      }
    }
  }
  return "";
}

export function setReferralCookie(code: string): string {
  return `${REFERRAL_COOKIE}=${code}; Path=/; Max-Age=${30 * 86400}; SameSite=Lax; HttpOnly`;
}

export function clearReferralCookie(): string {
  return `${REFERRAL_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly`;
}
