/**
 * A push scan scans the pushed commit: by the time the worker clones, the branch may have moved on, and the
 * status the forge gets must be about the commit that was pushed.
 */
import { describe, expect, it } from "vitest";
import { registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { runScan } from "../../lib/scan/pipeline.ts";
import { TestRepo } from "../support/git.ts";
import { usePipelineTest } from "../support/pipeline.ts";

const p = usePipelineTest("pushed-commit");
const { t, work } = p;

async function scanAt(repositoryId: string, requestedSha?: string) {
  const { scan } = await enqueueScan(t.db, p.queues, repositoryId, "push", undefined, { requestedSha });
  const outcome = await runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: true }, scan.id, {
    number: 1,
    max: 1,
  });
  return { outcome, scan: await t.db.scan.findUniqueOrThrow({ where: { id: scan.id } }) };
}

describe("a push scan", () => {
  const repo = new TestRepo(work.path("svc"));
  let repositoryId: string;
  let pushed: string;
  let later: string;

  it("scans the pushed commit, not the branch's later head", async () => {
    pushed = repo.write("app.py", "eval(user_input)\n").commit("the pushed commit: an eval");
    later = repo.write("app.py", "print('fixed')\n").commit("a later commit on the branch");
    repositoryId = (await registerRepository(t.db, { url: repo.dir, team: "ml-platform" }, true)).id;
    const { outcome, scan } = await scanAt(repositoryId, pushed);
    expect([outcome, scan.status, scan.commitSha]).toEqual(["succeeded", "succeeded", pushed]);
    const findings = await t.db.finding.findMany({ where: { repositoryId } });
    expect(findings.map((f) => [f.checkId, f.path, f.commitSha])).toEqual([["test.python.eval", "app.py", pushed]]);
  });

  it("does not scan a commit twice, and a scan without a requested commit takes the head", async () => {
    expect((await scanAt(repositoryId, pushed)).scan).toMatchObject({ status: "unchanged", commitSha: pushed });
    const head = await scanAt(repositoryId);
    expect(head.scan).toMatchObject({ status: "succeeded", commitSha: later });
    expect(await t.db.finding.findMany({ where: { repositoryId, status: "open" } })).toEqual([]);
  });

  it("scans the head, and records it, when the remote no longer serves the pushed commit", async () => {
    const gone = `${"0".repeat(39)}1`;
    const { scan } = await scanAt(repositoryId, gone);
    expect(scan.status === "succeeded" || scan.status === "unchanged").toBe(true);
    expect(scan.commitSha).toBe(later);
  });
});
