// The HTTP host: security headers, static assets, /api/trpc, page-view touchpoints, and the
// React Router request handler whose load context carries the per-request tRPC caller.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@react-router/express";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { TRPCError } from "@trpc/server";
import express, { type NextFunction, type Request, type Response } from "express";
import type { ServerBuild } from "react-router";
import { createContext, type Services } from "./trpc/context.ts";
import { appRouter, createCaller } from "./trpc/root.ts";
import { stripeWebhookRouter } from "./api/stripe-webhook.ts";
import { fulfilmentApiRouter } from "./api/v1.ts";
import { DB_RETRY_AFTER_SECONDS, DB_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, unavailableHtml } from "./db/unavailable.ts";
import { BODY_LIMITS, pageBodyGuard, trpcBodyGuard } from "./http-limits.ts";

export const TRPC_HEADER = "x-rapport-client";

export function requestHeaders(req: Request): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) h.append(k, x);
    else if (typeof v === "string") h.set(k, v);
  }
  return h;
}

function clientIp(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}

async function requestContext(services: Services, req: Request, res: Response) {
  return createContext(services, { headers: requestHeaders(req), ip: clientIp(req), setCookie: (c) => res.append("Set-Cookie", c) });
}

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

const PAGE_SKIP = /^\/(assets|api|favicon|robots|sitemap|healthz|__manifest)/;

/** Headers every response carries (the page CSP is set per render in app/entry.server.tsx). */
export function securityHeaders(_req: Request, res: Response, next: () => void) {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  next();
}

export interface HttpOptions {
  services: Services;
  mode: "production" | "development";
  root: string;
  log: (m: string) => void;
}

export async function createHttpApp(opts: HttpOptions) {
  const { services } = opts;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", services.env.TRUST_PROXY);
  app.use(securityHeaders);
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });

  // Stripe webhooks need the raw body for the signature (express.raw inside; no JSON parser runs
  // before it), and the fulfilment REST API (JSON, API keys). See server/api/.
  app.use("/webhooks/stripe", stripeWebhookRouter(services));
  app.use("/api/v1", fulfilmentApiRouter(services));

  // tRPC over HTTP. POSTs must carry the custom header: a cross-site form cannot set it (CSRF).
  app.use(
    "/api/trpc",
    (req, res, next) => {
      if (req.method !== "GET" && !req.get(TRPC_HEADER)) {
        res.status(403).json({ error: { message: `Missing ${TRPC_HEADER} header`, code: "FORBIDDEN" } });
        return;
      }
      next();
    },
    // Bounded, checked JSON (server/http-limits.ts); batches of at most 10 calls.
    trpcBodyGuard(),
    createExpressMiddleware({
      router: appRouter,
      maxBodySize: BODY_LIMITS.trpcBytes,
      maxBatchSize: 10,
      // The session lookup is the first query of every call: an unreachable database is a 503 here too.
      createContext: ({ req, res }) =>
        requestContext(services, req, res).catch((e: unknown) => {
          if (isDatabaseUnavailable(e)) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: DB_UNAVAILABLE_MESSAGE, cause: e });
          throw e;
        }),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") opts.log(`[trpc] ${path ?? "?"}: ${error.cause?.stack ?? error.stack ?? error.message}`);
      },
      responseMeta: ({ errors }) => (errors.some((e) => e.code === "SERVICE_UNAVAILABLE") ? { headers: new Headers({ "Retry-After": String(DB_RETRY_AFTER_SECONDS) }) } : {}),
    }),
  );

  // Campaign mail links: the open pixel and click redirects (signed tokens; see
  // server/domain/campaigns/tracking.ts). They go through the tRPC caller like every other read.
  app.get("/t/o/:token", async (req, res) => {
    const ctx = await requestContext(services, req, res);
    await createCaller(ctx).campaigns.trackOpen({ token: String(req.params.token).replace(/\.gif$/, "") }).catch(() => null);
    res.set({ "Content-Type": "image/gif", "Cache-Control": "no-store, private" }).send(PIXEL);
  });
  app.get("/t/c/:token", async (req, res) => {
    const ctx = await requestContext(services, req, res);
    const r = await createCaller(ctx).campaigns.trackClick({ token: String(req.params.token) }).catch(() => null);
    if (!r) {
      res.status(404).type("text/plain").send("This link is not valid.");
      return;
    }
    res.set("Cache-Control", "no-store, private").redirect(302, r.url);
  });

  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (opts.mode === "development") {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ root: opts.root, server: { middlewareMode: true }, appType: "custom" });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:react-router/server-build") as Promise<ServerBuild>;
    app.locals.vite = viteServer;
  } else {
    const buildDir = path.join(opts.root, "build");
    app.use("/assets", express.static(path.join(buildDir, "client", "assets"), { immutable: true, maxAge: "1y" }));
    app.use(filesOnly(express.static(path.join(buildDir, "client"), { maxAge: "1h", index: false })));
    build = (await import(path.join(buildDir, "server", "index.js"))) as ServerBuild;
  }
  app.use(filesOnly(express.static(path.join(opts.root, "public"), { maxAge: "1h", index: false })));

  // Page form posts: a form content type and a Content-Length within the limit, before React
  // Router buffers the body in request.formData() (server/http-limits.ts).
  app.use(pageBodyGuard());

  // RFC 8058 one-click unsubscribe: mail providers POST to /u/<token> from their own servers, with
  // no cookie and possibly their own Origin, which React Router's action origin check would refuse.
  // The token (HMAC) is the only authority there, so a cross-site POST is harmless: drop Origin.
  app.post(/^\/u\/[^/]+$/, (req, _res, next) => {
    delete req.headers.origin;
    next();
  });

  app.all(
    /.*/,
    createRequestHandler({
      build,
      mode: opts.mode,
      async getLoadContext(req, res) {
        const ctx = await requestContext(services, req, res);
        recordPageView(services, req, ctx);
        // Production pages get a nonce-based Content-Security-Policy (app/entry.server.tsx); the
        // development server injects Vite's inline HMR preamble, so it runs without one.
        const cspNonce = opts.mode === "production" ? randomBytes(16).toString("base64") : undefined;
        return { ctx, trpc: createCaller(ctx), cspNonce };
      },
    }),
  );
  app.use(lastErrorHandler(opts.log));
  return app;
}

