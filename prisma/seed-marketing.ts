// Demo data for marketers: two saved segments with their size over time, one finished email
// campaign (holdout included) with its delivery, opens and clicks as they would have happened five
// weeks ago, and the care automations switched on — so every marketing page has something to show
// on a fresh `npm start`. Runs after the customers, orders and analytics scores are seeded.
import type { Db } from "../server/db/client.ts";
import { countSegment, saveSegment } from "../server/domain/campaigns/segments.ts";
import { saveCampaign, startCampaign } from "../server/domain/campaigns/campaigns.ts";
import type { SegmentRules } from "../server/domain/campaigns/segment-rules.ts";
import { listAutomations, setAutomationEnabled } from "../server/domain/campaigns/automations.ts";

const DAY = 86_400_000;

export const DEMO_SEGMENTS: { name: string; description: string; rules: SegmentRules }[] = [
  {
    name: "Loyal customers who read our email",
    description: "Two or more orders in the last year and email marketing consent.",
    rules: { kind: "group", combinator: "and", rules: [{ kind: "orderCount", op: "atLeast", value: 2, days: 365 }, { kind: "consent", channel: "email", value: true }] },
  },
  {
    name: "At risk: win them back",
    description: "No order for 90 days, or the model says they are probably gone.",
    rules: { kind: "group", combinator: "or", rules: [{ kind: "lastOrder", op: "moreThan", days: 90 }, { kind: "pAlive", op: "below", value: 0.5 }] },
  },
];

export async function seedMarketing(db: Db, opts: { marketerId: string; now: Date; log?: (m: string) => void }) {
  const { now, marketerId } = opts;
  const segmentIds: string[] = [];
  for (const s of DEMO_SEGMENTS) {
    const { id } = await saveSegment(db, { name: s.name, description: s.description, rules: s.rules, actorId: marketerId, at: now });
    segmentIds.push(id);
    // Size over time: the same rules evaluated as of each of the last eight weeks.
    for (let w = 8; w >= 1; w--) {
      const at = new Date(now.getTime() - w * 7 * DAY);
      await db.segmentSnapshot.create({ data: { segmentId: id, size: await countSegment(db, s.rules, at), takenAt: at } });
    }
  }

  // A finished campaign launched 35 days ago, 20 % held out.
  const launchedAt = new Date(now.getTime() - 35 * DAY);
  const campaign = await saveCampaign(db, { id: marketerId }, {
    name: "Spring thank-you to loyal customers",
    kind: "EMAIL",
    segmentId: segmentIds[0],
    holdoutPct: 20,
    conversionDays: 14,
    email: {
      subjectEn: "{{firstName}}, thank you for shopping with us",
      subjectZh: "{{firstName}}，感谢您一直以来的支持",
      bodyEn: "Hi {{firstName}},\n\nYou are one of our most loyal customers, and you have **{{points}} points** waiting.\n\nUse code **{{code}}** for 10 % off your next order this month.\n\n[See what's new](https://shop.example.com/new)",
      bodyZh: "{{firstName}}，您好：\n\n您是我们最忠实的顾客之一，您还有 **{{points}} 积分** 可用。\n\n本月下单使用优惠码 **{{code}}** 可享九折。\n\n[看看新品](https://shop.example.com/new)",
      offerCode: "THANKYOU10",
    },
  });
  await startCampaign(db, { id: marketerId }, campaign.id, launchedAt);
  // Delivered as the outbox would have delivered it then; some opened and clicked.
  await db.$executeRaw`
    UPDATE "MailOutbox" SET "status" = 'SENT', "attempts" = 1, "sentAt" = ${new Date(launchedAt.getTime() + 2 * 60_000)}, "messageId" = '<' || replace("dedupeKey", ':', '.') || '@rapport.localhost>'
    WHERE "campaignId" = ${campaign.id} AND "status" = 'PENDING'`;
  await db.$executeRaw`
    UPDATE "CampaignRecipient" SET "status" = 'SENT', "sentAt" = ${new Date(launchedAt.getTime() + 2 * 60_000)},
      "openedAt" = CASE WHEN substr(md5("id"), 1, 1) < 'a' THEN ${new Date(launchedAt.getTime() + 5 * 3600_000)}::timestamp END,
      "clickedAt" = CASE WHEN substr(md5("id"), 1, 1) < '5' THEN ${new Date(launchedAt.getTime() + 6 * 3600_000)}::timestamp END
    WHERE "campaignId" = ${campaign.id} AND "status" = 'QUEUED'`;
  await db.$executeRaw`
    INSERT INTO "Touchpoint" ("customerId", "type", "channel", "subjectType", "subjectId", "metadata", "occurredAt")
    SELECT r."customerId", t.type, 'email', 'campaign', r."campaignId", jsonb_build_object('recipientId', r."id"), t.at
    FROM "CampaignRecipient" r
    CROSS JOIN LATERAL (VALUES ('campaign.delivered', r."sentAt"), ('campaign.opened', r."openedAt"), ('campaign.clicked', r."clickedAt")) AS t(type, at)
    WHERE r."campaignId" = ${campaign.id} AND t.at IS NOT NULL`;
  await db.campaign.update({ where: { id: campaign.id }, data: { status: "COMPLETED", finishedAt: new Date(launchedAt.getTime() + 3 * 60_000) } });

  // The care automations, on.
  for (const a of await listAutomations(db)) await setAutomationEnabled(db, { id: marketerId }, a.key, true);
  opts.log?.(`marketing: ${segmentIds.length} segments, 1 finished campaign, automations on`);
}
