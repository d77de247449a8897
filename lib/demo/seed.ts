/**
 * Seeds the demo organisation (lib/demo/repos.ts, the repositories' files and histories in lib/demo/repositories/):
 * demo users and teams, eight local git repositories built commit by commit with back-dated commits, each commit
 * scanned by the real pipeline with its clock set to the commit's time, and the security team's triage applied on
 * the day it happened. Every date therefore lands where it would have in a real organisation (Finding.firstSeenAt
 * / fixedAt, FindingEvent.createdAt, scan times), and the dashboard's trends show eight weeks of history.
 *
 * Commits, scans and triage are replayed on one timeline in date order, so that each event finds the findings
 * in the state they had on its day (a triage decision never precedes the detection it is about).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { promisify } from "node:util";
import type { Actor } from "../audit.ts";
import { generatePassword } from "../auth/passwords.ts";
import { createUser } from "../auth/users.ts";
import { syncCatalogue } from "../catalogue.ts";
import type { Db, FindingStatus, Role, ScanStatus, Severity } from "../db/client.ts";
import { compileChecks } from "../engine/compile.ts";
import type { Rulebook } from "../engine/rulebook.ts";
import { updateFindings } from "../findings/triage.ts";
import { ORG_WIDE } from "../findings/visibility.ts";
import { registerRepository } from "../repos/service.ts";
import { runScan } from "../scan/pipeline.ts";
import { getSettings } from "../settings.ts";
import { DAY_MS } from "../time.ts";
import { type DemoCommit, DemoError, type DemoRepo } from "./content.ts";
import { demoReposDir } from "./dir.ts";
import {
  DEMO_DAYS,
  DEMO_EMAIL_DOMAIN,
  DEMO_REPOS,
  DEMO_TEAMS,
  DEMO_TRIAGE,
  DEMO_USERS,
  type DemoTriage,
  type DemoUserKey,
} from "./repos.ts";

const run = promisify(execFile);
/** Written at the top of the demo repositories' directory: only a directory carrying it is ever cleared. */
const MARKER = ".posture-demo";
const SEEDER: Actor = { id: null, label: "demo" };

export { DemoError, demoReposDir };

export const demoEmail = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;

/** Demo data is already in the database; seeding again needs `reset`. */
export class DemoExistsError extends DemoError {}

export interface SeedOptions {
  db: Db;
  databaseUrl: string;
  rulebook: Rulebook;
  /** Defaults to demoReposDir(). */
  reposDir?: string;
  /** Remove existing demo data first. */
  reset?: boolean;
  /** The end of the demo history; defaults to the real time. */
  now?: Date;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Repositories replayed at once (default 3). */
  concurrency?: number;
}

export interface SeedSummary {
  /** One password for every demo user, shown once. */
  password: string;
  users: { email: string; role: Role }[];
  repositories: number;
  teams: number;
  commits: number;
  scans: number;
  scansByStatus: Partial<Record<ScanStatus, number>>;
  findings: number;
  byStatus: Partial<Record<FindingStatus, number>>;
  bySeverity: Partial<Record<Severity, number>>;
  triageSteps: number;
  from: Date;
  to: Date;
  durationMs: number;
}

const repoPath = (reposDir: string, repo: Pick<DemoRepo, "name">) => join(reposDir, repo.name);

/** Demo data present in the database: users of the demo domain and repositories at the demo paths. */
export async function demoPresence(db: Db, reposDir = demoReposDir()): Promise<{ users: number; repositories: number }> {
  const [users, repositories] = await Promise.all([
    db.user.count({ where: { email: { endsWith: `@${DEMO_EMAIL_DOMAIN}` } } }),
    db.repository.count({ where: { url: { in: DEMO_REPOS.map((r) => repoPath(reposDir, r)) } } }),
  ]);
  return { users, repositories };
}

/**
 * Removes the demo: its repositories (with their scans and findings), its users, its teams when no other
 * repository uses them, and its git repositories on disk. The audit log keeps its entries.
 */
export async function removeDemo(db: Db, reposDir = demoReposDir()): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.repository.deleteMany({ where: { url: { in: DEMO_REPOS.map((r) => repoPath(reposDir, r)) } } });
    await tx.user.deleteMany({ where: { email: { endsWith: `@${DEMO_EMAIL_DOMAIN}` } } });
    await tx.team.deleteMany({ where: { name: { in: [...DEMO_TEAMS] }, repositories: { none: {} } } });
  });
  await clearRepos(reposDir);
}

