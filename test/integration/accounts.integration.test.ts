// Accounts on a real PostgreSQL: sign-up, bad input, sign-in and its rate limit, email
// verification with customer claim, magic links, password reset, sign-out, touchpoints.
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { hashToken } from "../../server/domain/auth/tokens.ts";
import { createCustomer, createStaff, TEST_PASSWORD } from "../factories/index.ts";
import { callerAs, freshIp } from "../setup/harness.ts";

const strong = "a sturdy passphrase";
let n = 0;
const email = (tag: string) => `${tag}-${process.pid}-${Date.now().toString(36)}-${++n}@example.test`;

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
    return "OK";
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
}

/** Field messages carried by a refused call (ZodError issues or AppError fieldErrors). */
async function fieldErrors(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    const cause = (e as TRPCError).cause as { fieldErrors?: Record<string, unknown>; issues?: { path: PropertyKey[]; message: string }[] };
    if (cause?.fieldErrors) return cause.fieldErrors;
    return Object.fromEntries((cause?.issues ?? []).map((i) => [String(i.path[0]), i.message]));
  }
  throw new Error("expected the call to fail");
}

/** The token of the latest link mailed to `to` (from the outbox row's props). */
async function mailedToken(to: string, template: string) {
  const row = await db().mailOutbox.findFirstOrThrow({ where: { to, template }, orderBy: { createdAt: "desc" } });
  const url = new URL((row.props as { url: string }).url);
  return url.searchParams.get("token")!;
}

describe("sign-up", () => {
  it("creates a user, a customer, a session cookie, a verification mail and a touchpoint", async () => {
    const e = email("new");
    const { caller, cookies } = await callerAs();
    await caller.auth.signUp({ email: e.toUpperCase(), password: strong, name: "Nina New", locale: "zh-CN" });
    const user = await db().user.findUniqueOrThrow({ where: { email: e }, include: { customer: true } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.emailVerifiedAt).toBeNull();
    expect(user.locale).toBe("zh_CN");
    expect(user.customer?.email).toBe(e);
    expect(cookies.join()).toMatch(/rapport_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax/);
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { to: e } });
    expect(mail).toMatchObject({ template: "verify-email", locale: "zh_CN", status: "PENDING" });
    const tps = await db().touchpoint.findMany({ where: { customerId: user.customer!.id } });
    expect(tps.map((t) => t.type)).toContain("account.signed_up");
  });

  it("refuses a taken email, a weak password and a malformed email with a message on the field, creating nothing", async () => {
    const taken = (await createCustomer(db(), { login: true })).email;
    const before = await db().user.count();
    const { caller } = await callerAs();
    expect(await fieldErrors(caller.auth.signUp({ email: taken, password: strong, name: "X", locale: "en" }))).toEqual({ email: "errors.emailTaken" });
    expect(await fieldErrors(caller.auth.signUp({ email: email("weak"), password: "short", name: "X", locale: "en" }))).toEqual({ password: "errors.passwordTooShort" });
    expect(await fieldErrors(caller.auth.signUp({ email: email("common"), password: "password123", name: "X", locale: "en" }))).toEqual({ password: "errors.passwordCommon" });
    expect(await fieldErrors(caller.auth.signUp({ email: "not-an-email", password: strong, name: "X", locale: "en" }))).toEqual({ email: "errors.emailInvalid" });
    expect(await db().user.count()).toBe(before);
  });

  it("claims a customer created from an order only once the email is verified", async () => {
    const shopper = await createCustomer(db(), { login: false, name: "Olga Order" });
    const { caller } = await callerAs();
    await caller.auth.signUp({ email: shopper.email, password: strong, name: "Olga", locale: "en" });
    const user = await db().user.findUniqueOrThrow({ where: { email: shopper.email } });
    expect((await db().customer.findUniqueOrThrow({ where: { id: shopper.id } })).userId).toBeNull();
    expect(await db().customer.count({ where: { email: shopper.email } })).toBe(1);

    const { caller: asUser } = await callerAs({ userId: user.id });
    expect(await codeOf(asUser.portal.summary())).toBe("FORBIDDEN");

    const token = await mailedToken(shopper.email, "verify-email");
    await (await callerAs()).caller.auth.verifyEmail({ token });
    expect((await db().customer.findUniqueOrThrow({ where: { id: shopper.id } })).userId).toBe(user.id);
    const { caller: verified } = await callerAs({ userId: user.id });
    expect((await verified.portal.summary()).name).toBe("Olga Order");
    expect(await fieldErrors((await callerAs()).caller.auth.verifyEmail({ token }))).toEqual({ token: "errors.tokenUsed" });
  });
});

