// Request-body limits for the HTTP host (issue #13, test/hardening/malformed-input.test.ts): every
// body is bounded before anything buffers it, must be what the endpoint reads (JSON / a form), must
// be valid UTF-8 where it is text, and JSON may not nest deeper than any real input does or carry
// NUL characters (PostgreSQL text cannot store U+0000: it would fail deep inside a transaction as a
// 500). Each refusal is a 4xx with a message that says what was wrong and what the limit is.
import { isUtf8 } from "node:buffer";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";

const MB = 1024 * 1024;

export const BODY_LIMITS = {
  /** tRPC JSON bodies: the longest text input is 100,000 characters (≤ 600 KB as escaped UTF-8 JSON). */
  trpcBytes: 1 * MB,
  /** URL-encoded page forms: 100,000 CJK characters percent-encode to 900 KB. */
  formBytes: 2 * MB,
  /** Multipart page forms: up to 5 attachments of 10 MB each (server/domain/support/attachments.ts) plus the text. */
  multipartBytes: 60 * MB,
  /** JSON nesting (objects + arrays). Real inputs nest a few levels; Stripe events about 10. */
  jsonDepth: 64,
};

const mb = (bytes: number) => `${bytes / MB} MB`;

/**
 * What is wrong with a JSON text before it is parsed: nesting deeper than `maxDepth`, or a NUL
 * character (the `\u0000` escape, or a raw 0x00). Counts brackets outside strings, so it costs one
 * pass and no recursion.
 */
export function jsonTextProblem(text: string, maxDepth = BODY_LIMITS.jsonDepth): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return "The JSON contains a NUL character (U+0000), which text fields cannot hold.";
    if (inString) {
      if (c === 92 /* \ */) {
        if (text.startsWith("u0000", i + 1)) return "The JSON contains a NUL character (\\u0000), which text fields cannot hold.";
        i++;
      } else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return `The JSON is nested deeper than ${maxDepth} levels.`;
    } else if (c === 125 || c === 93) depth--;
  }
  return null;
}

type Refuse = (res: Response, status: number, message: string) => void;

/** The body-parser errors (too large, aborted, bad encoding) as clear refusals. */
function bodyError(err: unknown, limit: number, res: Response, refuse: Refuse): void {
  const e = err as { type?: string; status?: number };
  if (e.type === "entity.too.large" || e.status === 413) return refuse(res, 413, `The request body is too large: at most ${mb(limit)}.`);
  if (e.type === "request.aborted") return refuse(res, 400, "The request body was cut off before its end.");
  if (e.type === "encoding.unsupported" || e.status === 415) return refuse(res, 415, "The request body's charset is not supported: send UTF-8.");
  return refuse(res, 400, "The request body could not be read.");
}

/** Reads the raw body (at most `limit` bytes, counted as it arrives, so a chunked body is bounded too). */
function readRaw(limit: number, refuse: Refuse) {
  const raw = express.raw({ type: () => true, limit });
  return (req: Request, res: Response, then: (body: Buffer) => void) => {
    raw(req, res, (err?: unknown) => {
      if (err) return bodyError(err, limit, res, refuse);
      then(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    });
  };
}

const trpcRefuse: Refuse = (res, status, message) => {
  const code = { 400: "BAD_REQUEST", 411: "LENGTH_REQUIRED", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE" }[status] ?? "BAD_REQUEST";
  res.status(status).set("Connection", "close").json({ error: { message, code, data: { code, httpStatus: status } } });
};

/**
 * Before the tRPC adapter: POST bodies must be JSON, at most BODY_LIMITS.trpcBytes, valid UTF-8,
 * not too deep and without NUL; GET `?input=` is checked the same way. The checked body is handed
 * to tRPC as `req.body` (a string), so tRPC never reads the stream itself.
 */
export function trpcBodyGuard(): RequestHandler {
  const read = readRaw(BODY_LIMITS.trpcBytes, trpcRefuse);
  return (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD") {
      const input = typeof req.query.input === "string" ? req.query.input : null;
      const problem = input === null ? null : jsonTextProblem(input);
      if (problem) return trpcRefuse(res, 400, problem);
      return next();
    }
    const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json" && !(type === "" && req.get("content-length") === "0")) {
      return trpcRefuse(res, 415, `tRPC requests must be sent as application/json${type ? ` (not ${type})` : ""}.`);
    }
    read(req, res, (body) => {
      if (!isUtf8(body)) return trpcRefuse(res, 400, "The request body is not valid UTF-8.");
      const text = body.toString("utf8");
      const problem = jsonTextProblem(text);
      if (problem) return trpcRefuse(res, 400, problem);
      // tRPC takes a string req.body as the raw JSON (and reads nothing else); an empty body is "no input".
      (req as { body?: unknown }).body = text;
      next();
    });
  };
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

const pageRefuse: Refuse = (res, status, message) => {
  res.status(status).set("Connection", "close").type("text/plain; charset=utf-8").send(message);
};

/**
 * Before the React Router handler, for requests with a body (POST, PUT, PATCH, DELETE): a form
 * content type, a Content-Length (browsers always send one for forms; without it a body could grow
 * without end before the action reads it) within the limit for its type. An empty body passes.
 * React Router reads the stream itself afterwards: the length is checked, not the bytes, and
 * Node's HTTP parser never delivers more than Content-Length.
 */
export function pageBodyGuard(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const lengthHeader = req.get("content-length");
    const chunked = req.get("transfer-encoding") !== undefined;
    if (!chunked && (lengthHeader === undefined || lengthHeader === "0")) return next();
    if (lengthHeader === undefined) return pageRefuse(res, 411, "Length Required: send the form with a Content-Length header.");
    const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!FORM_TYPES.includes(type)) return pageRefuse(res, 415, `Pages take forms only (application/x-www-form-urlencoded or multipart/form-data)${type ? `, not ${type}` : ""}.`);
    if (type === "multipart/form-data" && !/;\s*boundary=/i.test(req.get("content-type") ?? "")) return pageRefuse(res, 400, "A multipart/form-data body needs a boundary parameter in its Content-Type.");
    const limit = type === "multipart/form-data" ? BODY_LIMITS.multipartBytes : BODY_LIMITS.formBytes;
    const length = Number(lengthHeader);
    if (!Number.isSafeInteger(length) || length < 0) return pageRefuse(res, 400, "The Content-Length header is not a number.");
    if (length > limit) return pageRefuse(res, 413, `The form is too large: at most ${mb(limit)}${type === "multipart/form-data" ? " (5 attachments of 10 MB each)" : ""}.`);
    next();
  };
}

/** JSON body parsing for /api/v1 with the same UTF-8, depth and NUL checks (the errors go to the API's handler). */
export function apiJsonParser(limit: string | number): RequestHandler {
  return express.json({
    limit,
    type: () => true,
    verify(_req, _res, buf) {
      if (!isUtf8(buf)) throw Object.assign(new Error("The body is not valid UTF-8"), { status: 400, type: "rapport.invalid_utf8" });
      const problem = jsonTextProblem(buf.toString("utf8"));
      if (problem) throw Object.assign(new Error(problem), { status: 400, type: "rapport.json_shape" });
    },
  });
}