async function clearRepos(reposDir: string): Promise<void> {
  if (!existsSync(reposDir)) return;
  const present = DEMO_REPOS.filter((r) => existsSync(repoPath(reposDir, r)));
  if (present.length && !existsSync(join(reposDir, MARKER)))
    throw new DemoError(
      `${reposDir} holds directories the demo did not create (${present.map((r) => r.name).join(", ")}); move them away or set POSTURE_DATA_DIR`,
    );
  for (const r of present) await rm(repoPath(reposDir, r), { recursive: true, force: true });
}

// --- git -------------------------------------------------------------------------------------------------

// Git is told everything through its environment: no system or global configuration, no hooks, no signing.
const GIT_BASE: Record<string, string | undefined> = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: "C",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_CONFIG_COUNT: "3",
  GIT_CONFIG_KEY_0: "commit.gpgsign",
  GIT_CONFIG_VALUE_0: "false",
  GIT_CONFIG_KEY_1: "core.hooksPath",
  GIT_CONFIG_VALUE_1: "/dev/null",
  GIT_CONFIG_KEY_2: "init.defaultBranch",
  GIT_CONFIG_VALUE_2: "main",
};

function gitEnv(when?: Date, author?: string): NodeJS.ProcessEnv {
  const env = { ...GIT_BASE };
  if (when && author) {
    const m = /^(.*?)\s*<([^>]+)>$/.exec(author);
    const [name, email] = m ? [m[1]!, m[2]!] : [author, "dev@example.invalid"];
    Object.assign(env, {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_AUTHOR_DATE: when.toISOString(),
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
      GIT_COMMITTER_DATE: when.toISOString(),
    });
  }
  return env as NodeJS.ProcessEnv;
}

/** Writes one commit's changes into the work tree. Throws DemoError when an edit does not apply (a content bug). */
export async function applyChanges(dir: string, repo: string, commit: DemoCommit): Promise<void> {
  const inside = (rel: string) => {
    const abs = resolve(dir, rel);
    if (!abs.startsWith(resolve(dir) + sep)) throw new DemoError(`${repo}: ${rel} is outside the repository`);
    return abs;
  };
  for (const [rel, content] of Object.entries(commit.files ?? {})) {
    const abs = inside(rel);
    if (content === null) await rm(abs, { force: true });
    else {
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, content);
    }
  }
  for (const [rel, pairs] of Object.entries(commit.edits ?? {})) {
    const abs = inside(rel);
    let text = await readFile(abs, "utf8");
    for (const [before, after] of pairs) {
      const at = text.indexOf(before);
      if (at < 0) throw new DemoError(`${repo}: "${commit.message}": ${rel} has no ${JSON.stringify(before.slice(0, 60))}`);
      text = text.slice(0, at) + after + text.slice(at + before.length);
    }
    await writeFile(abs, text);
  }
}

async function commitTo(dir: string, repo: DemoRepo, commit: DemoCommit, when: Date): Promise<string> {
  await applyChanges(dir, repo.name, commit);
  // One process per commit: spawning is the costliest part of the seeding's own work.
  const { stdout } = await run(
    "sh",
    ["-c", 'git add -A && git commit -q --allow-empty -m "$1" && git rev-parse HEAD', "sh", commit.message],
    { cwd: dir, env: gitEnv(when, commit.author) },
  );
  return stdout.trim();
}

// --- seeding ---------------------------------------------------------------------------------------------

type Step =
  | { day: number; kind: "commit"; repo: DemoRepo; commit: DemoCommit; first: boolean }
  | { day: number; kind: "triage"; triage: DemoTriage };

/**
 * One timeline per repository: its commits and the triage of its findings, in date order (stable, so commits
 * on one day keep their order). Repositories share nothing, so their timelines can be replayed side by side.
 */
export function timelines(): Step[][] {
  return DEMO_REPOS.map((repo) => {
    const steps: Step[] = repo.commits.map((commit, i) => ({ day: commit.day, kind: "commit", repo, commit, first: i === 0 }));
    for (const triage of DEMO_TRIAGE) if (triage.repo === repo.name) steps.push({ day: triage.day, kind: "triage", triage });
    return steps.sort((a, b) => a.day - b.day);
  });
}

/**
 * Replays timelines with at most `width` at once (scans wait on git and PostgreSQL as much as on the CPU).
 * The first failure stops every timeline before its next step and is thrown once all have stopped.
 */
async function replay(lanes: Step[][], width: number, fn: (step: Step) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < lanes.length) {
      const lane = lanes[next++]!;
      for (const step of lane) {
        if (failure) return;
        try {
          await fn(step);
        } catch (error) {
          failure ??= { error };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, lanes.length) }, worker));
  if (failure) throw failure.error;
}

