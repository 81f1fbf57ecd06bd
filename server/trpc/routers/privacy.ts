// Privacy: a customer downloads everything held about them; an admin erases a customer's personal
// data (audited) while orders, refunds and the loyalty ledger stay. Thin: parse, call the domain.
import { z } from "zod";
import { eraseCustomer, erasureStatus } from "../../domain/privacy/erase.ts";
import { exportCustomerData } from "../../domain/privacy/export.ts";
import { confirmErasure, listPendingErasureRequests, myErasureRequest, requestErasure } from "../../domain/privacy/requests.ts";
import { router } from "../init.ts";
import { customerProcedure, staffProcedure } from "../procedures.ts";

const customerId = z.string().min(1).max(100);

export const privacyRouter = router({
  /** The caller's own data only: the customer comes from the session, never from input. */
  export: customerProcedure.query(({ ctx }) => exportCustomerData(ctx.db, { customerId: ctx.customerId, userId: ctx.user.id })),

  /** The caller's own erasure request: confirmed and waiting for staff, or a link sent. */
  myErasureRequest: customerProcedure.query(({ ctx }) => myErasureRequest(ctx.db, ctx.customerId)),

  /** Mails the caller a single-use link confirming that they want their data erased. The input is
   *  an explicit acknowledgement (a `{}` input fails), the customer comes from the session. */
  requestErasure: customerProcedure
    .input(z.object({ acknowledge: z.literal(true) }))
    .mutation(({ ctx }) => requestErasure({ db: ctx.db, appUrl: ctx.env.APP_URL, mailQueued: ctx.mailQueued }, { customerId: ctx.customerId, userId: ctx.user.id })),

  /** The link from that email, POSTed from /account/erasure: records the request for staff. */
  confirmErasure: customerProcedure
    .input(z.object({ token: z.string().max(200) }))
    .mutation(({ ctx, input }) => confirmErasure(ctx.db, { customerId: ctx.customerId, userId: ctx.user.id }, input)),

  /** Confirmed requests waiting to be processed, oldest first (admins erase; agents see them too). */
  pendingRequests: staffProcedure("AGENT", "MARKETER").query(({ ctx }) => listPendingErasureRequests(ctx.db)),

  /** Whether (and when) a customer's personal data was erased, for the staff customer page. */
  status: staffProcedure("AGENT", "MARKETER")
    .input(z.object({ customerId }))
    .query(({ ctx, input }) => erasureStatus(ctx.db, input.customerId)),

  /** Required fields are checked by the domain (messages on the fields), so inputs are lenient here. */
  erase: staffProcedure("ADMIN")
    .input(z.object({ customerId, confirmEmail: z.string().max(320), reason: z.string().max(2000) }))
    .mutation(({ ctx, input }) => eraseCustomer(ctx.db, { id: ctx.user.id, ip: ctx.ip }, input)),
});
