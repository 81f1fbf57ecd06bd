// Server rendering (React Router's default Node entry) plus a Content-Security-Policy: every
// inline script React Router renders carries this response's nonce, so injected markup (an
// article, a ticket body, an email preview) can never run script even if it slipped past the
// sanitiser. Styles allow inline `style` attributes (used for chart bars and widths).
import { Transform, type TransformCallback } from "node:stream";
import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "react-router";
import { createReadableStreamFromReadable } from "@react-router/node";
import { isRouteErrorResponse, ServerRouter } from "react-router";
import { isbot } from "isbot";
import type { RenderToPipeableStreamOptions } from "react-dom/server";
import { renderToPipeableStream } from "react-dom/server";
import { DB_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "#server/db/unavailable.ts";

export const streamTimeout = 5_000;

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Requests whose loader or action failed because the database was unreachable (answered 503). */
const unavailable = new WeakSet<Request>();
let lastUnavailableLog = 0;

/**
 * React Router's error hook (its default logs every error with console.error): a loader or action
 * that failed because PostgreSQL is unreachable marks its request, so the page is answered 503 with
 * Retry-After instead of 500, and logs one short line every few seconds rather than a stack each.
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  const inner = isRouteErrorResponse(error) && (error as { error?: unknown }).error ? (error as { error?: unknown }).error : error;
  if (isDatabaseUnavailable(inner)) {
    unavailable.add(request);
    if (Date.now() - lastUnavailableLog > 5000) {
      lastUnavailableLog = Date.now();
      console.warn(`[pages] database unreachable, answering 503 (${request.method} ${new URL(request.url).pathname})`);
    }
    return;
  }
  if (!request.signal.aborted) console.error(inner);
}

export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, routerContext: EntryContext, loadContext: AppLoadContext) {
  if (unavailable.has(request)) {
    responseStatusCode = 503;
    responseHeaders.set("Retry-After", String(DB_RETRY_AFTER_SECONDS));
  }
  const nonce = loadContext.cspNonce;
  if (nonce) responseHeaders.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  if (request.method.toUpperCase() === "HEAD") {
    return new Response(null, { status: responseStatusCode, headers: responseHeaders });
  }

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const userAgent = request.headers.get("user-agent");
    // Crawlers (and SPA mode) get the whole document at once.
    const readyOption: keyof RenderToPipeableStreamOptions = (userAgent && isbot(userAgent)) || routerContext.isSpaMode ? "onAllReady" : "onShellReady";
    let timeoutId: ReturnType<typeof setTimeout> | undefined = setTimeout(() => abort(), streamTimeout + 1000);

    const { pipe, abort } = renderToPipeableStream(<ServerRouter context={routerContext} url={request.url} nonce={nonce} />, {
      nonce,
      [readyOption]() {
        shellRendered = true;
        const body = new CoalescingStream(() => {
          clearTimeout(timeoutId);
          timeoutId = undefined;
        });
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        pipe(body);
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        // Errors inside the shell are logged by React Router's document handler.
        if (shellRendered) console.error(error);
      },
    });
  });
}

/**
 * Joins what React writes within one turn of the event loop into one chunk. React writes the shell
 * in many ~2 KB pieces; each became a web-stream chunk and a socket write (~8 % of a page's CPU in
 * the issue #14 profile). Later chunks (streamed Suspense boundaries) still go out as soon as React
 * writes them, one turn later at most.
 */
class CoalescingStream extends Transform {
  private chunks: Buffer[] = [];
  private scheduled = false;
  constructor(private readonly onFinal: () => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.chunks.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.release());
    }
    callback();
  }
  override _flush(callback: TransformCallback) {
    this.onFinal();
    this.release();
    callback();
  }
  private release() {
    this.scheduled = false;
    if (this.chunks.length === 0) return;
    this.push(this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks));
    this.chunks = [];
  }
}
