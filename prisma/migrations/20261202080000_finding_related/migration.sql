-- Findings linked with a finding of the same scan: a model file and the code that loads it (lib/engine/artifact-links.ts).
ALTER TABLE "Finding" ADD COLUMN "related" JSONB;
