/**
 * Strings for every transactional email, per locale.
 *
 * `en` is the reference: its shape defines `EmailStrings`, and `zh-CN` is
 * typed as `EmailStrings`, so a missing (or extra) key in the Chinese table
 * is a compile error. Strings that depend on props are functions.
 *
 * To add a template: add a block under `en` (keyed by the template name),
 * the same block under `zh-CN`, a file in emails/ and a line in the registry
 * in emails/index.ts.
 */

export type EmailLocale = "en" | "zh-CN";

export const emailLocales: readonly EmailLocale[] = ["en", "zh-CN"];

export function isEmailLocale(x: unknown): x is EmailLocale {
  return x === "en" || x === "zh-CN";
}

/**
 * Maps whatever a caller has (the Prisma enum value `zh_CN`, a BCP 47 tag such
 * as `zh-Hans-CN`, an Accept-Language entry, null) to an email locale.
 * Anything Chinese becomes "zh-CN"; everything else falls back to "en".
 */
export function toEmailLocale(x: string | null | undefined): EmailLocale {
  if (!x) return "en";
  return /^zh([-_]|$)/i.test(x.trim()) ? "zh-CN" : "en";
}

export type StaffRoleName = "AGENT" | "MARKETER" | "ADMIN";

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "15 minutes", "1 hour", "2 hours", "90 minutes". */
function enMinutes(minutes: number): string {
  if (minutes >= 60 && minutes % 60 === 0) return plural(minutes / 60, "hour", "hours");
  return plural(minutes, "minute", "minutes");
}

