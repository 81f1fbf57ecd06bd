// The fulfilment API for the shop's warehouse: /api/v1, JSON, `Authorization: Bearer <API key>`.
// Mutations honour an `Idempotency-Key` header: the same key with the same request replays the
// stored response; with a different request it is refused (422). Documented in README "Fulfilment API".
import { createHash } from "node:crypto";
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { authenticateApiKey, type ApiScope } from "../domain/apikeys/apikeys.ts";
import { AppError } from "../domain/errors.ts";
import { transitionOrder, upsertShipment, type OrderActor } from "../domain/orders/lifecycle.ts";
import type { Services } from "../trpc/context.ts";
import { appErrorResponse, errorBody, validationBody, type ApiErrorBody } from "./errors.ts";
import { DB_RETRY_AFTER_SECONDS, DB_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../db/unavailable.ts";
import { apiJsonParser } from "../http-limits.ts";

const SHIPMENT_STATUSES = ["pending", "in_transit", "delivered", "returned", "cancelled"] as const;

export const shipmentBody = z.object({
  carrier: z.string({ error: "carrier is required" }).trim().min(1, "carrier is required").max(100, "carrier is at most 100 characters"),
  tracking_number: z.string({ error: "tracking_number is required" }).trim().min(1, "tracking_number is required").max(100, "tracking_number is at most 100 characters"),
  tracking_url: z.url({ protocol: /^https?$/, error: "tracking_url must be an http(s) URL" }).max(2000).nullish(),
  status: z.enum(SHIPMENT_STATUSES, `status must be one of ${SHIPMENT_STATUSES.join(", ")}`).default("in_transit"),
  shipped_at: z.iso.datetime({ offset: true, error: "shipped_at must be an ISO 8601 date-time" }).optional(),
});
const deliverBody = z.object({ delivered_at: z.iso.datetime({ offset: true, error: "delivered_at must be an ISO 8601 date-time" }).optional() });
const cancelBody = z.object({ reason: z.string().trim().max(500, "reason is at most 500 characters").optional() });

type Result = { status: number; body: unknown };

/** The order as the API shows it (snake_case, amounts in minor units). */
async function orderJson(tx: Tx, number: string) {
  const o = await tx.order.findUnique({
    where: { number },
    include: { items: { orderBy: { id: "asc" } }, shipments: { orderBy: { createdAt: "asc" } }, refunds: { orderBy: { refundedAt: "asc" } }, customer: { select: { email: true, externalId: true } } },
  });
  if (!o) throw new AppError("NOT_FOUND", `Order ${number} not found`);
  return {
    number: o.number,
    status: o.status.toLowerCase(),
    currency: o.currency,
    subtotal: o.subtotalMinor,
    shipping: o.shippingMinor,
    tax: o.taxMinor,
    discount: o.discountMinor,
    total: o.totalMinor,
    refunded: o.refundedMinor,
    customer: { email: o.customer.email, customer_id: o.customer.externalId },
    placed_at: o.placedAt,
    paid_at: o.paidAt,
    shipped_at: o.shippedAt,
    delivered_at: o.deliveredAt,
    cancelled_at: o.cancelledAt,
    items: o.items.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity, unit_price: i.unitPriceMinor })),
    shipments: o.shipments.map((s) => ({ carrier: s.carrier, tracking_number: s.trackingNumber, tracking_url: s.trackingUrl, status: s.status.toLowerCase(), shipped_at: s.shippedAt, delivered_at: s.deliveredAt })),
    refunds: o.refunds.map((r) => ({ amount: r.amountMinor, currency: r.currency, refunded_at: r.refundedAt, reason: r.reason })),
  };
}

async function orderIdByNumber(tx: Tx, number: string) {
  const o = await tx.order.findUnique({ where: { number }, select: { id: true } });
  if (!o) throw new AppError("NOT_FOUND", `Order ${number} not found`);
  return o.id;
}

