// Strings of the order emails (order-*.tsx), per locale. `en` defines the shape; `zh-CN` is typed
// by it, so a missing key is a compile error. Kept beside the templates rather than in i18n.ts so
// the orders area owns them.
import type { EmailLocale } from "./i18n.ts";

/** Formats integer minor units of `currency` for the reader's locale (JPY has no minor unit, USD 2…). */
export function formatMoney(minor: number, currency: string, locale: EmailLocale): string {
  const fmt = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(minor / 10 ** digits);
}

const en = {
  greeting: (name: string | null): string => (name ? `Hi ${name},` : "Hi there,"),
  viewOrder: "View your order",
  "order-confirmation": {
    subject: (n: string): string => `Thanks for your order ${n}`,
    preview: (n: string, total: string): string => `We received your payment of ${total} for order ${n}.`,
    heading: "Thanks for your order",
    body: (n: string): string => `We received your payment for order ${n}. We'll email you again as soon as it ships.`,
    item: (name: string, qty: number, price: string): string => `${qty} × ${name} — ${price}`,
    subtotal: "Subtotal",
    shipping: "Shipping",
    tax: "Tax",
    discount: "Discount",
    total: "Total",
  },
  "order-shipped": {
    subject: (n: string): string => `Your order ${n} is on its way`,
    preview: (n: string): string => `Order ${n} has shipped.`,
    heading: "Your order is on its way",
    body: (n: string): string => `Good news: order ${n} has left our warehouse.`,
    carrier: (carrier: string, tracking: string): string => `Carrier: ${carrier}, tracking number ${tracking}.`,
    track: "Track your parcel",
    noTracking: "Tracking details will appear on your order page as soon as the carrier has them.",
  },
  "order-delivered": {
    subject: (n: string): string => `Your order ${n} has been delivered`,
    preview: (n: string): string => `Order ${n} was delivered. Enjoy!`,
    heading: "Your order has been delivered",
    body: (n: string): string => `The carrier reports that order ${n} was delivered. We hope you enjoy it.`,
    help: "Something missing or not right? Open the order and choose “Get help with this order”.",
  },
  "order-refund": {
    subject: (n: string, full: boolean): string => (full ? `Your order ${n} has been refunded` : `A partial refund for your order ${n}`),
    preview: (n: string, amount: string): string => `We refunded ${amount} for order ${n}.`,
    heading: (full: boolean): string => (full ? "Your order has been refunded" : "You received a partial refund"),
    body: (n: string, amount: string): string => `We refunded ${amount} for order ${n} to your original payment method.`,
    full: "The order is now fully refunded.",
    partial: (refunded: string, total: string): string => `So far ${refunded} of the ${total} order total has been refunded.`,
    bank: "Your bank may need 5–10 business days to show the refund.",
  },
  "order-return-update": {
    subject: (n: string, to: "APPROVED" | "REJECTED" | "RECEIVED"): string =>
      to === "APPROVED" ? `Your return for order ${n} is approved` : to === "REJECTED" ? `About your return request for order ${n}` : `We received your return for order ${n}`,
    heading: (to: "APPROVED" | "REJECTED" | "RECEIVED"): string =>
      to === "APPROVED" ? "Your return is approved" : to === "REJECTED" ? "We could not accept your return" : "We received your return",
    body: (n: string, to: "APPROVED" | "REJECTED" | "RECEIVED"): string =>
      to === "APPROVED"
        ? `We approved your request to return items from order ${n}. Please pack them securely and send them back; the order page shows what you asked to return.`
        : to === "REJECTED"
          ? `We looked at your request to return items from order ${n} and could not accept it.`
          : `The items you returned from order ${n} have arrived at our warehouse. Your refund follows, and we'll email you when it is issued.`,
    next: (to: "APPROVED" | "REJECTED" | "RECEIVED"): string =>
      to === "REJECTED" ? "If you think this is a mistake, open the order and choose “Get help with this order” — a person will look at it." : "You can follow the status of your return on the order page.",
  },
};

export type OrderEmailStrings = typeof en;

const zhCN: OrderEmailStrings = {
  greeting: (name) => (name ? `${name}，您好：` : "您好："),
  viewOrder: "查看订单",
  "order-confirmation": {
    subject: (n) => `感谢您的订购（订单 ${n}）`,
    preview: (n, total) => `我们已收到订单 ${n} 的付款 ${total}。`,
    heading: "感谢您的订购",
    body: (n) => `我们已收到订单 ${n} 的付款。订单发货后我们会再发邮件通知您。`,
    item: (name, qty, price) => `${name} × ${qty} — ${price}`,
    subtotal: "小计",
    shipping: "运费",
    tax: "税费",
    discount: "优惠",
    total: "合计",
  },
  "order-shipped": {
    subject: (n) => `您的订单 ${n} 已发货`,
    preview: (n) => `订单 ${n} 已发货。`,
    heading: "您的订单已发货",
    body: (n) => `好消息：订单 ${n} 已从我们的仓库发出。`,
    carrier: (carrier, tracking) => `承运商：${carrier}，运单号 ${tracking}。`,
    track: "查看物流",
    noTracking: "承运商提供物流信息后，您可以在订单页面查看。",
  },
  "order-delivered": {
    subject: (n) => `您的订单 ${n} 已送达`,
    preview: (n) => `订单 ${n} 已送达，祝您使用愉快！`,
    heading: "您的订单已送达",
    body: (n) => `承运商显示订单 ${n} 已送达，希望您喜欢。`,
    help: "如有缺件或问题，请打开订单并选择“获取此订单的帮助”。",
  },
  "order-refund": {
    subject: (n, full) => (full ? `您的订单 ${n} 已全额退款` : `您的订单 ${n} 已部分退款`),
    preview: (n, amount) => `我们已为订单 ${n} 退款 ${amount}。`,
    heading: (full) => (full ? "您的订单已全额退款" : "您已收到部分退款"),
    body: (n, amount) => `我们已将订单 ${n} 的 ${amount} 退回您的原支付方式。`,
    full: "该订单已全额退款。",
    partial: (refunded, total) => `订单总额 ${total}，目前已退款 ${refunded}。`,
    bank: "银行可能需要 5–10 个工作日才会显示这笔退款。",
  },
  "order-return-update": {
    subject: (n, to) => (to === "APPROVED" ? `您的订单 ${n} 退货申请已批准` : to === "REJECTED" ? `关于您的订单 ${n} 退货申请` : `我们已收到您的订单 ${n} 退货`),
    heading: (to) => (to === "APPROVED" ? "您的退货申请已批准" : to === "REJECTED" ? "很抱歉，我们无法接受您的退货申请" : "我们已收到您的退货"),
    body: (n, to) =>
      to === "APPROVED"
        ? `我们已批准您退回订单 ${n} 中商品的申请。请妥善包装后寄回；订单页面列出了您申请退回的商品。`
        : to === "REJECTED"
          ? `我们审核了您退回订单 ${n} 中商品的申请，很抱歉无法接受。`
          : `您从订单 ${n} 退回的商品已到达我们的仓库。退款随后发放，届时我们会再发邮件通知您。`,
    next: (to) => (to === "REJECTED" ? "如果您认为有误，请打开订单并选择“获取此订单的帮助”，我们会有专人处理。" : "您可以在订单页面查看退货的处理状态。"),
  },
};

export const orderEmailStrings: Readonly<Record<EmailLocale, OrderEmailStrings>> = { en, "zh-CN": zhCN };

export function orderStringsFor(locale: EmailLocale): OrderEmailStrings {
  return orderEmailStrings[locale] ?? en;
}
