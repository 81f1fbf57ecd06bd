// Help center demo content: categories and ~20 article pairs (English + Simplified Chinese, one
// translationKey per pair), an initial revision per article, and a few votes and searches so the
// staff reports have something real to show. Called from prisma/seed.ts (seedHelpCenter).
import { createHelpArticlePair, createHelpCategory } from "../test/factories/help.ts";
import { DAY, HOUR, type FactoryContext } from "../test/factories/random.ts";
import type { DbClient } from "../test/factories/types.ts";
import { toDbLocale, type Locale } from "../server/domain/locale.ts";
import { searchArticles } from "../server/domain/help/search.ts";

export interface HelpCategorySeed {
  slug: string;
  nameEn: string;
  nameZh: string;
}

export interface HelpArticleSeed {
  key: string;
  category: string;
  /** English slug; the Chinese article gets `<slug>-zh` (every article has its own URL). */
  slug: string;
  views: number;
  /** Seeded as a draft (invisible to customers). */
  draft?: boolean;
  en: { title: string; summary: string; body: string };
  zh: { title: string; summary: string; body: string };
}

// --- the first help articles (orders, returns, points, tiers, account, privacy) ---


const BASE_HELP_CATEGORIES = [
  { slug: "orders", nameEn: "Orders & delivery", nameZh: "订单与配送" },
  { slug: "returns", nameEn: "Returns & refunds", nameZh: "退货与退款" },
  { slug: "points", nameEn: "Loyalty points", nameZh: "会员积分" },
  { slug: "tiers", nameEn: "Membership tiers", nameZh: "会员等级" },
  { slug: "account", nameEn: "Account & sign-in", nameZh: "账户与登录" },
  { slug: "privacy", nameEn: "Privacy & your data", nameZh: "隐私与个人数据" },
] as const satisfies readonly HelpCategorySeed[];

interface ArticleSeed {
  key: string;
  category: (typeof BASE_HELP_CATEGORIES)[number]["slug"];
  slug: string;
  views: number;
  en: { title: string; summary: string; body: string };
  zh: { title: string; summary: string; body: string };
}

