import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../server/env.ts";

describe("configuration", () => {
  it("has working defaults for a fresh machine", () => {
    const env = parseEnv({ SESSION_SECRET: "s".repeat(32) });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({ PORT: 3000, APP_URL: "http://localhost:3000", DATA_DIR: ".data", DEMO_PASSWORD: "rapport-demo", MAIL_FROM: expect.stringContaining("@") });
  });

  it("lists every invalid variable with a clear message", () => {
    let error: unknown;
    try {
      parseEnv({ PORT: "http", DATABASE_URL: "mysql://x", SMTP_URL: "mail.example.com", STRIPE_SECRET_KEY: "pk_test_1", STRIPE_WEBHOOK_SECRET: "abc", SESSION_SECRET: "short", APP_URL: "not a url" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    for (const v of ["PORT", "DATABASE_URL: must be a postgresql://", "SMTP_URL", "STRIPE_SECRET_KEY: must start with sk_test_", "STRIPE_WEBHOOK_SECRET: must start with whsec_", "SESSION_SECRET: must be at least 32", "APP_URL"]) {
      expect(message).toContain(v);
    }
  });

  it("treats empty variables as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", SESSION_SECRET: "s".repeat(32) }).DATABASE_URL).toBeUndefined();
  });
});
