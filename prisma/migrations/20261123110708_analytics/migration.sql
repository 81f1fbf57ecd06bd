-- CreateTable
CREATE TABLE "CustomerScore" (
    "customerId" TEXT NOT NULL,
    "asOf" DATE NOT NULL,
    "recency" INTEGER NOT NULL,
    "frequency" INTEGER NOT NULL,
    "monetary" DOUBLE PRECISION NOT NULL,
    "rScore" INTEGER NOT NULL,
    "fScore" INTEGER NOT NULL,
    "mScore" INTEGER NOT NULL,
    "rfmSegment" TEXT NOT NULL,
    "pAlive" DOUBLE PRECISION NOT NULL,
    "expectedPurchases90d" DOUBLE PRECISION NOT NULL,
    "predictedClv12m" DOUBLE PRECISION NOT NULL,
    "lifecycleStage" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerScore_pkey" PRIMARY KEY ("customerId")
);

-- CreateTable
CREATE TABLE "AnalyticsRun" (
    "id" TEXT NOT NULL,
    "asOf" DATE NOT NULL,
    "period" TEXT NOT NULL,
    "customers" INTEGER NOT NULL,
    "repeatCustomers" INTEGER NOT NULL,
    "bgnbd" JSONB NOT NULL,
    "gammaGamma" JSONB NOT NULL,
    "rfmSegments" JSONB NOT NULL,
    "lifecycleStages" JSONB NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnalyticsRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NpsResponse" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "campaignId" TEXT,
    "score" INTEGER,
    "comment" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "respondedAt" TIMESTAMP(3),

    CONSTRAINT "NpsResponse_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerScore_rfmSegment_idx" ON "CustomerScore"("rfmSegment");

-- CreateIndex
CREATE INDEX "CustomerScore_lifecycleStage_idx" ON "CustomerScore"("lifecycleStage");

-- CreateIndex
CREATE INDEX "AnalyticsRun_asOf_idx" ON "AnalyticsRun"("asOf");

-- CreateIndex
CREATE UNIQUE INDEX "NpsResponse_tokenHash_key" ON "NpsResponse"("tokenHash");

-- CreateIndex
CREATE INDEX "NpsResponse_customerId_idx" ON "NpsResponse"("customerId");

-- CreateIndex
CREATE INDEX "NpsResponse_respondedAt_idx" ON "NpsResponse"("respondedAt");

-- AddForeignKey
ALTER TABLE "CustomerScore" ADD CONSTRAINT "CustomerScore_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NpsResponse" ADD CONSTRAINT "NpsResponse_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