const BASE_HELP_ARTICLES: ArticleSeed[] = [
  {
    key: "orders.tracking",
    category: "orders",
    slug: "track-your-order",
    views: 1840,
    en: {
      title: "Tracking your order",
      summary: "Where to find your order's status, the carrier and the tracking number.",
      body: `Every order has its own page with a status timeline: **placed → paid → shipped → delivered**. Open **Orders** after you sign in and select the order number (it looks like \`R-100123\` and is also in your confirmation email).

## When will my order ship?

Most orders leave our warehouse within 1–2 business days after payment. As soon as the parcel is handed to the carrier, the order changes to **Shipped** and we send you an email with the carrier's name and the tracking number.

## Following the parcel

On the order page, select the tracking number to open the carrier's own tracking page. Carriers usually need a few hours before the first scan shows up, so don't worry if the link shows nothing right after you get our email.

## The parcel seems stuck

If the tracking has not changed for more than 5 business days, or the carrier says the parcel was delivered but you can't find it, select **Get help with this order** on the order page. Your ticket is then linked to the order, so we can check it with the carrier straight away.`,
    },
    zh: {
      title: "查询订单物流",
      summary: "在哪里查看订单状态、承运商和快递单号。",
      body: `每个订单都有单独的详情页，并显示状态时间线：**已下单 → 已付款 → 已发货 → 已送达**。登录后打开**订单**，点击订单号即可查看（订单号形如 \`R-100123\`，也会出现在订单确认邮件中）。

## 什么时候发货？

大多数订单在付款后 1–2 个工作日内从仓库发出。包裹交给快递公司后，订单状态会变为**已发货**，我们也会发送一封邮件，告诉您承运商名称和快递单号。

## 跟踪包裹

在订单详情页点击快递单号，即可打开承运商的官方查询页面。快递公司通常需要几个小时才会出现第一条揽收记录，刚收到邮件时查不到信息属于正常情况。

## 物流长时间没有更新

如果物流信息超过 5 个工作日没有变化，或者显示已签收但您没有收到包裹，请在订单详情页点击**获取此订单的帮助**。这样提交的工单会自动关联该订单，客服可以立即与快递公司核实。`,
    },
  },
  {
    key: "orders.change-cancel",
    category: "orders",
    slug: "change-or-cancel-an-order",
    views: 960,
    en: {
      title: "Changing or cancelling an order",
      summary: "What you can still change before your order ships.",
      body: `You can ask us to change the delivery address or cancel an order **until it ships**. Once the status is **Shipped**, the parcel is with the carrier and the order can no longer be changed; you can return it instead once it arrives.

## How to ask

Open the order and select **Get help with this order**, then tell us what you would like to change. Orders that are only **Placed** or **Paid** can almost always be cancelled the same day.

## Refund of a cancelled order

If you had already paid, the full amount goes back to your original payment method. The order changes to **Cancelled** and any points it would have earned are removed. Most banks show the refund within 5–10 business days.`,
    },
    zh: {
      title: "修改或取消订单",
      summary: "订单发货前还可以修改哪些信息。",
      body: `在订单**发货之前**，您可以申请修改收货地址或取消订单。订单状态变为**已发货**后，包裹已交给快递公司，无法再修改；收到包裹后可以申请退货。

## 如何申请

打开订单详情页，点击**获取此订单的帮助**，说明您想修改的内容即可。状态为**已下单**或**已付款**的订单，通常当天就能取消。

## 取消后的退款

如果您已经付款，全部款项会原路退回到您的支付账户。订单状态会变为**已取消**，该订单对应的积分也会一并取消。大多数银行会在 5–10 个工作日内显示退款。`,
    },
  },
  {
    key: "returns.returns-and-refunds",
    category: "returns",
    slug: "returns-and-refunds",
    views: 2310,
    en: {
      title: "Returns and refunds",
      summary: "Return an item within 30 days of delivery and get your money back.",
      body: `You can return most items within **30 days of delivery** for a full refund. Items must be unused and in their original packaging. Gift cards and opened coffee or tea cannot be returned unless they arrived damaged.

## Start a return

1. Open **Orders** and select the order.
2. Under **Request a return**, choose the items and quantities, pick a reason and select **Send return request**.
3. We email you when the return is approved, with a prepaid return label (for damaged or wrong items) or the return address. The order page shows the status of your return.

## When do I get my refund?

We refund as soon as the parcel arrives back at our warehouse, usually within 3 business days. The refund goes to your original payment method; your bank may need another 5–10 business days to show it. The order then shows **Refunded**.

## What happens to my points?

Points from an order stay *pending* during the 30-day return window. If you return the order, its pending points are removed; if you keep it, they become available when the window closes.`,
    },
    zh: {
      title: "退货与退款",
      summary: "签收后 30 天内可申请退货，全额退款。",
      body: `大部分商品在**签收后 30 天内**可以申请退货并全额退款。退回的商品需保持未使用状态并带有原包装。礼品卡以及已拆封的咖啡、茶叶不支持退货（到货破损的除外）。

## 如何申请退货

1. 打开**订单**，选择相应订单。
2. 在**申请退货**部分选择要退回的商品和数量、退货原因，然后点击**提交退货申请**。
3. 退货申请批准后我们会发邮件通知您，并提供退货地址；如果商品破损或发错货，我们会提供预付运费的退货面单。订单页面会显示退货的处理状态。

## 退款多久到账？

仓库收到退回的包裹后即办理退款，通常在 3 个工作日内完成。款项原路退回到您的支付账户，银行入账可能还需要 5–10 个工作日。退款完成后，订单状态会显示为**已退款**。

## 积分会怎样处理？

订单获得的积分在 30 天退货期内处于*待入账*状态。如果您退货，这部分待入账积分会被取消；如果没有退货，退货期结束后积分会自动变为可用积分。`,
    },
  },
  {
    key: "points.earning",
    category: "points",
    slug: "earning-points",
    views: 1520,
    en: {
      title: "How you earn loyalty points",
      summary: "Points for every order, plus bonuses for your birthday and for referring friends.",
      body: `As a member you earn points on every paid order: **1 point for every US$1 or €1** you spend (1 point per ¥7), before shipping and tax. Your membership tier can multiply this.

## Pending and available points

New points are **pending** at first. They become **available** when the 30-day return window of the order closes. You can see both balances and every change on the **Points** page.

## Other ways to earn

- **Birthday bonus** — add your birthday in your account settings and we add bonus points every year.
- **Referrals** — invite a friend; when they place their first order, you both get bonus points.
- **Campaigns** — watch your inbox for double-points weekends and other bonus campaigns (if you have agreed to receive marketing emails).

## Points I expected are missing

Points appear once the order is paid. If an order was cancelled or refunded, its points are removed. Something else looks wrong? Open a ticket from the **Points** page and we will check your history.`,
    },
    zh: {
      title: "如何获得会员积分",
      summary: "每笔订单都能获得积分，生日和推荐好友还有额外奖励。",
      body: `成为会员后，每笔已付款订单都能获得积分：**每消费 1 美元或 1 欧元得 1 分**（人民币每 7 元得 1 分），运费和税费不计入。会员等级越高，积分倍数越高。

## 待入账积分与可用积分

新获得的积分先显示为**待入账**，在订单的 30 天退货期结束后转为**可用积分**。您可以在**积分**页面查看两种余额以及每一笔积分变动。

## 其他获取方式

- **生日礼**：在账户设置中填写生日，每年生日我们都会送上额外积分。
- **推荐好友**：邀请好友注册，好友完成首单后，双方都能获得奖励积分。
- **营销活动**：关注双倍积分周末等活动邮件（需要您同意接收营销邮件）。

## 积分没有到账？

积分会在订单付款后出现。如果订单已取消或退款，对应的积分会被扣除。如果还有其他疑问，请在**积分**页面提交工单，我们会为您核查积分记录。`,
    },
  },
  {
    key: "points.redeeming",
    category: "points",
    slug: "redeeming-points",
    views: 1105,
    en: {
      title: "Redeeming points for rewards",
      summary: "Turn available points into a discount code for your next order.",
      body: `Open **Rewards** to see what you can get with your available points. When you redeem a reward, the points are deducted right away and you receive a **single-use discount code**.

## Using your code

Enter the code at checkout. Each code works once, for one order, and is shown on the **Points** page until you use it.

## Good to know

- Only *available* points can be redeemed; pending points become available after the return window.
- If you return an order paid with a reward code, the discount is not paid out in cash.
- Available points expire after a long period without any activity. We always email you before points expire.`,
    },
    zh: {
      title: "使用积分兑换奖励",
      summary: "用可用积分兑换下次购物可用的优惠码。",
      body: `打开**会员奖励**，即可查看当前可用积分能兑换的奖励。兑换后积分会立即扣除，您将获得一个**一次性优惠码**。

## 如何使用优惠码

结账时输入优惠码即可。每个优惠码只能用于一笔订单，使用前会一直显示在**积分**页面上。

## 注意事项

- 只有*可用积分*可以兑换；待入账积分需等退货期结束后才能使用。
- 使用优惠码的订单如果退货，优惠部分不会以现金形式退还。
- 账户长期没有任何活动时，可用积分会过期。积分过期前，我们一定会发邮件提醒您。`,
    },
  },
  {
    key: "tiers.overview",
    category: "tiers",
    slug: "membership-tiers",
    views: 870,
    en: {
      title: "Membership tiers and benefits",
      summary: "Bronze, Silver, Gold and Platinum: how tiers work and what they give you.",
      body: `Every member starts at **Bronze**. Your tier is based on what you spent with us in the **last 12 months** (orders that were paid and not refunded), so it always reflects your recent shopping.

| Tier | Points on orders |
| --- | --- |
| Bronze | standard rate |
| Silver | more points per order |
| Gold | even more, plus early access to sales |
| Platinum | the highest rate and priority support |

The exact spend needed for each tier is shown on your **Points** page, together with how much is left to reach the next one.

## When does my tier change?

We recalculate tiers every day. You move up as soon as your 12-month spend passes the next threshold. If your spend drops because older orders fall out of the 12-month window, your tier can go down again.`,
    },
    zh: {
      title: "会员等级与权益",
      summary: "铜卡、银卡、金卡和白金卡：等级如何计算，有哪些权益。",
      body: `所有会员都从**铜卡**开始。会员等级根据您**最近 12 个月**的消费金额（已付款且未退款的订单）计算，始终反映您近期的购物情况。

| 等级 | 订单积分 |
| --- | --- |
| 铜卡 | 标准积分 |
| 银卡 | 每笔订单获得更多积分 |
| 金卡 | 更多积分，并可提前参与促销 |
| 白金卡 | 最高积分倍数，专属优先客服 |

每个等级所需的消费金额，以及距离下一等级还差多少，都会显示在**积分**页面上。

## 等级什么时候变化？

我们每天重新计算会员等级。一旦 12 个月消费额达到下一等级的门槛，您会立即升级。如果较早的订单移出 12 个月的统计范围，消费额下降，等级也可能随之下调。`,
    },
  },
  {
    key: "account.reset-password",
    category: "account",
    slug: "reset-your-password",
    views: 1330,
    en: {
      title: "Resetting your password",
      summary: "Forgot your password? Get a reset link by email, or sign in with a magic link.",
      body: `1. On the **Sign in** page, select **Forgot your password?**
2. Enter the email address of your account and submit.
3. Open the email from us and select the link. It works once and expires after a short time.
4. Choose a new password (at least 10 characters). You are then signed in, and every other session is signed out for your safety.

## No email arrived?

Check your spam folder, and make sure you typed the address you used for your orders. For your security we show the same message whether or not an account exists for an address, so we cannot tell you on screen if the address was wrong.

## Sign in without a password

You can also choose **Email me a sign-in link** on the sign-in page: we send a one-time link that signs you in directly.`,
    },
    zh: {
      title: "重置密码",
      summary: "忘记密码？通过邮件获取重置链接，或使用邮件登录链接直接登录。",
      body: `1. 在**登录**页面点击**忘记密码？**
2. 输入账户使用的邮箱地址并提交。
3. 打开我们发送的邮件并点击其中的链接。该链接只能使用一次，并会在较短时间后失效。
4. 设置新密码（至少 10 个字符）。设置完成后您将自动登录，为保障安全，其他设备上的登录会全部退出。

## 没有收到邮件？

请检查垃圾邮件文件夹，并确认输入的是下单时使用的邮箱。为保护账户安全，无论该邮箱是否已注册，页面都会显示相同的提示，因此无法在页面上告诉您邮箱是否填写有误。

## 不用密码登录

您也可以在登录页面选择**发送登录链接到邮箱**：我们会发送一个一次性链接，点击即可直接登录。`,
    },
  },
  {
    key: "privacy.data-export",
    category: "privacy",
    slug: "export-or-delete-your-data",
    views: 410,
    en: {
      title: "Exporting or deleting your personal data",
      summary: "Download everything we store about you, or ask us to erase it.",
      body: `You are in control of your personal data. Go to **Account** to manage it.

## Download your data

Under **Your data**, select **Download my data** to get a file with everything we hold about you: your profile, orders, support requests and their messages, points history, rewards, marketing consent and the record of our contacts with you. The file is machine-readable (JSON), so you can take it to another service.

## Marketing consent

In **Marketing preferences** on the same page you can turn marketing by email, SMS and push notifications on or off at any time. Service emails about your orders and requests are always sent.

## Delete your personal data

Open a support request (**Support** → **New request**) and ask us to erase your personal data. Once we have checked the request comes from you, an administrator erases it: your name, email address, birthday and what you wrote to us are removed, and you can no longer sign in. We keep your orders and points history without anything that identifies you, because our accounts must add up. This cannot be undone.`,
    },
    zh: {
      title: "导出或删除个人数据",
      summary: "下载我们保存的所有个人数据，或申请删除。",
      body: `您可以自主管理自己的个人数据。请前往**账户**页面进行设置。

## 导出个人数据

在**你的数据**部分点击**下载我的数据**，即可下载我们保存的关于您的全部信息：个人资料、订单、客服请求及其中的消息、积分记录、奖励、营销授权以及我们与您的联系记录。文件为机器可读的 JSON 格式，方便您迁移到其他服务。

## 营销授权

在同一页面的**营销偏好**部分，您可以随时开启或关闭邮件、短信和推送通知形式的营销信息。与订单和客服请求相关的服务通知邮件不受影响，会照常发送。

## 删除个人数据

请提交客服请求（**客服支持** → **新建请求**），申请删除您的个人数据。我们确认请求确由您本人提出后，由管理员执行删除：您的姓名、邮箱地址、生日以及您写给我们的内容都会被清除，您将无法再登录。为保证账目准确，我们会保留不含任何可识别您身份信息的订单和积分记录。此操作无法撤销。`,
    },
  },
];

