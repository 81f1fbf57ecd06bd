// Walks every procedure of the root router and calls it as anonymous, customer A, customer B,
// agent, marketer and admin, asserting allowed/refused exactly as its declared policy says, and
// that one customer asking for another's resource gets NOT_FOUND. A procedure without a declared
// policy fails this test, so every procedure added later is covered automatically.
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db/client.ts";
import { createSession } from "../../server/domain/auth/sessions.ts";
import type { Meta, OwnedResource, Policy } from "../../server/trpc/init.ts";
import { router } from "../../server/trpc/init.ts";
import { baseProcedure } from "../../server/trpc/init.ts";
import { appRouter } from "../../server/trpc/root.ts";
import { createCustomer, createOrder, createStaff, createTicket } from "../factories/index.ts";
import { checkAttachments, storeAttachments } from "../../server/domain/support/attachments.ts";
import { callerAs } from "../setup/harness.ts";

type Actor = "anonymous" | "customerA" | "customerB" | "agent" | "marketer" | "admin";
const ACTORS: Actor[] = ["anonymous", "customerA", "customerB", "agent", "marketer", "admin"];

interface AnyProcedure {
  _def: { type: "query" | "mutation" | "subscription"; meta?: Meta };
}

function proceduresOf(r: { _def: { procedures: Record<string, unknown> } }): [string, AnyProcedure][] {
  return Object.entries(r._def.procedures) as [string, AnyProcedure][];
}

/** Procedures that declare no policy (must be empty). */
function undeclared(r: { _def: { procedures: Record<string, unknown> } }) {
  return proceduresOf(r)
    .filter(([, p]) => !p._def.meta?.policy)
    .map(([path]) => path);
}

function expectedAllowed(policy: Policy, actor: Actor): boolean {
  switch (policy.kind) {
    case "public":
      return true;
    case "authenticated":
      return actor !== "anonymous";
    case "customer":
      return actor === "customerA" || actor === "customerB";
    case "staff":
      return (actor === "agent" && policy.roles.includes("AGENT")) || (actor === "marketer" && policy.roles.includes("MARKETER")) || (actor === "admin" && policy.roles.includes("ADMIN"));
  }
}

function expectedRefusal(actor: Actor) {
  return actor === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN";
}

const userIds: Partial<Record<Actor, string>> = {};
const customerIds: Partial<Record<Actor, string>> = {};

async function call(actor: Actor, path: string, input: unknown): Promise<{ ok: true } | { ok: false; code: string }> {
  const { caller } = await callerAs({ userId: userIds[actor] ?? null });
  const fn = path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (i: unknown) => Promise<unknown>;
  try {
    await fn(input);
    return { ok: true };
  } catch (e) {
    if (e instanceof TRPCError) return { ok: false, code: e.code };
    throw e;
  }
}

/** Per resource kind: creates one owned by the given customer and returns the input value that
 *  addresses it. Adding a kind to OwnedResource without an entry here is a type error. */
const resourceFactories: { [K in OwnedResource["kind"]]: (owner: { userId: string; customerId: string }) => Promise<string> } = {
  session: async (o) => (await createSession(db(), o.userId, { ip: "127.0.0.1" })).session.id,
  order: async (o) => (await createOrder(db(), { customerId: o.customerId })).number,
  ticket: async (o) => String((await createTicket(db(), { customerId: o.customerId })).number),
  attachment: async (o) => {
    const t = await createTicket(db(), { customerId: o.customerId });
    const files = checkAttachments([{ filename: "note.txt", contentType: "text/plain", content: Buffer.from("hello") }]);
    const [a] = await db().$transaction((tx) => storeAttachments(tx, t.id, t.messages[0]!.id, files));
    return a!.id;
  },
  redemption: async (o) => {
    const reward = await db().reward.create({ data: { kind: "FREE_SHIPPING", nameEn: "Free shipping", nameZh: "免运费", pointsCost: 100 } });
    const r = await db().redemption.create({ data: { customerId: o.customerId, rewardId: reward.id, code: `RW-AP-${Math.random().toString(36).slice(2, 10).toUpperCase()}`, pointsCost: 100, expiresAt: new Date(Date.now() + 86_400_000) } });
    return r.id;
  },
};

/** Creates a resource of `kind` owned by `owner`; returns the input that addresses it. */
async function resourceOf(kind: OwnedResource["kind"], owner: Actor): Promise<string> {
  return resourceFactories[kind]({ userId: userIds[owner]!, customerId: customerIds[owner]! });
}

beforeAll(async () => {
  const a = await createCustomer(db(), { login: true, consentEmail: true });
  const b = await createCustomer(db(), { login: true });
  userIds.customerA = a.userId!;
  userIds.customerB = b.userId!;
  customerIds.customerA = a.id;
  customerIds.customerB = b.id;
  userIds.agent = (await createStaff(db(), { role: "AGENT" })).id;
  userIds.marketer = (await createStaff(db(), { role: "MARKETER" })).id;
  userIds.admin = (await createStaff(db(), { role: "ADMIN" })).id;
});

describe("access policy", () => {
  it("every procedure of the root router declares a policy", () => {
    expect(proceduresOf(appRouter).length).toBeGreaterThan(20);
    expect(undeclared(appRouter)).toEqual([]);
  });

  it("the check catches a procedure without a declared policy", () => {
    const rogue = router({ ok: baseProcedure.query(() => 1), sneaky: { leak: baseProcedure.query(() => 2) } });
    expect(undeclared(rogue)).toEqual(["ok", "sneaky.leak"]);
  });

  for (const [path, proc] of proceduresOf(appRouter)) {
    const policy = proc._def.meta?.policy;
    if (!policy) continue; // reported by the test above
    it(`${path} is ${policy.kind === "staff" ? `staff(${policy.roles.join(",")})` : policy.kind}`, async () => {
      for (const actor of ACTORS) {
        // An empty object is invalid for most inputs: an allowed caller then gets BAD_REQUEST
        // (access is checked before input parsing), a refused one UNAUTHORIZED/FORBIDDEN.
        const result = await call(actor, path, {});
        const allowed = result.ok || (result.code !== "UNAUTHORIZED" && result.code !== "FORBIDDEN");
        expect({ actor, allowed, result }).toEqual({ actor, allowed: expectedAllowed(policy, actor), result: allowed ? result : { ok: false, code: expectedRefusal(actor) } });
      }
    });
  }

  const owned = proceduresOf(appRouter).filter(([, p]) => p._def.meta?.resource);
  it("declares customer-owned resources on at least one procedure", () => {
    expect(owned.length).toBeGreaterThan(0);
  });
  for (const [path, proc] of owned) {
    const resource = proc._def.meta!.resource!;
    it(`${path}: customer A asking for customer B's ${resource.kind} gets NOT_FOUND; B is served`, async () => {
      const idOfB = await resourceOf(resource.kind, "customerB");
      expect(await call("customerA", path, { [resource.field]: idOfB })).toEqual({ ok: false, code: "NOT_FOUND" });
      expect(await call("customerB", path, { [resource.field]: idOfB })).toEqual({ ok: true });
    });
  }
});
