-- DropIndex
DROP INDEX "CampaignRecipient_customerId_idx";

-- DropIndex
DROP INDEX "CampaignRecipient_campaignId_customerId_key";

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "automationKey" TEXT,
ADD COLUMN     "conversionDays" INTEGER NOT NULL DEFAULT 14,
ADD COLUMN     "endsAt" TIMESTAMP(3),
ADD COLUMN     "transactional" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "CampaignRecipient" ADD COLUMN     "enteredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "occurrence" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "pointsAwarded" INTEGER,
ADD COLUMN     "skipReason" TEXT,
ADD COLUMN     "unsubscribedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "MailOutbox" ADD COLUMN     "campaignId" TEXT,
ADD COLUMN     "dedupeKey" TEXT,
ADD COLUMN     "held" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "CapturedMail" ADD COLUMN     "messageId" TEXT;

-- CreateTable
CREATE TABLE "SegmentSnapshot" (
    "id" BIGSERIAL NOT NULL,
    "segmentId" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "takenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SegmentSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SegmentSnapshot_segmentId_takenAt_idx" ON "SegmentSnapshot"("segmentId", "takenAt");

-- CreateIndex
CREATE UNIQUE INDEX "Campaign_automationKey_key" ON "Campaign"("automationKey");

-- CreateIndex
CREATE INDEX "CampaignRecipient_campaignId_status_idx" ON "CampaignRecipient"("campaignId", "status");

-- CreateIndex
CREATE INDEX "CampaignRecipient_customerId_enteredAt_idx" ON "CampaignRecipient"("customerId", "enteredAt");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignRecipient_campaignId_customerId_occurrence_key" ON "CampaignRecipient"("campaignId", "customerId", "occurrence");

-- CreateIndex
CREATE UNIQUE INDEX "MailOutbox_dedupeKey_key" ON "MailOutbox"("dedupeKey");

-- CreateIndex
CREATE INDEX "MailOutbox_campaignId_status_idx" ON "MailOutbox"("campaignId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CapturedMail_messageId_key" ON "CapturedMail"("messageId");

-- AddForeignKey
ALTER TABLE "SegmentSnapshot" ADD CONSTRAINT "SegmentSnapshot_segmentId_fkey" FOREIGN KEY ("segmentId") REFERENCES "Segment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
