// Strings of the loyalty emails (emails/loyalty-*.tsx), en and zh-CN. zh is typed by en.
import type { EmailLocale } from "./i18n.ts";

const fmtDate = (locale: EmailLocale, iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));
const n = (locale: EmailLocale, x: number) => new Intl.NumberFormat(locale).format(x);

const en = {
  greeting: (name: string | null) => (name ? `Hi ${name},` : "Hi there,"),
  where: "You can see your points, codes and tier on the Rewards page of your account.",
  button: "See my rewards",
  code: {
    subject: (reward: string) => `Your reward code: ${reward}`,
    heading: "Here is your reward code",
    body: (reward: string, points: number) => `You redeemed ${n("en", points)} points for “${reward}”. Use this single-use code at checkout:`,
    expiry: (iso: string) => `The code is valid until ${fmtDate("en", iso)}. If you don't use it by then, the points come back to your balance.`,
  },
  codeExpired: {
    subject: "Your unused reward code expired — points returned",
    heading: "Your points are back",
    body: (reward: string, code: string, points: number) => `Your code ${code} for “${reward}” expired unused, so we returned ${n("en", points)} points to your balance.`,
  },
  expiry: {
    subject: (points: number) => `${n("en", points)} of your points expire soon`,
    heading: "Some of your points expire soon",
    body: (points: number, iso: string) => `${n("en", points)} points expire on ${fmtDate("en", iso)}. Redeem them for a reward before then.`,
  },
  tier: {
    subjectUp: (tier: string) => `Welcome to ${tier}!`,
    subjectDown: (tier: string) => `Your tier is now ${tier}`,
    headingUp: (tier: string) => `You reached ${tier}`,
    headingDown: (tier: string) => `Your tier changed to ${tier}`,
    bodyUp: (from: string, to: string) => `Your spending over the last 12 months moved you from ${from} to ${to}.`,
    bodyDown: (from: string, to: string) => `Tiers follow the last 12 months of spending, so your tier moved from ${from} to ${to}. Your next orders count towards moving up again.`,
    benefits: (benefits: string, multiplier: number) => `Your benefits: ${benefits} (points ×${multiplier}).`,
  },
  referral: {
    subject: (points: number) => `You earned ${n("en", points)} referral points`,
    heading: "Thanks for spreading the word",
    body: (points: number) => `A friend you referred completed their first order, so ${n("en", points)} points were added to your balance.`,
  },
};

export type LoyaltyEmailStrings = typeof en;

const zh: LoyaltyEmailStrings = {
  greeting: (name) => (name ? `${name}，您好：` : "您好："),
  where: "您可以在账户的“积分奖励”页面查看积分、兑换码和会员等级。",
  button: "查看我的积分奖励",
  code: {
    subject: (reward) => `您的奖励兑换码：${reward}`,
    heading: "这是您的奖励兑换码",
    body: (reward, points) => `您已使用 ${n("zh-CN", points)} 积分兑换“${reward}”。结账时请使用以下一次性兑换码：`,
    expiry: (iso) => `兑换码有效期至 ${fmtDate("zh-CN", iso)}。如届时仍未使用，积分将退回您的账户。`,
  },
  codeExpired: {
    subject: "您未使用的兑换码已过期，积分已退回",
    heading: "您的积分已退回",
    body: (reward, code, points) => `您兑换“${reward}”的兑换码 ${code} 已过期且未使用，我们已将 ${n("zh-CN", points)} 积分退回您的账户。`,
  },
  expiry: {
    subject: (points) => `您有 ${n("zh-CN", points)} 积分即将过期`,
    heading: "您的部分积分即将过期",
    body: (points, iso) => `${n("zh-CN", points)} 积分将于 ${fmtDate("zh-CN", iso)} 过期，请在此之前兑换奖励。`,
  },
  tier: {
    subjectUp: (tier) => `欢迎升级为${tier}会员！`,
    subjectDown: (tier) => `您的会员等级已调整为${tier}`,
    headingUp: (tier) => `您已升级为${tier}会员`,
    headingDown: (tier) => `您的会员等级已调整为${tier}`,
    bodyUp: (from, to) => `根据您过去 12 个月的消费，您的会员等级已从${from}升级为${to}。`,
    bodyDown: (from, to) => `会员等级依据过去 12 个月的消费计算，因此您的等级已从${from}调整为${to}。之后的订单将帮助您再次升级。`,
    benefits: (benefits, multiplier) => `您的会员权益：${benefits}（积分 ×${multiplier}）。`,
  },
  referral: {
    subject: (points) => `您获得了 ${n("zh-CN", points)} 推荐积分`,
    heading: "感谢您的推荐",
    body: (points) => `您推荐的好友已完成首笔订单，${n("zh-CN", points)} 积分已存入您的账户。`,
  },
};

export function loyaltyStrings(locale: EmailLocale): LoyaltyEmailStrings {
  return locale === "zh-CN" ? zh : en;
}
