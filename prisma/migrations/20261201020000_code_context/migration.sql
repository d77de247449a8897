-- Code context (production, example, test, docs, build) on findings and, kept equal, on their events, so the
-- dashboard counts what the org chose (Settings.countedContexts) from the same index-only scans as before:
-- codeContext is appended to each covering index an aggregate reads. Existing rows are production, which is
-- what the engine reported for every finding until it classified them.

-- CreateEnum
CREATE TYPE "CodeContext" AS ENUM ('production', 'example', 'test', 'docs', 'build');

-- DropIndex
DROP INDEX "Finding_status_severity_repositoryId_policyId_dueAt_idx";

-- DropIndex
DROP INDEX "Finding_status_fixedAt_severity_firstSeenAt_repositoryId_idx";

-- DropIndex
DROP INDEX "Finding_repositoryId_status_idx";

-- DropIndex
DROP INDEX "Finding_status_repositoryId_policyId_severity_checkId_idx";

-- DropIndex
DROP INDEX "FindingEvent_createdAt_severity_fromStatus_toStatus_type_re_idx";

-- DropIndex
DROP INDEX "FindingEvent_repositoryId_createdAt_severity_fromStatus_toS_idx";

-- AlterTable
ALTER TABLE "Scan" ADD COLUMN     "repoConfig" JSONB;

-- AlterTable
ALTER TABLE "Finding" ADD COLUMN     "codeContext" "CodeContext" NOT NULL DEFAULT 'production';

-- AlterTable
ALTER TABLE "FindingEvent" ADD COLUMN     "codeContext" "CodeContext" NOT NULL DEFAULT 'production';

-- AlterTable
ALTER TABLE "Settings" ADD COLUMN     "countedContexts" "CodeContext"[] DEFAULT ARRAY['production', 'example']::"CodeContext"[];

-- CreateIndex
CREATE INDEX "Finding_status_severity_repositoryId_policyId_dueAt_codeCon_idx" ON "Finding"("status", "severity", "repositoryId", "policyId", "dueAt", "codeContext");

-- CreateIndex
CREATE INDEX "Finding_status_fixedAt_severity_firstSeenAt_repositoryId_co_idx" ON "Finding"("status", "fixedAt", "severity", "firstSeenAt", "repositoryId", "codeContext");

-- CreateIndex
CREATE INDEX "Finding_repositoryId_status_codeContext_idx" ON "Finding"("repositoryId", "status", "codeContext");

-- CreateIndex
CREATE INDEX "Finding_status_repositoryId_policyId_severity_checkId_codeC_idx" ON "Finding"("status", "repositoryId", "policyId", "severity", "checkId", "codeContext");

-- CreateIndex
CREATE INDEX "FindingEvent_createdAt_severity_fromStatus_toStatus_type_re_idx" ON "FindingEvent"("createdAt", "severity", "fromStatus", "toStatus", "type", "repositoryId", "codeContext");

-- CreateIndex
CREATE INDEX "FindingEvent_repositoryId_createdAt_severity_fromStatus_toS_idx" ON "FindingEvent"("repositoryId", "createdAt", "severity", "fromStatus", "toStatus", "type", "codeContext");

