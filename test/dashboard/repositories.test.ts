import { Redis } from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";
import { runAs, type ActionDef } from "../../lib/actions/define.ts";
import {
  archiveRepositoryAction,
  registerBulkAction,
  registerRepositoryAction,
  repositoriesActions,
  rescanAllAction,
  scanNowAction,
} from "../../lib/actions/repositories.ts";
import type { Db, FindingStatus, Severity } from "../../lib/db/client.ts";
import { createQueues, type Queues } from "../../lib/queue/queues.ts";
import { postureGrade, weightedScore } from "../../lib/repos/grade.ts";
import { activeScans, repositoryListParams, repositoryPage } from "../../lib/repos/queries.ts";
import { useTestDatabase } from "../support/db.ts";
import { REDIS_URL, useQueuePrefix } from "../support/queue.ts";
import { loadVisibility, ORG_WIDE } from "../../lib/findings/visibility.ts";
import { insertFinding } from "../support/insert-finding.ts";
import { orgWideUser } from "../support/fixtures.ts";

const t = useTestDatabase("dash_repos");

const vis = () => loadVisibility(t.db, ORG_WIDE);
const prefix = useQueuePrefix("dash-repos");
let queues: Queues;

beforeAll(async () => {
  const connection = new Redis(REDIS_URL);
  queues = createQueues({ prefix, connection });
  return async () => {
    await queues.close();
    connection.disconnect();
  };
});

const user = orgWideUser;

/** A minimal catalogue row set and findings with the given severities and statuses. */
async function seedCatalogue(db: Db) {
  await db.policy.upsert({
    where: { id: "modal/p" },
    create: { id: "modal/p", title: "P", framework: "modal", level: "strict", references: ["CWE-94"], why: "w", remediation: "r" },
    update: {},
  });
  for (const [id, severity] of [
    ["c.critical", "critical"],
    ["c.high", "high"],
    ["c.medium", "medium"],
    ["c.low", "low"],
    ["c.off", "critical"],
  ] as const) {
    await db.check.upsert({
      where: { id },
      create: { id, policyId: "modal/p", severity, message: "m", enabled: id !== "c.off" },
      update: {},
    });
  }
}

async function repo(db: Db, name: string, team: string) {
  const t2 = await db.team.upsert({ where: { name: team }, create: { name: team }, update: {} });
  return db.repository.create({
    data: { name, url: `https://git.example.com/org/${name}.git`, urlKey: `git.example.com/org/${name}`, teamId: t2.id },
  });
}

const finding = (db: Db, repositoryId: string, checkId: string, severity: Severity, status: FindingStatus = "open") =>
  insertFinding(db, { repositoryId, checkId, policyId: "modal/p", severity, status });

describe("posture grade", () => {
  it("weights severities like the rest of the dashboard", () => {
    expect(weightedScore({ critical: 1, high: 2, medium: 3, low: 4 })).toBe(10 + 10 + 6 + 4);
  });
  it("grades A to F, and any open critical caps at D", () => {
    const g = (critical: number, high: number, medium: number, low: number) => postureGrade({ critical, high, medium, low }).grade;
    expect(g(0, 0, 0, 0)).toBe("A");
    expect(g(0, 0, 0, 1)).toBe("B");
    expect(g(0, 2, 0, 0)).toBe("B"); // 10
    expect(g(0, 2, 0, 1)).toBe("C"); // 11
    expect(g(0, 8, 0, 0)).toBe("C"); // 40
    expect(g(0, 8, 0, 1)).toBe("D"); // 41
    expect(g(1, 0, 0, 0)).toBe("D"); // one critical, score 10
    expect(g(0, 20, 0, 0)).toBe("D"); // 100
    expect(g(0, 20, 0, 1)).toBe("F"); // 101
    expect(g(11, 0, 0, 0)).toBe("F");
  });
});

