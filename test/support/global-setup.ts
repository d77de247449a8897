/**
 * Once per `vitest run`: one database migrated here, which each test file's database is then copied from
 * (test/support/db.ts). Copying a database is a file copy inside PostgreSQL; running every migration again for
 * each of the ~20 files that need a database cost seconds apiece on a busy machine.
 */
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { dropDatabase, ensureDatabase, migrate } from "../../lib/db/migrate.ts";
import { PG_BASE, TEMPLATE_DATABASE_KEY } from "./pg.ts";

declare module "vitest" {
  export interface ProvidedContext {
    [TEMPLATE_DATABASE_KEY]: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `posture_test_template_${process.pid}_${randomBytes(4).toString("hex")}`;
  const url = `${PG_BASE}/${name}`;
  await ensureDatabase(url);
  try {
    await migrate(url);
  } catch (e) {
    await dropDatabase(url);
    throw e;
  }
  project.provide(TEMPLATE_DATABASE_KEY, name);
  return () => dropDatabase(url);
}
