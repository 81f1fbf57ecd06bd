// "Download my data": everything the business holds about one customer, as one JSON document.
// Built from explicit field lists (never whole rows), so secrets — password and token hashes,
// Stripe ids, API keys — and other customers' data cannot slip in when the schema grows.
// Internal notes (TicketMessage.internal) and their attachments are never included.
import type { Db } from "../../db/client.ts";
import { AppError } from "../errors.ts";
import { recordTouchpoint } from "../touchpoints/record.ts";

export const EXPORT_FORMAT_VERSION = 1;
/** How the other party of a referral appears in an export (never their email or name). */
export const OTHER_CUSTOMER = "another customer";

export async function exportCustomerData(db: Db, who: { customerId: string; userId: string | null }) {
  const c = await db.customer.findUnique({ where: { id: who.customerId } });
  if (!c) throw new AppError("NOT_FOUND", "No such customer.");
  const id = c.id;
  const loginId = c.userId;

  const [login, sessions, orders, returnRequests, tickets, ledger, redemptions, referralsMade, referredBy, tierHistory, nps, touchpoints] = await Promise.all([
    loginId ? db.user.findUnique({ where: { id: loginId }, select: { email: true, name: true, locale: true, timeZone: true, emailVerifiedAt: true, createdAt: true } }) : null,
    loginId ? db.session.findMany({ where: { userId: loginId }, orderBy: { createdAt: "asc" }, select: { createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true } }) : [],
    db.order.findMany({
      where: { customerId: id },
      orderBy: { placedAt: "asc" },
      select: {
        number: true, status: true, currency: true, subtotalMinor: true, shippingMinor: true, taxMinor: true, discountMinor: true, totalMinor: true, refundedMinor: true,
        placedAt: true, paidAt: true, shippedAt: true, deliveredAt: true, cancelledAt: true, disputedAt: true, source: true, stripeReceiptUrl: true, createdAt: true,
        items: { orderBy: { id: "asc" }, select: { sku: true, name: true, quantity: true, unitPriceMinor: true } },
        events: { orderBy: { occurredAt: "asc" }, select: { type: true, occurredAt: true, data: true } },
        shipments: { orderBy: { createdAt: "asc" }, select: { carrier: true, trackingNumber: true, trackingUrl: true, status: true, shippedAt: true, deliveredAt: true, events: { orderBy: { occurredAt: "asc" }, select: { status: true, description: true, location: true, occurredAt: true } } } },
        refunds: { orderBy: { refundedAt: "asc" }, select: { amountMinor: true, currency: true, reason: true, refundedAt: true } },
      },
    }),
    db.returnRequest.findMany({
      where: { customerId: id },
      orderBy: { createdAt: "asc" },
      select: { order: { select: { number: true } }, reason: true, comment: true, status: true, createdAt: true, updatedAt: true, items: { select: { quantity: true, orderItemId: true } } },
    }),
    db.ticket.findMany({
      where: { customerId: id },
      orderBy: { createdAt: "asc" },
      select: {
        number: true, subject: true, category: true, status: true, priority: true, createdAt: true, solvedAt: true, closedAt: true,
        csatScore: true, csatComment: true, csatRequestedAt: true, csatRatedAt: true,
        order: { select: { number: true } },
        // Internal notes are never shown to the customer by any path — nor exported.
        messages: {
          where: { internal: false },
          orderBy: { createdAt: "asc" },
          select: { fromCustomer: true, body: true, channel: true, createdAt: true, attachments: { orderBy: { createdAt: "asc" }, select: { filename: true, contentType: true, size: true, createdAt: true } } },
        },
      },
    }),
    db.loyaltyLedgerEntry.findMany({ where: { customerId: id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { type: true, availableDelta: true, pendingDelta: true, debtDelta: true, reason: true, sourceType: true, sourceId: true, createdAt: true } }),
    db.redemption.findMany({
      where: { customerId: id },
      orderBy: { createdAt: "asc" },
      select: { code: true, status: true, pointsCost: true, expiresAt: true, usedAt: true, createdAt: true, reward: { select: { kind: true, nameEn: true, nameZh: true } } },
    }),
    db.referral.findMany({ where: { referrerId: id }, orderBy: { createdAt: "asc" }, select: { code: true, status: true, createdAt: true, qualifiedAt: true, rewardedAt: true } }),
    db.referral.findUnique({ where: { referredCustomerId: id }, select: { code: true, status: true, createdAt: true, qualifiedAt: true, rewardedAt: true } }),
    db.tierHistory.findMany({ where: { customerId: id }, orderBy: { createdAt: "asc" }, select: { fromTier: true, toTier: true, spendMinor: true, reason: true, createdAt: true } }),
    db.npsResponse.findMany({ where: { customerId: id }, orderBy: { sentAt: "asc" }, select: { score: true, comment: true, sentAt: true, respondedAt: true } }),
    db.touchpoint.findMany({ where: { customerId: id }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }], select: { type: true, channel: true, occurredAt: true, subjectType: true, subjectId: true, metadata: true } }),
  ]);

  const document = {
    format: "rapport-customer-data",
    version: EXPORT_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    profile: {
      email: c.email,
      name: c.name,
      locale: c.locale === "zh_CN" ? "zh-CN" : "en",
      timeZone: c.timeZone,
      birthday: c.birthday ? c.birthday.toISOString().slice(0, 10) : null,
      consents: { email: c.consentEmail, sms: c.consentSms, push: c.consentPush },
      createdAt: c.createdAt,
      externalId: c.externalId,
    },
    login: login
      ? { email: login.email, name: login.name, locale: login.locale === "zh_CN" ? "zh-CN" : "en", timeZone: login.timeZone, emailVerifiedAt: login.emailVerifiedAt, createdAt: login.createdAt, sessions }
      : null,
    orders: orders.map(({ stripeReceiptUrl, ...o }) => ({ ...o, receiptUrl: stripeReceiptUrl })),
    returnRequests: returnRequests.map((r) => ({ orderNumber: r.order.number, reason: r.reason, comment: r.comment, status: r.status, createdAt: r.createdAt, updatedAt: r.updatedAt, items: r.items })),
    supportTickets: tickets.map((t) => ({
      number: t.number,
      subject: t.subject,
      category: t.category,
      status: t.status,
      priority: t.priority,
      orderNumber: t.order?.number ?? null,
      createdAt: t.createdAt,
      solvedAt: t.solvedAt,
      closedAt: t.closedAt,
      rating: t.csatScore === null && t.csatRatedAt === null ? null : { score: t.csatScore, comment: t.csatComment, requestedAt: t.csatRequestedAt, ratedAt: t.csatRatedAt },
      messages: t.messages.map((m) => ({ from: m.fromCustomer ? "you" : "support", body: m.body, channel: m.channel, createdAt: m.createdAt, attachments: m.attachments })),
    })),
    loyalty: {
      tier: c.tier,
      pointsAvailable: c.pointsAvailable,
      pointsPending: c.pointsPending,
      pointsDebt: c.pointsDebt,
      referralCode: c.referralCode,
      ledger,
      redemptions: redemptions.map((r) => ({ code: r.code, reward: { kind: r.reward.kind, nameEn: r.reward.nameEn, nameZh: r.reward.nameZh }, status: r.status, pointsCost: r.pointsCost, expiresAt: r.expiresAt, usedAt: r.usedAt, createdAt: r.createdAt })),
      referralsMade: referralsMade.map((r) => ({ referred: OTHER_CUSTOMER, ...r })),
      referredBy: referredBy ? { referrer: OTHER_CUSTOMER, ...referredBy } : null,
      tierHistory,
    },
    npsResponses: nps,
    touchpoints,
  };

  await db.$transaction((tx) =>
    recordTouchpoint(tx, {
      customerId: id,
      type: "privacy.exported",
      channel: "web",
      actorUserId: who.userId,
      metadata: { orders: orders.length, tickets: tickets.length, ledgerEntries: ledger.length, touchpoints: touchpoints.length },
    }),
  );
  return document;
}

export type CustomerDataExport = Awaited<ReturnType<typeof exportCustomerData>>;

