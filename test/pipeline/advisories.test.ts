/**
 * Advisory findings through the product: a repository's vulnerable pin scanned by the pipeline into PostgreSQL,
 * under the catalogue's new policy, at the advisory's severity, and the same finding across rescans while the
 * version moves inside the affected range (fingerprint: package + advisory + manifest), fixed when it leaves it.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { latestAdvisoriesNotReached } from "../../lib/repos/queries.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { runScan } from "../../lib/scan/pipeline.ts";
import { TestRepo } from "../support/git.ts";
import { usePipelineTest, useRealRules } from "../support/pipeline.ts";

const p = usePipelineTest("advisories");
const { t, work } = p;
// the bundled advisory set, not an installation's own imports
useRealRules(p, ["advisories", "ml-serving/dependency-advisories.policy.yaml"], (src) => !src.includes(join("advisories", "local")));

async function scan(repositoryId: string) {
  const { scan } = await enqueueScan(t.db, p.queues, repositoryId, "manual");
  expect(await runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: true }, scan.id, { number: 1, max: 3 })).toBe(
    "succeeded",
  );
  return t.db.scan.findUniqueOrThrow({ where: { id: scan.id } });
}

const findings = (repositoryId: string) =>
  t.db.finding.findMany({ where: { repositoryId }, orderBy: { message: "asc" }, include: { events: { orderBy: { createdAt: "asc" } } } });
const advisory = (message: string) => /affected by (\S+)/.exec(message)![1];

describe("advisory findings across scans", () => {
  const repo = new TestRepo(work.path("svc"));
  let repositoryId: string;

  it("stores a vulnerable pin under the new policy at its advisory's severity", async () => {
    repo.write("serve/requirements.txt", "fastapi==0.115.4\ntorch==2.5.1\n").commit("serve torch");
    repositoryId = (await registerRepository(t.db, { url: repo.dir, team: "ml-platform" }, true)).id;
    expect(await scan(repositoryId)).toMatchObject({ status: "succeeded", findingsNew: 2, findingsPresent: 2 });
    const fs = await findings(repositoryId);
    expect(fs.map((f) => [advisory(f.message), f.status, f.severity, f.checkId, f.policyId, f.framework, f.path, f.line])).toEqual([
      [
        "CVE-2025-32434",
        "open",
        "critical",
        "ml-serving.dependency.vulnerable-version",
        "ml-serving/dependency-advisories",
        "ml_serving",
        "serve/requirements.txt",
        2,
      ],
      [
        "CVE-2026-24747",
        "open",
        "high",
        "ml-serving.dependency.vulnerable-version",
        "ml-serving/dependency-advisories",
        "ml_serving",
        "serve/requirements.txt",
        2,
      ],
    ]);
    const policy = await t.db.policy.findUniqueOrThrow({ where: { id: "ml-serving/dependency-advisories" }, include: { checks: true } });
    expect([policy.title, policy.checks.map((c) => c.id).sort()]).toEqual([
      "ML-serving dependencies have no known vulnerabilities",
      ["ml-serving.dependency.range-admits-critical", "ml-serving.dependency.vulnerable-version"],
    ]);
  });

  it("keeps the same findings when the pin moves within the range and the line moves", async () => {
    const before = await findings(repositoryId);
    repo
      .write(
        "serve/requirements.txt",
        "# CUDA 12.1 wheels\n--extra-index-url https://download.pytorch.org/whl/cu121\nfastapi==0.115.4\ntorch==2.5.0\n",
      )
      .commit("older torch for the driver");
    expect(await scan(repositoryId)).toMatchObject({ findingsNew: 0, findingsFixed: 0, findingsPresent: 2 });
    const after = await findings(repositoryId);
    expect(after.map((f) => [f.id, f.fingerprint, f.status, f.line])).toEqual(before.map((f) => [f.id, f.fingerprint, "open", 4]));
    expect(after[0]!.message).toContain("torch 2.5.0 is affected by CVE-2025-32434");
  });

  it("fixes the advisory the upgrade leaves behind and keeps the one it does not", async () => {
    repo.write("serve/requirements.txt", "fastapi==0.115.4\ntorch==2.9.1\n").commit("torch 2.9");
    expect(await scan(repositoryId)).toMatchObject({ findingsNew: 0, findingsFixed: 1, findingsPresent: 1 });
    const fs = await findings(repositoryId);
    expect(fs.map((f) => [advisory(f.message), f.status, f.events.map((e) => e.type).join()])).toEqual([
      ["CVE-2025-32434", "fixed", "detected,fixed"],
      ["CVE-2026-24747", "open", "detected"],
    ]);
  });

  it("reports a range lower than the pin, and nothing once it excludes every critical release", async () => {
    repo.write("serve/requirements.txt", "fastapi==0.115.4\ntorch>=2.4\n").commit("let pip choose torch");
    expect(await scan(repositoryId)).toMatchObject({ findingsNew: 1, findingsFixed: 1, findingsPresent: 1 });
    const open = (await findings(repositoryId)).filter((f) => f.status === "open");
    expect(open.map((f) => [f.checkId, f.severity, f.message.slice(0, 66)])).toEqual([
      ["ml-serving.dependency.range-admits-critical", "medium", "torch>=2.4 admits torch >=2.4,<2.6.0, affected by CVE-2025-32434 /"],
    ]);
    repo.write("serve/requirements.txt", "fastapi==0.115.4\ntorch>=2.10\n").commit("torch 2.10");
    expect(await scan(repositoryId)).toMatchObject({ findingsNew: 0, findingsFixed: 1, findingsPresent: 0 });
  });

  it("keeps the affected versions no code reaches with the scan, for the repository page, and none once reached", async () => {
    repo
      .write("serve/requirements.txt", "fastapi==0.115.4\ntransformers==4.35.2\n")
      .write("serve/app.py", "from transformers import BertModel\nmodel = BertModel.from_pretrained('bert-base-uncased')\n")
      .commit("a BERT service");
    expect(await scan(repositoryId)).toMatchObject({ status: "succeeded", findingsPresent: 0 });
    const listed = await latestAdvisoriesNotReached(t.db, repositoryId);
    expect(listed?.truncated).toBe(false);
    expect(listed?.entries.map((n) => [n.path, n.line, n.package, n.declared, n.advisory, n.severity])).toEqual([
      ["serve/requirements.txt", 2, "transformers", "4.35.2", "CVE-2023-6730", "critical"],
      ["serve/requirements.txt", 2, "transformers", "4.35.2", "CVE-2023-7018", "critical"],
    ]);
    repo
      .write("serve/app.py", "from transformers import RagRetriever\nr = RagRetriever.from_pretrained('facebook/rag-token-nq')\n")
      .commit("RAG");
    expect(await scan(repositoryId)).toMatchObject({ findingsNew: 1, findingsPresent: 1 });
    expect((await latestAdvisoriesNotReached(t.db, repositoryId))?.entries.map((n) => n.advisory)).toEqual(["CVE-2023-7018"]);
  });
});
