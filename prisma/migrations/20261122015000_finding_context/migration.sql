-- AlterTable
ALTER TABLE "Finding" ADD COLUMN     "context" JSONB;

