// The root router. Add a router here and its procedures are covered by the access-policy test.
import { createCallerFactory, router } from "./init.ts";
import { accountRouter } from "./routers/account.ts";
import { adminRouter } from "./routers/admin.ts";
import { authRouter } from "./routers/auth.ts";
import { portalRouter } from "./routers/portal.ts";
import { staffRouter } from "./routers/staff.ts";

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  portal: portalRouter,
  staff: staffRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;
