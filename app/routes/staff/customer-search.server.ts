// The loader half of the staff customer search shared by /staff/customers and /staff/loyalty.
import type { AppLoadContext } from "react-router";
import { requireStaff } from "#app/lib/guards.server.ts";

/** Agents and marketers (and admins): the `q` of the URL and the matching customers. */
export async function searchCustomersFor(context: AppLoadContext, request: Request) {
  requireStaff(context, request, "AGENT", "MARKETER");
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  const customers = await context.trpc.staff.searchCustomers({ q });
  return { q, customers };
}
