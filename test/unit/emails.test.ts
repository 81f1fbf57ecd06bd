import { describe, it, expect } from "vitest";
import {
  emailLocales,
  isTemplateName,
  renderEmail,
  templateNames,
  toEmailLocale,
  type EmailLocale,
  type TemplateName,
  type TemplateProps,
} from "../../emails/index.ts";
import { emailStrings } from "../../emails/i18n.ts";

const CJK = /[\u3400-\u9fff]/;

/** Every template must have sample props here (a new template without them fails to typecheck). */
const samples: { [K in TemplateName]: TemplateProps[K] } = {
  "loyalty-code": { url: "https://rapport.test/rewards?x=1&y=2", name: "Ann Lee", rewardName: "$5 off", code: "RW-7KQ2-M9XA", points: 500, expiresAt: "2026-12-31T00:00:00.000Z" },
  "loyalty-code-expired": { url: "https://rapport.test/rewards?x=1&y=2", name: "Ann Lee", rewardName: "$5 off", code: "RW-7KQ2-M9XA", points: 500 },
  "loyalty-expiry-reminder": { url: "https://rapport.test/rewards?x=1&y=2", name: null, points: 1234, expiresAt: "2026-12-31T00:00:00.000Z" },
  "loyalty-tier-changed": { url: "https://rapport.test/rewards?x=1&y=2", name: "Ann Lee", direction: "up", fromTier: "Bronze", toTier: "Silver", benefits: "25% more points", multiplier: 1.25 },
  "loyalty-referral-rewarded": { url: "https://rapport.test/rewards?x=1&y=2", name: "Ann Lee", points: 500 },
  "verify-email": { name: "Ann Lee", url: "https://rapport.test/verify-email?token=v3r1fy&next=%2Forders" },
  "magic-link": { url: "https://rapport.test/auth/magic?token=m4g1c&next=%2F", expiresInMinutes: 15 },
  "password-reset": { url: "https://rapport.test/reset-password?token=r3s3t&x=1", expiresInMinutes: 60 },
  "privacy-erasure-confirm": { url: "https://rapport.test/account/erasure?token=3r4s3&x=1", expiresInHours: 24 },
  "staff-invite": {
    inviterName: "Grace Hopper",
    role: "AGENT",
    url: "https://rapport.test/staff/invite?token=1nv1te&x=1",
    expiresInDays: 7,
  },
  "order-confirmation": {
    name: "Ann Lee",
    orderNumber: "R-1001",
    url: "https://rapport.test/orders/R-1001?x=1&y=2",
    currency: "USD",
    items: [{ name: "Ceramic mug", quantity: 2, unitPriceMinor: 1800 }],
    subtotalMinor: 3600,
    shippingMinor: 599,
    taxMinor: 252,
    discountMinor: 0,
    totalMinor: 4451,
  },
  "order-shipped": { name: "Ann Lee", orderNumber: "R-1001", url: "https://rapport.test/orders/R-1001?x=1&y=2", carrier: "UPS", trackingNumber: "1Z999", trackingUrl: "https://www.ups.com/track?tracknum=1Z999" },
  "order-delivered": { name: null, orderNumber: "R-1001", url: "https://rapport.test/orders/R-1001?x=1&y=2" },
  "order-refund": { name: "Ann Lee", orderNumber: "R-1001", url: "https://rapport.test/orders/R-1001?x=1&y=2", currency: "JPY", amountMinor: 1500, refundedMinor: 1500, totalMinor: 4000, full: false },
  "order-return-update": { name: "Ann Lee", orderNumber: "R-1001", url: "https://rapport.test/orders/R-1001?x=1&y=2", status: "APPROVED" },
  "ticket-received": { name: "Ann Lee", ticketNumber: 42, subject: "Where is my parcel?", url: "https://rapport.test/support/42?x=1&y=2" },
  "ticket-reply": { name: "Ann Lee", ticketNumber: 42, subject: "Where is my parcel?", agentName: "Grace Hopper", body: "It ships today.\nTracking follows.", url: "https://rapport.test/support/42?x=1&y=2" },
  "ticket-solved-csat": { name: null, ticketNumber: 42, subject: "Where is my parcel?", url: "https://rapport.test/support/42?x=1&y=2", rateUrl: "https://rapport.test/support/42/rate" },
  "nps-survey": { name: "Ann Lee", url: "https://rapport.test/survey/nps/t0k3n?x=1&y=2" },
  "return-requested": { orderNumber: "R-1001", customerName: "Ann Lee", customerEmail: "ann@example.com", reason: "does_not_fit", comment: null, items: [{ name: "Ceramic mug", quantity: 1 }], url: "https://rapport.test/staff/orders/R-1001?x=1&y=2" },
};

/** How a URL appears inside an HTML attribute / text node. */
function htmlEscaped(url: string): string {
  return url.replaceAll("&", "&amp;");
}

function render<K extends TemplateName>(name: K, locale: EmailLocale, props?: TemplateProps[K]) {
  return renderEmail(name, locale, props ?? samples[name]);
}

