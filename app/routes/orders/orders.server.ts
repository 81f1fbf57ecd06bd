// Server-side helper of the customer order pages: the caller's own order, or a 404 response.
import { data, type AppLoadContext } from "react-router";
import { isTrpcCode } from "#app/lib/forms.server.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";

/**
 * Loads the caller's own order by number. A missing order, another customer's order and a number
 * no order could have all answer 404 alike, so the page never tells whether an order exists.
 */
export async function loadOwnOrder(context: AppLoadContext, request: Request, number: string) {
  const user = requireCustomer(context, request);
  try {
    return { user, order: await context.trpc.orders.detail({ number }) };
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST") || isTrpcCode(e, "FORBIDDEN")) throw data(null, { status: 404 });
    throw e;
  }
}