function requestHash(req: Request): string {
  return createHash("sha256")
    .update(`${req.method} ${req.baseUrl}${req.path}\n${JSON.stringify(req.body ?? {})}`)
    .digest("hex");
}

export function fulfilmentApiRouter(services: Services) {
  const { db } = services;
  const r = Router();
  // JSON only, 100 KB, valid UTF-8, at most 64 levels deep, no NUL (server/http-limits.ts).
  r.use(apiJsonParser("100kb"));

  /** Authenticates, validates, runs `work` in one transaction, with Idempotency-Key for mutations. */
  function endpoint<S extends z.ZodType>(scope: ApiScope, schema: S | null, work: (tx: Tx, ctx: { number: string; body: z.infer<S>; actor: OrderActor }) => Promise<Result>) {
    return async (req: Request, res: Response) => {
      try {
        const auth = await authenticateApiKey(db, req.get("authorization"), scope);
        if (!auth.ok) {
          res.status(auth.status).json(errorBody(auth.code, auth.message));
          return;
        }
        const parsed = schema ? schema.safeParse(req.body ?? {}) : { success: true as const, data: undefined };
        if (!parsed.success) {
          res.status(422).json(validationBody(parsed.error));
          return;
        }
        const number = String(req.params.number ?? "");
        const actor: OrderActor = { kind: "api", apiKeyId: auth.key.id };
        const ctx = { number, body: parsed.data as z.infer<S>, actor };
        const idemKey = req.method === "GET" ? undefined : req.get("idempotency-key");
        if (idemKey !== undefined && (idemKey.length === 0 || idemKey.length > 255)) {
          res.status(422).json(errorBody("validation_failed", "Idempotency-Key must be 1 to 255 characters", { "Idempotency-Key": "must be 1 to 255 characters" }));
          return;
        }
        if (!idemKey) {
          const out = await run(() => db.$transaction((tx) => work(tx, ctx)));
          res.status(out.status).json(out.body);
          if (out.status < 300) services.mailQueued();
          return;
        }
        const hash = requestHash(req);
        const replay = async (): Promise<boolean> => {
          const rec = await db.idempotencyRecord.findUnique({ where: { apiKeyId_key: { apiKeyId: auth.key.id, key: idemKey } } });
          if (!rec) return false;
          if (rec.requestHash !== hash) {
            res.status(422).json(errorBody("idempotency_key_reused", `Idempotency-Key "${idemKey}" was already used with a different request; use a new key for a new request.`));
          } else {
            res.setHeader("Idempotent-Replayed", "true");
            res.status(rec.status).json(rec.responseBody);
          }
          return true;
        };
        if (await replay()) return;
        // The record is written in the transaction of the change: both commit or neither. A
        // concurrent request with the same key waits on the row and then replays.
        const out = await run(() =>
          db.$transaction(async (tx) => {
            const claimed = await tx.$executeRaw`INSERT INTO "IdempotencyRecord" ("apiKeyId", "key", "requestHash", "status", "responseBody") VALUES (${auth.key.id}, ${idemKey}, ${hash}, 0, 'null'::jsonb) ON CONFLICT DO NOTHING`;
            if (claimed === 0) return null;
            const result = await work(tx, ctx);
            await tx.idempotencyRecord.update({ where: { apiKeyId_key: { apiKeyId: auth.key.id, key: idemKey } }, data: { status: result.status, responseBody: result.body as Prisma.InputJsonValue } });
            return result;
          }),
        );
        if (out === null) {
          if (!(await replay())) res.status(409).json(errorBody("conflict", "A request with this Idempotency-Key is in progress; retry later."));
          return;
        }
        if (out.status >= 400 && out.status < 500) {
          // A refused request is answered the same way when retried with the same key.
          await db.idempotencyRecord.createMany({ data: [{ apiKeyId: auth.key.id, key: idemKey, requestHash: hash, status: out.status, responseBody: out.body as Prisma.InputJsonValue }], skipDuplicates: true });
        }
        res.status(out.status).json(out.body);
        if (out.status < 300) services.mailQueued();
      } catch (e) {
        if (isDatabaseUnavailable(e) && !res.headersSent) {
          res.status(503).set("Retry-After", String(DB_RETRY_AFTER_SECONDS)).json(errorBody("unavailable", DB_UNAVAILABLE_MESSAGE));
          return;
        }
        console.warn(`[api] ${req.method} ${req.originalUrl} failed: ${e instanceof Error ? e.stack : String(e)}`);
        res.status(500).json(errorBody("internal", "Internal error"));
      }
    };
  }

  /** Domain refusals (404, 409, 422) become responses; anything else is a 500. */
  async function run<T>(fn: () => Promise<T>): Promise<T | { status: number; body: ApiErrorBody }> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof AppError) return appErrorResponse(e);
      throw e;
    }
  }

  r.get(
    "/orders/:number",
    endpoint("orders:read", null, async (tx, { number }) => ({ status: 200, body: { order: await orderJson(tx, number) } })),
  );

  r.put(
    "/orders/:number/shipments",
    endpoint("orders:write", shipmentBody, async (tx, { number, body, actor }) => {
      const orderId = await orderIdByNumber(tx, number);
      const status = body.status.toUpperCase() as "PENDING" | "IN_TRANSIT" | "DELIVERED" | "RETURNED" | "CANCELLED";
      const { created } = await upsertShipment(tx, {
        orderId,
        carrier: body.carrier,
        trackingNumber: body.tracking_number,
        trackingUrl: body.tracking_url,
        status,
        at: body.shipped_at ? new Date(body.shipped_at) : new Date(),
        actor,
        appUrl: services.env.APP_URL,
      });
      return { status: created ? 201 : 200, body: { order: await orderJson(tx, number) } };
    }),
  );

  r.post(
    "/orders/:number/deliver",
    endpoint("orders:write", deliverBody, async (tx, { number, body, actor }) => {
      const orderId = await orderIdByNumber(tx, number);
      const at = body.delivered_at ? new Date(body.delivered_at) : new Date();
      const shipment = await tx.shipment.findFirst({ where: { orderId, status: { in: ["PENDING", "IN_TRANSIT"] } }, orderBy: { updatedAt: "desc" } });
      if (shipment) {
        await upsertShipment(tx, { orderId, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, status: "DELIVERED", at, actor, appUrl: services.env.APP_URL });
      } else {
        await transitionOrder(tx, { orderId, to: "DELIVERED", at, actor, appUrl: services.env.APP_URL });
      }
      return { status: 200, body: { order: await orderJson(tx, number) } };
    }),
  );

  r.post(
    "/orders/:number/cancel",
    endpoint("orders:write", cancelBody, async (tx, { number, body, actor }) => {
      const orderId = await orderIdByNumber(tx, number);
      await transitionOrder(tx, { orderId, to: "CANCELLED", at: new Date(), actor, reason: body.reason ?? null, appUrl: services.env.APP_URL });
      return { status: 200, body: { order: await orderJson(tx, number) } };
    }),
  );

  r.use((_req, res) => {
    res.status(404).json(errorBody("not_found", "No such endpoint; see README \"Fulfilment API\"."));
  });
  // Malformed JSON bodies (express.json) and other middleware errors.
  r.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    void _next;
    const status = (err as { status?: number }).status;
    const type = (err as { type?: string }).type;
    if (type === "rapport.invalid_utf8" || type === "rapport.json_shape") {
      res.status(422).json(errorBody("validation_failed", (err as Error).message, { body: (err as Error).message }));
      return;
    }
    if (status === 400 || type === "entity.parse.failed") {
      res.status(422).json(errorBody("validation_failed", "The body is not valid JSON", { body: "must be a JSON object" }));
      return;
    }
    if (status === 413) {
      res.status(413).json(errorBody("too_large", "The body is too large: at most 100 KB"));
      return;
    }
    res.status(500).json(errorBody("internal", "Internal error"));
  });
  return r;
}
