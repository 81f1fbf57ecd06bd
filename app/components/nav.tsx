import { Form, NavLink, useLocation } from "react-router";
import type { MessageKey } from "#app/i18n/index.ts";
import { useRoot, useT } from "#app/lib/i18n.ts";

interface Item {
  to: string;
  label: MessageKey;
}

const CUSTOMER: Item[] = [
  { to: "/orders", label: "common.orders" },
  { to: "/support", label: "common.support" },
  { to: "/help", label: "common.help" },
  { to: "/rewards", label: "common.rewards" },
  { to: "/account", label: "common.account" },
];
const AGENT: Item[] = [
  { to: "/staff/inbox", label: "common.inbox" },
  { to: "/staff/customers", label: "common.customers" },
  { to: "/staff/orders", label: "common.orders" },
  { to: "/staff/help", label: "help.staffTitle" },
  { to: "/staff/loyalty", label: "rewards.staffIndexTitle" },
  { to: "/staff/privacy-requests", label: "staff.privacyRequestsTitle" },
];
const MARKETER: Item[] = [
  { to: "/marketing/segments", label: "common.segments" },
  { to: "/marketing/campaigns", label: "common.campaigns" },
  { to: "/marketing/automations", label: "common.automations" },
  { to: "/marketing/analytics", label: "common.analytics" },
];
const ADMIN: Item[] = [
  { to: "/admin/settings", label: "common.settings" },
  { to: "/admin/staff", label: "common.staff" },
  { to: "/admin/api-keys", label: "common.apiKeys" },
  { to: "/admin/audit", label: "common.auditLog" },
  { to: "/admin/mailbox", label: "common.mailbox" },
];

export function navItems(role: "AGENT" | "MARKETER" | "ADMIN" | null | undefined, signedIn: boolean): Item[] {
  if (role === "AGENT") return AGENT;
  if (role === "MARKETER") return [...MARKETER, { to: "/staff/customers", label: "common.customers" }];
  if (role === "ADMIN") return [...AGENT, ...MARKETER, ...ADMIN];
  return signedIn ? CUSTOMER : [{ to: "/help", label: "common.help" }];
}

export function SiteHeader() {
  const { user, locale } = useRoot();
  const t = useT();
  const location = useLocation();
  const here = location.pathname + location.search;
  const items = navItems(user?.staffRole, Boolean(user));
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t("common.skipToContent")}
      </a>
      <div className="bar">
        <NavLink to="/" className="brand">
          {t("common.appName")}
          {user?.staffRole ? <span className="badge">{t(`common.role${user.staffRole}`)}</span> : null}
        </NavLink>
        <nav aria-label={t("common.mainNav")}>
          <ul className="nav-list">
            {items.map((i) => (
              <li key={i.to}>
                <NavLink to={i.to}>{t(i.label)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-actions">
          <Form method="post" action="/locale" className="inline-form">
            <input type="hidden" name="redirectTo" value={here} />
            <input type="hidden" name="locale" value={locale === "en" ? "zh-CN" : "en"} />
            <button type="submit" className="link-button" lang={locale === "en" ? "zh-CN" : "en"} aria-label={`${t("common.language")}: ${t("common.switchTo")}`}>
              {t("common.switchTo")}
            </button>
          </Form>
          {user ? (
            <Form method="post" action="/logout" className="inline-form">
              <button type="submit" className="link-button">
                {t("common.signOut")}
              </button>
            </Form>
          ) : (
            <>
              <NavLink to="/login">{t("common.signIn")}</NavLink>
              <NavLink to="/signup" className="button small">
                {t("common.signUp")}
              </NavLink>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
