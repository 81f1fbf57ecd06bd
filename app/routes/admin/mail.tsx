// One captured mail (admins only): headers, the text body, the links it contains (so sign-in,
// verification and invitation links can be followed), and the HTML body in a fully sandboxed
// iframe — sandbox="" means no scripts, no forms, no same-origin access, no top navigation.
import { data, Link } from "react-router";
import type { Route } from "./+types/mail";
import { formatDate } from "#app/i18n/index.ts";
import { isTrpcCode } from "#app/lib/forms.server.ts";
import { requireStaff } from "#app/lib/guards.server.ts";
import { useLocale, useRoot, useT } from "#app/lib/i18n.ts";

export async function loader({ context, request, params }: Route.LoaderArgs) {
  requireStaff(context, request, "ADMIN");
  let mail;
  try {
    mail = await context.trpc.admin.mail({ id: params.id });
  } catch (e) {
    // An id longer than any real one fails validation: it is just as missing.
    if (isTrpcCode(e, "BAD_REQUEST")) throw data(null, { status: 404 });
    throw e;
  }
  if (!mail) throw data(null, { status: 404 });
  const { id, from, to, subject, text, html, receivedAt } = mail;
  return { mail: { id, from, to, subject, text, html, receivedAt }, links: linksIn(text ?? "") };
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data ? `${data.mail.subject} · Rapport` : "Rapport" }];
}

/** The distinct http(s) URLs in a text body, without trailing punctuation. */
function linksIn(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"'`]+/g) ?? [];
  const urls = found.map((u) => u.replace(/[.,;:!?)\]}>]+$/, ""));
  return Array.from(new Set(urls)).slice(0, 50);
}

export default function Mail({ loaderData }: Route.ComponentProps) {
  const { mail, links } = loaderData;
  const t = useT();
  const locale = useLocale();
  const tz = useRoot().user?.timeZone ?? "UTC";
  const subject = mail.subject || t("admin.noSubject");
  return (
    <article className="stack">
      <p>
        <Link to="/admin/mailbox">{t("admin.backToMailbox")}</Link>
      </p>
      <h1>{subject}</h1>
      <dl className="kv">
        <dt>{t("admin.from")}</dt>
        <dd>{mail.from}</dd>
        <dt>{t("admin.to")}</dt>
        <dd>{mail.to}</dd>
        <dt>{t("admin.date")}</dt>
        <dd>
          <time dateTime={new Date(mail.receivedAt).toISOString()}>{formatDate(locale, mail.receivedAt, tz, true)}</time>
        </dd>
      </dl>

      <section aria-labelledby="mail-links">
        <h2 id="mail-links">{t("admin.linksTitle")}</h2>
        {links.length === 0 ? (
          <p>{t("admin.noLinks")}</p>
        ) : (
          <ul>
            {links.map((href) => (
              <li key={href}>
                <a href={href} rel="noreferrer">
                  {href}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="mail-text">
        <h2 id="mail-text">{t("admin.textBody")}</h2>
        {mail.text ? <pre className="mail-text">{mail.text}</pre> : <p>{t("admin.noText")}</p>}
      </section>

      <section aria-labelledby="mail-html">
        <h2 id="mail-html">{t("admin.htmlBody")}</h2>
        {mail.html ? (
          <iframe className="mail-html" sandbox="" srcDoc={mail.html} title={t("admin.htmlFrameTitle", { subject })} width="100%" height="600" />
        ) : (
          <p>{t("admin.noHtml")}</p>
        )}
      </section>
    </article>
  );
}
