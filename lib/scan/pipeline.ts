/**
 * One scan of one repository: queued → cloning → scanning → saving → succeeded | failed | unchanged.
 * Knows nothing of BullMQ: the queue's processor (lib/worker/processors.ts) maps its errors to retries.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CLONE_TIMEOUT_MS, DEFAULT_MAX_REPO_BYTES, DEFAULT_SCAN_TIMEOUT_MS } from "../config.ts";
import type { Db } from "../db/client.ts";
import { disabledCheckIds } from "../catalogue.ts";
import type { CompiledRulebook } from "../engine/compile.ts";
import type { Rulebook } from "../engine/rulebook.ts";
import { scanDirectory } from "../engine/scan.ts";
import { credentialForGit, type CredentialForGit } from "../credentials/use.ts";
import type { HttpOptions } from "../forge/http.ts";
import { checkoutCommit, deepen, GitError, remoteHead, shallowClone } from "../git/git.ts";
import { CHECKOUT_PREFIX } from "./checkout.ts";
import { describeFailure, PermanentScanError, withinScanTimeout } from "./failure.ts";
import { withRepositoryLock } from "./lock.ts";
import { localReposAllowed } from "../repos/url.ts";
import { getSettings } from "../settings.ts";
import { readContexts } from "./context.ts";
import { detectFrameworks } from "../repos/frameworks.ts";
import { persistScan } from "./persist.ts";
import { BLAME_HISTORY_COMMITS, collectSuppressions, refusedIn, sameRefusal } from "../suppressions/collect.ts";

export interface PipelineContext {
  db: Db;
  /** For the per-repository advisory lock, held on a connection of its own. */
  databaseUrl: string;
  rulebook: Rulebook;
  workRoot?: string;
  cloneTimeoutMs?: number;
  /** Limit for the engine's pass over the checkout (default DEFAULT_SCAN_TIMEOUT_MS, lib/config.ts). */
  scanTimeoutMs?: number;
  maxRepoBytes?: number;
  /** Clone local paths (demo and tests); defaults to POSTURE_ALLOW_LOCAL_REPOS. */
  allowLocalRepos?: boolean;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** The time a scan records (the demo replays weeks of history); defaults to the real clock. */
  clock?: () => Date;
  /** `rulebook.checks` compiled once (compileChecks) for every scan while no check is disabled org-wide. */
  compiled?: CompiledRulebook;
  /** How a GitHub App credential's installation token is asked for (tests trust their fake forge's certificate). */
  forge?: HttpOptions;
}

const RUNNING = ["queued", "cloning", "scanning", "saving"] as const;

export interface Attempt {
  /** 1-based. */
  number: number;
  max: number;
}

/**
 * Runs the scan. Resolves when the scan is finished (succeeded, unchanged, or already finished by someone
 * else); rejects with PermanentScanError once the scan is marked failed, RepositoryBusyError to be retried
 * later, or the original error when a retry may succeed (the scan is back to `queued` until then).
 */
