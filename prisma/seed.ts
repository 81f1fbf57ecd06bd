// Demo data: staff accounts, a demo customer with a full history, ~50 customers with varied
// histories, and a bilingual help center. `npm run seed` (tsx prisma/seed.ts) or call seedDemo().
//
// Idempotent: nothing happens when admin@demo.rapport.test exists. Everything is written in one
// transaction (under an advisory lock, so two processes starting at once cannot both seed), and
// the admin is written last. The content is generated from a fixed seed, so every run produces
// the same customers, orders and tickets; dates are relative to the time of seeding (rounded to the
// hour) so the demo always has recent activity.
import { pathToFileURL } from "node:url";
import type { Db } from "../server/db/client.ts";
import type { Locale, OrderStatus, TicketPriority, TicketStatus, User } from "../server/db/generated/client.ts";
import { openDatabase } from "../server/db/open.ts";
import { hashPassword } from "../server/domain/auth/password.ts";
import { parseEnv } from "../server/env.ts";
import { planSeedLedger } from "../server/domain/loyalty/seed-ledger.ts";
import { tierForSpend, toBaseMinor } from "../server/domain/loyalty/rules.ts";
import { DEFAULT_SETTINGS as DEFAULT_LOYALTY } from "../server/domain/loyalty/settings.ts";
import { HELP_ARTICLES, HELP_CATEGORIES, seedHelpCenter } from "./seed-help.ts";
import { seedSupport } from "../server/domain/support/seed.ts";
import { runScoring } from "../server/domain/analytics/scoring.ts";
import { seedMarketing } from "./seed-marketing.ts";
import {
  addMs,
  chineseName,
  createCustomer,
  createOrder,
  createStaff,
  createTicket,
  createTouchpoints,
  CATALOG,
  DAY,
  englishName,
  FactoryContext,
  HOUR,
  MINUTE,
  ORDER_EVENT,
  orderLedgerPlan,
  refundedAt,
  type CustomerWithUser,
  type DbClient,
  type OrderWithDetails,
  type PlannedLedgerEntry,
  type TicketWithMessages,
  type TouchpointOverrides,
} from "../test/factories/index.ts";

export const DEMO_SEED = 20261123;
export const DEMO_EMAILS = {
  agent: "agent@demo.rapport.test",
  agent2: "agent2@demo.rapport.test",
  marketer: "marketer@demo.rapport.test",
  admin: "admin@demo.rapport.test",
  customer: "customer@demo.rapport.test",
} as const;

/** Days after delivery until pending points are released (the return window). */
const RETURN_WINDOW_DAYS = 30;

// ---------------------------------------------------------------------------------------------
// Ticket content
// ---------------------------------------------------------------------------------------------

interface TicketTemplate {
  category: string;
  /** Order statuses the ticket fits; empty = not about an order. */
  orderStatuses: OrderStatus[];
  /** Ticket statuses the story fits (default: all). */
  ticketStatuses?: TicketStatus[];
  priority: TicketPriority;
  en: { subject: string; body: string; reply: string; followUp: string; thanks: string };
  zh: { subject: string; body: string; reply: string; followUp: string; thanks: string };
  /** Goodwill points the agent gives when solving it. */
  goodwill?: number;
}

