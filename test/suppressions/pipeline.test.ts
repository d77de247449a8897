/**
 * Issue 16 §3 through the worker's pipeline, with real git and PostgreSQL: a scan stores the repository's
 * suppressions and exclusions with their authors from git blame (of history fetched past the depth-1 clone),
 * replaces them at the next scan, and a refusal setting keeps refused findings open, marked not honoured, even
 * for a commit scanned before.
 */
import { describe, expect, it } from "vitest";
import { SYSTEM } from "../../lib/audit.ts";
import { ORG_WIDE } from "../../lib/findings/visibility.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { runScan } from "../../lib/scan/pipeline.ts";
import { updateSuppressionSettings } from "../../lib/settings.ts";
import {
  listSuppressions,
  refusedSuppressionOf,
  suppressionFilters,
  suppressionPage,
  suppressionViewParams,
} from "../../lib/suppressions/queries.ts";
import { exportSuppressions, suppressionsToCsv } from "../../lib/suppressions/export.ts";
import { TestRepo } from "../support/git.ts";
import { usePipelineTest } from "../support/pipeline.ts";

const p = usePipelineTest("suppr");
const { t, work } = p;

async function scan(repositoryId: string) {
  const { scan } = await enqueueScan(t.db, p.queues, repositoryId, "manual");
  const outcome = await runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: true }, scan.id, {
    number: 1,
    max: 1,
  });
  return { outcome, scanId: scan.id };
}

const rows = (repositoryId: string) =>
  t.db.codeSuppression.findMany({ where: { repositoryId }, orderBy: [{ kind: "asc" }, { path: "asc" }, { line: "asc" }] });

