-- DropIndex
DROP INDEX "Ticket_status_slaDueAt_idx";

-- DropIndex
DROP INDEX "Ticket_assigneeId_status_slaDueAt_idx";

-- CreateIndex
CREATE INDEX "Ticket_status_slaDueAt_number_idx" ON "Ticket"("status", "slaDueAt", "number");

-- CreateIndex
CREATE INDEX "Ticket_assigneeId_status_slaDueAt_number_idx" ON "Ticket"("assigneeId", "status", "slaDueAt", "number");
