import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { createDb, type Db } from "../../lib/db/client.ts";
import { dropDatabase, ensureDatabase, migrate } from "../../lib/db/migrate.ts";

import { PG_BASE, TEMPLATE_DATABASE_KEY } from "./pg.ts";

export { PG_BASE };

/** A database of its own for one test file: created and migrated before, dropped after. */
export function scratchDatabaseUrl(label: string): string {
  return `${PG_BASE}/posture_test_${label}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/**
 * Creates the database in `url` as a copy of the migrated template, or (when the global setup did not run,
 * e.g. a file run with another config) creates and migrates it.
 */
async function createMigrated(url: string): Promise<void> {
  const template = inject(TEMPLATE_DATABASE_KEY);
  if (!template) {
    await ensureDatabase(url);
    await migrate(url);
    return;
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  try {
    // Both names come from this file and global-setup.ts (letters, digits, underscores): nothing to escape.
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
}

export function useTestDatabase(label = "db") {
  const url = scratchDatabaseUrl(label);
  const ctx = { url, db: undefined as unknown as Db };
  beforeAll(async () => {
    await createMigrated(url);
    ctx.db = createDb(url, { max: 5 });
  });
  afterAll(async () => {
    await ctx.db?.$disconnect();
    await dropDatabase(url);
  });
  return ctx;
}
