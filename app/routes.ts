// The explicit route table (React Router ADR 0011). One folder per URL area under routes/.
import { index, prefix, route, type RouteConfig } from "@react-router/dev/routes";

export default [
  index("routes/home.tsx"),
  route("locale", "routes/locale.tsx"),
  // --- analytics (public NPS survey) ---
  route("survey/nps/:token", "routes/survey/nps.tsx"),
  // --- campaigns (public one-click unsubscribe, RFC 8058) ---
  route("u/:token", "routes/unsubscribe.tsx"),
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
  route("account/export", "routes/account/export.tsx"),
  route("account/erasure", "routes/account/erasure.tsx"),
  // --- orders (customer) ---
  route("orders", "routes/orders/index.tsx"),
  route("orders/:number", "routes/orders/detail.tsx"),
  route("orders/:number/receipt", "routes/orders/receipt.tsx"),
  // --- support (customer) ---
  route("support", "routes/support/index.tsx"),
  route("support/new", "routes/support/new.tsx"),
  route("support/suggest", "routes/support/suggest.tsx"),
  route("support/attachments/:id", "routes/support/attachment.tsx"),
  route("support/:number", "routes/support/ticket.tsx"),
  route("support/:number/rate", "routes/support/rate.tsx"),
  // --- help center (public) ---
  route("help", "routes/help/index.tsx"),
  route("help/search", "routes/help/search.tsx"),
  route("help/:slug", "routes/help/article.tsx"),
  route("sitemap.xml", "routes/help/sitemap.tsx"),
  // --- rewards (customer) ---
  route("rewards", "routes/rewards/index.tsx"),
  route("rewards/join", "routes/rewards/join.tsx"),
  // agents
  ...prefix("staff", [
    // --- orders (staff) ---
    route("orders", "routes/staff/orders.tsx"),
    route("orders/:number", "routes/staff/orders-detail.tsx"),
    // --- support (staff) ---
    route("tickets/:number", "routes/staff/tickets-detail.tsx"),
    route("canned", "routes/staff/canned.tsx"),
    route("csat", "routes/staff/tickets-report.tsx"),
    // --- help (staff) ---
    route("help", "routes/staff/help.tsx"),
    route("help/new", "routes/staff/help-edit.tsx", { id: "staff-help-new" }),
    route("help/reports", "routes/staff/help-reports.tsx"),
    route("help/:id", "routes/staff/help-edit.tsx", { id: "staff-help-edit" }),
    // --- loyalty (staff) ---
    route("loyalty", "routes/staff/loyalty-index.tsx"),
    route("loyalty/:customerId", "routes/staff/loyalty.tsx"),
    route("inbox", "routes/staff/inbox.tsx"),
    route("customers", "routes/staff/customers.tsx"),
    route("customers/:id", "routes/staff/customer.tsx"),
    route("privacy-requests", "routes/staff/privacy-requests.tsx"),
  ]),
  // marketers
  ...prefix("marketing", [
    route("segments", "routes/marketing/segments.tsx"),
    route("segments/new", "routes/marketing/segment-edit.tsx", { id: "segment-new" }),
    route("segments/count", "routes/marketing/segment-count.tsx"),
    route("segments/:id", "routes/marketing/segment-edit.tsx", { id: "segment-edit" }),
    route("campaigns", "routes/marketing/campaigns.tsx"),
    route("campaigns/new", "routes/marketing/campaign-edit.tsx", { id: "campaign-new" }),
    route("campaigns/:id", "routes/marketing/campaign.tsx"),
    route("campaigns/:id/edit", "routes/marketing/campaign-edit.tsx", { id: "campaign-edit" }),
    route("automations", "routes/marketing/automations.tsx"),
    route("automations/:key", "routes/marketing/automation-edit.tsx"),
    route("analytics", "routes/marketing/analytics.tsx"),
    // --- analytics (marketing) ---
  ]),
  // admins
  ...prefix("admin", [
    route("settings", "routes/admin/settings.tsx"),
    route("settings/loyalty", "routes/admin/settings.loyalty.tsx"),
    route("settings/marketing", "routes/admin/settings.marketing.tsx"),
    // --- support (admin) ---
    route("settings/sla", "routes/admin/settings.sla.tsx"),
    route("staff", "routes/admin/staff.tsx"),
    route("api-keys", "routes/admin/api-keys.tsx"),
    route("audit", "routes/admin/audit.tsx"),
    route("mailbox", "routes/admin/mailbox.tsx"),
    route("mailbox/:id", "routes/admin/mail.tsx"),
  ]),
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
