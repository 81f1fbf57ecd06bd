// /rewards/join?ref=CODE — the referral link: remembers the code in a cookie (30 days) so that
// confirming the email after sign-up attaches it (and /rewards prefills it), and explains what to
// do. No state changes.
import { data, Link } from "react-router";
import type { Route } from "./+types/join";
import { translator } from "#app/i18n/index.ts";
import { useRoot, useT } from "#app/lib/i18n.ts";
import { cleanReferralCode, setReferralCookie } from "#app/lib/referral-cookie.server.ts";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? "Rewards"} · Rapport` }];
}

export function loader({ context, request }: Route.LoaderArgs) {
  const code = cleanReferralCode(new URL(request.url).searchParams.get("ref") ?? "");
  const headers = new Headers();
  if (code) headers.append("Set-Cookie", setReferralCookie(code));
  return data({ code, title: translator(context.ctx.locale)("rewards.joinTitle") }, { headers });
}

export default function Join({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { user } = useRoot();
  return (
    <section className="stack narrow">
      <h1>{t("rewards.joinTitle")}</h1>
      {loaderData.code ? <p>{t("rewards.joinBody", { code: loaderData.code })}</p> : null}
      <p>
        {user ? (
          <Link className="button" to="/rewards">
            {t("rewards.joinSignedIn")}
          </Link>
        ) : (
          <Link className="button" to="/signup?redirectTo=%2Frewards">
            {t("rewards.joinSignup")}
          </Link>
        )}
      </p>
    </section>
  );
}