// --- more articles (shipping, payment, and more of the above) ---

const EXTRA_HELP_CATEGORIES: HelpCategorySeed[] = [
  { slug: "shipping", nameEn: "Shipping", nameZh: "配送与物流" },
  { slug: "payment", nameEn: "Payment & billing", nameZh: "付款与账单" },
];

const EXTRA_HELP_ARTICLES: HelpArticleSeed[] = [
  {
    key: "shipping.delivery-times",
    category: "shipping",
    slug: "delivery-times-and-shipping-costs",
    views: 1210,
    en: {
      title: "Delivery times and shipping costs",
      summary: "How long delivery takes and what shipping costs, by destination.",
      body: `Orders leave our warehouse within **1–2 business days** after payment. Delivery then usually takes:

| Destination | Standard | Express |
| --- | --- | --- |
| Domestic | 2–4 business days | next business day |
| Neighbouring countries | 4–7 business days | 2–3 business days |
| Rest of the world | 7–15 business days | 3–5 business days |

## What does shipping cost?

The shipping cost is shown at checkout before you pay, based on the weight of the parcel and the destination. Standard shipping is free above the free-shipping threshold shown in your basket.

## Public holidays and sales

During large sales and around public holidays, carriers need one or two extra days. The dates in your shipping email are the carrier's own estimate.`,
    },
    zh: {
      title: "配送时间与运费",
      summary: "不同地区的配送时效和运费说明。",
      body: `订单付款后 **1–2 个工作日**内从仓库发出。之后的配送时间通常为：

| 目的地 | 标准快递 | 加急快递 |
| --- | --- | --- |
| 国内 | 2–4 个工作日 | 次个工作日送达 |
| 周边国家和地区 | 4–7 个工作日 | 2–3 个工作日 |
| 其他国家和地区 | 7–15 个工作日 | 3–5 个工作日 |

## 运费怎么算？

结账付款前会显示运费，运费根据包裹重量和收货地区计算。购物车金额达到页面显示的包邮门槛时，标准快递免运费。

## 大促与节假日

大型促销期间以及节假日前后，快递公司可能需要多 1–2 天。发货邮件中的预计送达日期由快递公司提供。`,
    },
  },
  {
    key: "shipping.international",
    category: "shipping",
    slug: "international-shipping-and-customs",
    views: 540,
    en: {
      title: "International shipping, customs and import duties",
      summary: "Who pays customs duties and what to do if your parcel is held at customs.",
      body: `We ship to most countries. For deliveries outside the country of our warehouse, the parcel may have to clear customs.

## Who pays duties and import tax?

Unless checkout says that duties are included, any import duties, import VAT and the carrier's handling fee are paid by the recipient when the parcel arrives. The amount depends on your country's rules, not on us.

## My parcel is held at customs

The carrier contacts you, usually by email or text message, to pay the charges or provide an ID number. Check the tracking page of the order for the carrier's instructions. If the parcel is refused or not collected, it comes back to us and we refund the order minus the shipping cost.

## Items we cannot ship abroad

Some items (for example batteries and liquids) can only be shipped domestically. Checkout tells you before you pay.`,
    },
    zh: {
      title: "国际配送、清关与进口关税",
      summary: "关税由谁支付，包裹被海关扣留时怎么办。",
      body: `我们可以配送到大多数国家和地区。如果收货地址与仓库不在同一国家或地区，包裹可能需要办理清关。

## 关税和进口税由谁支付？

除非结账页面注明已包含关税，否则进口关税、进口增值税以及快递公司的代缴手续费，由收件人在包裹到达时支付。具体金额取决于当地海关规定。

## 包裹被海关扣留

快递公司通常会通过邮件或短信联系您，请您缴纳税费或提供身份证件号码。请在订单的物流跟踪页面查看快递公司的说明。如果包裹被拒收或无人领取，会退回给我们，我们将扣除运费后为您退款。

## 无法寄往海外的商品

部分商品（例如电池和液体）只能在国内配送。结账时页面会提前提示。`,
    },
  },
  {
    key: "shipping.damaged-or-missing",
    category: "shipping",
    slug: "damaged-parcel-or-missing-item",
    views: 780,
    en: {
      title: "My parcel arrived damaged or an item is missing",
      summary: "Report damage or a missing item within 7 days and we replace or refund it.",
      body: `We are sorry! Please tell us **within 7 days of delivery** so that we can claim it from the carrier.

## What to do

1. Keep the parcel and the packaging — the carrier may ask for them.
2. Take a photo of the damage, the outside of the box and the shipping label.
3. Open the order, select **Get help with this order**, choose the affected items and attach the photos.

## What happens next

We reply within one business day. For a damaged or missing item you choose between a **replacement** (sent at no cost as soon as it is in stock) or a **full refund** of the item to your original payment method. You never pay the return shipping for damaged or wrong items.`,
    },
    zh: {
      title: "包裹破损或商品缺件",
      summary: "签收后 7 天内反馈破损或缺件，我们为您补发或退款。",
      body: `非常抱歉给您带来不便！请在**签收后 7 天内**告诉我们，以便我们向快递公司索赔。

## 您需要做的

1. 保留包裹和外包装，快递公司可能需要查验。
2. 拍摄破损部位、外箱以及快递面单的照片。
3. 打开订单，点击**获取此订单的帮助**，选择有问题的商品并上传照片。

## 后续处理

我们会在一个工作日内回复。对于破损或缺少的商品，您可以选择**免费补发**（有货后立即寄出），或将该商品**全额退款**到原支付账户。破损或发错的商品，退回运费由我们承担。`,
    },
  },
  {
    key: "orders.invoice",
    category: "orders",
    slug: "invoice-or-receipt",
    views: 460,
    en: {
      title: "Getting an invoice or receipt",
      summary: "Every paid order has a receipt; ask for a company invoice before or after ordering.",
      body: `Your receipt is in the order confirmation email and on the order page under **Orders**.

## A company invoice with your tax number

If you need an invoice with your company name and tax or VAT number, open the order and select **Get help with this order**. Tell us the company name, address and tax number; we send the invoice by email within two business days.

## Refunded orders

When an order is refunded in full or in part, we issue a credit note for the refunded amount. It is sent to the same email address as the original invoice.`,
    },
    zh: {
      title: "开具发票或收据",
      summary: "已付款订单都有收据；如需公司发票，可在下单前后申请。",
      body: `收据包含在订单确认邮件中，也可以在**我的订单**的订单详情页查看。

## 开具带税号的公司发票

如需开具带有公司名称和税号的发票，请打开订单并点击**获取此订单的帮助**，提供公司名称、地址和纳税人识别号，我们会在两个工作日内通过邮件发送发票。

## 已退款的订单

订单全部或部分退款后，我们会就退款金额开具红字发票（贷项通知单），并发送到原发票的收件邮箱。`,
    },
  },
  {
    key: "payment.methods",
    category: "payment",
    slug: "payment-methods",
    views: 690,
    en: {
      title: "Payment methods we accept",
      summary: "Cards, Apple Pay and Google Pay, and Alipay or WeChat Pay for orders in CNY.",
      body: `You pay securely at checkout. Our payment provider handles your card details; we never see or store your full card number.

## Accepted methods

- **Cards**: Visa, Mastercard and American Express (credit and debit).
- **Wallets**: Apple Pay and Google Pay on supported devices.
- **Alipay and WeChat Pay** for orders paid in Chinese yuan (CNY).

## When is my card charged?

Your payment is taken when you place the order. If an item cannot be shipped, we refund that part of the payment automatically.

## Paying with points

Points are not a payment method, but you can redeem them for a discount code and enter it at checkout. See *Redeeming points for rewards*.`,
    },
    zh: {
      title: "支持的付款方式",
      summary: "支持银行卡、Apple Pay、Google Pay，人民币订单还可使用支付宝或微信支付。",
      body: `结账时付款全程加密。银行卡信息由支付服务商处理，我们不会看到或保存您的完整卡号。

## 支持的付款方式

- **银行卡**：Visa、Mastercard 和 American Express（信用卡及借记卡）。
- **电子钱包**：在支持的设备上可使用 Apple Pay 和 Google Pay。
- **支付宝和微信支付**：适用于以人民币（CNY）付款的订单。

## 什么时候扣款？

下单时即完成扣款。如果某件商品无法发货，我们会自动退还该部分款项。

## 可以用积分付款吗？

积分不能直接付款，但可以兑换成优惠码，在结账时使用。详见《使用积分兑换奖励》。`,
    },
  },
  {
    key: "payment.declined",
    category: "payment",
    slug: "payment-declined",
    views: 820,
    en: {
      title: "Why was my payment declined?",
      summary: "Common reasons a card payment fails, and how to complete your order.",
      body: `A declined payment means your bank or the payment provider refused it — no money was taken and the order was not placed.

## Common reasons

- The card number, expiry date, security code or billing postcode did not match.
- Your bank asked for an extra check (for example a code in its app) that was not completed.
- The card's spending limit was reached, or the card does not allow online or foreign payments.

## What to do

Try again and complete any check your bank shows. If it fails again, use another card or method, or call your bank: only the bank can tell you why it declined. If you see a pending charge for a declined payment, it disappears within a few days; it is not a real charge.`,
    },
    zh: {
      title: "付款失败怎么办？",
      summary: "银行卡付款失败的常见原因，以及如何完成下单。",
      body: `付款失败表示发卡银行或支付服务商拒绝了这笔交易——款项没有被扣除，订单也没有生成。

## 常见原因

- 卡号、有效期、安全码或账单邮编填写有误。
- 银行要求额外验证（例如在银行 App 中输入验证码），但验证没有完成。
- 已达到卡片消费额度，或卡片未开通网上支付或境外支付功能。

## 解决方法

请重新尝试，并完成银行要求的验证。如果仍然失败，请更换其他银行卡或付款方式，或联系发卡银行——只有银行能说明拒绝的具体原因。如果看到失败交易的"预授权"记录，它会在几天内自动消失，不是真实扣款。`,
    },
  },
  {
    key: "payment.charged-twice",
    category: "payment",
    slug: "charged-twice",
    views: 350,
    en: {
      title: "I was charged twice for one order",
      summary: "Usually a temporary authorisation that disappears on its own; here is how to check.",
      body: `Seeing two charges for one order is almost always a **temporary authorisation** from a first, failed attempt. It is released by your bank within 3–7 business days and never becomes a real charge.

## How to check

Open **Orders**: if you see only one order, you paid only once. If you really have two orders for the same items, open one of them and select **Get help with this order** — we cancel the duplicate and refund it in full.

## Still there after 7 days?

Open a ticket and attach a screenshot of your bank statement (hide all but the last four digits of the card). We check it with our payment provider and refund any real duplicate charge.`,
    },
    zh: {
      title: "同一订单被重复扣款",
      summary: "通常是临时预授权，会自动解除；以下是核对方法。",
      body: `同一订单出现两笔扣款，几乎都是第一次失败尝试产生的**临时预授权**。银行会在 3–7 个工作日内自动解除，不会变成真实扣款。

## 如何核对

打开**订单**：如果只有一个订单，说明您只付了一次款。如果确实有两个相同商品的订单，请打开其中一个并点击**获取此订单的帮助**，我们会取消重复订单并全额退款。

## 7 天后仍未解除？

请提交工单，并附上银行账单截图（卡号只保留后四位）。我们会与支付服务商核实，真实的重复扣款将全额退还。`,
    },
  },
  {
    key: "returns.exchange",
    category: "returns",
    slug: "exchange-an-item",
    views: 640,
    en: {
      title: "Exchanging an item for another size or colour",
      summary: "Return the item and order the one you want; we refund the first as usual.",
      body: `The quickest way to get another size or colour is to **return the item and place a new order** for the one you want. That way the new item is reserved for you straight away and ships without waiting for your return.

## How it works

1. Start a return for the item (see *Returns and refunds*) and choose the reason *Wrong size* or *Changed my mind*.
2. Place a new order for the size or colour you want.
3. When your return arrives, we refund it to your original payment method.

Points: the points of the returned item are removed, and the new order earns its own points.`,
    },
    zh: {
      title: "换货（更换尺码或颜色）",
      summary: "退回原商品并重新下单，原商品按正常流程退款。",
      body: `最快的换货方式是**退回原商品，并为想要的尺码或颜色重新下单**。这样新商品会立即为您保留并发货，无需等待退货完成。

## 操作步骤

1. 为该商品申请退货（参见《退货与退款》），退货原因选择*尺码不合适*或*不想要了*。
2. 为想要的尺码或颜色重新下单。
3. 仓库收到退货后，我们会将款项原路退回。

积分说明：退回商品对应的积分会被扣除，新订单会单独计算积分。`,
    },
  },
  {
    key: "returns.refund-status",
    category: "returns",
    slug: "where-is-my-refund",
    views: 1480,
    en: {
      title: "Where is my refund?",
      summary: "How long refunds take after we receive your return, and how to follow them.",
      body: `We issue your refund as soon as your return is checked at our warehouse, usually **within 3 business days of arrival**. The order page then shows **Refunded** or **Partially refunded** with the amount and date.

## When will I see the money?

- Cards: 5–10 business days after we issue the refund, depending on your bank.
- Apple Pay and Google Pay: like the card behind them.
- Alipay and WeChat Pay: usually within 1–3 business days.

## The order says Refunded but I have no money

Check the statement of the card you paid with (not a newer card). If nothing arrived after 10 business days, open a ticket from the order page; we send you the refund reference so your bank can trace it.`,
    },
    zh: {
      title: "退款进度查询",
      summary: "仓库收到退货后多久退款，以及如何查询退款进度。",
      body: `仓库收到并检验退货后即办理退款，通常在**到货后 3 个工作日内**完成。之后订单详情页会显示**已退款**或**部分退款**，以及退款金额和日期。

## 款项多久到账？

- 银行卡：我们发起退款后 5–10 个工作日，具体取决于发卡银行。
- Apple Pay 和 Google Pay：与所绑定银行卡的到账时间相同。
- 支付宝和微信支付：通常 1–3 个工作日。

## 订单显示已退款，但没有收到钱

请查看付款时所用银行卡的账单（而不是新换的卡）。如果 10 个工作日后仍未到账，请在订单页面提交工单，我们会提供退款参考号，方便银行查询。`,
    },
  },
  {
    key: "points.expiry",
    category: "points",
    slug: "when-do-points-expire",
    views: 730,
    en: {
      title: "When do points expire?",
      summary: "Points stay valid while your account is active; we always warn you before they expire.",
      body: `Your available points do not expire as long as your account is active: **any order or redemption within 12 months** keeps all of them valid.

## What counts as activity?

A paid order, redeeming points for a reward, or earning bonus points (for example your birthday bonus).

## Reminders

If your account has been inactive for 11 months, we send you an email one month before the points would expire, with your balance. Pending points never expire; they become available when the order's return window closes.

You can see every change to your points, including expiries, on the **Points** page.`,
    },
    zh: {
      title: "积分有效期",
      summary: "账户保持活跃时积分一直有效；积分过期前我们一定会提醒您。",
      body: `只要账户保持活跃，您的可用积分就不会过期：**12 个月内有任意一笔订单或积分兑换**，全部积分都会继续有效。

## 哪些算作活跃？

完成一笔付款订单、用积分兑换奖励，或获得奖励积分（例如生日积分）。

## 到期提醒

如果账户已有 11 个月没有活动，我们会在积分过期前一个月发邮件提醒您，并告知当前积分余额。待入账积分不会过期，订单退货期结束后会转为可用积分。

您可以在**积分**页面查看每一笔积分变动，包括过期记录。`,
    },
  },
  {
    key: "points.referral",
    category: "points",
    slug: "refer-a-friend",
    views: 510,
    en: {
      title: "Refer a friend and earn bonus points",
      summary: "Share your referral link; you both get bonus points after your friend's first order.",
      body: `Invite friends who have not shopped with us before.

## How it works

1. Copy your personal referral link from the **Points** page.
2. Your friend signs up with the link and places a first order.
3. When that order's return window closes, you **both** receive bonus points.

## Rules

- Only new customers count; the email address must not have ordered before.
- Referring yourself or creating extra accounts is not allowed, and such bonuses are removed.
- The current bonus amount is shown next to your referral link.`,
    },
    zh: {
      title: "推荐好友赚取奖励积分",
      summary: "分享您的推荐链接，好友完成首单后双方都能获得奖励积分。",
      body: `邀请从未在本店购物过的好友加入。

## 参与方式

1. 在**积分**页面复制您的专属推荐链接。
2. 好友通过该链接注册并完成首笔订单。
3. 该订单退货期结束后，您和好友**双方**都会获得奖励积分。

## 活动规则

- 仅限新客户：该邮箱之前不能有过订单。
- 不允许推荐自己或注册多个账户，违规获得的奖励积分会被扣除。
- 当前的奖励积分数额显示在推荐链接旁边。`,
    },
  },
  {
    key: "tiers.keeping",
    category: "tiers",
    slug: "keeping-your-tier",
    views: 380,
    en: {
      title: "Keeping your tier and what happens when it changes",
      summary: "Tiers follow your spend over the last 12 months; benefits change with the tier.",
      body: `Your tier is based on what you spent on paid orders over the **last 12 months** (refunded amounts do not count).

## Moving up

As soon as your 12-month spend passes the next threshold, you move up — the next day at the latest — and we email you. New orders earn points at the new rate right away.

## Moving down

When older orders leave the 12-month window, your spend can fall below your tier's threshold and the tier goes down at the next daily recalculation. Points you already have are never taken away because a tier changes.

The **Points** page shows your tier, your 12-month spend and how much is left to the next tier.`,
    },
    zh: {
      title: "保级规则与等级变化",
      summary: "会员等级按近 12 个月的消费计算，权益随等级变化。",
      body: `会员等级根据您**最近 12 个月**付款订单的消费金额计算（已退款金额不计入）。

## 升级

12 个月消费额一旦超过下一等级的门槛，最迟次日即可升级，我们也会发邮件通知您。新订单立即按新等级的倍数获得积分。

## 降级

较早的订单移出 12 个月的统计范围后，消费额可能低于当前等级的门槛，等级会在下一次每日计算时下调。已获得的积分不会因为等级变化而被扣除。

**积分**页面会显示您的当前等级、12 个月消费额，以及距离下一等级还差多少。`,
    },
  },
  {
    key: "account.create",
    category: "account",
    slug: "create-an-account",
    views: 900,
    en: {
      title: "Creating an account and confirming your email",
      summary: "Sign up with your email, confirm it, and your earlier orders appear in your account.",
      body: `Select **Create account**, enter your name, email address and a password of at least 10 characters.

## Confirm your email address

We send a confirmation link to your email. Until you select it, a banner reminds you and you can ask for the link again. The link works once and expires after a while.

## Orders you placed before signing up

If you ordered with the same email address before you had an account, those orders, with their points, are added to your account **once you confirm the email address** — so nobody can claim your orders with an address they do not own.`,
    },
    zh: {
      title: "注册账户并验证邮箱",
      summary: "使用邮箱注册并完成验证，之前的订单会自动出现在账户中。",
      body: `点击**注册账户**，填写姓名、邮箱地址，并设置至少 10 个字符的密码。

## 验证邮箱地址

我们会向您的邮箱发送一封验证邮件。在点击验证链接之前，页面顶部会显示提醒横幅，您也可以重新发送链接。该链接只能使用一次，并会在一段时间后失效。

## 注册前下的订单

如果您在注册前用同一邮箱下过单，这些订单及其积分会在**邮箱验证完成后**自动归入您的账户——这样别人无法用不属于自己的邮箱认领您的订单。`,
    },
  },
  {
    key: "account.profile-language",
    category: "account",
    slug: "change-name-language-time-zone",
    views: 300,
    en: {
      title: "Changing your name, language or time zone",
      summary: "Update your profile on the Account page; emails follow your chosen language.",
      body: `Open **Account** and edit your profile:

- **Name** — used in emails and by our support team.
- **Language** — English or 简体中文. Pages and every email we send you use it.
- **Time zone** — dates and times are shown in it.
- **Birthday** — optional; used only for your birthday bonus.

Select **Save**. Without an account, you can still switch the language with the button in the header; we remember it in a cookie on this device.`,
    },
    zh: {
      title: "修改姓名、语言或时区",
      summary: "在账户页面修改个人资料；邮件会使用您选择的语言。",
      body: `打开**账户**页面即可修改个人资料：

- **姓名**：用于邮件称呼，客服人员也会看到。
- **语言**：English 或简体中文。网页和我们发给您的所有邮件都会使用该语言。
- **时区**：日期和时间按该时区显示。
- **生日**：选填，仅用于发放生日积分。

修改后点击**保存**。未登录时，也可以用页面顶部的按钮切换语言，我们会用 Cookie 在此设备上记住您的选择。`,
    },
  },
  {
    key: "account.sessions",
    category: "account",
    slug: "sign-out-other-devices",
    views: 260,
    en: {
      title: "Seeing where you are signed in and signing out other devices",
      summary: "The Account page lists your sessions; end any you do not recognise.",
      body: `The **Account** page lists every device and browser where you are signed in, with when it was last used.

## Sign out a device

Select **Sign out** next to the session. That device is signed out immediately.

## Something looks unfamiliar?

Sign out the session, then change your password (see *Resetting your password*): resetting your password signs out **all** sessions. If you think someone used your account, open a ticket and we check your recent orders and points with you.`,
    },
    zh: {
      title: "查看登录设备并退出其他设备",
      summary: "账户页面列出所有登录会话，可以结束任何不认识的会话。",
      body: `**账户**页面会列出您登录过的所有设备和浏览器，以及最近一次使用的时间。

## 退出某台设备

点击该会话旁边的**退出登录**，这台设备会立即退出。

## 发现陌生的登录？

先退出该会话，然后修改密码（参见《重置密码》）：重置密码会让**所有**设备退出登录。如果您怀疑有人使用了您的账户，请提交工单，我们会与您一起核查最近的订单和积分。`,
    },
  },
  {
    key: "privacy.marketing",
    category: "privacy",
    slug: "marketing-preferences",
    views: 330,
    en: {
      title: "Choosing which marketing messages you receive",
      summary: "Turn email, SMS and push marketing on or off, one channel at a time.",
      body: `We only send you marketing (offers, double-points weekends, news) on the channels you agreed to.

## Change your choices

Open **Account** → **Marketing preferences** and tick or untick **Email**, **SMS** and **Push**. The change applies immediately.

## Messages you always get

Service messages are not marketing and are always sent: order confirmations, shipping and refund updates, replies to your tickets, sign-in links and warnings before points expire.`,
    },
    zh: {
      title: "管理营销消息偏好",
      summary: "按渠道开启或关闭邮件、短信和推送营销消息。",
      body: `我们只会通过您同意的渠道向您发送营销信息（优惠活动、双倍积分周末、新品资讯等）。

## 修改偏好

打开**账户** → **营销偏好**，勾选或取消**邮件**、**短信**和**推送**。修改立即生效。

## 始终会收到的消息

服务类消息不属于营销信息，会始终发送：订单确认、发货和退款通知、工单回复、登录链接以及积分到期提醒。`,
    },
  },
  {
    key: "privacy.cookies",
    category: "privacy",
    slug: "how-we-use-cookies",
    views: 190,
    en: {
      title: "How we use cookies",
      summary: "Only the cookies the portal needs: sign-in, language and help-center feedback.",
      body: `The portal uses a small number of cookies, all first-party and none for advertising:

| Cookie | Why |
| --- | --- |
| Session | keeps you signed in; removed when you sign out |
| Language | remembers English or 简体中文 when you are not signed in |
| Help center | a random id so that "Was this helpful?" counts one vote per visitor |

We do not use third-party tracking cookies. You can delete cookies in your browser at any time; you will then be signed out.`,
    },
    zh: {
      title: "我们如何使用 Cookie",
      summary: "只使用门户运行所需的 Cookie：登录、语言和帮助中心反馈。",
      body: `本门户只使用少量 Cookie，全部为第一方 Cookie，不用于广告：

| Cookie | 用途 |
| --- | --- |
| 登录会话 | 保持登录状态；退出登录时删除 |
| 语言 | 未登录时记住您选择的 English 或简体中文 |
| 帮助中心 | 一个随机标识，使"这篇文章有帮助吗？"每位访客只计一票 |

我们不使用第三方跟踪 Cookie。您可以随时在浏览器中删除 Cookie，删除后需要重新登录。`,
    },
  },
  {
    key: "orders.gift-wrapping",
    category: "orders",
    slug: "gift-wrapping",
    views: 0,
    draft: true,
    en: {
      title: "Gift wrapping and gift messages",
      summary: "Add gift wrapping and a personal message at checkout (coming with the next catalogue).",
      body: `Draft — to be published when gift wrapping is available at checkout.

You will be able to add gift wrapping to any order and write a message of up to 200 characters. Prices are not shown on the packing slip of a gift order.`,
    },
    zh: {
      title: "礼品包装与赠言卡",
      summary: "结账时可添加礼品包装和个性化赠言（随下一季商品上线）。",
      body: `草稿——结账页面支持礼品包装后发布。

届时您可以为任意订单添加礼品包装，并填写不超过 200 字的赠言。礼品订单的装箱单上不会显示价格。`,
    },
  },
];