describe("suppressions through the pipeline", () => {
  it("stores suppressions and exclusions with git blame's authors, replaces them each scan, and refuses by severity", async () => {
    const repo = new TestRepo(work.path("svc"));
    // Alice writes the suppressions; later commits by others leave those lines alone.
    repo.git("config", "user.name", "Alice Example");
    repo.git("config", "user.email", "alice@example.test");
    repo
      .write(
        "svc.py",
        "def a(x):\n    return eval(x)  # posture: ignore[test.python.eval] x is our own config\n\ndef b(y):\n    # posture: ignore[test.python.eval]\n    return eval(y)\n",
      )
      .write(".posture.yaml", "exclude:\n  - path: vendor/**\n    reason: upstream code\n")
      .write("vendor/v.py", "eval(1)\n")
      .commit("suppress");
    repo.git("config", "user.name", "Dev");
    repo.git("config", "user.email", "dev@example.test");
    repo.write("other.py", "x = 1\n").commit("unrelated");
    const registered = await registerRepository(t.db, { url: repo.dir, team: "platform" }, true);

    const first = await scan(registered.id);
    expect(first.outcome).toBe("succeeded");
    const stored = await rows(registered.id);
    expect(stored.map((r) => [r.kind, r.checkId, r.path, r.line, r.findingLine, r.reason, r.severity, r.honoured, r.authorName])).toEqual([
      ["inline", "test.python.eval", "svc.py", 2, 2, "x is our own config", "high", true, "Alice Example"],
      ["inline", "test.python.eval", "svc.py", 5, 6, null, "high", true, "Alice Example"],
      ["exclusion", null, "vendor/**", 2, null, "upstream code", null, true, "Alice Example"],
    ]);
    expect(stored.every((r) => r.authorEmail === "alice@example.test" && r.authoredAt && r.scanId === first.scanId)).toBe(true);
    // Nothing suppressed is a finding.
    expect(await t.db.finding.count({ where: { repositoryId: registered.id, status: "open" } })).toBe(0);

    // The org stops honouring suppressions of high findings: the same commit is scanned again, not "unchanged".
    await updateSuppressionSettings(t.db, SYSTEM, { refuseSuppressions: ["high"] });
    expect(await t.db.auditLog.count({ where: { action: "settings.suppressions" } })).toBe(1);
    const second = await scan(registered.id);
    expect(second.outcome).toBe("succeeded");
    const refused = await rows(registered.id);
    expect(refused.filter((r) => r.kind === "inline").map((r) => [r.line, r.honoured])).toEqual([
      [2, false],
      [5, false],
    ]);
    const open = await t.db.finding.findMany({ where: { repositoryId: registered.id, status: "open" }, orderBy: { line: "asc" } });
    expect(open.map((f) => [f.checkId, f.line])).toEqual([
      ["test.python.eval", 2],
      ["test.python.eval", 6],
    ]);
    // The finding's page says what the code asked for.
    expect(await refusedSuppressionOf(t.db, open[0]!)).toEqual({ line: 2, reason: "x is our own config", authorName: "Alice Example" });
    expect(await refusedSuppressionOf(t.db, { repositoryId: registered.id, fingerprint: "nope" })).toBeNull();
    // The page links a refused suppression to the finding it left open, and counts what it lists.
    const page = await suppressionPage(t.db, suppressionViewParams.parse({ honoured: "no" }), ORG_WIDE);
    expect(page.summary).toEqual({ total: 2, noReason: 1, notHonoured: 2 });
    expect(page.rows.map((r) => r.findingId).sort()).toEqual(open.map((f) => f.id).sort());
    expect((await suppressionPage(t.db, suppressionViewParams.parse({ reason: "missing" }), ORG_WIDE)).rows.map((r) => r.line)).toEqual([
      5,
    ]);
    expect((await suppressionPage(t.db, suppressionViewParams.parse({ kind: "exclusion" }), ORG_WIDE)).rows.map((r) => r.path)).toEqual([
      "vendor/**",
    ]);
    // With the same setting and commit, the next scan is unchanged again.
    expect((await scan(registered.id)).outcome).toBe("unchanged");

    // Honoured again, the findings are fixed by the next scan; a removed comment leaves the list.
    await updateSuppressionSettings(t.db, SYSTEM, { refuseSuppressions: [] });
    repo.write("svc.py", "def a(x):\n    return eval(x)  # posture: ignore[test.python.eval] x is our own config\n").commit("drop b");
    expect((await scan(registered.id)).outcome).toBe("succeeded");
    expect((await rows(registered.id)).map((r) => [r.kind, r.line, r.honoured])).toEqual([
      ["inline", 2, true],
      ["exclusion", 2, true],
    ]);
    expect(await t.db.finding.count({ where: { repositoryId: registered.id, status: "open" } })).toBe(0);

    // The CSV has a header and one line per row, with formula-looking text guarded.
    const { csv, truncated } = await exportSuppressions(t.db, {}, ORG_WIDE);
    const lines = csv.trimEnd().split("\r\n");
    expect([lines[0]!.split(",").slice(0, 3), lines.length, truncated]).toEqual([["repository", "team", "kind"], 3, false]);
    expect(lines[1]).toContain("x is our own config");
    expect(
      suppressionsToCsv([{ ...(await listSuppressions(t.db, suppressionFilters.parse({}), ORG_WIDE)).items[0]!, reason: "=HYPERLINK(1)" }]),
    ).toContain("'=HYPERLINK(1)");
    // The API's paging walks the same rows.
    const one = await listSuppressions(t.db, suppressionFilters.parse({ limit: "1" }), ORG_WIDE);
    expect(one.items).toHaveLength(1);
    const rest = await listSuppressions(t.db, suppressionFilters.parse({ limit: "1", cursor: one.nextCursor! }), ORG_WIDE);
    expect([rest.items.length, rest.nextCursor]).toEqual([1, null]);
    expect(() => suppressionFilters.parse({ sort: "x" })).toThrow();
    await expect(listSuppressions(t.db, suppressionFilters.parse({ cursor: "nonsense" }), ORG_WIDE)).rejects.toThrow(/cursor/);
  });
});