export async function seedDemo(opts: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const { db } = opts;
  const log = opts.log ?? (() => undefined);
  const reposDir = opts.reposDir ?? demoReposDir();
  const now = opts.now ?? new Date();
  // History starts at midnight UTC eight weeks ago, so that day fractions read as times of day.
  const from = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - DEMO_DAYS * DAY_MS);
  const at = (day: number) => new Date(from.getTime() + day * DAY_MS);
  const lanes = timelines();
  const unknown = DEMO_TRIAGE.find((t) => !DEMO_REPOS.some((r) => r.name === t.repo));
  if (unknown) throw new DemoError(`triage on day ${unknown.day} names an unknown repository ${unknown.repo}`);
  if (at(Math.max(...lanes.flat().map((s) => s.day)) + 0.01) >= now) throw new DemoError("the demo history would end in the future");

  const present = await demoPresence(db, reposDir);
  if (present.users || present.repositories) {
    if (!opts.reset)
      throw new DemoExistsError(
        `the demo is already seeded (${present.repositories} repositories, ${present.users} users); run \`posture demo --reset\` to replace it`,
      );
    log("removing the existing demo data");
    await removeDemo(db, reposDir);
  } else {
    await clearRepos(reposDir);
  }
  await mkdir(reposDir, { recursive: true });
  await writeFile(
    join(reposDir, MARKER),
    "Git repositories of Posture's demo organisation (posture demo). Safe to delete with `posture demo --reset`.\n",
  );

  await syncCatalogue(db, opts.rulebook);
  await getSettings(db);

  // Teams and people exist from the first day.
  const teamIds = new Map<string, string>();
  for (const name of DEMO_TEAMS) {
    const team = await db.team.upsert({ where: { name }, create: { name, createdAt: at(-1) }, update: {} });
    teamIds.set(name, team.id);
  }
  const password = generatePassword();
  const users = new Map<DemoUserKey, { id: string; email: string; label: string }>();
  for (const u of DEMO_USERS) {
    const { user } = await createUser(db, SEEDER, { email: demoEmail(u.local), name: u.name, role: u.role, orgWide: u.orgWide, password });
    await db.user.update({ where: { id: user.id }, data: { createdAt: at(-1) } });
    await db.teamMember.createMany({ data: u.teams.map((t) => ({ teamId: teamIds.get(t)!, userId: user.id })), skipDuplicates: true });
    users.set(u.key, { id: user.id, email: user.email, label: user.email });
  }
  const actor = (key: DemoUserKey): Actor => ({ id: users.get(key)!.id, label: users.get(key)!.label });

  const repoIds = new Map<string, string>();
  // Compiled once: compiling the rulebook's ast-grep rules takes longer than scanning a demo repository.
  const ctx = {
    db,
    databaseUrl: opts.databaseUrl,
    rulebook: opts.rulebook,
    compiled: compileChecks(opts.rulebook.checks),
    allowLocalRepos: true,
    workRoot: tmpdir(),
  };
  let commits = 0;
  let scans = 0;
  let triageSteps = 0;

  await replay(lanes, opts.concurrency ?? 3, async (step) => {
    const when = at(step.day);
    if (step.kind === "commit") {
      const { repo, commit } = step;
      const dir = repoPath(reposDir, repo);
      if (step.first) {
        await mkdir(dir, { recursive: true });
        await run("git", ["init", "-q", "-b", "main"], { cwd: dir, env: gitEnv() });
      }
      const t = Date.now();
      const sha = await commitTo(dir, repo, commit, when);
      const tCommit = Date.now() - t;
      commits++;
      if (step.first) {
        // Registered by the security lead a few minutes after the first push.
        const registered = new Date(when.getTime() + 3 * 60_000);
        const created = await registerRepository(db, { url: dir, team: repo.team, name: repo.name, branch: "main" }, true, actor("lead"));
        await db.repository.update({ where: { id: created.id }, data: { createdAt: registered } });
        await db.auditLog.updateMany({ where: { action: "repository.register", targetId: created.id }, data: { createdAt: registered } });
        repoIds.set(repo.name, created.id);
      }
      // CI asks for a scan on every push; the scan runs a few minutes later and takes what it really takes.
      const queuedAt = new Date(when.getTime() + (step.first ? 4 : 2) * 60_000);
      const scan = await db.scan.create({
        data: { repositoryId: repoIds.get(repo.name)!, trigger: step.first ? "registration" : "api", status: "queued", queuedAt },
      });
      const base = queuedAt.getTime() + 4_000;
      const t0 = Date.now();
      try {
        await runScan({ ...ctx, clock: () => new Date(base + (Date.now() - t0)) }, scan.id, { number: 1, max: 1 });
      } catch (e) {
        throw new DemoError(`${repo.name}: the scan of "${commit.message}" failed: ${(e as Error).message}`);
      }
      scans++;
      log(
        `${when.toISOString().slice(0, 10)}  ${repo.name.padEnd(26)} ${sha.slice(0, 8)} ${commit.message}  (commit ${tCommit} ms, scan ${Date.now() - t0} ms)`,
      );
    } else {
      await applyTriage(db, step.triage, when, at(DEMO_DAYS - 1), repoIds, users, actor);
      triageSteps++;
    }
  });

  // Last night's scheduled org-wide rescan (02:00 UTC) found every branch where the last push left it.
  let nightly = Math.floor(now.getTime() / DAY_MS) * DAY_MS + 2 * 3_600_000;
  if (nightly > now.getTime() - 10 * 60_000) nightly -= DAY_MS;
  for (const [i, repositoryId] of [...repoIds.values()].entries()) {
    const queuedAt = new Date(nightly + i * 1_000);
    const scan = await db.scan.create({ data: { repositoryId, trigger: "schedule", status: "queued", queuedAt } });
    const t0 = Date.now();
    await runScan({ ...ctx, clock: () => new Date(queuedAt.getTime() + 2_000 + (Date.now() - t0)) }, scan.id, { number: 1, max: 1 });
    scans++;
  }

  const [byStatusRows, bySeverityRows, findings, scanRows] = await Promise.all([
    db.finding.groupBy({ by: ["status"], where: { repositoryId: { in: [...repoIds.values()] } }, _count: { _all: true } }),
    db.finding.groupBy({ by: ["severity"], where: { repositoryId: { in: [...repoIds.values()] } }, _count: { _all: true } }),
    db.finding.count({ where: { repositoryId: { in: [...repoIds.values()] } } }),
    db.scan.groupBy({ by: ["status"], where: { repositoryId: { in: [...repoIds.values()] } }, _count: { _all: true } }),
  ]);
  return {
    password,
    users: DEMO_USERS.map((u) => ({ email: demoEmail(u.local), role: u.role })),
    repositories: repoIds.size,
    teams: DEMO_TEAMS.length,
    commits,
    scans,
    scansByStatus: Object.fromEntries(scanRows.map((r) => [r.status, r._count._all])),
    findings,
    byStatus: Object.fromEntries(byStatusRows.map((r) => [r.status, r._count._all])),
    bySeverity: Object.fromEntries(bySeverityRows.map((r) => [r.severity, r._count._all])),
    triageSteps,
    from,
    to: now,
    durationMs: Date.now() - started,
  };
}