const TICKET_TEMPLATES: TicketTemplate[] = [
  {
    category: "order",
    orderStatuses: ["SHIPPED", "PAID"],
    ticketStatuses: ["NEW", "OPEN", "PENDING"],
    priority: "NORMAL",
    en: {
      subject: "Where is my order {n}?",
      body: "Hi, I ordered a few days ago and the tracking hasn't moved since. Could you check where my parcel {n} is?",
      reply: "Thanks for your patience! I checked with the carrier: the parcel is at their regional hub and should be delivered within 2 business days. You can follow it with the tracking link on the order page.",
      followUp: "It still shows the same status today. Could you check again?",
      thanks: "It arrived this morning, thank you!",
    },
    zh: {
      subject: "订单 {n} 什么时候能到？",
      body: "您好，我几天前下的单，物流信息一直没有更新。麻烦帮我查一下订单 {n} 的包裹到哪里了？",
      reply: "感谢您的耐心等待！已和快递公司核实，包裹目前在区域转运中心，预计 2 个工作日内送达。您可以在订单详情页点击快递单号查看最新进度。",
      followUp: "今天物流还是没有变化，能再帮我问一下吗？",
      thanks: "今天上午已经收到了，谢谢！",
    },
  },
  {
    category: "returns",
    orderStatuses: ["DELIVERED"],
    ticketStatuses: ["NEW", "OPEN", "PENDING"],
    priority: "NORMAL",
    en: {
      subject: "Return request for {n}",
      body: "Hello, the travel cup from order {n} is smaller than I expected. I'd like to return it. It's unused and still in the box.",
      reply: "No problem! You're within the 30-day return window. Please send the cup to the return address in the attached instructions; we'll refund you as soon as it arrives.",
      followUp: "I sent it back on Monday. Has it arrived yet?",
      thanks: "Great, I'll send it this week. Thanks for the quick help.",
    },
    zh: {
      subject: "订单 {n} 申请退货",
      body: "您好，订单 {n} 里的随行杯比我想象的小，想申请退货。商品没有使用过，包装也都在。",
      reply: "没问题！您的订单仍在 30 天退货期内。请按照附件中的说明把商品寄回退货地址，仓库收到后我们会马上为您退款。",
      followUp: "我周一已经寄回了，请问仓库收到了吗？",
      thanks: "好的，我这周就寄回，谢谢你们这么快处理。",
    },
  },
  {
    category: "returns",
    orderStatuses: ["REFUNDED"],
    priority: "HIGH",
    en: {
      subject: "Refund for {n} not received",
      body: "The order page for {n} says Refunded, but I can't see the money on my card yet.",
      reply: "I'm sorry for the wait. The refund was issued on our side; banks usually take 5–10 business days to show it. If it hasn't appeared after that, reply here and we'll send you the refund reference for your bank.",
      followUp: "It has been a week now and still nothing.",
      thanks: "It showed up today. Thank you!",
    },
    zh: {
      subject: "订单 {n} 的退款还没到账",
      body: "订单 {n} 显示已退款，但我的银行卡还没有收到钱。",
      reply: "抱歉让您久等了。我们已经完成退款，银行入账一般需要 5–10 个工作日。如果之后仍未到账，请回复此工单，我们会提供退款流水号，方便您向银行查询。",
      followUp: "已经一周了，还是没有到账。",
      thanks: "今天到账了，谢谢！",
    },
  },
  {
    category: "order",
    orderStatuses: ["DELIVERED"],
    priority: "HIGH",
    goodwill: 100,
    en: {
      subject: "Item arrived damaged ({n})",
      body: "The ceramic mug in order {n} arrived with a crack in the handle. I've attached a photo.",
      reply: "I'm so sorry about that! We're sending a replacement today at no cost, and I've added 100 bonus points to your account for the trouble. No need to send the broken mug back.",
      followUp: "Thanks. When will the replacement ship?",
      thanks: "The replacement arrived in perfect condition. Thank you!",
    },
    zh: {
      subject: "收到的商品有破损（{n}）",
      body: "订单 {n} 里的陶瓷杯把手有裂痕，照片已附上。",
      reply: "非常抱歉给您带来不便！我们今天会免费为您补发一个新的，并已向您的账户赠送 100 积分作为补偿。破损的杯子不需要寄回。",
      followUp: "好的，请问补发的什么时候发货？",
      thanks: "补发的杯子已经收到，完好无损，谢谢！",
    },
  },
  {
    category: "order",
    orderStatuses: ["PLACED", "PAID"],
    ticketStatuses: ["NEW", "OPEN", "PENDING"],
    priority: "URGENT",
    en: {
      subject: "Please cancel order {n}",
      body: "I placed order {n} by mistake (wrong size). Please cancel it before it ships.",
      reply: "I've stopped the order before it left the warehouse. It will be cancelled and, if you paid already, fully refunded to your card.",
      followUp: "Has it been cancelled yet? It still shows as paid.",
      thanks: "Thanks for catching it in time!",
    },
    zh: {
      subject: "请取消订单 {n}",
      body: "订单 {n} 下错了（尺寸选错），请在发货前帮我取消。",
      reply: "已经在发货前拦截了这笔订单，我们会为您取消。如果已经付款，款项会全额原路退回。",
      followUp: "取消了吗？订单还显示已付款。",
      thanks: "谢谢及时处理！",
    },
  },
  {
    category: "rewards",
    orderStatuses: ["DELIVERED", "SHIPPED"],
    priority: "LOW",
    en: {
      subject: "Points from {n} still pending",
      body: "My points from order {n} still say pending. When can I use them?",
      reply: "Points stay pending during the 30-day return window after delivery, then they become available automatically. Your points will be available 30 days after the delivery date shown on the order.",
      followUp: "OK, but the delivery was more than a month ago, I think?",
      thanks: "Makes sense, thanks for explaining.",
    },
    zh: {
      subject: "订单 {n} 的积分一直是待入账",
      body: "订单 {n} 的积分一直显示待入账，什么时候可以使用？",
      reply: "订单签收后的 30 天退货期内，积分会显示为待入账，期满后会自动转为可用积分。按订单上的签收日期，30 天后即可使用。",
      followUp: "好的，不过我记得签收已经超过一个月了？",
      thanks: "明白了，谢谢解释。",
    },
  },
  {
    category: "account",
    orderStatuses: [],
    priority: "NORMAL",
    en: {
      subject: "Password reset email never arrives",
      body: "I've requested a password reset three times but no email arrives. I checked spam too.",
      reply: "Thanks for letting me know. Your account uses a slightly different address (with a dot in it). I've sent a fresh reset link to that address, please check again.",
      followUp: "Still nothing, unfortunately.",
      thanks: "Found it, I'm back in. Thank you!",
    },
    zh: {
      subject: "收不到重置密码的邮件",
      body: "我已经申请了三次重置密码，一直没有收到邮件，垃圾箱也看过了。",
      reply: "感谢反馈。您的账户注册时使用的邮箱地址略有不同（中间有一个点）。我已经向该地址重新发送了重置链接，请再查收一下。",
      followUp: "还是没有收到。",
      thanks: "收到了，已经可以登录了，谢谢！",
    },
  },
  {
    category: "account",
    orderStatuses: [],
    priority: "LOW",
    en: {
      subject: "Copy of my personal data",
      body: "Under GDPR I'd like a copy of all the personal data you hold about me.",
      reply: "Of course. You can download it any time under Account → Privacy → Export my data. I've also attached the export to this ticket for you.",
      followUp: "The file didn't download for me, could you try again?",
      thanks: "Got it, thanks.",
    },
    zh: {
      subject: "申请导出个人数据",
      body: "您好，我想获取你们保存的关于我的全部个人数据。",
      reply: "当然可以。您随时可以在“账户 → 隐私 → 导出我的数据”中下载。我也已把导出的文件附在这个工单里。",
      followUp: "文件下载不了，能再发一次吗？",
      thanks: "收到了，谢谢。",
    },
  },
  {
    category: "rewards",
    orderStatuses: [],
    priority: "LOW",
    en: {
      subject: "How do I reach Gold?",
      body: "I'm Silver at the moment. How much more do I need to spend to reach Gold, and when would it change?",
      reply: "Your tier is based on your spend over the last 12 months. The Points page shows exactly how much is left until Gold; tiers are recalculated daily, so you'll move up the day after you pass it.",
      followUp: "I can't find that on the Points page, where is it?",
      thanks: "Found it, thanks!",
    },
    zh: {
      subject: "怎样才能升到金卡？",
      body: "我现在是银卡会员，还需要消费多少才能升到金卡？什么时候生效？",
      reply: "会员等级按最近 12 个月的消费金额计算。积分页面会显示距离金卡还差多少；等级每天更新，达到门槛后第二天就会升级。",
      followUp: "积分页面上没找到，在哪里看？",
      thanks: "找到了，谢谢！",
    },
  },
];

