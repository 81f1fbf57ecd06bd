import { stringsFor, type StaffRoleName } from "./i18n.ts";
import { ActionButton, EmailLayout, Note, Paragraph } from "./layout.tsx";
import { defineEmail, type WithLocale } from "./template.ts";

export interface StaffInviteProps {
  inviterName: string;
  role: StaffRoleName;
  url: string;
  expiresInDays: number;
}

/** Invitation for a new staff member (agent, marketer or admin). */
export function StaffInvite({
  locale,
  inviterName,
  role,
  url,
  expiresInDays,
}: WithLocale<StaffInviteProps>) {
  const s = stringsFor(locale);
  const t = s["staff-invite"];
  const roleName = t.roles[role];
  return (
    <EmailLayout
      locale={locale}
      preview={t.preview(inviterName, roleName)}
      heading={t.heading}
      footer={s.layout.footerInvite}
    >
      <Paragraph>{t.body(inviterName, roleName)}</Paragraph>
      <Paragraph>{t.roleDescriptions[role]}</Paragraph>
      <Paragraph>{t.action}</Paragraph>
      <ActionButton locale={locale} href={url}>
        {t.button}
      </ActionButton>
      <Note>{t.expiry(expiresInDays)}</Note>
      <Note>{t.ignore}</Note>
    </EmailLayout>
  );
}

export const staffInvite = defineEmail<StaffInviteProps>({
  subject: ({ inviterName }, locale) => stringsFor(locale)["staff-invite"].subject(inviterName),
  element: (props, locale) => <StaffInvite {...props} locale={locale} />,
});
