// The React Router load context, filled by server/http.ts for every request: the tRPC context
// and a caller bound to it. Type-only imports from the server, so nothing server-side is bundled.
import type { Context } from "#server/trpc/context.ts";
import type { Caller } from "#server/trpc/root.ts";

declare module "react-router" {
  interface AppLoadContext {
    ctx: Context;
    trpc: Caller;
    /** Per-response nonce for the Content-Security-Policy (production only; see app/entry.server.tsx). */
    cspNonce?: string;
  }
}

export type { Caller, Context };