describe("email confirmation with a referral code", () => {
  it("attaches the code a referral link left; a code that does not apply still confirms the email and says why", async () => {
    const referrer = await createCustomer(db(), { login: true });
    const code = `REF${process.pid}${++n}`.slice(0, 20);
    await db().customer.update({ where: { id: referrer.id }, data: { referralCode: code } });

    const friend = email("friend");
    await (await callerAs()).caller.auth.signUp({ email: friend, password: strong, name: "Fay Friend", locale: "en" });
    const r = await (await callerAs()).caller.auth.verifyEmail({ token: await mailedToken(friend, "verify-email"), referralCode: code.toLowerCase() });
    expect(r.referral).toEqual({ applied: true, code: code.toLowerCase() });
    const joined = await db().customer.findUniqueOrThrow({ where: { email: friend }, include: { referredBy: true } });
    expect(joined.referredBy).toMatchObject({ referrerId: referrer.id, code });

    // The referrer's own code on their own confirmation: refused with the reason, email confirmed anyway.
    const self = email("self");
    await (await callerAs()).caller.auth.signUp({ email: self, password: strong, name: "Sam Self", locale: "en" });
    const selfCustomer = await db().customer.findUniqueOrThrow({ where: { email: self } });
    await db().customer.update({ where: { id: selfCustomer.id }, data: { referralCode: `${code.slice(0, 17)}S` } });
    const s = await (await callerAs()).caller.auth.verifyEmail({ token: await mailedToken(self, "verify-email"), referralCode: `${code.slice(0, 17)}S` });
    expect(s.referral).toEqual({ applied: false, code: `${code.slice(0, 17)}S`, reason: "rewards.errReferralSelf" });
    expect((await db().user.findUniqueOrThrow({ where: { email: self } })).emailVerifiedAt).not.toBeNull();
    expect(await db().referral.count({ where: { referredCustomerId: selfCustomer.id } })).toBe(0);
  });
});

