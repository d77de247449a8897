/** Repository writes from the dashboard: register (one or many), scan now, rescan all, archive and restore. */
import { z } from "zod";
import { credentialFor } from "../credentials/queries.ts";
import {
  archiveRepository,
  restoreRepository,
  firstScan,
  registerBulk,
  registerBulkInput,
  registerRepository,
  registerRepositoryInput,
} from "../repos/service.ts";
import type { Repository } from "../db/client.ts";
import { enqueueScan, requestRescanAll } from "../scan/enqueue.ts";
import { ActionError, defineAction } from "./define.ts";
import { requireRepository } from "./scope.ts";

/** Empty form fields mean "not given". */
const blankToUndefined = (v: unknown) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => !(typeof x === "string" && x.trim() === "")));
};

const repositoryId = z.object({ repositoryId: z.string().trim().min(1, "a repository is required").max(64) });

export const registerRepositoryAction = defineAction({
  name: "repositories.register",
  permission: "repositories:register",
  input: z.preprocess(blankToUndefined, registerRepositoryInput),
  run: async ({ db, actor, queues, user }, input) => {
    const repo = await registerRepository(db, input, undefined, actor, user.access);
    // Registration stands even when the queue is down; the warning says the first scan did not start.
    const scan = await firstScan(db, queues(), repo.id, actor);
    // Which stored credential the worker will clone it with (none: anonymously).
    const credential = await credentialFor(db, repo.url);
    return { repositoryId: repo.id, name: repo.name, scanId: scan.scanId ?? null, warning: scan.error?.message ?? null, credential };
  },
});

export const registerBulkAction = defineAction({
  name: "repositories.register-bulk",
  permission: "repositories:register",
  input: z.preprocess(blankToUndefined, registerBulkInput),
  run: async ({ db, actor, queues, user }, input) => {
    const registered = await registerBulk(db, queues(), input, undefined, actor, user.access);
    if (registered.length === 0) throw new ActionError("no URLs given (one a line; blank lines and # comments are ignored)", "urls");
    const results = await Promise.all(registered.map(async (r) => (r.ok ? { ...r, credential: await credentialFor(db, r.url) } : r)));
    return { results, registered: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length };
  },
});

export const scanNowAction = defineAction({
  name: "scans.trigger",
  permission: "scans:trigger",
  input: repositoryId,
  run: async ({ db, actor, queues, user }, { repositoryId }) => {
    await requireRepository(db, user, repositoryId);
    const { scan, created } = await enqueueScan(db, queues(), repositoryId, "manual", actor);
    return { scanId: scan.id, created };
  },
});

export const rescanAllAction = defineAction({
  name: "scans.rescan-all",
  permission: "scans:rescan-all",
  input: z.object({}).passthrough(),
  run: async ({ db, actor, queues }) => requestRescanAll(db, queues(), actor),
});

/** Archiving or restoring a repository in the user's scope, answered with what the page shows of it. */
function archivalAction<R>(name: string, change: typeof archiveRepository, answer: (repo: Repository) => R) {
  return defineAction({
    name,
    // Whoever may archive may undo it.
    permission: "repositories:archive",
    input: repositoryId,
    run: async ({ db, actor, user }, { repositoryId }) => {
      await requireRepository(db, user, repositoryId);
      const repo = await change(db, repositoryId, actor);
      if (!repo) throw new ActionError("no such repository");
      return answer(repo);
    },
  });
}

export const archiveRepositoryAction = archivalAction("repositories.archive", archiveRepository, (repo) => ({
  repositoryId: repo.id,
  name: repo.name,
  archivedAt: repo.archivedAt,
}));

export const restoreRepositoryAction = archivalAction("repositories.restore", restoreRepository, (repo) => ({
  repositoryId: repo.id,
  name: repo.name,
}));

export const repositoriesActions = [
  registerRepositoryAction,
  registerBulkAction,
  scanNowAction,
  rescanAllAction,
  archiveRepositoryAction,
  restoreRepositoryAction,
];
