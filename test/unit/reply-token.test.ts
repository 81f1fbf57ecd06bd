// Signed reply-to addresses: round trip, forgery and tampering refused, case-insensitive, keyed by
// SESSION_SECRET, and the recipient classification the SMTP listener uses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env, parseEnv, setEnv, type Env } from "../../server/env.ts";
import { parseSupportRecipient, replyAddressFor, replyTokenFor, verifyReplyToken } from "../../server/domain/support/reply-token.ts";
import { recipientRefusal } from "../../server/domain/support/inbound.ts";

let saved: Env | undefined;
const ticketId = "cmiabc123def456ghi789jkl0";

beforeAll(() => {
  try {
    saved = env();
  } catch {
    saved = undefined;
  }
  setEnv(parseEnv({ SESSION_SECRET: "r".repeat(40), APP_URL: "https://portal.example.com", DATA_DIR: ".data/test" }));
});
afterAll(() => {
  if (saved) setEnv(saved);
});

describe("reply tokens", () => {
  it("round-trips a ticket id through the reply address", () => {
    const address = replyAddressFor(ticketId);
    expect(address).toMatch(/^support\+[a-z0-9]+@portal\.example\.com$/);
    const local = address.split("@")[0]!;
    expect(local.length).toBeLessThanOrEqual(64); // RFC 5321 limit of a local part
    expect(verifyReplyToken(local.slice("support+".length))).toBe(ticketId);
  });

  it("survives mail systems that upper-case the address", () => {
    expect(verifyReplyToken(replyTokenFor(ticketId).toUpperCase())).toBe(ticketId);
  });

  it("refuses a forged, tampered, truncated or re-targeted token", () => {
    const token = replyTokenFor(ticketId);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);
    expect(verifyReplyToken(flip(token, token.length - 1))).toBeNull(); // signature changed
    expect(verifyReplyToken(flip(token, 0))).toBeNull(); // ticket id changed
    expect(verifyReplyToken(token.slice(0, -1))).toBeNull();
    expect(verifyReplyToken(`${"cmiother0000000000000000"}${token.slice(-16)}`)).toBeNull(); // someone else's id with this signature
    for (const junk of ["", "x", "a".repeat(200), "../../etc", "abc$%^"]) expect(verifyReplyToken(junk)).toBeNull();
  });

  it("depends on SESSION_SECRET", () => {
    const token = replyTokenFor(ticketId);
    setEnv(parseEnv({ SESSION_SECRET: "s".repeat(40), APP_URL: "https://portal.example.com", DATA_DIR: ".data/test" }));
    try {
      expect(verifyReplyToken(token)).toBeNull();
    } finally {
      setEnv(parseEnv({ SESSION_SECRET: "r".repeat(40), APP_URL: "https://portal.example.com", DATA_DIR: ".data/test" }));
    }
    expect(verifyReplyToken(token)).toBe(ticketId);
  });

  it("uses SUPPORT_ADDRESS when set", () => {
    setEnv(parseEnv({ SESSION_SECRET: "r".repeat(40), SUPPORT_ADDRESS: "Help@Shop.Example", DATA_DIR: ".data/test" }));
    try {
      expect(replyAddressFor(ticketId)).toMatch(/^help\+[a-z0-9]+@shop\.example$/);
      expect(parseSupportRecipient("HELP@shop.example")).toEqual({ kind: "support" });
    } finally {
      setEnv(parseEnv({ SESSION_SECRET: "r".repeat(40), APP_URL: "https://portal.example.com", DATA_DIR: ".data/test" }));
    }
  });
});

describe("support recipients", () => {
  it("classifies the plain address, a reply address and strangers", () => {
    expect(parseSupportRecipient("support@portal.example.com")).toEqual({ kind: "support" });
    expect(parseSupportRecipient(replyAddressFor(ticketId))).toEqual({ kind: "reply", token: replyTokenFor(ticketId), ticketId });
    expect(parseSupportRecipient("support+forged0000000000000000000000000@portal.example.com")).toMatchObject({ kind: "reply", ticketId: null });
    expect(parseSupportRecipient("sales@portal.example.com")).toEqual({ kind: "other" });
    expect(parseSupportRecipient("support@elsewhere.example")).toEqual({ kind: "other" });
  });

  it("refuses a token that does not verify with a 550 that says why", () => {
    expect(recipientRefusal(replyAddressFor(ticketId))).toBeNull();
    expect(recipientRefusal("support@portal.example.com")).toBeNull();
    const forged = recipientRefusal("support+forged0000000000000000000000000@portal.example.com");
    expect(forged).toMatchObject({ responseCode: 550 });
    expect(forged?.message).toMatch(/token does not verify/);
    expect(recipientRefusal("root@portal.example.com")).toMatchObject({ responseCode: 550, message: expect.stringMatching(/No such mailbox/) });
  });

  it("defaults the support address to the APP_URL host, or rapport.test for localhost", () => {
    expect(parseEnv({ SESSION_SECRET: "r".repeat(40), APP_URL: "https://portal.example.com", DATA_DIR: ".data/test" }).SUPPORT_ADDRESS).toBe("support@portal.example.com");
    expect(parseEnv({ SESSION_SECRET: "r".repeat(40), DATA_DIR: ".data/test" }).SUPPORT_ADDRESS).toBe("support@rapport.test");
    expect(parseEnv({ SESSION_SECRET: "r".repeat(40), DATA_DIR: ".data/test" }).INBOUND_SMTP_PORT).toBe(2525);
  });
});
