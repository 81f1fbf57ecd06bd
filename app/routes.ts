// The explicit route table (React Router ADR 0011). One folder per URL area under routes/.
import { index, prefix, route, type RouteConfig } from "@react-router/dev/routes";

export default [
  index("routes/home.tsx"),
  route("locale", "routes/locale.tsx"),
  // accounts
  route("login", "routes/auth/login.tsx"),
  route("signup", "routes/auth/signup.tsx"),
  route("logout", "routes/auth/logout.tsx"),
  route("verify-email", "routes/auth/verify-email.tsx"),
  route("resend-verification", "routes/auth/resend-verification.tsx"),
  route("magic", "routes/auth/magic.tsx"),
  route("forgot-password", "routes/auth/forgot-password.tsx"),
  route("reset-password", "routes/auth/reset-password.tsx"),
  route("invite", "routes/auth/invite.tsx"),
  route("account", "routes/account/index.tsx"),
  // --- orders (customer) ---
  route("orders", "routes/coming-soon.tsx", { id: "orders" }),
  // --- support (customer) ---
  route("support", "routes/coming-soon.tsx", { id: "support" }),
  // --- help center (public) ---
  route("help", "routes/coming-soon.tsx", { id: "help" }),
  // --- rewards (customer) ---
  route("rewards", "routes/coming-soon.tsx", { id: "rewards" }),
  // agents
  ...prefix("staff", [
    // --- orders (staff) ---
    // --- support (staff) ---
    // --- help (staff) ---
    // --- loyalty (staff) ---
    route("inbox", "routes/staff/inbox.tsx"),
    route("customers", "routes/staff/customers.tsx"),
    route("customers/:id", "routes/staff/customer.tsx"),
  ]),
  // marketers
  ...prefix("marketing", [
    route("segments", "routes/marketing/segments.tsx"),
    route("campaigns", "routes/marketing/campaigns.tsx"),
    route("analytics", "routes/marketing/analytics.tsx"),
    // --- analytics (marketing) ---
  ]),
  // admins
  ...prefix("admin", [
    route("settings", "routes/admin/settings.tsx"),
    route("staff", "routes/admin/staff.tsx"),
    route("api-keys", "routes/admin/api-keys.tsx"),
    route("audit", "routes/admin/audit.tsx"),
    route("mailbox", "routes/admin/mailbox.tsx"),
    route("mailbox/:id", "routes/admin/mail.tsx"),
  ]),
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