describe("sign-in", () => {
  it("signs in with the right password and records it; refuses a wrong one with a clear message", async () => {
    const c = await createCustomer(db(), { login: true });
    const { caller, cookies } = await callerAs();
    await caller.auth.signIn({ email: c.email, password: TEST_PASSWORD });
    expect(cookies.join()).toContain("rapport_session=");
    expect(await db().session.count({ where: { userId: c.userId! } })).toBe(1);
    expect(await fieldErrors((await callerAs()).caller.auth.signIn({ email: c.email, password: "wrong password" }))).toEqual({ password: "errors.badCredentials" });
    const types = (await db().touchpoint.findMany({ where: { customerId: c.id } })).map((t) => t.type);
    expect(types).toEqual(expect.arrayContaining(["auth.signed_in", "auth.sign_in_failed"]));
  });

  it("rate-limits repeated wrong passwords per email, even with the right password afterwards", async () => {
    const c = await createCustomer(db(), { login: true });
    for (let i = 0; i < 4; i++) expect(await codeOf((await callerAs()).caller.auth.signIn({ email: c.email, password: `wrong-${i}` }))).toBe("UNAUTHORIZED");
    const fifth = (await callerAs()).caller.auth.signIn({ email: c.email, password: "wrong-5" });
    expect(await fieldErrors(fifth)).toEqual({ form: { key: "errors.rateLimited", params: { minutes: expect.any(Number) } } });
    expect(await codeOf((await callerAs()).caller.auth.signIn({ email: c.email, password: TEST_PASSWORD }))).toBe("TOO_MANY_REQUESTS");
    expect(await db().session.count({ where: { userId: c.userId! } })).toBe(0);
  });

  it("rate-limits sign-in attempts per IP address", async () => {
    const ip = freshIp();
    const c = await createCustomer(db(), { login: true });
    for (let i = 0; i < 30; i++) await codeOf((await callerAs({ ip })).caller.auth.signIn({ email: `nobody-${i}@example.test`, password: "whatever it is" }));
    expect(await codeOf((await callerAs({ ip })).caller.auth.signIn({ email: c.email, password: TEST_PASSWORD }))).toBe("TOO_MANY_REQUESTS");
    expect(await codeOf((await callerAs()).caller.auth.signIn({ email: c.email, password: TEST_PASSWORD }))).toBe("OK");
  });

  it("a disabled staff member cannot sign in", async () => {
    const s = await createStaff(db(), { role: "AGENT", disabledAt: new Date() });
    expect(await codeOf((await callerAs()).caller.auth.signIn({ email: s.email, password: TEST_PASSWORD }))).toBe("UNAUTHORIZED");
  });
});