const INTERNAL_NOTES = {
  en: [
    "Carrier confirmed the parcel is at the hub; follow up if no scan by Friday.",
    "Customer is a long-time buyer. OK to be generous with goodwill points.",
    "Checked payment provider: refund settled on our side.",
    "Second contact about this. Escalate to team lead if it happens again.",
  ],
  zh: [
    "已与快递核实，包裹在转运中心；周五前无更新需再次跟进。",
    "老客户，可以适当赠送补偿积分。",
    "已查支付渠道，我方退款已完成。",
    "客户第二次咨询此问题，如再发生请升级给组长。",
  ],
};

// ---------------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------------

export interface SeedOptions {
  demoPassword: string;
  log?: (m: string) => void;
}

interface Stats {
  staff: number;
  customers: number;
  logins: number;
  orders: number;
  tickets: number;
  ledgerEntries: number;
  touchpoints: number;
  articles: number;
}

interface CustomerPlan {
  email: string;
  name: string | null;
  locale: Locale;
  timeZone: string;
  currency: string;
  login: boolean;
  verified: boolean;
  consentEmail: boolean;
  birthday: Date | null;
  createdAt: Date;
  externalId: string | null;
  /** Orders: (status, placedAt), ascending. */
  orders: { status: OrderStatus; placedAt: Date; source: string }[];
}

interface Agents {
  ada: User;
  liWei: User;
}

const ADVISORY_LOCK_KEY = 727_274_001;

export async function seedDemo(db: Db, opts: SeedOptions): Promise<{ created: boolean }> {
  const log = opts.log ?? (() => {});
  if (await db.user.findUnique({ where: { email: DEMO_EMAILS.admin }, select: { id: true } })) {
    log(`demo data already present (${DEMO_EMAILS.admin} exists): nothing to do`);
    return { created: false };
  }
  const started = Date.now();
  const passwordHash = await hashPassword(opts.demoPassword);
  const now = new Date();
  now.setUTCMinutes(0, 0, 0);
  const ctx = new FactoryContext({ seed: DEMO_SEED, now, orderNumberStart: 100_000 });

  const stats = await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_KEY})`);
      if (await tx.user.findUnique({ where: { email: DEMO_EMAILS.admin }, select: { id: true } })) return null;
      const stats: Stats = { staff: 0, customers: 0, logins: 0, orders: 0, tickets: 0, ledgerEntries: 0, touchpoints: 0, articles: 0 };

      const staffCreatedAt = new Date(now.getTime() - 800 * DAY);
      const staffUser = (email: string, name: string, role: "AGENT" | "MARKETER" | "ADMIN", locale: Locale = "en", timeZone = "UTC") =>
        createStaff(tx, { email, name, role, passwordHash, locale, timeZone, createdAt: staffCreatedAt }, ctx);
      const ada = await staffUser(DEMO_EMAILS.agent, "Ada Agent", "AGENT", "en", "Europe/London");
      const liWei = await staffUser(DEMO_EMAILS.agent2, "Li Wei", "AGENT", "zh_CN", "Asia/Shanghai");
      await staffUser(DEMO_EMAILS.marketer, "Max Marketer", "MARKETER", "en", "America/New_York");
      stats.staff = 3;

      stats.articles = await seedHelpCenter(tx, ctx);
      log(`help center: ${HELP_CATEGORIES.length} categories, ${stats.articles} articles`);

      await seedDemoCustomer(tx, ctx, { ada, liWei }, passwordHash, stats);
      log(`demo customer ${DEMO_EMAILS.customer} with orders, tickets, points and touchpoints`);

      await seedCustomers(tx, ctx, { ada, liWei }, passwordHash, stats);
      await seedSupport(tx);
      await seedRewards(tx);

      // The admin last: its existence marks a complete seed.
      await staffUser(DEMO_EMAILS.admin, "Alex Admin", "ADMIN", "en", "UTC");
      stats.staff += 1;
      return stats;
    },
    { timeout: 300_000, maxWait: 60_000 },
  );

  if (!stats) {
    log("demo data was created by another process meanwhile: nothing to do");
    return { created: false };
  }
  log(
    `created ${stats.staff} staff, ${stats.customers} customers (${stats.logins} with logins), ${stats.orders} orders, ${stats.tickets} tickets, ` +
      `${stats.ledgerEntries} ledger entries, ${stats.touchpoints} touchpoints, ${stats.articles} help articles in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  // Analytics as the nightly scoring job would have left them after a few weeks (four weekly
  // snapshots, the newest as of yesterday), so the marketer's dashboards show the demo shop.
  const today = Math.floor(now.getTime() / DAY);
  for (const back of [85, 57, 29, 1]) await runScoring(db, { asOfDay: today - back, period: "week", store: true });
  log("analytics: customer scores computed (4 weekly snapshots)");
  const marketer = await db.user.findUniqueOrThrow({ where: { email: DEMO_EMAILS.marketer }, select: { id: true } });
  await seedMarketing(db, { marketerId: marketer.id, now, log });
  log(`sign in as ${Object.values(DEMO_EMAILS).join(", ")} with the demo password`);
  return { created: true };
}

