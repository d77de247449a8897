/**
 * The finding lifecycle across scans of a real git repository whose history adds, moves, removes and
 * restores vulnerable code. Real Postgres, real git; scans run through the pipeline directly.
 */
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { SYSTEM } from "../../lib/audit.ts";
import { updateFindings } from "../../lib/findings/triage.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { TestRepo } from "../support/git.ts";
import { CHECKOUT_PREFIX } from "../../lib/scan/checkout.ts";
import { scanOnce, usePipelineTest } from "../support/pipeline.ts";
import { ORG_WIDE } from "../../lib/findings/visibility.ts";

const p = usePipelineTest("life");
// Scans here run in this process, so its checkouts are the ones named after its pid (other test files run beside it).
const MINE = `${CHECKOUT_PREFIX}${process.pid}-`;
const { t, work } = p;

function scan(repositoryId: string, opts: { cloneTimeoutMs?: number; maxRepoBytes?: number; scanTimeoutMs?: number } = {}) {
  return scanOnce(p, repositoryId, { allowLocalRepos: true, ...opts }, { max: 3 });
}

const EVENTS_IN_ORDER = { events: { orderBy: { createdAt: "asc" } } } as const;

async function findings(repositoryId: string) {
  return t.db.finding.findMany({ where: { repositoryId }, orderBy: [{ firstSeenAt: "asc" }, { line: "asc" }], include: EVENTS_IN_ORDER });
}

const withEvents = (id: string) => t.db.finding.findUniqueOrThrow({ where: { id }, include: EVENTS_IN_ORDER });

/** The two findings of HANDLER, told apart by their code rather than by position. */
async function handlerFindings(repositoryId: string) {
  const fs = await findings(repositoryId);
  return { handle: fs.find((f) => f.snippet.includes("eval(request)"))!, debug: fs.find((f) => f.snippet.includes("eval(expr)"))! };
}

const HANDLER = (extra = "") => `import os
${extra}
def handle(request):
    return eval(request)


def debug(expr):
    return eval(expr)
`;

