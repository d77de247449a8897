-- Issue 16 §3: governed suppressions. Each repository's in-code suppressions and .posture.yaml exclusions as its
-- last successful scan found them (with git blame's author where it could be read), and the severities whose
-- suppressions the organisation does not honour.
-- CreateEnum
CREATE TYPE "SuppressionKind" AS ENUM ('inline', 'exclusion', 'disabled_check');

-- AlterTable
ALTER TABLE "Settings" ADD COLUMN     "refuseSuppressions" "Severity"[] DEFAULT ARRAY[]::"Severity"[];

-- CreateTable
CREATE TABLE "CodeSuppression" (
    "id" TEXT NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "kind" "SuppressionKind" NOT NULL,
    "checkId" TEXT,
    "path" TEXT NOT NULL,
    "line" INTEGER,
    "findingLine" INTEGER,
    "reason" TEXT,
    "severity" "Severity",
    "fingerprint" TEXT,
    "honoured" BOOLEAN NOT NULL DEFAULT true,
    "scanId" TEXT NOT NULL,
    "commitSha" TEXT NOT NULL,
    "authorName" TEXT,
    "authorEmail" TEXT,
    "authoredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CodeSuppression_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CodeSuppression_repositoryId_kind_path_idx" ON "CodeSuppression"("repositoryId", "kind", "path");

-- CreateIndex
CREATE INDEX "CodeSuppression_checkId_idx" ON "CodeSuppression"("checkId");

-- AddForeignKey
ALTER TABLE "CodeSuppression" ADD CONSTRAINT "CodeSuppression_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

