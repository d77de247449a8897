/**
 * Change scans: a pull or merge request's head scanned against its base and compared by finding fingerprint
 * (lib/engine/baseline.ts compareFindings), giving the findings the change introduces and fixes. A change scan
 * writes only its own row: the branch's findings, their statuses and events are never touched.
 *
 * Both sides are shallow clones through the hardened git of lib/git, each with the stored credential that
 * matches its URL. The head is the head branch (in the repository, or in the fork it comes from, which must be
 * on the same host); when it has moved on from the commit the webhook named, the scan is superseded (the push
 * that moved it brings its own webhook). The base is the base branch as it is when the change is scanned.
 * Only the counted findings count (code contexts and checks, lib/findings/visibility.ts), as everywhere else.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChangeScan, Db, Prisma } from "../db/client.ts";
import { credentialForGit } from "../credentials/use.ts";
import { compareFindings } from "../engine/baseline.ts";
import { scanDirectory } from "../engine/scan.ts";
import type { Finding } from "../engine/types.ts";
import { GitError, shallowClone } from "../git/git.ts";
import { CHECKOUT_PREFIX } from "../scan/checkout.ts";
import { withinDeadline } from "../scan/failure.ts";
import type { PipelineContext } from "../scan/pipeline.ts";
import { config } from "../config.ts";
import { disabledCheckIds } from "../catalogue.ts";
import { getSettings } from "../settings.ts";
import { countedContexts } from "../findings/visibility.ts";
import { localReposAllowed, parseRepoUrl, RepoUrlError } from "../repos/url.ts";
import { repositoryPolicy, severityCounts } from "../connections/policy.ts";
import type { ChangeEvent } from "../hooks/events.ts";
import type { Queues } from "../queue/queues.ts";
import { addForgeJob } from "../connections/jobs.ts";

/** Findings kept on a change scan's row for its page and the API (the counts are always complete). */
export const STORED_FINDINGS = 500;

/** What a change scan runs with: a branch scan's context, without the advisory lock, clock or precompiled rulebook. */
export type ChangeContext = Omit<PipelineContext, "databaseUrl" | "clock" | "compiled">;

export type ChangeRequestOutcome =
  | "already scanned"
  | "scan queued"
  | "ignored: archived"
  | "ignored: not from a connected organisation"
  | "ignored: the head is on another host";

/**
 * Records a change scan for the request's head commit (one per commit: a webhook redelivered or repeated for
 * the same head does not scan twice) and queues it; older queued ones of the same change are superseded.
 */
export async function requestChangeScan(
  db: Db,
  queues: Queues,
  repositoryId: string,
  e: ChangeEvent,
): Promise<{ outcome: ChangeRequestOutcome; changeScanId?: string }> {
  const repo = await db.repository.findUnique({ where: { id: repositoryId }, include: { forge: { include: { connection: true } } } });
  if (!repo || repo.archivedAt) return { outcome: "ignored: archived" };
  const link = repo.forge;
  if (!link) return { outcome: "ignored: not from a connected organisation" };
  let headCloneUrl: string | null = null;
  if (e.head.repositoryId && e.head.repositoryId !== link.forgeId) {
    // A fork: cloned from its own URL, which must be on the repository's host (nothing else is contacted).
    try {
      const fork = e.head.cloneUrl ? parseRepoUrl(e.head.cloneUrl, false) : null;
      const own = parseRepoUrl(repo.url, localReposAllowed());
      if (fork?.kind !== "https" || fork.host !== own.host || fork.port !== own.port)
        return { outcome: "ignored: the head is on another host" };
      headCloneUrl = fork.url;
    } catch (err) {
      if (err instanceof RepoUrlError) return { outcome: "ignored: the head is on another host" };
      throw err;
    }
  }
  const policy = repositoryPolicy(link.connection, link);
  const existing = await db.changeScan.findUnique({
    where: { repositoryId_number_headSha: { repositoryId, number: e.number, headSha: e.head.sha } },
    select: { id: true },
  });
  if (existing) return { outcome: "already scanned", changeScanId: existing.id };
  let row: ChangeScan;
  try {
    row = await db.changeScan.create({
      data: {
        repositoryId,
        number: e.number,
        title: e.title.slice(0, 500),
        url: e.url,
        headRef: e.head.ref,
        headSha: e.head.sha,
        headCloneUrl,
        baseRef: e.base.ref,
        baseSha: e.base.sha,
        policyMode: policy.mode,
        blockAt: policy.blockAt,
      },
    });
  } catch (err) {
    // The same head from two deliveries at once: the unique key decides.
    if ((err as { code?: string }).code === "P2002") return { outcome: "already scanned" };
    throw err;
  }
  await db.changeScan.updateMany({
    where: { repositoryId, number: e.number, id: { not: row.id }, status: "queued" },
    data: { status: "superseded", finishedAt: new Date(), failureReason: "a later push to the change is scanned instead" },
  });
  try {
    await addForgeJob(queues, { name: "change", data: { changeScanId: row.id } });
  } catch (err) {
    await db.changeScan.update({
      where: { id: row.id },
      data: { status: "failed", failureCode: "queue_unavailable", failureReason: (err as Error).message, finishedAt: new Date() },
    });
    throw err;
  }
  return { outcome: "scan queued", changeScanId: row.id };
}