export const HELP_CATEGORIES: readonly HelpCategorySeed[] = [...BASE_HELP_CATEGORIES, ...EXTRA_HELP_CATEGORIES];
export const HELP_ARTICLES: readonly HelpArticleSeed[] = [...BASE_HELP_ARTICLES, ...EXTRA_HELP_ARTICLES];

/** The demo seed's help center (prisma/seed.ts). */
export function seedHelpCenter(tx: DbClient, ctx: FactoryContext): Promise<number> {
  return seedHelpArticles(tx, ctx, { categories: HELP_CATEGORIES, articles: HELP_ARTICLES });
}

/** Seeds categories, article pairs and an initial revision per article; returns the article count. */
export async function seedHelpArticles(
  tx: DbClient,
  ctx: FactoryContext,
  base: { categories: readonly HelpCategorySeed[]; articles: readonly HelpArticleSeed[]; activity?: boolean },
  /** Appended to slugs and keys (tests seed the same content next to other test data). */
  suffix = "",
): Promise<number> {
  const sfx = suffix ? `-${suffix}` : "";
  const categories = new Map<string, { id: string }>();
  for (const [position, c] of base.categories.entries()) {
    categories.set(c.slug, await createHelpCategory(tx, { ...c, slug: c.slug + sfx, position }, ctx));
  }
  const ids: string[] = [];
  for (const a of base.articles) {
    const createdAt = new Date(ctx.now.getTime() - ctx.rng.int(90, 400) * DAY);
    const pair = await createHelpArticlePair(
      tx,
      {
        category: categories.get(a.category)!,
        translationKey: a.key + sfx,
        en: { slug: a.slug + sfx, title: a.en.title, summary: a.en.summary, bodyMarkdown: a.en.body },
        zh: { slug: `${a.slug}-zh${sfx}`, title: a.zh.title, summary: a.zh.summary, bodyMarkdown: a.zh.body },
        createdAt,
        publishedAt: a.draft ? null : new Date(createdAt.getTime() + 2 * HOUR),
        viewCount: a.views,
      },
      ctx,
    );
    for (const art of [pair.en, pair.zh]) {
      await tx.helpArticleRevision.create({
        data: { articleId: art.id, authorId: null, slug: art.slug, title: art.title, summary: art.summary, bodyMarkdown: art.bodyMarkdown, published: art.publishedAt !== null, note: "seed", createdAt },
      });
      if (art.publishedAt) ids.push(art.id);
    }
  }
  if (base.activity !== false) await seedHelpActivity(tx, ctx, ids);
  return base.articles.length * 2;
}