describe("finding lifecycle across scans", () => {
  const repo = new TestRepo(work.path("svc"));
  let repositoryId: string;

  /** HANDLER comes back (under an unrelated new import): what an earlier scan fixed reopens rather than being new. */
  async function restoreHandler(commitMessage: string) {
    repo.write("app/handler.py", HANDLER("import sys\n")).commit(commitMessage);
    const { scan: s } = await scan(repositoryId);
    expect(s).toMatchObject({ findingsReopened: 1, findingsNew: 0 });
  }

  it("detects new findings on the first scan", async () => {
    repo.write("app/handler.py", HANDLER()).commit("initial");
    repositoryId = (await registerRepository(t.db, { url: repo.dir, team: "ml-platform" }, true)).id;
    const { outcome, scan: s } = await scan(repositoryId);
    expect(outcome).toBe("succeeded");
    expect(s).toMatchObject({
      status: "succeeded",
      findingsNew: 2,
      findingsFixed: 0,
      findingsPresent: 2,
      commitSha: repo.git("rev-parse", "HEAD"),
      rulebookVersion: p.rulebook.version,
    });
    const fs = await findings(repositoryId);
    expect(fs.map((f) => [f.status, f.line, f.checkId, f.policyId])).toEqual([
      ["open", 4, "test.python.eval", "test"],
      ["open", 8, "test.python.eval", "test"],
    ]);
    expect(fs.every((f) => f.events.map((e) => e.type).join() === "detected")).toBe(true);
    // SLA from settings: high = 30 days.
    expect(Math.round((fs[0]!.dueAt.getTime() - fs[0]!.firstSeenAt.getTime()) / 86_400_000)).toBe(30);
  });

  it("ends as unchanged without cloning when the head and rulebook are the same", async () => {
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith(MINE)).length;
    const { scan: s } = await scan(repositoryId);
    expect(s.status).toBe("unchanged");
    expect(s.findingsNew).toBe(0);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith(MINE)).length).toBe(before);
  });

  it("keeps identity when lines move above the match", async () => {
    const before = await handlerFindings(repositoryId);
    repo.write("app/handler.py", HANDLER("import sys\nimport json\n\nLIMIT = 10\n")).commit("add imports above");
    const { scan: s } = await scan(repositoryId);
    expect(s).toMatchObject({ status: "succeeded", findingsNew: 0, findingsFixed: 0, findingsPresent: 2 });
    const after = await handlerFindings(repositoryId);
    expect([after.handle.id, after.debug.id]).toEqual([before.handle.id, before.debug.id]);
    expect([after.handle.line, after.debug.line]).toEqual([8, 12]);
    expect(after.handle.events.map((e) => e.type)).toEqual(["detected"]);
  });

  it("keeps a false positive decision across rescans, fixes and returns", async () => {
    const { debug: debugFinding } = await handlerFindings(repositoryId);
    await updateFindings(
      t.db,
      [debugFinding!.id],
      { status: "false_positive", reason: "debug helper never reachable from requests" },
      SYSTEM,
      ORG_WIDE,
    );

    repo.write("app/handler.py", `${HANDLER("import sys\n")}\n# touch\n`).commit("unrelated change");
    await scan(repositoryId);
    expect((await t.db.finding.findUniqueOrThrow({ where: { id: debugFinding!.id } })).status).toBe("false_positive");

    repo.write("app/handler.py", "import os\n\ndef handle(request):\n    return eval(request)\n").commit("remove debug");
    const removed = await scan(repositoryId);
    expect(removed.scan).toMatchObject({ findingsFixed: 1, findingsPresent: 1 });
    const fixed = await t.db.finding.findUniqueOrThrow({ where: { id: debugFinding!.id } });
    expect([fixed.status, fixed.fixedScanId, fixed.triageDecision]).toEqual(["fixed", removed.scan.id, "false_positive"]);

    await restoreHandler("debug is back");
    const returned = await withEvents(debugFinding!.id);
    expect([returned.status, returned.fixedAt]).toEqual(["false_positive", null]);
    expect(returned.events.map((e) => e.type)).toEqual(["detected", "status_changed", "fixed", "reopened"]);
  });

  it("fixes a removed finding and reopens it when the code comes back", async () => {
    const { handle: handleFinding } = await handlerFindings(repositoryId);
    repo
      .write("app/handler.py", "import os\n\ndef handle(request):\n    return safe(request)\n\ndef debug(expr):\n    return eval(expr)\n")
      .commit("fix handler");
    const fixedScan = await scan(repositoryId);
    expect(fixedScan.scan).toMatchObject({ findingsFixed: 1 });
    expect((await t.db.finding.findUniqueOrThrow({ where: { id: handleFinding!.id } })).status).toBe("fixed");

    await restoreHandler("regression");
    const f = await withEvents(handleFinding!.id);
    expect(f.status).toBe("reopened");
    expect(f.events.map((e) => `${e.type}:${e.fromStatus ?? ""}>${e.toStatus ?? ""}`)).toEqual([
      "detected:>open",
      "fixed:open>fixed",
      "reopened:fixed>reopened",
    ]);
  });

  it("does not mark findings of a disabled check as fixed", async () => {
    await t.db.check.update({ where: { id: "test.python.eval" }, data: { enabled: false } });
    try {
      repo.write("app/handler.py", HANDLER("import sys\n# disabled\n")).commit("while disabled");
      const s = await scan(repositoryId);
      expect(s.scan).toMatchObject({ status: "succeeded", findingsFixed: 0, findingsPresent: 0 });
      expect((await findings(repositoryId)).every((f) => f.status !== "fixed")).toBe(true);
    } finally {
      await t.db.check.update({ where: { id: "test.python.eval" }, data: { enabled: true } });
    }
  });

  it("never writes a finding twice for one fingerprint", async () => {
    const rows = await t.db.$queryRawUnsafe<{ n: bigint }[]>(
      'SELECT count(*) AS n FROM "Finding" GROUP BY "repositoryId", fingerprint HAVING count(*) > 1',
    );
    expect(rows).toEqual([]);
  });
});

