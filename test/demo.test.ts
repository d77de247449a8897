import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../lib/auth/passwords.ts";
import { run } from "../lib/cli/main.ts";
import { DEMO_REPOS, DEMO_TEAMS, DEMO_TRIAGE, DEMO_USERS } from "../lib/demo/repos.ts";
import {
  applyChanges,
  DemoError,
  DemoExistsError,
  demoEmail,
  demoPresence,
  removeDemo,
  seedDemo,
  type SeedSummary,
} from "../lib/demo/seed.ts";
import { loadRulebook, type Rulebook } from "../lib/engine/rulebook.ts";
import { latestRepoConfig } from "../lib/repos/queries.ts";
import { SEVERITIES } from "../lib/engine/types.ts";
import { scratch } from "./helpers.ts";
import { useTestDatabase } from "./support/db.ts";

const DAY = 86_400_000;
const t = useTestDatabase("demo");
const data = scratch("posture-demo-");
const reposDir = join(data.root, "demo-repos");
const rulesDir = join(import.meta.dirname, "..", "rules");
let rulebook: Rulebook;
let summary: SeedSummary;
let seededAt: Date;

beforeAll(async () => {
  rulebook = loadRulebook(rulesDir);
  seededAt = new Date();
  summary = await seedDemo({ db: t.db, databaseUrl: t.url, rulebook, reposDir, now: seededAt });
}, 300_000);

const demoRepoIds = async () =>
  (await t.db.repository.findMany({ where: { url: { startsWith: reposDir } }, select: { id: true } })).map((r) => r.id);