// --- the rewards catalog -------------------------------------------------------------------------

/** One reward of each kind, so customers have something to redeem and admins something to edit. */
async function seedRewards(tx: DbClient) {
  await tx.reward.createMany({
    data: [
      { kind: "FIXED_AMOUNT", nameEn: "$5 off your next order", nameZh: "下单立减 5 美元", descriptionEn: "A single-use code worth $5 on any order.", descriptionZh: "单次使用的优惠码，任意订单立减 5 美元。", pointsCost: 250, amountMinor: 500, currency: "USD" },
      { kind: "FIXED_AMOUNT", nameEn: "$10 off your next order", nameZh: "下单立减 10 美元", descriptionEn: "A single-use code worth $10 on any order.", descriptionZh: "单次使用的优惠码，任意订单立减 10 美元。", pointsCost: 500, amountMinor: 1000, currency: "USD" },
      { kind: "FREE_SHIPPING", nameEn: "Free standard shipping", nameZh: "标准配送免运费", descriptionEn: "Shipping on us for one order.", descriptionZh: "一笔订单免运费。", pointsCost: 200, perCustomerLimit: 3 },
      { kind: "PERCENTAGE", nameEn: "15% off one order", nameZh: "单笔订单 85 折", descriptionEn: "For Gold and Platinum members.", descriptionZh: "黄金和铂金会员专享。", pointsCost: 800, percentOff: 15, eligibleTiers: ["GOLD", "PLATINUM"] },
      { kind: "GIFT_ITEM", nameEn: "Oolong tasting set (gift)", nameZh: "乌龙茶品鉴套装（赠品）", descriptionEn: "Three 20 g samples added to your next order, while stocks last.", descriptionZh: "下一笔订单附赠三款各 20 克的茶样，送完即止。", pointsCost: 1200, giftSku: "GIFT-OOLONG-SET", stock: 25, perCustomerLimit: 1 },
    ],
  });
}

// --- the demo customer --------------------------------------------------------------------------

