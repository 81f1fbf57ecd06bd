// The root router. Add a router here and its procedures are covered by the access-policy test.
import { createCallerFactory, router } from "./init.ts";
import { accountRouter } from "./routers/account.ts";
import { adminRouter } from "./routers/admin.ts";
import { authRouter } from "./routers/auth.ts";
import { portalRouter } from "./routers/portal.ts";
import { staffRouter } from "./routers/staff.ts";
import { ordersRouter } from "./routers/orders.ts";
import { supportRouter } from "./routers/support.ts";
import { helpRouter } from "./routers/help.ts";
import { loyaltyRouter } from "./routers/loyalty.ts";
import { analyticsRouter } from "./routers/analytics.ts";
import { supportSettingsRouter } from "./routers/support-settings.ts";
import { privacyRouter } from "./routers/privacy.ts";
import { segmentsRouter } from "./routers/segments.ts";
import { campaignsRouter } from "./routers/campaigns.ts";
import { automationsRouter } from "./routers/automations.ts";

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  portal: portalRouter,
  staff: staffRouter,
  admin: adminRouter,
  orders: ordersRouter,
  support: supportRouter,
  help: helpRouter,
  loyalty: loyaltyRouter,
  analytics: analyticsRouter,
  supportSettings: supportSettingsRouter,
  privacy: privacyRouter,
  segments: segmentsRouter,
  campaigns: campaignsRouter,
  automations: automationsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;