/** Guest votes and searches (including some that found nothing) for the staff reports. */
async function seedHelpActivity(tx: DbClient, ctx: FactoryContext, articleIds: string[]) {
  for (const articleId of articleIds) {
    const votes = ctx.rng.int(0, 6);
    for (let i = 0; i < votes; i++) {
      await tx.helpVote.create({ data: { articleId, guestId: `seed-guest-${ctx.unique("")}-${i}`.padEnd(16, "x"), helpful: ctx.rng.int(0, 9) < 7, createdAt: new Date(ctx.now.getTime() - ctx.rng.int(1, 60) * DAY) } });
    }
  }
  // Real searches against the seeded articles, so each logged result count is true.
  const searches: [string, Locale][] = [
    ["refund", "en"],
    ["track order", "en"],
    ["points expire", "en"],
    ["gift card balance", "en"],
    ["student discount", "en"],
    ["warranty", "en"],
    ["退款", "zh-CN"],
    ["会员积分", "zh-CN"],
    ["保修", "zh-CN"],
    ["以旧换新", "zh-CN"],
  ];
  for (const [query, locale] of searches) {
    const result = await searchArticles(tx, { q: query, locale, limit: 1, snippets: false });
    const times = ctx.rng.int(1, 5);
    for (let i = 0; i < times; i++) {
      await tx.helpSearchLog.create({ data: { query, locale: toDbLocale(result.locale), resultCount: result.total, createdAt: new Date(ctx.now.getTime() - ctx.rng.int(1, 25) * DAY - ctx.rng.int(0, 23) * HOUR) } });
    }
  }
}