export async function runScan(ctx: PipelineContext, scanId: string, attempt: Attempt): Promise<"succeeded" | "unchanged" | "skipped"> {
  const { db } = ctx;
  const log = ctx.log ?? (() => undefined);
  const now = ctx.clock ?? (() => new Date());
  const scan = await db.scan.findUnique({ where: { id: scanId }, include: { repository: true } });
  if (!scan) throw new PermanentScanError(`scan ${scanId} does not exist`);
  if (!(RUNNING as readonly string[]).includes(scan.status)) return "skipped";
  const repo = scan.repository;

  return withRepositoryLock(ctx.databaseUrl, repo.id, async () => {
    let checkout: string | undefined;
    let credential: CredentialForGit | null = null;
    try {
      if (repo.archivedAt) throw new PermanentScanError("the repository is archived");
      await db.scan.update({
        where: { id: scanId },
        data: { status: "cloning", startedAt: now(), failureReason: null, failureCode: null },
      });

      const allowLocal = ctx.allowLocalRepos ?? localReposAllowed();
      // The stored credential matching the URL, opened (or minted) for this scan's git calls only.
      credential = await credentialForGit(db, repo.url, { forge: ctx.forge });
      const git = { allowLocal, credential: credential?.git, tmpRoot: ctx.workRoot };
      // A push scan is of the pushed commit, whatever the branch points at now.
      const head =
        scan.requestedSha ??
        (await remoteHead(repo.url, repo.branch, { timeoutMs: Math.min(ctx.cloneTimeoutMs ?? DEFAULT_CLONE_TIMEOUT_MS, 60_000), ...git }));
      const last = await db.scan.findFirst({
        where: { repositoryId: repo.id, status: { in: ["succeeded", "unchanged"] }, id: { not: scanId } },
        orderBy: { finishedAt: "desc" },
        select: { commitSha: true, rulebookVersion: true, stats: true },
      });
      const settings = await getSettings(db);
      // The last scan stands for this commit only if it applied the same suppression refusals (issue 16 §3).
      if (
        last &&
        last.commitSha === head &&
        last.rulebookVersion === ctx.rulebook.version &&
        sameRefusal(refusedIn(last.stats), settings.refuseSuppressions)
      ) {
        await credential?.report("ok");
        await db.scan.update({
          where: { id: scanId },
          data: { status: "unchanged", commitSha: head, rulebookVersion: ctx.rulebook.version, finishedAt: now() },
        });
        log("scan unchanged", { scanId, repository: repo.name });
        return "unchanged";
      }

      checkout = await mkdtemp(join(ctx.workRoot ?? tmpdir(), `${CHECKOUT_PREFIX}${process.pid}-`));
      const dest = join(checkout, "repo");
      const cloneOpts = {
        timeoutMs: ctx.cloneTimeoutMs ?? DEFAULT_CLONE_TIMEOUT_MS,
        maxBytes: ctx.maxRepoBytes ?? DEFAULT_MAX_REPO_BYTES,
        ...git,
      };
      let sha = await shallowClone(repo.url, repo.branch, dest, cloneOpts);
      if (scan.requestedSha && sha !== scan.requestedSha) {
        try {
          sha = await checkoutCommit(repo.url, dest, scan.requestedSha, cloneOpts);
        } catch (e) {
          // A commit the remote no longer serves (force-pushed away): the branch's head is scanned, and is what the
          // scan records; the push's status says so (lib/hooks/report.ts).
          if (!(e instanceof GitError && e.code === "not_found")) throw e;
          log("pushed commit not served; scanning the branch head", {
            scanId,
            repository: repo.name,
            requested: scan.requestedSha,
            head: sha,
          });
        }
      }
      await credential?.report("ok");

      const disabled = await disabledCheckIds(db);
      const checks = ctx.rulebook.checks.filter((c) => !disabled.has(c.id));
      await db.scan.update({ where: { id: scanId }, data: { status: "scanning", commitSha: sha } });
      let lastProgress = 0;
      const pending: Promise<unknown>[] = [];
      const result = await withinScanTimeout(
        ctx.scanTimeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS,
        scanDirectory(dest, {
          checks,
          compiled: disabled.size ? undefined : ctx.compiled,
          refuseSuppressions: settings.refuseSuppressions,
          onProgress: (done, total) => {
            const t = Date.now();
            if (t - lastProgress < 500 && done < total) return;
            lastProgress = t;
            pending.push(db.scan.update({ where: { id: scanId }, data: { filesDone: done, filesTotal: total } }).catch(() => undefined));
          },
        }),
      );
      await Promise.all(pending);
      await db.scan.update({
        where: { id: scanId },
        data: { status: "saving", filesDone: result.stats.files, filesTotal: result.stats.files },
      });

      const suppressions = await collectSuppressions(dest, sha, result, {
        // A depth-1 clone's blame knows one commit; recent history names who wrote a suppression (bounded).
        history: () => deepen(repo.url, dest, BLAME_HISTORY_COMMITS, { ...cloneOpts, timeoutMs: Math.min(cloneOpts.timeoutMs, 30_000) }),
        log: (msg, fields) => log(msg, { scanId, repository: repo.name, ...fields }),
      });
      const counts = await persistScan(db, {
        scanId,
        repositoryId: repo.id,
        commitSha: sha,
        rulebook: ctx.rulebook,
        activeCheckIds: new Set(checks.map((c) => c.id)),
        result,
        settings,
        now: ctx.clock?.(),
        // Cut now: the checkout is removed when this attempt ends.
        contexts: await readContexts(dest, result.findings),
        frameworks: detectFrameworks(dest, result),
        suppressions,
      });
      log("scan succeeded", { scanId, repository: repo.name, ...counts });
      return "succeeded";
    } catch (e) {
      const d = describeFailure(e);
      const final = d.permanent || attempt.number >= attempt.max;
      // git's own words stay here: they can describe internal hosts, so the scan's reason is the mapped one.
      const detail = e instanceof GitError && e.detail ? { detail: e.detail } : {};
      if (credential && e instanceof GitError) await credential.report(e.code);
      const used = credential ? { credential: credential.summary.name } : {};
      log(final ? "scan failed" : "scan attempt failed, will retry", {
        scanId,
        repository: repo.name,
        code: d.code,
        attempt: attempt.number,
        ...used,
        ...detail,
      });
      await db.scan
        .update({
          where: { id: scanId },
          data: final
            ? { status: "failed", failureCode: d.code, failureReason: d.reason, finishedAt: now() }
            : {
                status: "queued",
                failureCode: d.code,
                failureReason: `attempt ${attempt.number} of ${attempt.max} failed (${d.reason}); retrying`,
              },
        })
        .catch(() => undefined);
      if (final) throw new PermanentScanError(d.reason);
      throw e;
    } finally {
      if (checkout) await rm(checkout, { recursive: true, force: true });
    }
  });
}