export interface StoredChangeFinding {
  checkId: string;
  severity: Finding["severity"];
  path: string;
  line: number;
  message: string;
  snippet: string;
  fingerprint: string;
  context: Finding["context"];
}

const stored = (f: Finding): StoredChangeFinding => ({
  checkId: f.ruleId,
  severity: f.severity,
  path: f.path,
  line: f.line,
  message: f.message,
  snippet: f.snippet.slice(0, 2000),
  fingerprint: f.fingerprint,
  context: f.context,
});

/** A change scan past its time limit fails as a clone past its own does: a permanent `timeout`. */
const withinTimeout = <T>(ms: number, work: Promise<T>) => withinDeadline(ms, work, (message) => new GitError("timeout", message));

export type ChangeRunOutcome = "succeeded" | "superseded" | "skipped";

/**
 * Runs one change scan. Resolves when it is finished (or was already); a failure that will not pass is
 * recorded and resolves too; one a retry may get past (network, database) is rethrown with the row back to
 * queued, unless this was the last attempt.
 */
export async function runChangeScan(
  ctx: ChangeContext,
  id: string,
  attempt: { number: number; max: number } = { number: 1, max: 1 },
): Promise<ChangeRunOutcome | "failed"> {
  const { db } = ctx;
  const log = ctx.log ?? (() => undefined);
  const cs = await db.changeScan.findUnique({
    where: { id },
    include: { repository: { include: { forge: { include: { connection: true } } } } },
  });
  if (!cs || (cs.status !== "queued" && cs.status !== "running")) return "skipped";
  const newer = await db.changeScan.count({ where: { repositoryId: cs.repositoryId, number: cs.number, queuedAt: { gt: cs.queuedAt } } });
  if (newer) {
    await db.changeScan.update({
      where: { id },
      data: { status: "superseded", finishedAt: new Date(), failureReason: "a later push to the change is scanned instead" },
    });
    return "superseded";
  }
  const repo = cs.repository;
  await db.changeScan.update({ where: { id }, data: { status: "running", startedAt: new Date(), failureCode: null, failureReason: null } });
  let dir: string | undefined;
  try {
    const cfg = config();
    const allowLocal = ctx.allowLocalRepos ?? localReposAllowed();
    const timeoutMs = ctx.cloneTimeoutMs ?? cfg.cloneTimeoutMs;
    const maxBytes = ctx.maxRepoBytes ?? cfg.maxRepoBytes;
    // Named as the pipeline's checkouts are, so a killed worker's is swept the same way (removeOrphanedCheckouts).
    dir = await mkdtemp(join(ctx.workRoot ?? tmpdir(), `${CHECKOUT_PREFIX}${process.pid}-`));
    const headUrl = cs.headCloneUrl ?? repo.url;
    const baseCred = await credentialForGit(db, repo.url, { forge: ctx.forge });
    const headCred = cs.headCloneUrl ? await credentialForGit(db, cs.headCloneUrl, { forge: ctx.forge }) : baseCred;
    const headSha = await shallowClone(headUrl, cs.headRef, join(dir, "head"), {
      timeoutMs,
      maxBytes,
      allowLocal,
      credential: headCred?.git,
      tmpRoot: ctx.workRoot,
    });
    await headCred?.report("ok");
    if (headSha !== cs.headSha) {
      await db.changeScan.update({
        where: { id },
        data: {
          status: "superseded",
          finishedAt: new Date(),
          failureReason: `the change's head moved on to ${headSha.slice(0, 12)} before it was cloned; that push is scanned instead`,
        },
      });
      return "superseded";
    }
    const baseSha = await shallowClone(repo.url, cs.baseRef, join(dir, "base"), {
      timeoutMs,
      maxBytes,
      allowLocal,
      credential: baseCred?.git,
      tmpRoot: ctx.workRoot,
    });
    if (!cs.headCloneUrl) await baseCred?.report("ok");

    const disabled = await disabledCheckIds(db);
    const checks = ctx.rulebook.checks.filter((c) => !disabled.has(c.id));
    const settings = await getSettings(db);
    const counted = new Set<string>(countedContexts(settings));
    const scanMs = ctx.scanTimeoutMs ?? cfg.scanTimeoutMs;
    // The org's refusals hold for a change too: a comment added in a pull request does not hide a refused finding.
    const opts = { checks, refuseSuppressions: settings.refuseSuppressions };
    const [base, head] = [
      await withinTimeout(scanMs, scanDirectory(join(dir, "base"), opts)),
      await withinTimeout(scanMs, scanDirectory(join(dir, "head"), opts)),
    ];
    const keep = (fs: Finding[]) => fs.filter((f) => counted.has(f.context));
    const change = compareFindings(keep(base.findings), keep(head.findings));
    const link = repo.forge;
    const policy = link ? repositoryPolicy(link.connection, link) : { mode: cs.policyMode, blockAt: cs.blockAt };
    await db.changeScan.update({
      where: { id },
      data: {
        status: "succeeded",
        baseSha,
        introduced: change.introduced.length,
        fixed: change.fixed.length,
        unchanged: change.unchanged.length,
        introducedCounts: severityCounts(change.introduced) as unknown as Prisma.InputJsonValue,
        introducedFindings: change.introduced.slice(0, STORED_FINDINGS).map(stored) as unknown as Prisma.InputJsonValue,
        fixedFindings: change.fixed.slice(0, STORED_FINDINGS).map(stored) as unknown as Prisma.InputJsonValue,
        policyMode: policy.mode,
        blockAt: policy.blockAt,
        finishedAt: new Date(),
      },
    });
    log("change scan succeeded", {
      changeScanId: id,
      repository: repo.name,
      number: cs.number,
      introduced: change.introduced.length,
      fixed: change.fixed.length,
    });
    return "succeeded";
  } catch (e) {
    const git = e instanceof GitError ? e : null;
    const final = (git?.permanent ?? false) || attempt.number >= attempt.max;
    const reason = git ? git.message : "an internal error stopped the change scan";
    log(final ? "change scan failed" : "change scan attempt failed, will retry", {
      changeScanId: id,
      code: git?.code ?? "internal_error",
      ...(git?.detail ? { detail: git.detail } : {}),
    });
    await db.changeScan
      .update({
        where: { id },
        data: final
          ? { status: "failed", failureCode: git?.code ?? "internal_error", failureReason: reason, finishedAt: new Date() }
          : {
              status: "queued",
              failureCode: git?.code ?? "internal_error",
              failureReason: `attempt ${attempt.number} of ${attempt.max} failed (${reason}); retrying`,
            },
      })
      .catch(() => undefined);
    if (final) return "failed";
    throw e;
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
