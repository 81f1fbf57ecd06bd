// Test and demo-data factories. Every factory takes (db, overrides?, ctx?):
//   db        the PrismaClient or an interactive-transaction client (multi-row factories run in a
//             transaction of their own when given the full client)
//   overrides any column or option; sensible, consistent defaults for the rest
//   ctx       a FactoryContext (seeded PRNG, "now", unique counter); default: factoryContext(),
//             randomly seeded so repeated calls against a shared database never collide.
export * from "./random.ts";
export * from "./types.ts";
export * from "./names.ts";
export * from "./users.ts";
export * from "./orders.ts";
export * from "./tickets.ts";
export * from "./help.ts";
export * from "./loyalty.ts";
export * from "./touchpoints.ts";
