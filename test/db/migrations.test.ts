import { execFileSync } from "node:child_process";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { dropDatabase, ensureDatabase, listMigrations, migrate, MigrationError } from "../../lib/db/migrate.ts";
import { scratchDatabaseUrl } from "../support/db.ts";
import { scratch } from "../helpers.ts";

const repo = join(import.meta.dirname, "..", "..");
const urls: string[] = [];
afterAll(async () => {
  for (const u of urls) await dropDatabase(u);
});
function newUrl(label: string) {
  const u = scratchDatabaseUrl(label);
  urls.push(u);
  return u;
}

// The rollup and change-announcing triggers (issue 17, prisma/migrations/20261204000000_rollups and
// 20261204010000_dashboard_notify) are database objects schema.prisma cannot describe: compared apart from it
// (test/rollups/ and test/dashboard/shared-cache.test.ts prove what they do).
const TRIGGER_OBJECTS = /\nCREATE FUNCTION [^\n]*\n[\s\S]*?AS (\$\w*\$)[\s\S]*?\1;|\nCREATE TRIGGER [^\n]*;/g;

function schemaDump(url: string): string {
  const dump = execFileSync("pg_dump", [
    "--schema-only",
    "--no-owner",
    "--no-privileges",
    "--exclude-table=_prisma_migrations",
    url,
  ]).toString();
  return dump
    .split("\n")
    .filter((l) => !l.startsWith("--") && !/^SET |^SELECT pg_catalog|^\\(un)?restrict /.test(l))
    .join("\n")
    .replace(TRIGGER_OBJECTS, "")
    .replace(/\n{2,}/g, "\n")
    .replace(
      /(CREATE TABLE [^\n]+ \(\n)([\s\S]*?)(\n\);)/g,
      (_, head: string, body: string, tail: string) => head + sortColumns(body) + tail,
    );
}

// A column added by a later migration comes last in the table, while the schema lists it where it reads
// best; column order carries no meaning for Prisma, so columns are compared as a set.
function sortColumns(body: string): string {
  return body
    .split("\n")
    .map((l) => l.replace(/,$/, ""))
    .sort()
    .join("\n");
}

async function query(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

describe("migrations", () => {
  it("describe the same database as schema.prisma", async () => {
    const fromMigrations = newUrl("mig");
    const fromSchema = newUrl("schema");
    await ensureDatabase(fromMigrations);
    await ensureDatabase(fromSchema);
    await migrate(fromMigrations);
    const sql = execFileSync(
      join(repo, "node_modules/.bin/prisma"),
      ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      {
        cwd: repo,
        env: { ...process.env, DATABASE_URL: fromSchema },
        stdio: ["ignore", "pipe", "ignore"],
      },
    ).toString();
    expect(sql).toContain("CREATE TABLE");
    await query(fromSchema, sql);
    expect(schemaDump(fromMigrations)).toEqual(schemaDump(fromSchema));
    const triggers = await query(fromMigrations, `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal`);
    expect(triggers.rows.map((r) => r.tgname as string).sort()).toEqual([
      "Check_dashboard_notify",
      "Check_dashboard_notify_update",
      "FindingEvent_dashboard_notify",
      "FindingEvent_rollup_delete",
      "FindingEvent_rollup_insert",
      "FindingEvent_rollup_update",
      "Finding_dashboard_notify",
      "Finding_rollup_delete",
      "Finding_rollup_insert",
      "Finding_rollup_update",
      "Policy_dashboard_notify",
      "Policy_dashboard_notify_update",
      "Repository_dashboard_notify",
      "Repository_dashboard_notify_update",
      "Scan_dashboard_notify",
      "Scan_dashboard_notify_update",
      "Settings_dashboard_notify",
      "Settings_dashboard_notify_update",
      "Team_dashboard_notify",
      "Team_dashboard_notify_update",
    ]);
  }, 120_000);

  it("record themselves as prisma migrate does, once, and refuse edited history", async () => {
    const url = newUrl("rec");
    await ensureDatabase(url);
    const names = listMigrations().map((m) => m.name);
    expect(await migrate(url)).toEqual(names);
    expect(await migrate(url)).toEqual([]);
    const { rows } = await query(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const r of rows) {
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect([r.applied_steps_count, r.rolled_back_at]).toEqual([1, null]);
    }

    const edited = scratch();
    for (const m of listMigrations()) edited.write(`${m.name}/migration.sql`, `${m.sql}\n-- edited\n`);
    await expect(migrate(url, edited.root)).rejects.toThrow(MigrationError);
  });

  it("run concurrently from several processes without applying anything twice", async () => {
    const url = newUrl("conc");
    await ensureDatabase(url);
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(results.flat().sort()).toEqual(
      listMigrations()
        .map((m) => m.name)
        .sort(),
    );
  });

  it("leave a failed migration recorded and the database unchanged", async () => {
    const url = newUrl("fail");
    await ensureDatabase(url);
    const broken = scratch();
    broken.write("20200101000000_ok/migration.sql", "CREATE TABLE a (id int);");
    broken.write("20200102000000_bad/migration.sql", "CREATE TABLE b (id int); SELECT no_such_function();");
    await expect(migrate(url, broken.root)).rejects.toThrow(/20200102000000_bad failed/);
    const tables = await query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.rows.map((r) => r.tablename)).toEqual(["_prisma_migrations", "a"]);
    await expect(migrate(url, broken.root)).rejects.toThrow(/failed earlier/);
  });
});
