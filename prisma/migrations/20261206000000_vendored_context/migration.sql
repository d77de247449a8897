-- Issue 19: findings in a copy of another project inside the repository (third_party/, a vendored yolov7 with
-- its own license, linguist-vendored paths) carry their own code context, counted only when the org asks.
ALTER TYPE "CodeContext" ADD VALUE IF NOT EXISTS 'vendored';