describe("repository list", () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    const db = t.db;
    await seedCatalogue(db);
    const alpha = await repo(db, "alpha", "Platform");
    const beta = await repo(db, "beta", "Platform");
    const gamma = await repo(db, "gamma", "Research");
    const archived = await repo(db, "zeta-archived", "Research");
    await db.repository.update({ where: { id: archived.id }, data: { archivedAt: new Date() } });
    ids = { alpha: alpha.id, beta: beta.id, gamma: gamma.id, archived: archived.id };
    // alpha: 2 critical (one in progress), 1 high, 1 fixed critical, 1 false positive low, 1 of a disabled check.
    await finding(db, alpha.id, "c.critical", "critical");
    await finding(db, alpha.id, "c.critical", "critical", "in_progress");
    await finding(db, alpha.id, "c.high", "high", "reopened");
    await finding(db, alpha.id, "c.critical", "critical", "fixed");
    await finding(db, alpha.id, "c.low", "low", "false_positive");
    await finding(db, alpha.id, "c.off", "critical");
    // beta: 3 medium, 2 low.
    for (let i = 0; i < 3; i++) await finding(db, beta.id, "c.medium", "medium");
    for (let i = 0; i < 2; i++) await finding(db, beta.id, "c.low", "low");
    // gamma: nothing open; two scans, the newest failed.
    await db.scan.create({
      data: {
        repositoryId: gamma.id,
        trigger: "registration",
        status: "succeeded",
        queuedAt: new Date(Date.now() - 60_000),
        finishedAt: new Date(Date.now() - 50_000),
      },
    });
    await db.scan.create({
      data: {
        repositoryId: gamma.id,
        trigger: "manual",
        status: "failed",
        failureReason: "repository not found",
        queuedAt: new Date(),
        finishedAt: new Date(),
      },
    });
  });

  it("aggregates open counts by severity, leaving out closed findings and disabled checks", async () => {
    const page = await repositoryPage(t.db, repositoryListParams.parse({}), await vis());
    expect(page.total).toBe(3);
    const byName = Object.fromEntries(page.rows.map((r) => [r.name, r]));
    expect(byName.alpha!.openFindings).toEqual({ critical: 2, high: 1, medium: 0, low: 0 });
    expect(byName.alpha!.risk).toBe(25);
    expect(byName.beta!.openFindings).toEqual({ critical: 0, high: 0, medium: 3, low: 2 });
    expect(byName.beta!.risk).toBe(8);
    expect(byName.gamma!.openFindings).toEqual({ critical: 0, high: 0, medium: 0, low: 0 });
    // Default sort: worst grade first; alpha and beta have no completed scan, so no grade, and come after
    // the graded gamma, by weighted risk.
    expect(page.rows.map((r) => r.name)).toEqual(["gamma", "alpha", "beta"]);
  });

  it("sorts the Grade column by grade, not by score: one open critical makes a low score a D", async () => {
    const c = await repo(t.db, "grade-c", "Grading");
    const d = await repo(t.db, "grade-d", "Grading");
    const none = await repo(t.db, "grade-none", "Grading");
    for (let i = 0; i < 7; i++) await finding(t.db, c.id, "c.high", "high"); // 35: C
    await finding(t.db, d.id, "c.critical", "critical"); // 10 + 1 = 11, with a critical: D
    await finding(t.db, d.id, "c.low", "low");
    for (let i = 0; i < 20; i++) await finding(t.db, none.id, "c.high", "high"); // 100, but never scanned: no grade
    for (const r of [c, d])
      await t.db.scan.create({ data: { repositoryId: r.id, trigger: "registration", status: "succeeded", finishedAt: new Date() } });
    const team = (await t.db.team.findUniqueOrThrow({ where: { name: "Grading" } })).id;
    const order = async (dir?: "asc" | "desc") =>
      (await repositoryPage(t.db, repositoryListParams.parse({ team, sort: "risk", dir }), await vis())).rows.map((r) => [r.name, r.risk]);
    expect(await order()).toEqual([
      ["grade-d", 11],
      ["grade-c", 35],
      ["grade-none", 100],
    ]);
    expect(await order("asc")).toEqual([
      ["grade-c", 35],
      ["grade-d", 11],
      ["grade-none", 100],
    ]);
    // The other tests count this file's repositories: these leave with their findings and scans.
    await t.db.repository.deleteMany({ where: { teamId: team } });
    await t.db.team.delete({ where: { id: team } });
  });

  it("shows the last scan and when one last completed", async () => {
    const page = await repositoryPage(t.db, repositoryListParams.parse({ q: "gam" }), await vis());
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]!.lastScan?.status).toBe("failed");
    expect(page.rows[0]!.lastScan?.failureReason).toBe("repository not found");
    expect(page.rows[0]!.lastCompletedAt).toBeInstanceOf(Date);
    const alpha = (await repositoryPage(t.db, repositoryListParams.parse({ q: "alpha" }), await vis())).rows[0]!;
    expect(alpha.lastScan).toBeNull();
    expect(alpha.lastCompletedAt).toBeNull();
  });

  it("filters by team and name, sorts, pages, and includes archived on request", async () => {
    const team = (await t.db.team.findUniqueOrThrow({ where: { name: "Research" } })).id;
    expect((await repositoryPage(t.db, repositoryListParams.parse({ team }), await vis())).rows.map((r) => r.name)).toEqual(["gamma"]);
    expect(
      (await repositoryPage(t.db, repositoryListParams.parse({ team, archived: "include", sort: "name" }), await vis())).rows.map(
        (r) => r.name,
      ),
    ).toEqual(["gamma", "zeta-archived"]);
    expect((await repositoryPage(t.db, repositoryListParams.parse({ archived: "only" }), await vis())).rows.map((r) => r.id)).toEqual([
      ids.archived,
    ]);
    expect(
      (await repositoryPage(t.db, repositoryListParams.parse({ sort: "name", dir: "desc" }), await vis())).rows.map((r) => r.name),
    ).toEqual(["gamma", "beta", "alpha"]);
    // LIKE wildcards in the search are literal.
    expect((await repositoryPage(t.db, repositoryListParams.parse({ q: "%" }), await vis())).total).toBe(0);
    const past = await repositoryPage(t.db, repositoryListParams.parse({ page: "9" }), await vis());
    expect(past.rows).toEqual([]);
    expect(past.total).toBe(3);
  });

  it("turns bad URL parameters into defaults", () => {
    const p = repositoryListParams.parse({ sort: "drop table", page: "-4", dir: "sideways", archived: ["only", "x"], team: "" });
    expect(p).toMatchObject({ sort: "risk", page: 1, dir: undefined, archived: "only", team: undefined, q: "" });
  });
});

