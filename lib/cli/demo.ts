/** `posture demo [--reset]`: seeds the demo organisation (lib/demo/seed.ts) and shows its sign-in once. */
import { parseArgs } from "node:util";
import { config } from "../config.ts";
import { createDb, databaseUrl, redactUrl } from "../db/client.ts";
import { DemoError, DemoExistsError, demoReposDir, seedDemo } from "../demo/seed.ts";
import { loadRulebook } from "../engine/rulebook.ts";
import { UsageError, type Io } from "./io.ts";

export const DEMO_USAGE = "usage: posture demo [--reset] [--quiet]";

export async function demoCommand(args: string[], io: Io): Promise<number> {
  let values;
  try {
    values = parseArgs({ args, options: { reset: { type: "boolean" }, quiet: { type: "boolean" } }, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${DEMO_USAGE}`);
  }
  // The worker loads the same rules, so its later rescans of the demo find them unchanged.
  const rulebook = loadRulebook(config().rulesDir);
  const url = databaseUrl();
  const db = createDb(url);
  try {
    const s = await seedDemo({
      db,
      databaseUrl: url,
      rulebook,
      reset: values.reset,
      log: values.quiet ? undefined : (line) => io.stderr(`  ${line}\n`),
    });
    const statuses = Object.entries(s.byStatus)
      .map(([k, v]) => `${v} ${k.replace("_", " ")}`)
      .join(", ");
    const severities = (["critical", "high", "medium", "low"] as const).map((k) => `${s.bySeverity[k] ?? 0} ${k}`).join(", ");
    io.stdout(
      [
        `seeded the demo organisation in ${(s.durationMs / 1000).toFixed(1)} s: ${s.repositories} repositories in ${s.teams} teams (${demoReposDir()}),`,
        `  ${s.commits} commits from ${s.from.toISOString().slice(0, 10)} to ${s.to.toISOString().slice(0, 10)}, ${s.scans} scans (${Object.entries(
          s.scansByStatus,
        )
          .map(([k, v]) => `${v} ${k}`)
          .join(", ")}),`,
        `  ${s.findings} findings (${statuses}; ${severities}), ${s.triageSteps} triage steps`,
        "demo users (one password for all of them, shown only once):",
        ...s.users.map((u) => `  ${u.email.padEnd(32)} ${u.role}`),
        `password: ${s.password}`,
        "",
      ].join("\n"),
    );
    return 0;
  } catch (e) {
    if (e instanceof DemoExistsError) {
      io.stderr(`posture: ${e.message}\n`);
      return 2;
    }
    if (e instanceof DemoError) {
      io.stderr(`posture: demo: ${e.message} (run \`posture demo --reset\` to start over)\n`);
      return 2;
    }
    // Prisma's messages start with the calling code; the cause is the last line.
    const code = (e as { code?: string }).code;
    if (code && /^P1\d{3}$|^P2021$/.test(code)) {
      const cause = (e as Error).message.trim().split("\n").pop();
      io.stderr(`posture: demo: ${cause} (${redactUrl(url)}); is PostgreSQL running, and has \`posture db migrate\` run?\n`);
      return 2;
    }
    throw e;
  } finally {
    await db.$disconnect();
  }
}