/**
 * Errors nothing else answered (the session lookup in getLoadContext, the tracking routes, a
 * failed page render): an unreachable database is a short 503 page (or JSON) with Retry-After
 * instead of Express's 500; anything else goes on to Express's handler as before.
 */
function lastErrorHandler(log: (m: string) => void) {
  let lastUnavailableLog = 0;
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || !isDatabaseUnavailable(err)) {
      // Anything else: Express's own handler (a plain 500 without details in production).
      next(err);
      return;
    }
    const wantsJson = req.path.startsWith("/api/") || req.path.endsWith(".data") || !(req.get("accept") ?? "").includes("text/html");
    // One line every few seconds, not a stack per request, while PostgreSQL is away.
    if (Date.now() - lastUnavailableLog > 5000) {
      lastUnavailableLog = Date.now();
      log(`[http] database unreachable, answering 503 (${err instanceof Error ? err.message.split("\n").filter(Boolean).pop() : String(err)})`);
    }
    res.status(503).set({ "Retry-After": String(DB_RETRY_AFTER_SECONDS), "Cache-Control": "no-store" });
    if (wantsJson) res.json({ error: { code: "unavailable", message: DB_UNAVAILABLE_MESSAGE } });
    else res.type("html").send(unavailableHtml());
  };
}

/** Portal page views by customers, through the buffered writer (document and .data requests). */
function recordPageView(services: Services, req: Request, ctx: Awaited<ReturnType<typeof createContext>>) {
  if (req.method !== "GET" || services.env.TOUCHPOINT_VIEWS === "off") return;
  const customerId = ctx.session?.user.customerId;
  if (!customerId || PAGE_SKIP.test(req.path)) return;
  const isData = req.path.endsWith(".data");
  if (!isData && !(req.get("accept") ?? "").includes("text/html")) return;
  const page = isData ? req.path.slice(0, -5).replace(/\/_root$/, "/") || "/" : req.path;
  services.views.push({ customerId, type: "page.viewed", channel: "web", actorUserId: ctx.session!.user.id, subjectType: "page", subjectId: page.slice(0, 200) });
}

/**
 * Static files have an extension (favicon.svg, robots.txt, …); page URLs do not. Without this guard
 * every page request cost two failed `stat` calls, ~5 % of a page's CPU (issue #14 profile).
 */
function filesOnly(serve: express.RequestHandler): express.RequestHandler {
  return (req, res, next) => (/\.(?!data$)[A-Za-z0-9]+$/.test(req.path) ? serve(req, res, next) : next());
}