describe("email registry", () => {
  it("lists every template once and recognises names", () => {
    expect(new Set(templateNames).size).toBe(templateNames.length);
    expect([...templateNames].sort()).toEqual(Object.keys(samples).sort());
    for (const name of templateNames) expect(isTemplateName(name)).toBe(true);
    expect(isTemplateName("nope")).toBe(false);
    expect(isTemplateName("toString")).toBe(false);
  });

  it("refuses an unknown template at runtime", async () => {
    await expect(renderEmail("nope" as TemplateName, "en", { url: "x" } as never)).rejects.toThrow(/Unknown email template/);
  });

  it("has the same string keys in zh-CN as in en, and no empty strings", () => {
    const walk = (en: unknown, zh: unknown, path: string): void => {
      if (typeof en === "string") {
        expect(typeof zh, path).toBe("string");
        expect((zh as string).trim(), path).not.toBe("");
        return;
      }
      if (typeof en === "function") {
        expect(typeof zh, path).toBe("function");
        return;
      }
      expect(Object.keys(zh as object).sort(), path).toEqual(Object.keys(en as object).sort());
      for (const key of Object.keys(en as object)) {
        walk((en as Record<string, unknown>)[key], (zh as Record<string, unknown>)[key], `${path}.${key}`);
      }
    };
    walk(emailStrings.en, emailStrings["zh-CN"], "strings");
  });

  it("maps stored locales to email locales", () => {
    expect(toEmailLocale("zh_CN")).toBe("zh-CN");
    expect(toEmailLocale("zh-CN")).toBe("zh-CN");
    expect(toEmailLocale("zh-Hans-CN")).toBe("zh-CN");
    expect(toEmailLocale("en")).toBe("en");
    expect(toEmailLocale("fr")).toBe("en");
    expect(toEmailLocale(null)).toBe("en");
  });
});

describe.each(templateNames)("%s email", (name) => {
  const url = samples[name].url;

  it.each(emailLocales)("renders in %s with a localised subject, the link and the lang attribute", async (locale) => {
    const { subject, html, text } = await render(name, locale);

    expect(subject.trim()).not.toBe("");
    expect(subject).not.toMatch(/[\r\n]/);
    if (locale === "zh-CN") {
      expect(subject).toMatch(CJK);
      expect(text).toMatch(CJK);
    } else {
      expect(subject).not.toMatch(CJK);
      expect(text).not.toMatch(CJK);
    }

    expect(html).toContain(`href="${htmlEscaped(url)}"`);
    expect(text).toContain(url);
    expect(html).toContain(`lang="${locale}"`);
    expect(html).toContain("Rapport");

    for (const leak of ["undefined", "NaN", "[object", "null"]) {
      expect(html).not.toContain(leak);
      expect(text).not.toContain(leak);
    }
  });

  it("differs between locales", async () => {
    const [en, zh] = await Promise.all([render(name, "en"), render(name, "zh-CN")]);
    expect(en.subject).not.toBe(zh.subject);
    expect(en.text).not.toBe(zh.text);
  });
});

describe("template details", () => {
  it("verify-email greets by name, escapes it, and copes with no name", async () => {
    const named = await render("verify-email", "en");
    expect(named.text).toContain("Hi Ann Lee,");
    const zh = await render("verify-email", "zh-CN");
    expect(zh.text).toContain("Ann Lee，您好");

    const hostile = await render("verify-email", "en", { name: "<b>x</b>", url: "https://rapport.test/v" });
    expect(hostile.html).not.toContain("<b>x</b>");
    expect(hostile.html).toContain("&lt;b&gt;x&lt;/b&gt;");

    for (const name of [null, undefined, "   "]) {
      const anon = await render("verify-email", "en", { name, url: "https://rapport.test/v" });
      expect(anon.text).toContain("Hi there,");
    }
  });

  it("magic-link and password-reset state when the link expires", async () => {
    expect((await render("magic-link", "en")).text).toContain("15 minutes");
    expect((await render("magic-link", "zh-CN")).text).toContain("15 分钟");
    expect((await render("password-reset", "en")).text).toContain("1 hour");
    expect((await render("password-reset", "zh-CN")).text).toContain("1 小时");
    const one = await render("magic-link", "en", { url: "https://rapport.test/m", expiresInMinutes: 1 });
    expect(one.text).toContain("1 minute ");
    expect((await render("magic-link", "en")).text).toMatch(/didn't ask/);
  });

  it("staff-invite names the inviter and translates every role", async () => {
    const expected = {
      AGENT: { en: "Support agent", zh: "客服专员" },
      MARKETER: { en: "Marketer", zh: "营销专员" },
      ADMIN: { en: "Administrator", zh: "管理员" },
    } as const;
    for (const role of ["AGENT", "MARKETER", "ADMIN"] as const) {
      const props = { ...samples["staff-invite"], role };
      const en = await render("staff-invite", "en", props);
      const zh = await render("staff-invite", "zh-CN", props);
      expect(en.subject).toContain("Grace Hopper");
      expect(en.text).toContain(expected[role].en);
      expect(en.text).toContain("7 days");
      expect(zh.subject).toContain("Grace Hopper");
      expect(zh.text).toContain(expected[role].zh);
      expect(zh.text).toContain("7 天");
    }
    const oneDay = await render("staff-invite", "en", { ...samples["staff-invite"], expiresInDays: 1 });
    expect(oneDay.text).toContain("1 day.");
  });

  it("keeps the subject on one line whatever the props contain", async () => {
    const { subject } = await render("staff-invite", "en", {
      ...samples["staff-invite"],
      inviterName: "Eve\r\nBcc: victim@example.com",
    });
    expect(subject).not.toMatch(/[\r\n]/);
  });

});
