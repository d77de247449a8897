-- DropIndex
DROP INDEX "Finding_status_severity_idx";

-- AlterTable
ALTER TABLE "FindingEvent" ADD COLUMN     "checkId" TEXT,
ADD COLUMN     "repositoryId" TEXT,
ADD COLUMN     "severity" "Severity";

-- Backfill (hand-written): events written before this migration take their finding's current values.
UPDATE "FindingEvent" AS e
   SET "severity" = f."severity", "repositoryId" = f."repositoryId", "checkId" = f."checkId"
  FROM "Finding" AS f
 WHERE f."id" = e."findingId";

-- CreateIndex
CREATE INDEX "Finding_status_severity_repositoryId_policyId_dueAt_idx" ON "Finding"("status", "severity", "repositoryId", "policyId", "dueAt");

-- CreateIndex
CREATE INDEX "Finding_status_fixedAt_severity_firstSeenAt_repositoryId_idx" ON "Finding"("status", "fixedAt", "severity", "firstSeenAt", "repositoryId");

-- CreateIndex
CREATE INDEX "FindingEvent_createdAt_severity_fromStatus_toStatus_type_re_idx" ON "FindingEvent"("createdAt", "severity", "fromStatus", "toStatus", "type", "repositoryId");

-- CreateIndex
CREATE INDEX "FindingEvent_repositoryId_createdAt_severity_fromStatus_toS_idx" ON "FindingEvent"("repositoryId", "createdAt", "severity", "fromStatus", "toStatus", "type");
