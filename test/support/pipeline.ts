import { Redis } from "ioredis";
import { beforeAll } from "vitest";
import { syncCatalogue } from "../../lib/catalogue.ts";
import { loadRulebook, type Rulebook } from "../../lib/engine/rulebook.ts";
import { createQueues, type Queues } from "../../lib/queue/queues.ts";
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
  const p = { t, prefix, work: scratch(), rulesDir: rules.root, rulebook: undefined as unknown as Rulebook, queues: undefined as unknown as Queues };
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