async function seedDemoCustomer(tx: DbClient, ctx: FactoryContext, staff: Agents, passwordHash: string, stats: Stats) {
  const now = ctx.now;
  const ago = (days: number, hours = 0) => new Date(now.getTime() - days * DAY - hours * HOUR);
  const chloe = await createCustomer(
    tx,
    {
      email: DEMO_EMAILS.customer,
      name: "Chloe Customer",
      locale: "en",
      timeZone: "America/New_York",
      consentEmail: true,
      birthday: CHLOE_BIRTHDAY(now),
      createdAt: ago(420),
      login: { passwordHash, createdAt: ago(420) },
    },
    ctx,
  );
  stats.customers++;
  stats.logins++;

  const item = (sku: string, quantity = 1) => {
    const p = CATALOG_BY_SKU.get(sku)!;
    return { sku: p.sku, name: p.name, quantity, unitPriceMinor: p.usdMinor };
  };
  const mk = (status: OrderStatus, placedAt: Date, items: ReturnType<typeof item>[], extra: Partial<Parameters<typeof createOrder>[1]> = {}) =>
    createOrder(tx, { customerId: chloe.id, status, currency: "USD", placedAt, items, source: "stripe", ...extra }, ctx);

  const orders: OrderWithDetails[] = [
    await mk("DELIVERED", ago(330, 5), [item("POUR-SET-02"), item("FILTER-100", 2)]),
    await mk("DELIVERED", ago(140, 2), [item("KETTLE-GN-1"), item("BEAN-ETH-250", 2)]),
    await mk("CANCELLED", ago(95, 7), [item("GIFT-CARD-50")]),
    await mk("REFUNDED", ago(75, 3), [item("CUP-TRV-35"), item("TOTE-CAN-01")]),
    await mk("DELIVERED", ago(14, 4), [item("GRIND-HND-3"), item("BEAN-COL-1K")]),
    await mk("SHIPPED", ago(4, 6), [item("SCALE-DIG-2"), item("MUG-CER-01", 2)], { carrier: "UPS" }),
    await mk("PAID", ago(0, 9), [item("TEA-OOL-100", 2)]),
  ];
  stats.orders += orders.length;
  const [, , , refunded, , shipped] = orders;

  const t1 = await createTicket(
    tx,
    {
      customerId: chloe.id,
      order: shipped,
      status: "OPEN",
      priority: "NORMAL",
      category: "order",
      assignee: staff.ada,
      createdAt: ago(1, 20),
      subject: `Where is my order ${shipped!.number}?`,
      body: `Hi! My order ${shipped!.number} has shipped, but the UPS tracking hasn't changed since it was picked up. Can you check what's going on?`,
      reply: "Hi Chloe, thanks for reaching out! I've asked UPS to investigate. Their hub had a backlog this week, and your parcel should move again within a day or two. I'll update you here as soon as I hear back.",
      followUp: "Thanks Ada. It still says \"in transit\", any news?",
      internalNote: "Opened a trace with UPS (ref 1Z-TRACE-4471). If nothing by Friday, ship a replacement.",
    },
    ctx,
  );
  const t2 = await createTicket(
    tx,
    {
      customerId: chloe.id,
      order: refunded,
      status: "SOLVED",
      priority: "NORMAL",
      category: "returns",
      assignee: staff.ada,
      createdAt: refunded!.events.find((e) => e.type === ORDER_EVENT.returnRequested)?.occurredAt ?? refunded!.placedAt,
      subject: `Return for ${refunded!.number}`,
      body: "Hello, the travel cup is too big for my car's cup holder. I'd like to return the whole order if possible.",
      reply: "Hi Chloe, no problem at all. I've emailed you a prepaid return label. Once the parcel is back with us we'll refund the full amount to your card.",
      followUp: "Perfect, I'll drop it off at UPS tomorrow. Thanks for making it so easy!",
      csatScore: 5,
      csatComment: "Quick and friendly, thanks!",
    },
    ctx,
  );
  stats.tickets += 2;

  const extra: PlannedLedgerEntry[] = [
    { type: "BONUS", availableDelta: 100, pendingDelta: 0, reason: "Welcome bonus", idempotencyKey: `demo:${chloe.id}:welcome`, createdAt: addMs(chloe.createdAt, MINUTE), sourceType: null, sourceId: null },
    birthdayBonus(chloe.id, chloe.birthday!, ctx.now),
    { type: "REDEEM", availableDelta: -250, pendingDelta: 0, reason: "Reward: $5 off your next order", idempotencyKey: `demo:${chloe.id}:redeem-1`, createdAt: ago(60), sourceType: "reward", sourceId: "five-off" },
  ];
  stats.ledgerEntries += await writeLedger(tx, chloe.id, orders, extra, ctx);
  stats.touchpoints += await writeTouchpoints(tx, chloe, orders, [t1, t2], ctx, { signIns: 14, pageViews: 30 });
  await setTier(tx, chloe.id, orders, ctx.now);
}

// --- the other customers -----------------------------------------------------------------------

const CATALOG_BY_SKU = new Map(CATALOG.map((p) => [p.sku, p]));

const TIME_ZONES: Record<string, string[]> = {
  USD: ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"],
  EUR: ["Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam"],
  CNY: ["Asia/Shanghai"],
};

function planCustomers(ctx: FactoryContext, count: number): CustomerPlan[] {
  const { rng } = ctx;
  const now = ctx.now;
  const used = new Set<string>([DEMO_EMAILS.customer]);
  const plans: CustomerPlan[] = [];
  for (let i = 0; i < count; i++) {
    const zh = i % 3 === 1; // about a third Chinese-speaking
    const person = zh ? chineseName(rng) : englishName(rng);
    const locale: Locale = zh ? "zh_CN" : "en";
    const currency = zh ? (rng.chance(0.85) ? "CNY" : "USD") : rng.weighted([["USD", 6], ["EUR", 4]] as const);
    const domain = rng.pick(zh ? ["example.com", "example.net"] : ["example.com", "example.org", "example.net"]);
    let email = `${person.handle}@${domain}`;
    for (let k = 2; used.has(email); k++) email = `${person.handle}${k}@${domain}`;
    used.add(email);

    const login = rng.chance(0.5) || i < 4; // the first few always have logins (both languages)
    const nOrders = rng.weighted([[0, 3], [1, 4], [2, 4], [3, 4], [4, 3], [5, 3], [6, 2], [7, 2], [8, 2], [10, 1], [12, 1], [15, 1]] as const);
    const firstSeen = new Date(now.getTime() - rng.int(3, 730) * DAY - rng.int(0, 23) * HOUR);
    // Some customers drift away: their activity stops somewhere between first contact and now.
    const churned = nOrders > 1 && rng.chance(0.3);
    const lastActive = churned ? rng.dateBetween(addMs(firstSeen, 20 * DAY), new Date(now.getTime() - 120 * DAY)) : now;
    const placed = Array.from({ length: nOrders }, () => rng.dateBetween(addMs(firstSeen, HOUR), lastActive < firstSeen ? addMs(firstSeen, 2 * HOUR) : lastActive)).sort((a, b) => a.getTime() - b.getTime());
    const orders = placed.map((placedAt) => {
      const ageDays = (now.getTime() - placedAt.getTime()) / DAY;
      const status: OrderStatus =
        ageDays < 0.5
          ? rng.weighted([["PLACED", 2], ["PAID", 3]] as const)
          : ageDays < 3
            ? rng.weighted([["PAID", 3], ["SHIPPED", 3], ["CANCELLED", 1]] as const)
            : ageDays < 8
              ? rng.weighted([["SHIPPED", 4], ["DELIVERED", 3], ["CANCELLED", 1]] as const)
              : rng.weighted([["DELIVERED", 88], ["REFUNDED", 6], ["CANCELLED", 6]] as const);
      return { status, placedAt, source: login ? rng.weighted([["stripe", 3], ["api", 1]] as const) : rng.weighted([["api", 2], ["import", 1]] as const) };
    });
    // Without a login, the customer was created by their first order (or by an import).
    const createdAt = login || orders.length === 0 ? firstSeen : orders[0]!.placedAt;
    plans.push({
      email,
      name: !login && rng.chance(0.08) ? null : person.name,
      locale,
      timeZone: rng.pick(TIME_ZONES[currency]!),
      currency,
      login,
      verified: rng.chance(0.9),
      consentEmail: rng.chance(login ? 0.7 : 0.35),
      birthday: rng.chance(login ? 0.6 : 0.1) ? new Date(Date.UTC(rng.int(1955, 2004), rng.int(0, 11), rng.int(1, 28))) : null,
      createdAt,
      externalId: login ? null : `SHOP-${10_000 + i * 7}`,
      orders,
    });
  }
  return plans;
}

