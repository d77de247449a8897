-- Issue 14, sections 2 and 3: organisations connected from GitHub and GitLab (lib/connections), the repositories
-- registered from them (the forge id follows renames), pull/merge request change scans (lib/changes) that never
-- touch the branch's findings, webhook deliveries seen (lib/hooks), push scans of one commit, and the frameworks
-- each scan saw (lib/repos/frameworks.ts).
-- CreateEnum
CREATE TYPE "ForgeKind" AS ENUM ('github', 'gitlab');

-- CreateEnum
CREATE TYPE "PolicyMode" AS ENUM ('monitor', 'comment', 'block');

-- CreateEnum
CREATE TYPE "ChangeScanStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'superseded');

-- AlterEnum
ALTER TYPE "ScanTrigger" ADD VALUE 'push';

-- AlterTable
ALTER TABLE "Repository" ADD COLUMN     "frameworks" "Framework"[] DEFAULT ARRAY[]::"Framework"[];

-- AlterTable
ALTER TABLE "Scan" ADD COLUMN     "forgeResult" TEXT,
ADD COLUMN     "frameworks" "Framework"[] DEFAULT ARRAY[]::"Framework"[],
ADD COLUMN     "requestedSha" TEXT;

-- CreateTable
CREATE TABLE "ForgeConnection" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "forge" "ForgeKind" NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "ownerKind" TEXT,
    "credentialId" TEXT NOT NULL,
    "cloneProtocol" TEXT NOT NULL DEFAULT 'https',
    "skipArchived" BOOLEAN NOT NULL DEFAULT true,
    "skipForks" BOOLEAN NOT NULL DEFAULT true,
    "topics" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "namePattern" TEXT,
    "teamRules" JSONB NOT NULL DEFAULT '[]',
    "defaultTeam" TEXT NOT NULL,
    "policyMode" "PolicyMode" NOT NULL DEFAULT 'comment',
    "blockAt" "Severity" NOT NULL DEFAULT 'high',
    "webhookKeyId" TEXT NOT NULL,
    "webhookSealed" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "lastSyncAt" TIMESTAMP(3),
    "lastSyncResult" TEXT,
    "lastSyncMessage" TEXT,
    "lastSyncStats" JSONB,

    CONSTRAINT "ForgeConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ForgeRepository" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "forgeId" TEXT NOT NULL,
    "fullName" TEXT NOT NULL,
    "webUrl" TEXT NOT NULL,
    "defaultBranch" TEXT,
    "archivedOnForge" BOOLEAN NOT NULL DEFAULT false,
    "archivedBySync" BOOLEAN NOT NULL DEFAULT false,
    "repositoryId" TEXT NOT NULL,
    "policyMode" "PolicyMode",
    "blockAt" "Severity",
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ForgeRepository_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChangeScan" (
    "id" TEXT NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "url" TEXT,
    "headRef" TEXT NOT NULL,
    "headSha" TEXT NOT NULL,
    "headCloneUrl" TEXT,
    "baseRef" TEXT NOT NULL,
    "baseSha" TEXT,
    "status" "ChangeScanStatus" NOT NULL DEFAULT 'queued',
    "policyMode" "PolicyMode" NOT NULL,
    "blockAt" "Severity" NOT NULL,
    "introduced" INTEGER NOT NULL DEFAULT 0,
    "fixed" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "introducedCounts" JSONB,
    "introducedFindings" JSONB,
    "fixedFindings" JSONB,
    "forgeResult" TEXT,
    "commentId" TEXT,
    "failureCode" TEXT,
    "failureReason" TEXT,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ChangeScan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ForgeConnection_name_key" ON "ForgeConnection"("name");

-- CreateIndex
CREATE INDEX "ForgeConnection_forge_idx" ON "ForgeConnection"("forge");

-- CreateIndex
CREATE UNIQUE INDEX "ForgeRepository_repositoryId_key" ON "ForgeRepository"("repositoryId");

-- CreateIndex
CREATE UNIQUE INDEX "ForgeRepository_connectionId_forgeId_key" ON "ForgeRepository"("connectionId", "forgeId");

-- CreateIndex
CREATE INDEX "ChangeScan_repositoryId_queuedAt_idx" ON "ChangeScan"("repositoryId", "queuedAt" DESC);

-- CreateIndex
CREATE INDEX "ChangeScan_status_idx" ON "ChangeScan"("status");

-- CreateIndex
CREATE UNIQUE INDEX "ChangeScan_repositoryId_number_headSha_key" ON "ChangeScan"("repositoryId", "number", "headSha");

-- CreateIndex
CREATE INDEX "WebhookDelivery_receivedAt_idx" ON "WebhookDelivery"("receivedAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_connectionId_receivedAt_idx" ON "WebhookDelivery"("connectionId", "receivedAt");

-- AddForeignKey
ALTER TABLE "ForgeRepository" ADD CONSTRAINT "ForgeRepository_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "ForgeConnection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForgeRepository" ADD CONSTRAINT "ForgeRepository_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeScan" ADD CONSTRAINT "ChangeScan_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "ForgeConnection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