describe("magic links and password reset", () => {
  it("a magic link signs in once, verifies the email, and never reveals unknown addresses", async () => {
    const c = await createCustomer(db(), { login: { verified: false } });
    const anon = (await callerAs()).caller;
    expect(await anon.auth.requestMagicLink({ email: c.email })).toEqual({ sent: true });
    expect(await anon.auth.requestMagicLink({ email: email("unknown") })).toEqual({ sent: true });
    const token = await mailedToken(c.email, "magic-link");
    const { caller, cookies } = await callerAs();
    await caller.auth.signInWithMagicLink({ token });
    expect(cookies.join()).toContain("rapport_session=");
    expect((await db().user.findUniqueOrThrow({ where: { id: c.userId! } })).emailVerifiedAt).not.toBeNull();
    expect(await fieldErrors((await callerAs()).caller.auth.signInWithMagicLink({ token }))).toEqual({ token: "errors.tokenUsed" });
  });

  it("an expired link is refused", async () => {
    const c = await createCustomer(db(), { login: true });
    await (await callerAs()).caller.auth.requestMagicLink({ email: c.email });
    const token = await mailedToken(c.email, "magic-link");
    await db().authToken.update({ where: { tokenHash: hashToken(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await fieldErrors((await callerAs()).caller.auth.signInWithMagicLink({ token }))).toEqual({ token: "errors.tokenExpired" });
  });

  it("password reset changes the password once and signs out every other session", async () => {
    const c = await createCustomer(db(), { login: true });
    const { sessionToken: otherSession } = await callerAs({ userId: c.userId! });
    await (await callerAs()).caller.auth.requestPasswordReset({ email: c.email });
    const token = await mailedToken(c.email, "password-reset");
    expect(await fieldErrors((await callerAs()).caller.auth.resetPassword({ token, password: "short" }))).toEqual({ password: "errors.passwordTooShort" });
    await (await callerAs()).caller.auth.resetPassword({ token, password: "a brand new passphrase" });
    expect(await codeOf((await callerAs({ sessionToken: otherSession })).caller.account.profile())).toBe("UNAUTHORIZED");
    expect(await codeOf((await callerAs()).caller.auth.signIn({ email: c.email, password: "a brand new passphrase" }))).toBe("OK");
    expect(await fieldErrors((await callerAs()).caller.auth.resetPassword({ token, password: "another passphrase!" }))).toEqual({ token: "errors.tokenUsed" });
  });
});

describe("sessions, profile and consent", () => {
  it("sign-out deletes the session server-side and clears the cookie", async () => {
    const c = await createCustomer(db(), { login: true });
    const { caller, cookies, sessionToken } = await callerAs({ userId: c.userId! });
    await caller.auth.signOut();
    expect(await db().session.findUnique({ where: { tokenHash: hashToken(sessionToken!) } })).toBeNull();
    expect(cookies.join()).toContain("rapport_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    const types = (await db().touchpoint.findMany({ where: { customerId: c.id } })).map((t) => t.type);
    expect(types).toContain("auth.signed_out");
  });

  it("profile and consent changes are saved and recorded as touchpoints; bad input changes nothing", async () => {
    const c = await createCustomer(db(), { login: true });
    const { caller } = await callerAs({ userId: c.userId! });
    expect(await fieldErrors(caller.account.updateProfile({ name: "Zed", locale: "en", timeZone: "Mars/Olympus", birthday: null }))).toEqual({ timeZone: "errors.timeZoneInvalid" });
    expect(await fieldErrors(caller.account.updateProfile({ name: "Zed", locale: "en", timeZone: "UTC", birthday: "2999-01-01" }))).toEqual({ birthday: "errors.birthdayInvalid" });
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).name).toBe(c.name);

    await caller.account.updateProfile({ name: "Zed Zhang", locale: "zh-CN", timeZone: "Asia/Shanghai", birthday: "1990-04-23" });
    await caller.account.updateConsent({ email: true, sms: false, push: true });
    const after = await db().customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toMatchObject({ name: "Zed Zhang", locale: "zh_CN", timeZone: "Asia/Shanghai", consentEmail: true, consentPush: true });
    expect(after.birthday?.toISOString().slice(0, 10)).toBe("1990-04-23");
    const tps = await db().touchpoint.findMany({ where: { customerId: c.id, type: { in: ["profile.updated", "consent.changed"] } }, orderBy: { id: "asc" } });
    expect(tps.map((t) => [t.type, t.metadata])).toEqual([
      ["profile.updated", { fields: ["name", "locale", "timeZone", "birthday"] }],
      ["consent.changed", { email: true, push: true }],
    ]);
  });
});

describe("staff invitations", () => {
  it("an admin invites an agent, who joins with the emailed link; both steps are audited", async () => {
    const admin = await createStaff(db(), { role: "ADMIN" });
    const invitee = email("invitee");
    const { caller } = await callerAs({ userId: admin.id });
    await caller.admin.invite({ email: invitee, role: "AGENT" });
    const token = await mailedToken(invitee, "staff-invite");
    expect(await (await callerAs()).caller.auth.invitation({ token })).toMatchObject({ email: invitee, role: "AGENT" });
    await (await callerAs()).caller.auth.acceptInvite({ token, name: "Ivy Invitee", password: strong });
    const user = await db().user.findUniqueOrThrow({ where: { email: invitee } });
    expect(user.staffRole).toBe("AGENT");
    const actions = (await db().auditLog.findMany({ where: { OR: [{ actorId: admin.id }, { actorId: user.id }] } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["staff.invited", "staff.invite_accepted"]));
    expect(await fieldErrors((await callerAs()).caller.auth.acceptInvite({ token, name: "Again", password: strong }))).toEqual({ token: "errors.tokenUsed" });
  });

  it("the last active admin cannot be demoted", async () => {
    await db().user.updateMany({ where: { staffRole: "ADMIN" }, data: { disabledAt: new Date() } });
    const admin = await createStaff(db(), { role: "ADMIN" });
    try {
      const { caller } = await callerAs({ userId: admin.id });
      expect(await fieldErrors(caller.admin.setRole({ userId: admin.id, role: "AGENT" }))).toEqual({ role: "errors.lastAdmin" });
    } finally {
      await db().user.updateMany({ where: { staffRole: "ADMIN", id: { not: admin.id } }, data: { disabledAt: null } });
    }
  });
});