/** Ticket statuses to spread over the customers: every status, several times. */
const TICKET_STATUSES: TicketStatus[] = ["NEW", "NEW", "NEW", "OPEN", "OPEN", "OPEN", "OPEN", "PENDING", "PENDING", "PENDING", "SOLVED", "SOLVED", "SOLVED", "SOLVED", "SOLVED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED"];
const TICKET_AGE_HOURS: Record<TicketStatus, [number, number]> = { NEW: [0.3, 10], OPEN: [4, 60], PENDING: [10, 120], SOLVED: [48, 24 * 40], CLOSED: [24 * 10, 24 * 300] };

async function seedCustomers(tx: DbClient, ctx: FactoryContext, agents: Agents, passwordHash: string, stats: Stats) {
  const { rng } = ctx;
  const plans = planCustomers(ctx, 49);
  // Which customers get tickets (some get two).
  const ticketOwners = rng.sample(
    plans.map((_, i) => i),
    16,
  );
  const ticketsFor = new Map<number, TicketStatus[]>();
  TICKET_STATUSES.forEach((status, i) => {
    const owner = ticketOwners[i % ticketOwners.length]!;
    ticketsFor.set(owner, [...(ticketsFor.get(owner) ?? []), status]);
  });

  for (const [i, p] of plans.entries()) {
    const customer = await createCustomer(
      tx,
      {
        email: p.email,
        name: p.name,
        locale: p.locale,
        timeZone: p.timeZone,
        consentEmail: p.consentEmail,
        birthday: p.birthday,
        externalId: p.externalId,
        createdAt: p.createdAt,
        login: p.login ? { passwordHash, verified: p.verified, createdAt: p.createdAt } : false,
      },
      ctx,
    );
    stats.customers++;
    if (p.login) stats.logins++;

    const orders: OrderWithDetails[] = [];
    for (const o of p.orders) {
      orders.push(await createOrder(tx, { customerId: customer.id, status: o.status, placedAt: o.placedAt, currency: p.currency, source: o.source }, ctx));
    }
    stats.orders += orders.length;

    const tickets: TicketWithMessages[] = [];
    const goodwill: PlannedLedgerEntry[] = [];
    for (const status of ticketsFor.get(i) ?? []) {
      const [a, b] = TICKET_AGE_HOURS[status];
      const createdAt = new Date(Math.max(ctx.now.getTime() - (a + rng.float() * (b - a)) * HOUR, customer.createdAt.getTime() + HOUR));
      // Templates that fit the ticket status, each with the latest of the customer's orders it can
      // be about (one whose relevant step happened before the ticket was opened).
      const fitting = TICKET_TEMPLATES.filter((t) => !t.ticketStatuses || t.ticketStatuses.includes(status)).flatMap((t): { t: TicketTemplate; order: OrderWithDetails | null }[] => {
        if (t.orderStatuses.length === 0) return [{ t, order: null }];
        const order = [...orders].reverse().find((o) => t.orderStatuses.includes(o.status) && ticketAnchor(o) < createdAt);
        return order ? [{ t, order }] : [];
      });
      // Prefer a ticket about an order when one fits.
      const aboutOrder = fitting.filter((f) => f.order);
      const { t: template, order } = aboutOrder.length > 0 && rng.chance(0.75) ? rng.pick(aboutOrder) : rng.pick(fitting.filter((f) => !f.order));
      const text = p.locale === "zh_CN" ? template.zh : template.en;
      const fill = (s: string) => s.replaceAll("{n}", order?.number ?? "");
      const agent = status === "NEW" ? null : p.locale === "zh_CN" ? agents.liWei : rng.chance(0.75) ? agents.ada : agents.liWei;
      const notes = agent === agents.liWei ? INTERNAL_NOTES.zh : INTERNAL_NOTES.en;
      const solved = status === "SOLVED" || status === "CLOSED";
      const ticket = await createTicket(
        tx,
        {
          customerId: customer.id,
          order,
          status,
          priority: rng.chance(0.7) ? template.priority : rng.pick(["LOW", "NORMAL", "HIGH"] as const),
          category: template.category,
          assignee: agent,
          createdAt,
          subject: fill(text.subject),
          body: fill(text.body),
          reply: fill(text.reply),
          followUp: fill(status === "OPEN" ? text.followUp : text.thanks),
          channel: !p.login || rng.chance(0.3) ? "email" : "portal",
          internalNote: status !== "NEW" && rng.chance(0.4) ? rng.pick(notes) : false,
          csatScore: solved && rng.chance(0.7) ? rng.weighted([[5, 6], [4, 3], [3, 1], [2, 1], [1, 1]] as const) : null,
          csatComment: null,
        },
        ctx,
      );
      tickets.push(ticket);
      if (template.goodwill && solved && ticket.solvedAt) {
        goodwill.push({ type: "ADJUST", availableDelta: template.goodwill, pendingDelta: 0, reason: `Goodwill (ticket #${ticket.number})`, idempotencyKey: `ticket:${ticket.id}:goodwill`, createdAt: ticket.solvedAt, sourceType: "ticket", sourceId: ticket.id });
      }
    }
    stats.tickets += tickets.length;

    const extra: PlannedLedgerEntry[] = [...goodwill];
    if (p.login && p.birthday) {
      const bonus = birthdayBonus(customer.id, p.birthday, ctx.now);
      if (bonus.createdAt > customer.createdAt) extra.push(bonus);
    }
    if (p.login && orders.length >= 3 && rng.chance(0.5)) {
      const when = rng.dateBetween(orders[Math.floor(orders.length / 2)]!.placedAt, ctx.now);
      extra.push({ type: "REDEEM", availableDelta: -rng.pick([250, 500, 1000]), pendingDelta: 0, reason: "Reward: discount code", idempotencyKey: `demo:${customer.id}:redeem`, createdAt: when, sourceType: "reward", sourceId: "discount" });
    }
    stats.ledgerEntries += await writeLedger(tx, customer.id, orders, extra, ctx);
    stats.touchpoints += await writeTouchpoints(tx, customer, orders, tickets, ctx, {
      signIns: p.login ? rng.int(1, 25) : 0,
      pageViews: p.login ? rng.int(0, 40) : 0,
    });
    await setTier(tx, customer.id, orders, ctx.now);
  }
}

