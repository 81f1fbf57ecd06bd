// Server-side helpers of the ticket pages (customer and staff): the ticket number from the URL and
// reading a ticket, where a number no ticket could have, a missing ticket and another customer's
// ticket all answer 404 alike.
import { data, type AppLoadContext } from "react-router";
import { isTrpcCode } from "#app/lib/forms.server.ts";
import { requireCustomer } from "#app/lib/guards.server.ts";

/** The `:number` route parameter as a ticket number, or a 404 response. */
export function ticketNumber(params: { number?: string }) {
  const n = Number(params.number);
  if (!Number.isInteger(n) || n <= 0 || n > 2_147_483_647) throw data(null, { status: 404 });
  return n;
}

/** Runs a read; NOT_FOUND or BAD_REQUEST from the procedure answers 404. */
export async function or404<R>(read: () => Promise<R>): Promise<R> {
  try {
    return await read();
  } catch (e) {
    if (isTrpcCode(e, "NOT_FOUND") || isTrpcCode(e, "BAD_REQUEST")) throw data(null, { status: 404 });
    throw e;
  }
}

/** The signed-in customer's own ticket named by the URL, or a 404 response. */
export async function loadOwnTicket(context: AppLoadContext, request: Request, params: { number?: string }) {
  requireCustomer(context, request);
  const number = ticketNumber(params);
  return or404(() => context.trpc.support.ticket({ number }));
}
