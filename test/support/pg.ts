// Shared by test/support/db.ts and the global setup, which runs outside the test context and so may not import vitest.
export const PG_BASE = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
/** The name under which test/support/global-setup.ts provides the migrated template database. */
export const TEMPLATE_DATABASE_KEY = "postureTemplateDatabase";
