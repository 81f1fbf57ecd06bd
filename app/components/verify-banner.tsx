import { Form, useLocation, useSearchParams } from "react-router";
import { useRoot, useT } from "#app/lib/i18n.ts";

/** Shown to signed-in users whose email is not confirmed yet. */
export function VerifyBanner() {
  const { user } = useRoot();
  const t = useT();
  const [params] = useSearchParams();
  const location = useLocation();
  if (!user || user.emailVerified) return null;
  return (
    <div className="banner" role="status">
      <span>{t("common.verifyBanner", { email: user.email })}</span>
      {params.get("resent") ? (
        <span> {t("common.resent")}</span>
      ) : (
        <Form method="post" action="/resend-verification" className="inline-form">
          <input type="hidden" name="redirectTo" value={location.pathname} />
          <button type="submit" className="link-button">
            {t("common.resend")}
          </button>
        </Form>
      )}
    </div>
  );
}
