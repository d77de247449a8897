-- Issue 16 §2: approved exceptions. An accepted risk or false positive of a severity the settings name waits for an
-- approver (the finding keeps counting as open); the longest acceptance per severity; whether an expired
-- acceptance restarts the SLA.
-- CreateEnum
CREATE TYPE "ExceptionState" AS ENUM ('pending', 'approved', 'rejected', 'superseded');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "FindingEventType" ADD VALUE 'exception_requested';
ALTER TYPE "FindingEventType" ADD VALUE 'exception_approved';
ALTER TYPE "FindingEventType" ADD VALUE 'exception_rejected';

-- AlterTable
ALTER TABLE "Finding" ADD COLUMN     "exceptionId" TEXT;

-- AlterTable
ALTER TABLE "Settings" ADD COLUMN     "approveAcceptedRisk" "Severity"[] DEFAULT ARRAY['critical', 'high']::"Severity"[],
ADD COLUMN     "approveFalsePositive" "Severity"[] DEFAULT ARRAY['critical', 'high']::"Severity"[],
ADD COLUMN     "riskExpiryRestartsSla" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "riskMaxCriticalDays" INTEGER NOT NULL DEFAULT 90,
ADD COLUMN     "riskMaxHighDays" INTEGER NOT NULL DEFAULT 180,
ADD COLUMN     "riskMaxLowDays" INTEGER NOT NULL DEFAULT 365,
ADD COLUMN     "riskMaxMediumDays" INTEGER NOT NULL DEFAULT 365;

-- CreateTable
CREATE TABLE "ExceptionRequest" (
    "id" TEXT NOT NULL,
    "findingId" TEXT NOT NULL,
    "decision" "FindingStatus" NOT NULL,
    "reason" TEXT NOT NULL,
    "acceptedUntil" TIMESTAMP(3),
    "state" "ExceptionState" NOT NULL DEFAULT 'pending',
    "needsApproval" BOOLEAN NOT NULL,
    "requestedById" TEXT,
    "requestedBy" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedById" TEXT,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionComment" TEXT,

    CONSTRAINT "ExceptionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ExceptionRequest_state_requestedAt_idx" ON "ExceptionRequest"("state", "requestedAt");

-- CreateIndex
CREATE INDEX "ExceptionRequest_findingId_requestedAt_idx" ON "ExceptionRequest"("findingId", "requestedAt");

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_exceptionId_fkey" FOREIGN KEY ("exceptionId") REFERENCES "ExceptionRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExceptionRequest" ADD CONSTRAINT "ExceptionRequest_findingId_fkey" FOREIGN KEY ("findingId") REFERENCES "Finding"("id") ON DELETE CASCADE ON UPDATE CASCADE;

