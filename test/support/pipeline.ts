import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Redis } from "ioredis";
import { beforeAll } from "vitest";
import { syncCatalogue } from "../../lib/catalogue.ts";
import { loadRulebook, type Rulebook } from "../../lib/engine/rulebook.ts";
import { createQueues, type Queues } from "../../lib/queue/queues.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { PermanentScanError } from "../../lib/scan/failure.ts";
import { runScan, type PipelineContext } from "../../lib/scan/pipeline.ts";
import { scratch, TEST_POLICY } from "../helpers.ts";
import { useTestDatabase } from "./db.ts";
import { REDIS_URL, useQueuePrefix } from "./queue.ts";

/**
 * What a pipeline test file needs: its own database and queue prefix, the small test rulebook synced into
 * the catalogue, queues, and a scratch directory for git repositories.
 */
export function usePipelineTest(label: string) {
  const t = useTestDatabase(label);
  const prefix = useQueuePrefix(label);
  const rules = scratch();
  rules.write("test.policy.yaml", TEST_POLICY);
  const p = {
    t,
    prefix,
    work: scratch(),
    rulesDir: rules.root,
    rulebook: undefined as unknown as Rulebook,
    queues: undefined as unknown as Queues,
  };
  beforeAll(async () => {
    p.rulebook = loadRulebook(rules.root);
    await syncCatalogue(t.db, p.rulebook);
    const connection = new Redis(REDIS_URL);
    p.queues = createQueues({ prefix, connection });
    return async () => {
      await p.queues.close();
      connection.disconnect();
    };
  });
  return p;
}

const RULES = join(import.meta.dirname, "..", "..", "rules");

/**
 * A pipeline test's rulebook from some of the real rule files (paths below rules/, a folder copied whole), in
 * place of the small test rulebook; rules/utils.yaml always comes along, as the policies use it.
 */
export function useRealRules(p: ReturnType<typeof usePipelineTest>, paths: readonly string[], filter?: (src: string) => boolean) {
  const rules = scratch("posture-real-rules-");
  beforeAll(async () => {
    for (const rel of ["utils.yaml", ...paths]) {
      mkdirSync(dirname(join(rules.root, rel)), { recursive: true });
      cpSync(join(RULES, rel), join(rules.root, rel), { recursive: true, ...(filter ? { filter } : {}) });
    }
    p.rulebook = loadRulebook(rules.root);
    await syncCatalogue(p.t.db, p.rulebook);
  });
}

/**
 * Queues a manual scan of the repository and runs it here, as a worker's first attempt of `max` would. A
 * permanent failure is the outcome "failed" (the error goes to `onError` first, as does any other, which is
 * rethrown). Returns the outcome and the scan row after it.
 */
export async function scanOnce(
  p: ReturnType<typeof usePipelineTest>,
  repositoryId: string,
  ctx: Omit<PipelineContext, "db" | "databaseUrl" | "rulebook">,
  opts: { max?: number; onError?: (e: unknown) => void } = {},
) {
  const { scan } = await enqueueScan(p.t.db, p.queues, repositoryId, "manual");
  let outcome: string;
  try {
    outcome = await runScan({ db: p.t.db, databaseUrl: p.t.url, rulebook: p.rulebook, ...ctx }, scan.id, { number: 1, max: opts.max ?? 1 });
  } catch (e) {
    opts.onError?.(e);
    if (!(e instanceof PermanentScanError)) throw e;
    outcome = "failed";
  }
  return { outcome, scan: await p.t.db.scan.findUniqueOrThrow({ where: { id: scan.id } }) };
}

/** The environment of a worker process (worker/index.ts) for this test file: its database, queues and rulebook, one job at a time. */
export function workerEnv(p: ReturnType<typeof usePipelineTest>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: p.t.url,
    REDIS_URL,
    POSTURE_QUEUE_PREFIX: p.prefix,
    POSTURE_RULES_DIR: p.rulesDir,
    POSTURE_ALLOW_LOCAL_REPOS: "1",
    POSTURE_WORKER_CONCURRENCY: "1",
  };
}
