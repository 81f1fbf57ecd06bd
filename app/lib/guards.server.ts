// Page guards for loaders: friendly redirects. The procedures still enforce access themselves.
import type { AppLoadContext } from "react-router";
import { data, redirect } from "react-router";
import type { StaffRoleName } from "#server/trpc/init.ts";

export function signInRedirect(request: Request) {
  const url = new URL(request.url);
  return redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

export function requireUser(context: AppLoadContext, request: Request) {
  const session = context.ctx.session;
  if (!session) throw signInRedirect(request);
  return session.user;
}

export function requireCustomer(context: AppLoadContext, request: Request) {
  const user = requireUser(context, request);
  if (user.staffRole) throw redirect(staffHome(user.staffRole));
  return user;
}

export function requireStaff(context: AppLoadContext, request: Request, ...roles: StaffRoleName[]) {
  const user = requireUser(context, request);
  const allowed = roles.length ? [...roles, "ADMIN"] : ["AGENT", "MARKETER", "ADMIN"];
  if (!user.staffRole || !allowed.includes(user.staffRole)) throw data({ message: "forbidden" }, { status: 403 });
  return user;
}

export function staffHome(role: StaffRoleName) {
  return role === "MARKETER" ? "/marketing/analytics" : role === "ADMIN" ? "/admin/staff" : "/staff/inbox";
}