describe("repository actions", () => {
  it("registers one, queues its first scan, and refuses a duplicate", async () => {
    const r = await runAs(
      registerRepositoryAction,
      { db: t.db, user: user("engineer"), queues: () => queues },
      { url: "https://github.com/acme/serving.git", team: "ML Platform", name: "", branch: "" },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.name).toBe("serving");
    expect(r.data.scanId).toBeTruthy();
    expect(r.data.warning).toBeNull();
    expect(await queues.scans.getJob(r.data.scanId!)).toBeTruthy();
    const audit = await t.db.auditLog.findFirstOrThrow({ where: { action: "repository.register", targetId: r.data.repositoryId } });
    expect(audit.actorLabel).toBe("engineer@example.test");
    const dup = await runAs(
      registerRepositoryAction,
      { db: t.db, user: user("engineer"), queues: () => queues },
      { url: "https://GitHub.com/acme/serving", team: "ML Platform" },
    );
    expect(dup).toEqual({ ok: false, error: 'already registered as "serving"' });
  });

  it("registers many with a result per line", async () => {
    const r = await runAs(
      registerBulkAction,
      { db: t.db, user: user("security_lead"), queues: () => queues },
      {
        urls: "https://github.com/acme/one.git\n\n# a comment\nnot a url\nhttps://github.com/acme/one\nhttps://github.com/acme/serving.git\ngit@github.com:acme/two.git",
        team: "Bulk",
      },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.registered).toBe(2);
    expect(r.data.failed).toBe(3);
    expect(r.data.results.map((x) => [x.line, x.ok, x.error?.code ?? null])).toEqual([
      [1, true, null],
      [4, false, "invalid_url"],
      [5, false, "duplicate"],
      [6, false, "duplicate"],
      [7, true, null],
    ]);
    const empty = await runAs(
      registerBulkAction,
      { db: t.db, user: user("admin"), queues: () => queues },
      { urls: "\n# only a comment\n", team: "Bulk" },
    );
    expect(empty.ok).toBe(false);
  });

  it("keeps viewers out of every repository write, before looking at the input", async () => {
    for (const def of repositoriesActions as ActionDef[]) {
      const r = await runAs(def, { db: t.db, user: user("viewer"), queues: () => queues }, {});
      expect(r).toEqual({ ok: false, error: "the viewer role cannot do this" });
    }
    expect(await runAs(rescanAllAction, { db: t.db, user: user("engineer"), queues: () => queues }, {})).toEqual({
      ok: false,
      error: "the engineer role cannot do this",
    });
    expect(await runAs(archiveRepositoryAction, { db: t.db, user: user("engineer"), queues: () => queues }, { repositoryId: "x" })).toEqual(
      { ok: false, error: "the engineer role cannot do this" },
    );
  });

  it("scans now once (a second request gets the queued scan), shows progress, and archives", async () => {
    const created = await repo(t.db, "scan-me", "Platform");
    const a = await runAs(scanNowAction, { db: t.db, user: user("engineer"), queues: () => queues }, { repositoryId: created.id });
    const b = await runAs(scanNowAction, { db: t.db, user: user("engineer"), queues: () => queues }, { repositoryId: created.id });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.data.created).toBe(true);
    expect(b.data).toEqual({ scanId: a.data.scanId, created: false });
    const progress = await activeScans(t.db, ORG_WIDE);
    expect(progress.scans.find((s) => s.id === a.data.scanId)).toMatchObject({ repository: "scan-me", status: "queued", filesDone: 0 });
    expect(progress.total).toBe(progress.scans.length);
    const bounded = await activeScans(t.db, ORG_WIDE, 1);
    expect(bounded.scans).toHaveLength(1);
    expect(bounded.total).toBe(progress.total);
    // A row the page shows gets its scan's state even when the panel's bounded list leaves it out.
    const other = await repo(t.db, "other-active", "Platform");
    const older = await t.db.scan.create({
      data: { repositoryId: other.id, trigger: "manual", status: "scanning", queuedAt: new Date(Date.now() - 3_600_000) },
    });
    const watched = await activeScans(t.db, ORG_WIDE, 1, [created.id, "no-such-repository"]);
    expect(watched.scans.map((s) => s.id)).toEqual([older.id]);
    expect(Object.keys(watched.byRepository)).toEqual([created.id]);
    expect(watched.byRepository[created.id]).toMatchObject({ id: a.data.scanId, status: "queued" });
    await t.db.scan.update({ where: { id: older.id }, data: { status: "succeeded", finishedAt: new Date() } });

    const archived = await runAs(
      archiveRepositoryAction,
      { db: t.db, user: user("security_lead"), queues: () => queues },
      { repositoryId: created.id },
    );
    expect(archived.ok).toBe(true);
    const again = await runAs(scanNowAction, { db: t.db, user: user("engineer"), queues: () => queues }, { repositoryId: created.id });
    expect(again).toEqual({ ok: false, error: "the repository is archived" });
    const missing = await runAs(archiveRepositoryAction, { db: t.db, user: user("admin"), queues: () => queues }, { repositoryId: "nope" });
    expect(missing).toEqual({ ok: false, error: "no such repository", field: undefined });
  });

  it("says the queue is unavailable when Redis is down", async () => {
    const dead = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => 200 });
    dead.on("error", () => undefined);
    const down = createQueues({ prefix, connection: dead });
    try {
      const created = await repo(t.db, "queue-down", "Platform");
      const r = await runAs(scanNowAction, { db: t.db, user: user("admin"), queues: () => down }, { repositoryId: created.id });
      expect(r).toEqual({ ok: false, error: "the scan queue is unavailable (Redis cannot be reached); try again shortly" });
      const scan = await t.db.scan.findFirstOrThrow({ where: { repositoryId: created.id } });
      expect(scan.status).toBe("failed");
      expect(scan.failureCode).toBe("queue_unavailable");
      // Registration still stands; the result says the first scan did not start.
      const reg = await runAs(
        registerRepositoryAction,
        { db: t.db, user: user("admin"), queues: () => down },
        { url: "https://github.com/acme/while-down.git", team: "Platform" },
      );
      expect(reg.ok && reg.data.warning).toBe("the scan queue is unavailable (Redis cannot be reached); try again shortly");
      const all = await runAs(rescanAllAction, { db: t.db, user: user("admin"), queues: () => down }, {});
      expect(all).toEqual({ ok: false, error: "the scan queue is unavailable (Redis cannot be reached); try again shortly" });
      // Reads keep working.
      expect((await repositoryPage(t.db, repositoryListParams.parse({ q: "queue-down" }), await vis())).rows[0]!.lastScan?.status).toBe(
        "failed",
      );
    } finally {
      await down.close();
      dead.disconnect();
    }
  }, 30_000);
});