describe("posture demo", () => {
  it("registers the demo repositories as local git repositories with their whole history", async () => {
    const repos = await t.db.repository.findMany({ include: { team: true }, orderBy: { name: "asc" } });
    expect(repos.map((r) => r.name)).toEqual(DEMO_REPOS.map((r) => r.name).sort());
    expect(repos.length).toBeGreaterThanOrEqual(8);
    expect(new Set(repos.map((r) => r.team.name))).toEqual(new Set(DEMO_TEAMS));
    for (const r of repos) {
      expect(r.url).toBe(join(reposDir, r.name));
      expect(existsSync(join(r.url, ".git"))).toBe(true);
      expect(r.createdAt.getTime()).toBeLessThan(seededAt.getTime() - 40 * DAY);
    }
    expect(summary.commits).toBe(DEMO_REPOS.reduce((n, r) => n + r.commits.length, 0));
  });

  it("scanned every commit at its own date, and every scan succeeded", async () => {
    const all = await t.db.scan.findMany({ orderBy: { queuedAt: "asc" } });
    expect(all).toHaveLength(summary.commits + DEMO_REPOS.length);
    // One scan per push, then last night's scheduled rescan of every repository found nothing new.
    const scans = all.filter((s) => s.trigger !== "schedule");
    expect(scans).toHaveLength(summary.commits);
    expect(scans.every((s) => s.status === "succeeded")).toBe(true);
    const nightly = all.filter((s) => s.trigger === "schedule");
    expect(nightly.map((s) => s.status)).toEqual(DEMO_REPOS.map(() => "unchanged"));
    // Last night's 02:00 UTC run (the one before, when seeded just after 02:00).
    for (const s of nightly) expect(seededAt.getTime() - s.finishedAt!.getTime()).toBeLessThan(DAY + 15 * 60_000);
    expect(summary.scansByStatus).toEqual({ succeeded: summary.commits, unchanged: DEMO_REPOS.length });
    for (const s of scans) {
      expect(s.startedAt!.getTime()).toBeGreaterThanOrEqual(s.queuedAt.getTime());
      expect(s.finishedAt!.getTime()).toBeGreaterThanOrEqual(s.startedAt!.getTime());
      expect(s.finishedAt!.getTime()).toBeLessThan(seededAt.getTime());
    }
    const span = scans.at(-1)!.finishedAt!.getTime() - scans[0]!.queuedAt.getTime();
    expect(span).toBeGreaterThan(7 * 7 * DAY);
    // One scan per commit, so the last scan of each repository is at its branch head.
    expect(new Set(scans.map((s) => s.commitSha)).size).toBe(scans.length);
  });

  it("finds problems of every framework and severity, first seen over several weeks", async () => {
    const findings = await t.db.finding.findMany({ where: { repositoryId: { in: await demoRepoIds() } } });
    // ml_serving: the framework-neutral checks (the quickstart example's trust_remote_code among them).
    expect(new Set(findings.map((f) => f.framework))).toEqual(
      new Set(["modal", "torchserve", "bentoml", "ray_serve", "training_monitor", "ml_serving"]),
    );
    expect(new Set(findings.map((f) => f.severity))).toEqual(new Set(SEVERITIES));
    const first = findings.map((f) => f.firstSeenAt.getTime());
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(6 * 7 * DAY);
    expect(Math.max(...first)).toBeLessThan(seededAt.getTime());
    // Open findings of every severity, for the overview and the heatmap.
    const open = findings.filter((f) => ["open", "in_progress", "reopened"].includes(f.status));
    expect(new Set(open.map((f) => f.severity))).toEqual(new Set(SEVERITIES));
    expect(summary.findings).toBe(findings.length);
  });

  it("has a malicious model file linked with the script that loads it, and a vulnerable pin", async () => {
    const findings = await t.db.finding.findMany({
      where: { repositoryId: { in: await demoRepoIds() } },
      include: { repository: { select: { name: true } } },
    });
    const model = findings.find((f) => f.checkId === "ml-serving.artifact.code-execution");
    expect(model && [model.repository.name, model.path, model.severity, model.status]).toEqual([
      "product-image-classifier",
      "model-store/reranker.pkl",
      "critical",
      "open",
    ]);
    expect(model!.message).toContain("os.system");
    expect((model!.related as { path: string; link: string }[]).map((r) => [r.path, r.link])).toEqual([
      ["scripts/rescore.py", "loaded-by"],
    ]);
    const pins = findings.filter((f) => f.checkId === "ml-serving.dependency.vulnerable-version" && f.status === "open");
    expect(
      pins.some((f) => f.repository.name === "llm-finetune-monitor" && f.path === "requirements.txt" && f.message.includes("torch 2.4.1")),
    ).toBe(true);
  });

  it("has fixes at their commit's date and regressions that reopened fixed findings", async () => {
    const findings = await t.db.finding.findMany({ where: { repositoryId: { in: await demoRepoIds() } } });
    const fixed = findings.filter((f) => f.status === "fixed");
    expect(fixed.length).toBeGreaterThanOrEqual(20);
    for (const f of fixed) expect(f.fixedAt!.getTime()).toBeGreaterThan(f.firstSeenAt.getTime());
    expect(findings.some((f) => f.status === "reopened")).toBe(true);
    const reopenedEvents = await t.db.findingEvent.findMany({
      where: { type: "reopened" },
      include: { finding: { include: { repository: true } } },
    });
    // Reverts in four repositories bring back a finding an earlier commit had fixed.
    expect(new Set(reopenedEvents.map((e) => e.finding.repository.name))).toEqual(
      new Set(["support-assistant-llm", "product-image-classifier", "fraud-scoring-bento", "recsys-ray-serve"]),
    );
    for (const e of reopenedEvents) {
      const fixedBefore = await t.db.findingEvent.findFirst({
        where: { findingId: e.findingId, type: "fixed", createdAt: { lt: e.createdAt } },
      });
      expect(fixedBefore).not.toBeNull();
    }
    // Every lifecycle event carries what the trends need.
    expect(
      await t.db.findingEvent.count({
        where: {
          type: { in: ["detected", "fixed", "reopened", "status_changed"] },
          OR: [{ severity: null }, { repositoryId: null }, { checkId: null }],
        },
      }),
    ).toBe(0);
  });

  it("has triage history: assignments, comments, work in progress, a false positive and an accepted risk", async () => {
    const ids = await demoRepoIds();
    const fp = await t.db.finding.findMany({ where: { repositoryId: { in: ids }, status: "false_positive" } });
    expect(fp).toHaveLength(1);
    expect(fp[0]!.statusReason).toMatch(/test/i);
    const accepted = await t.db.finding.findMany({ where: { repositoryId: { in: ids }, status: "accepted_risk" } });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.acceptedUntil!.getTime()).toBeGreaterThan(seededAt.getTime());
    expect(accepted[0]!.statusReason).toBeTruthy();
    // Issue 16 §2: an engineer's acceptance of a critical finding waits for an approver; the finding stays open.
    const pending = await t.db.exceptionRequest.findMany({ where: { state: "pending" }, include: { finding: true } });
    expect(pending.map((r) => [r.decision, r.requestedBy, r.finding.severity, r.finding.status])).toEqual([
      ["accepted_risk", demoEmail("engineer"), "critical", "in_progress"],
    ]);
    expect(pending[0]!.requestedAt.getTime()).toBeLessThan(seededAt.getTime() - DAY);
    expect(await t.db.finding.count({ where: { repositoryId: { in: ids }, status: "in_progress" } })).toBeGreaterThanOrEqual(1);
    expect(await t.db.finding.count({ where: { repositoryId: { in: ids }, assigneeId: { not: null } } })).toBeGreaterThanOrEqual(3);

    const triage = await t.db.findingEvent.findMany({ where: { actorId: { not: null } }, include: { actor: true } });
    expect(triage.filter((e) => e.type === "commented").length).toBeGreaterThanOrEqual(5);
    expect(triage.filter((e) => e.type === "assigned").length).toBeGreaterThanOrEqual(3);
    // Back-dated to the day of each step, not the day of seeding.
    for (const e of triage) expect(e.createdAt.getTime()).toBeLessThan(seededAt.getTime() - DAY);
    expect(new Set(triage.map((e) => e.actor!.email))).toContain(demoEmail("lead"));
    expect(summary.triageSteps).toBe(DEMO_TRIAGE.length);
    const audits = await t.db.auditLog.findMany({ where: { action: "finding.triage" } });
    expect(audits).toHaveLength(DEMO_TRIAGE.length);
    for (const a of audits) expect(a.createdAt.getTime()).toBeLessThan(seededAt.getTime() - DAY);
  });

  it("shows code outside production: a counted example, an uncounted test, and a .posture.yaml the repository page lists", async () => {
    const ids = await demoRepoIds();
    const byContext = await t.db.finding.groupBy({ by: ["codeContext"], where: { repositoryId: { in: ids } }, _count: { _all: true } });
    const contexts = new Set(byContext.map((g) => g.codeContext));
    expect(contexts).toContain("production");
    expect(contexts).toContain("example");
    expect(contexts).toContain("test");
    const quickstart = await t.db.finding.findMany({ where: { repositoryId: { in: ids }, path: "examples/local_quickstart.py" } });
    expect(quickstart.length).toBeGreaterThan(0);
    expect(quickstart.every((f) => f.codeContext === "example")).toBe(true);
    // Events carry their finding's context, so trends count it as the other figures do.
    expect(
      await t.db.findingEvent.count({
        where: { finding: { repositoryId: { in: ids }, codeContext: "test" }, codeContext: { not: "test" } },
      }),
    ).toBe(0);
    expect(await t.db.findingEvent.count({ where: { finding: { repositoryId: { in: ids }, codeContext: "test" } } })).toBeGreaterThan(0);

    const recsys = await t.db.repository.findFirstOrThrow({ where: { name: "recsys-ray-serve", url: { startsWith: reposDir } } });
    const config = await latestRepoConfig(t.db, recsys.id);
    expect(config?.config?.exclusions).toEqual([{ path: "vendor", reason: "vendored faiss build scripts, reviewed upstream" }]);
    expect(config?.config?.contextOverrides).toEqual([{ path: "scripts/**", context: "build" }]);
    expect(config?.config?.disabledChecks.map((d) => [d.check, d.paths])).toEqual([
      ["ray-serve.deployment.missing-resource-limits", ["serving/experimental/**"]],
    ]);
  });

  it("has suppressions for the Suppressions page: one with a reason, one without (a hygiene finding), and .posture.yaml's", async () => {
    const recsys = await t.db.repository.findFirstOrThrow({ where: { name: "recsys-ray-serve", url: { startsWith: reposDir } } });
    const rows = await t.db.codeSuppression.findMany({ where: { repositoryId: recsys.id }, orderBy: [{ kind: "asc" }, { line: "asc" }] });
    expect(rows.map((r) => [r.kind, r.checkId, r.path, r.reason !== null, r.authorName])).toEqual([
      ["inline", "ml-serving.code.tls-verification-disabled", "jobs/refresh_index.py", true, "Yuki Tanaka"],
      ["inline", "ml-serving.code.tls-verification-disabled", "jobs/refresh_index.py", false, "Yuki Tanaka"],
      ["exclusion", null, "vendor", true, "Yuki Tanaka"],
      ["disabled_check", "ray-serve.deployment.missing-resource-limits", "serving/experimental/**", true, "Yuki Tanaka"],
    ]);
    const hygiene = await t.db.finding.findMany({ where: { repositoryId: recsys.id, checkId: "ml-serving.suppression.missing-reason" } });
    expect(hygiene.map((f) => [f.path, f.line, f.status])).toEqual([["jobs/refresh_index.py", 15, "open"]]);
  });

  it("creates the demo users with one generated password, and no admin", async () => {
    const users = await t.db.user.findMany({ orderBy: { email: "asc" } });
    expect(users.map((u) => [u.email, u.role]).sort()).toEqual(DEMO_USERS.map((u) => [demoEmail(u.local), u.role]).sort());
    expect(users.some((u) => u.role === "admin")).toBe(false);
    expect(summary.password.length).toBeGreaterThanOrEqual(20);
    for (const u of users) expect(await verifyPassword(u.passwordHash!, summary.password)).toBe(true);
    const lead = users.find((u) => u.email === demoEmail("lead"))!;
    expect(await t.db.teamMember.count({ where: { userId: lead.id } })).toBe(DEMO_TEAMS.length);
  });

  it("refuses to seed again without --reset, and leaves the data alone", async () => {
    const before = await t.db.finding.count();
    await expect(seedDemo({ db: t.db, databaseUrl: t.url, rulebook, reposDir })).rejects.toThrow(DemoExistsError);
    await expect(seedDemo({ db: t.db, databaseUrl: t.url, rulebook, reposDir })).rejects.toThrow(/--reset/);
    expect(await t.db.finding.count()).toBe(before);
    expect(await t.db.user.count()).toBe(DEMO_USERS.length);

    // The same through the CLI: a one-line refusal and exit code 2.
    const env = { DATABASE_URL: process.env.DATABASE_URL, POSTURE_DATA_DIR: process.env.POSTURE_DATA_DIR };
    process.env.DATABASE_URL = t.url;
    process.env.POSTURE_DATA_DIR = data.root;
    try {
      let stdout = "";
      let stderr = "";
      const code = await run(["demo"], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false });
      expect([code, stdout]).toEqual([2, ""]);
      expect(stderr).toMatch(/already seeded.*posture demo --reset/);
      expect(await run(["demo", "--bogus"], { stdout: () => undefined, stderr: (s) => (stderr = s), isTTY: false })).toBe(2);
      expect(stderr).toContain("usage: posture demo");
    } finally {
      for (const [k, v] of Object.entries(env))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
    expect(await t.db.finding.count()).toBe(before);
  });

  it("stops with a clear error on content that does not apply", async () => {
    const dir = data.path("content");
    await applyChanges(dir, "x", { day: 0, author: "A <a@example.test>", message: "first", files: { "app.py": "import modal\n" } });
    await expect(
      applyChanges(dir, "x", {
        day: 1,
        author: "A <a@example.test>",
        message: "edit",
        edits: { "app.py": [["import ray", "import modal"]] },
      }),
    ).rejects.toThrow(/x: "edit": app.py has no "import ray"/);
    await expect(
      applyChanges(dir, "x", { day: 1, author: "A <a@example.test>", message: "escape", files: { "../outside.py": "" } }),
    ).rejects.toThrow(DemoError);
    expect(existsSync(data.path("outside.py"))).toBe(false);
  });

  it("removes everything it created on reset, keeping the audit log", async () => {
    const audit = await t.db.auditLog.count();
    await removeDemo(t.db, reposDir);
    expect(await demoPresence(t.db, reposDir)).toEqual({ users: 0, repositories: 0 });
    expect(await t.db.finding.count()).toBe(0);
    expect(await t.db.team.count({ where: { name: { in: [...DEMO_TEAMS] } } })).toBe(0);
    for (const r of DEMO_REPOS) expect(existsSync(join(reposDir, r.name))).toBe(false);
    expect(await t.db.auditLog.count()).toBe(audit);
  });
});
