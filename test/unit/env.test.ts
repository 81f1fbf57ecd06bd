import type { AddressInfo } from "node:net";
import express from "express";
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

  it("TRUST_PROXY: loopback by default; addresses, ranges, hops or false; anything else is refused by name", () => {
    const secret = { SESSION_SECRET: "s".repeat(32) };
    expect(parseEnv(secret).TRUST_PROXY).toBe("loopback");
    expect(parseEnv({ ...secret, TRUST_PROXY: "10.0.0.0/8, 192.168.1.7,loopback" }).TRUST_PROXY).toBe("10.0.0.0/8,192.168.1.7,loopback");
    expect(parseEnv({ ...secret, TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(parseEnv({ ...secret, TRUST_PROXY: "false" }).TRUST_PROXY).toBe(false);
    expect(parseEnv({ ...secret, TRUST_PROXY: "fd00::/8" }).TRUST_PROXY).toBe("fd00::/8");
    for (const bad of ["10.0.0.0/33", "proxy.example.com", "10.0.0.1/8/1", "*"]) {
      expect(() => parseEnv({ ...secret, TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: must be false, a number of hops/);
    }
  });

  it("TRUST_PROXY decides whose X-Forwarded-For sets the client address", async () => {
    const ipSeen = async (trust: string) => {
      const app = express();
      app.set("trust proxy", parseEnv({ SESSION_SECRET: "s".repeat(32), TRUST_PROXY: trust }).TRUST_PROXY);
      app.get("/", (req, res) => void res.send(req.ip));
      const server = app.listen(0, "127.0.0.1");
      await new Promise((r) => server.once("listening", r));
      try {
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: { "X-Forwarded-For": "203.0.113.9" } });
        return await res.text();
      } finally {
        server.close();
      }
    };
    expect(await ipSeen("loopback")).toBe("203.0.113.9");
    expect(await ipSeen("10.0.0.0/8")).toBe("127.0.0.1");
    expect(await ipSeen("false")).toBe("127.0.0.1");
  });
});
