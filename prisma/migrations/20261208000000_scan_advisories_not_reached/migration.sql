-- Affected dependencies whose vulnerable part no code of the repository reaches (lib/engine/reachability.ts):
-- not findings, kept with the scan so the repository page can list them.
ALTER TABLE "Scan" ADD COLUMN "advisoriesNotReached" JSONB;
