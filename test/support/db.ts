import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { createDb, type Db } from "../../lib/db/client.ts";
import { dropDatabase, ensureDatabase, migrate } from "../../lib/db/migrate.ts";

export const PG_BASE = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";

/** A database of its own for one test file: created and migrated before, dropped after. */
export function scratchDatabaseUrl(label: string): string {
  return `${PG_BASE}/posture_test_${label}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

export function useTestDatabase(label = "db") {
  const url = scratchDatabaseUrl(label);
  const ctx = { url, db: undefined as unknown as Db };
  beforeAll(async () => {
    await ensureDatabase(url);
    await migrate(url);
    ctx.db = createDb(url, { max: 5 });
  });
  afterAll(async () => {
    await ctx.db?.$disconnect();
    await dropDatabase(url);
  });
  return ctx;
}