describe("scan failures", () => {
  it("fails at once, with a reason, when the repository does not exist", async () => {
    const r = await registerRepository(t.db, { url: work.path("nowhere"), team: "ml-platform" }, true);
    const { outcome, scan: s } = await scan(r.id);
    expect(outcome).toBe("failed");
    expect(s).toMatchObject({ status: "failed", failureCode: "not_found", failureReason: "the repository was not found at that URL" });
  });

  it("fails a repository over the size cap and removes its checkout", async () => {
    const big = new TestRepo(work.path("big"));
    big.write("model.py", `eval(x)\n${"# padding\n".repeat(50_000)}`).commit("big");
    const r = await registerRepository(t.db, { url: big.dir, team: "ml-platform" }, true);
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith(MINE));
    const { scan: s } = await scan(r.id, { maxRepoBytes: 100_000 });
    expect(s).toMatchObject({ status: "failed", failureCode: "too_large" });
    expect(s.failureReason).toMatch(/larger than/);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith(MINE))).toEqual(before);
  });

  it("fails a clone that exceeds its timeout", async () => {
    // A server that accepts connections and never answers: git waits until our timeout.
    const net = await import("node:net");
    const sockets: import("node:net").Socket[] = [];
    const server = net.createServer((s) => sockets.push(s)).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as import("node:net").AddressInfo).port;
    // The silent server is on this machine: let its address through, as an internal git server's would be.
    process.env.POSTURE_GIT_ALLOWED_NETWORKS = "127.0.0.1/32";
    try {
      const r = await registerRepository(t.db, { url: `https://127.0.0.1:${port}/org/repo.git`, team: "ml-platform" }, true);
      const started = Date.now();
      const { scan: s } = await scan(r.id, { cloneTimeoutMs: 1500 });
      expect(s).toMatchObject({ status: "failed", failureCode: "timeout" });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      delete process.env.POSTURE_GIT_ALLOWED_NETWORKS;
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it("fails a scan that exceeds its timeout, at once and for good, and removes its checkout", async () => {
    const slow = new TestRepo(work.path("slow"));
    for (let i = 0; i < 200; i++) slow.write(`svc/m${i}.py`, 'import os\nos.system(f"rm -rf {x}")\n');
    slow.commit("many files");
    const r = await registerRepository(t.db, { url: slow.dir, team: "ml-platform" }, true);
    const { scan: s } = await scan(r.id, { scanTimeoutMs: 1 });
    expect(s).toMatchObject({ status: "failed", failureCode: "timeout", failureReason: "the scan did not finish within 0 s" });
    expect(await t.db.finding.count({ where: { repositoryId: r.id } })).toBe(0);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith(MINE))).toEqual([]);
  });

  it("removes checkouts after every scan", () => {
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith(MINE) && existsSync(`${tmpdir()}/${d}/repo`))).toEqual([]);
  });
});

describe("queue outages", () => {
  it("fail a scan request fast with a clear reason when Redis is unreachable, leaving nothing queued", async () => {
    const { createQueues, QueueUnavailableError } = await import("../../lib/queue/queues.ts");
    const { redisConnection } = await import("../../lib/queue/connection.ts");
    const repo = new TestRepo(work.path("outage"));
    repo.write("a.py", "x = 1\n").commit("init");
    const r = await registerRepository(t.db, { url: repo.dir, team: "ml-platform" }, true);
    const down = createQueues({ prefix: "posture-test-outage", connection: redisConnection("producer", "redis://127.0.0.1:1") });
    try {
      const started = Date.now();
      await expect(enqueueScan(t.db, down, r.id, "manual")).rejects.toBeInstanceOf(QueueUnavailableError);
      expect(Date.now() - started).toBeLessThan(10_000);
      const scans = await t.db.scan.findMany({ where: { repositoryId: r.id } });
      expect(scans.map((s) => [s.status, s.failureCode])).toEqual([["failed", "queue_unavailable"]]);
      const { rescanAll } = await import("../../lib/scan/enqueue.ts");
      const t0 = Date.now();
      await expect(rescanAll(t.db, down, "manual")).rejects.toBeInstanceOf(QueueUnavailableError);
      expect(Date.now() - t0).toBeLessThan(10_000);
      // Once the queue is back, the next request queues a new scan.
      expect((await enqueueScan(t.db, p.queues, r.id, "manual")).created).toBe(true);
    } finally {
      await down.close();
    }
  });
});
