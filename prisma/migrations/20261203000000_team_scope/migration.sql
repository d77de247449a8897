-- Issue 16 §1: a role is org-wide or scoped to the user's teams (lib/findings/visibility.ts). New accounts are
-- scoped (need-to-know); accounts that exist when this runs keep seeing what they saw until an admin scopes them.
-- AlterTable
ALTER TABLE "User" ADD COLUMN     "orgWide" BOOLEAN NOT NULL DEFAULT false;

UPDATE "User" SET "orgWide" = true;