/** Applies one triage step through lib/findings/triage.ts, then moves what it wrote to the step's day. */
async function applyTriage(
  db: Db,
  t: DemoTriage,
  when: Date,
  historyEnd: Date,
  repoIds: Map<string, string>,
  users: Map<DemoUserKey, { id: string }>,
  actor: (k: DemoUserKey) => Actor,
): Promise<void> {
  const repositoryId = repoIds.get(t.repo);
  if (!repositoryId) throw new DemoError(`triage on day ${t.day}: ${t.repo} has no commits yet`);
  const finding = await db.finding.findFirst({
    where: { repositoryId, checkId: t.check, ...(t.path ? { path: t.path } : {}), status: { not: "fixed" } },
    orderBy: [{ path: "asc" }, { line: "asc" }],
    select: { id: true },
  });
  if (!finding) throw new DemoError(`triage on day ${t.day}: no tracked ${t.check} finding in ${t.repo}`);
  const change: Record<string, unknown> = {};
  if (t.status) change.status = t.status;
  if (t.reason) change.reason = t.reason;
  if (t.acceptedForDays) change.acceptedUntil = new Date(Date.now() + t.acceptedForDays * DAY_MS);
  if (t.assign !== undefined) change.assigneeId = t.assign === null ? null : users.get(t.assign)!.id;
  if (t.comment) change.comment = t.comment;
  await updateFindings(db, [finding.id], change, actor(t.by), ORG_WIDE);
  // triage.ts stamps the real time; the demo's history needs the step's day. Every row of this finding still
  // stamped after the history's end is this step's (steps of one repository run one after another).
  await db.findingEvent.updateMany({
    where: { findingId: finding.id, createdAt: { gt: historyEnd }, scanId: null },
    data: { createdAt: when },
  });
  await db.auditLog.updateMany({
    where: { action: { in: ["finding.triage", "finding.exception_request"] }, targetId: finding.id, createdAt: { gt: historyEnd } },
    data: { createdAt: when },
  });
  await db.exceptionRequest.updateMany({ where: { findingId: finding.id, requestedAt: { gt: historyEnd } }, data: { requestedAt: when } });
}