/** "15 分钟", "1 小时", "90 分钟". */
function zhMinutes(minutes: number): string {
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} 小时`;
  return `${minutes} 分钟`;
}

const en = {
  layout: {
    brand: "Rapport",
    signOff: "The Rapport team",
    linkFallback: "If the button doesn't work, copy and paste this link into your browser:",
    footer: "You're receiving this email because of your Rapport account.",
    footerInvite: "You're receiving this email because someone invited this address to join Rapport.",
  },

  "verify-email": {
    subject: "Confirm your email address for Rapport",
    preview: "One click to confirm your email and finish setting up your Rapport account.",
    heading: "Confirm your email address",
    greeting: (name: string | null): string => (name ? `Hi ${name},` : "Hi there,"),
    body:
      "Thanks for signing up for Rapport. Please confirm that this is your email address, " +
      "so we can keep your account secure and reach you about your orders, tickets and rewards.",
    button: "Confirm email address",
    ignore: "If you didn't create a Rapport account, you can safely ignore this email.",
  },

  "magic-link": {
    subject: "Your Rapport sign-in link",
    preview: (minutes: number): string =>
      `Sign in to Rapport with one click. The link expires in ${enMinutes(minutes)}.`,
    heading: "Sign in to Rapport",
    body:
      "We received a request to sign in to Rapport with this email address. " +
      "Click the button below to sign in, no password needed.",
    button: "Sign in to Rapport",
    expiry: (minutes: number): string =>
      `This link expires in ${enMinutes(minutes)} and can only be used once.`,
    ignore:
      "If you didn't ask to sign in, you can safely ignore this email. " +
      "Nobody can sign in without this link.",
  },

  "password-reset": {
    subject: "Reset your Rapport password",
    preview: (minutes: number): string =>
      `Use this link to choose a new password. It expires in ${enMinutes(minutes)}.`,
    heading: "Reset your password",
    body:
      "We received a request to reset the password of the Rapport account that uses this " +
      "email address. Click the button below to choose a new one.",
    button: "Choose a new password",
    expiry: (minutes: number): string =>
      `This link expires in ${enMinutes(minutes)} and can only be used once.`,
    ignore:
      "If you didn't ask to reset your password, you can ignore this email. " +
      "Your current password will keep working.",
  },

  "staff-invite": {
    roles: {
      AGENT: "Support agent",
      MARKETER: "Marketer",
      ADMIN: "Administrator",
    } satisfies Record<StaffRoleName, string> as Record<StaffRoleName, string>,
    subject: (inviterName: string): string => `${inviterName} invited you to join the Rapport team`,
    preview: (inviterName: string, role: string): string =>
      `${inviterName} invited you to the Rapport team. Your role: ${role}.`,
    heading: "You're invited to Rapport",
    body: (inviterName: string, role: string): string =>
      `${inviterName} has invited you to join Rapport with the role “${role}”.`,
    roleDescriptions: {
      AGENT: "You'll answer customer tickets and see each customer's full history.",
      MARKETER: "You'll build customer segments and run loyalty and customer-care campaigns.",
      ADMIN: "You'll have full access, including staff accounts and program settings.",
    } satisfies Record<StaffRoleName, string> as Record<StaffRoleName, string>,
    action: "Accept the invitation to set up your staff account.",
    button: "Accept invitation",
    expiry: (days: number): string => `This invitation expires in ${plural(days, "day", "days")}.`,
    ignore: "If you weren't expecting this invitation, you can ignore this email.",
  },

  "privacy-erasure-confirm": {
    subject: "Confirm your request to erase your Rapport data",
    preview: "One click confirms that you want your personal data erased.",
    heading: "Confirm your erasure request",
    body:
      "We received a request from your Rapport account to erase your personal data: your name, " +
      "email address and other profile details, your sign-in, what you wrote in support requests " +
      "and surveys, and your attachments. Once our team has processed it you can no longer sign in.",
    kept: "Your orders, refunds and points history are kept without your name or contact details, so that our accounts stay correct.",
    button: "Confirm the erasure request",
    expiry: (hours: number): string => `This link expires in ${plural(hours, "hour", "hours")} and can only be used once.`,
    ignore: "If you didn't ask for this, ignore this email: nothing is erased without this confirmation.",
  },

};

/** The shape every locale must provide (defined by the English table). */
export type EmailStrings = typeof en;

const zhCN: EmailStrings = {
  layout: {
    brand: "Rapport",
    signOff: "Rapport 团队",
    linkFallback: "如果按钮无法点击，请将以下链接复制到浏览器中打开：",
    footer: "您收到这封邮件，是因为您拥有 Rapport 账户。",
    footerInvite: "您收到这封邮件，是因为有人邀请此邮箱地址加入 Rapport。",
  },

  "verify-email": {
    subject: "请验证您的 Rapport 邮箱地址",
    preview: "只需点击一下即可验证邮箱，完成 Rapport 账户设置。",
    heading: "验证您的邮箱地址",
    greeting: (name) => (name ? `${name}，您好：` : "您好："),
    body:
      "感谢您注册 Rapport。请确认这是您本人的邮箱地址，" +
      "以便我们保障您的账户安全，并及时通知您订单、工单和积分的最新动态。",
    button: "验证邮箱",
    ignore: "如果您没有注册过 Rapport 账户，请忽略此邮件。",
  },

  "magic-link": {
    subject: "您的 Rapport 登录链接",
    preview: (minutes) => `一键登录 Rapport，链接将在 ${zhMinutes(minutes)}后失效。`,
    heading: "登录 Rapport",
    body: "我们收到了使用此邮箱地址登录 Rapport 的请求。点击下方按钮即可直接登录，无需输入密码。",
    button: "登录 Rapport",
    expiry: (minutes) => `该链接将在 ${zhMinutes(minutes)}后失效，且只能使用一次。`,
    ignore: "如果这不是您本人的操作，请忽略此邮件。没有这个链接，任何人都无法登录您的账户。",
  },

  "password-reset": {
    subject: "重置您的 Rapport 密码",
    preview: (minutes) => `点击链接设置新密码，链接将在 ${zhMinutes(minutes)}后失效。`,
    heading: "重置密码",
    body: "我们收到了重置此邮箱所关联 Rapport 账户密码的请求。请点击下方按钮设置新密码。",
    button: "设置新密码",
    expiry: (minutes) => `该链接将在 ${zhMinutes(minutes)}后失效，且只能使用一次。`,
    ignore: "如果您没有申请重置密码，请忽略此邮件，您当前的密码仍然有效。",
  },

  "staff-invite": {
    roles: {
      AGENT: "客服专员",
      MARKETER: "营销专员",
      ADMIN: "管理员",
    },
    subject: (inviterName) => `${inviterName} 邀请您加入 Rapport 团队`,
    preview: (inviterName, role) => `${inviterName} 邀请您以${role}身份加入 Rapport。`,
    heading: "邀请您加入 Rapport",
    body: (inviterName, role) => `${inviterName} 邀请您以「${role}」身份加入 Rapport。`,
    roleDescriptions: {
      AGENT: "您将负责处理客户工单，并可查看每位客户的完整服务记录。",
      MARKETER: "您将负责创建客户分群，开展会员积分和客户关怀活动。",
      ADMIN: "您将拥有全部权限，包括管理员工账号和会员计划设置。",
    },
    action: "请接受邀请，完成员工账户设置。",
    button: "接受邀请",
    expiry: (days) => `此邀请将在 ${days} 天后失效。`,
    ignore: "如果您并未预期收到此邀请，请忽略此邮件。",
  },

  "privacy-erasure-confirm": {
    subject: "请确认删除您 Rapport 数据的请求",
    preview: "点击一下即可确认您要删除个人数据。",
    heading: "确认删除请求",
    body:
      "我们收到了来自您 Rapport 账户的删除个人数据请求，将删除：您的姓名、邮箱地址及其他资料、" +
      "登录账户、您在客服请求和问卷中填写的内容以及附件。我们的团队处理后，您将无法再登录。",
    kept: "为保证账目准确，您的订单、退款和积分记录会保留，但不再包含您的姓名和联系方式。",
    button: "确认删除请求",
    expiry: (hours) => `该链接将在 ${hours} 小时后失效，且只能使用一次。`,
    ignore: "如果这不是您本人的操作，请忽略此邮件：未经此确认，任何数据都不会被删除。",
  },

};

export const emailStrings: Readonly<Record<EmailLocale, EmailStrings>> = {
  en,
  "zh-CN": zhCN,
};

/** The string table for one locale (falls back to English for an unknown value at runtime). */
export function stringsFor(locale: EmailLocale): EmailStrings {
  return emailStrings[locale] ?? en;
}
