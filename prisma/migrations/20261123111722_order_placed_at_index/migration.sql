-- CreateIndex
CREATE INDEX "Order_placedAt_idx" ON "Order"("placedAt" DESC);