/** The moment an order-related ticket can start from: delivery, refund, or placement. */
function ticketAnchor(o: OrderWithDetails): Date {
  if (o.status === "REFUNDED") return refundedAt(o) ?? o.placedAt;
  if (o.status === "DELIVERED") return o.deliveredAt ?? o.placedAt;
  return o.placedAt;
}

// --- ledger, touchpoints, tier -----------------------------------------------------------------

const CHLOE_BIRTHDAY = (now: Date) => new Date(Date.UTC(1991, (now.getUTCMonth() + 2) % 12, 14));

/** The BIRTHDAY entry for the most recent birthday (08:00 UTC) before now. */
function birthdayBonus(customerId: string, birthday: Date, now: Date): PlannedLedgerEntry {
  const bday = new Date(Date.UTC(now.getUTCFullYear(), birthday.getUTCMonth(), birthday.getUTCDate(), 8));
  if (bday > now) bday.setUTCFullYear(bday.getUTCFullYear() - 1);
  return { type: "BIRTHDAY", availableDelta: 200, pendingDelta: 0, reason: "Happy birthday!", idempotencyKey: `birthday:${customerId}:${bday.getUTCFullYear()}`, createdAt: bday, sourceType: null, sourceId: null };
}

/**
 * Writes a customer's ledger in time order: the orders' EARN/RELEASE/REVERSE entries plus extras,
 * following the live loyalty rules (server/domain/loyalty/seed-ledger.ts): live idempotency keys,
 * FIFO expiry lots, LoyaltyOrderPoints per paid order. Redemptions are capped at the available
 * balance at that moment (and skipped at zero), so the running balances never go negative.
 * The cached balances are set to the sums.
 */
async function writeLedger(tx: DbClient, customerId: string, orders: OrderWithDetails[], extra: PlannedLedgerEntry[], ctx: FactoryContext): Promise<number> {
  const planned = [...orders.flatMap((o) => orderLedgerPlan(o, { now: ctx.now, refundedAt: refundedAt(o), returnWindowDays: RETURN_WINDOW_DAYS })), ...extra];
  const plan = planSeedLedger(customerId, planned, orders, { now: ctx.now, expiryMonths: DEFAULT_LOYALTY.expiryMonths, returnWindowDays: RETURN_WINDOW_DAYS });
  if (plan.entries.length > 0) await tx.loyaltyLedgerEntry.createMany({ data: plan.entries });
  if (plan.lots.length > 0) await tx.loyaltyLot.createMany({ data: plan.lots });
  if (plan.orderPoints.length > 0) await tx.loyaltyOrderPoints.createMany({ data: plan.orderPoints });
  await tx.customer.update({ where: { id: customerId }, data: { pointsAvailable: plan.balances.available, pointsPending: plan.balances.pending } });
  return plan.entries.length;
}

const PAGE_PATHS = ["/", "/orders", "/rewards", "/support", "/support/new", "/help", "/account", ...HELP_ARTICLES.map((a) => `/help/${a.slug}`)];

async function writeTouchpoints(
  tx: DbClient,
  customer: CustomerWithUser,
  orders: OrderWithDetails[],
  tickets: TicketWithMessages[],
  ctx: FactoryContext,
  opts: { signIns: number; pageViews: number },
): Promise<number> {
  const { rng } = ctx;
  const userId = customer.userId;
  const tps: TouchpointOverrides[] = [];
  for (const o of orders) {
    tps.push({ customerId: customer.id, type: "order.placed", channel: o.source === "stripe" ? "web" : o.source === "api" ? "api" : "system", occurredAt: o.placedAt, actorUserId: o.source === "stripe" ? userId : null, subjectType: "order", subjectId: o.id, metadata: { number: o.number, totalMinor: o.totalMinor, currency: o.currency } });
    if (o.shippedAt) tps.push({ customerId: customer.id, type: "order.shipped", channel: "email", occurredAt: o.shippedAt, subjectType: "order", subjectId: o.id, metadata: { number: o.number } });
    if (o.deliveredAt) tps.push({ customerId: customer.id, type: "order.delivered", channel: "system", occurredAt: o.deliveredAt, subjectType: "order", subjectId: o.id, metadata: { number: o.number } });
    const refund = refundedAt(o);
    if (refund) tps.push({ customerId: customer.id, type: "order.refunded", channel: "system", occurredAt: refund, subjectType: "order", subjectId: o.id, metadata: { number: o.number, amountMinor: o.refundedMinor } });
  }
  for (const t of tickets) {
    const first = t.messages[0]!;
    tps.push({ customerId: customer.id, type: "ticket.created", channel: first.channel === "email" ? "email" : "web", occurredAt: t.createdAt, actorUserId: first.channel === "email" ? null : userId, subjectType: "ticket", subjectId: t.id, metadata: { number: t.number, subject: t.subject } });
    for (const m of t.messages) {
      if (!m.fromCustomer && !m.internal) tps.push({ customerId: customer.id, type: "ticket.replied", channel: "email", occurredAt: m.createdAt, actorUserId: m.authorId, subjectType: "ticket", subjectId: t.id, metadata: { number: t.number } });
    }
    if (t.solvedAt) tps.push({ customerId: customer.id, type: "ticket.solved", channel: "staff", occurredAt: t.solvedAt, actorUserId: t.assigneeId, subjectType: "ticket", subjectId: t.id, metadata: { number: t.number, csatScore: t.csatScore } });
  }
  if (userId) {
    const from = customer.createdAt;
    for (let i = 0; i < opts.signIns; i++) {
      // As server/domain/auth/accounts.ts records them: password on the web, magic link by email.
      const method = rng.chance(0.8) ? "password" : "magic_link";
      tps.push({ customerId: customer.id, type: "auth.signed_in", channel: method === "password" ? "web" : "email", occurredAt: rng.dateBetween(from, ctx.now), actorUserId: userId, metadata: { method } });
    }
    for (let i = 0; i < opts.pageViews; i++) {
      const order = orders.length > 0 && rng.chance(0.3) ? rng.pick(orders) : null;
      const path = order ? `/orders/${order.number}` : rng.pick(PAGE_PATHS);
      const occurredAt = order ? rng.dateBetween(order.placedAt, ctx.now) : rng.dateBetween(from, ctx.now);
      // As server/http.ts records them: subject = the page path.
      tps.push({ customerId: customer.id, type: "page.viewed", channel: "web", occurredAt, actorUserId: userId, subjectType: "page", subjectId: path });
    }
  }
  return createTouchpoints(tx, tps, ctx);
}

/** Tier from rolling 12-month spend (paid, not refunded) with the default loyalty rules, with its history. */
async function setTier(tx: DbClient, customerId: string, orders: OrderWithDetails[], now: Date) {
  const since = now.getTime() - 365 * DAY;
  const spend = orders
    .filter((o) => o.paidAt && o.paidAt.getTime() >= since && o.status !== "REFUNDED" && o.status !== "CANCELLED")
    .reduce((s, o) => s + toBaseMinor(o.totalMinor - o.refundedMinor, o.currency, DEFAULT_LOYALTY), 0);
  const tier = tierForSpend(spend, DEFAULT_LOYALTY.tiers).code;
  if (tier !== "BRONZE") {
    await tx.customer.update({ where: { id: customerId }, data: { tier } });
    await tx.tierHistory.create({ data: { customerId, fromTier: "BRONZE", toTier: tier, spendMinor: spend, reason: "Demo data", createdAt: now } });
  }
}

// ---------------------------------------------------------------------------------------------
// Script entry: `tsx prisma/seed.ts`
// ---------------------------------------------------------------------------------------------

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const log = (m: string) => console.log(`[seed] ${m}`);
  const env = parseEnv();
  const database = await openDatabase(env, { log });
  try {
    const { created } = await seedDemo(database.db, { demoPassword: env.DEMO_PASSWORD, log });
    log(created ? "done" : "nothing created");
  } catch (e) {
    process.exitCode = 1;
    console.error("[seed] failed:", e);
  } finally {
    await database.close();
  }
}
