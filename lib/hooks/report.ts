/**
 * A push scan's result on the forge: one commit status ("posture") on the pushed commit, with what is open on
 * the branch at that commit (the counted findings, as the grade counts them), what the push changed, and a link
 * to the repository's page. The connection's policy (or the repository's override) decides: monitor posts
 * nothing, comment posts a passing status, block fails it when the push introduced a finding at or above the
 * policy's severity. A failed scan posts an error status with its reason. What was posted, or why nothing
 * was, is kept on the scan (Scan.forgeResult).
 */
import type { Db, Severity } from "../db/client.ts";
import { config } from "../config.ts";
import { ForgeError } from "../forge/errors.ts";
import type { CommitState } from "../forge/types.ts";
import type { HttpOptions } from "../forge/http.ts";
import { OPEN_STATUSES } from "../findings/status.ts";
import { countedWhere, loadVisibility, ORG_WIDE } from "../findings/visibility.ts";
import { clientFor } from "../connections/client.ts";
import { repositoryPolicy, verdict, type SeverityCounts } from "../connections/policy.ts";
import { pushStatusDescription, STATUS_CONTEXT } from "../changes/render.ts";

export interface ReportOptions {
  http?: HttpOptions;
  /** The dashboard's address for the status's link (default POSTURE_PUBLIC_URL). */
  publicUrl?: string | null;
}

const zero = (): SeverityCounts => ({ critical: 0, high: 0, medium: 0, low: 0 });

/** The repository as the forge's status API names it: owner/name on GitHub, the project id on GitLab. */
export function forgeRepoRef(forge: "github" | "gitlab", link: { fullName: string; forgeId: string }): string {
  return forge === "github" ? link.fullName : link.forgeId;
}

/** Transient failures are retried by the queue; the others are recorded and final. */
export function retryable(e: unknown): boolean {
  return (
    e instanceof ForgeError && (e.code === "rate_limited" || e.code === "network" || e.code === "timeout" || e.code === "server_error")
  );
}

export async function reportPushScan(db: Db, scanId: string, sha: string, opts: ReportOptions = {}): Promise<string> {
  const scan = await db.scan.findUnique({
    where: { id: scanId },
    include: { repository: { include: { forge: { include: { connection: true } } } } },
  });
  const link = scan?.repository.forge;
  if (!scan || !link) return "not posted: the repository is not from a connected organisation";
  const record = async (result: string) => {
    await db.scan.update({ where: { id: scan.id }, data: { forgeResult: result.slice(0, 500) } });
    return result;
  };
  const c = link.connection;
  const policy = repositoryPolicy(c, link);
  if (policy.mode === "monitor") return record("not posted: the policy is monitor (record only)");
  if (scan.status !== "failed" && scan.commitSha !== sha)
    return record(
      `not posted for ${sha.slice(0, 12)}: the branch had moved on to ${scan.commitSha?.slice(0, 12) ?? "another commit"}, which was scanned instead`,
    );
  const publicUrl = opts.publicUrl === undefined ? config().publicUrl : opts.publicUrl;
  const targetUrl = publicUrl ? `${publicUrl}/repositories/${scan.repositoryId}` : undefined;

  let state: CommitState;
  let description: string;
  if (scan.status === "failed") {
    state = "error";
    description = `The scan failed: ${scan.failureReason ?? "unknown reason"}`;
  } else {
    // The forge sees what the system sees: the commit status is about this one repository.
    const visibility = await loadVisibility(db, ORG_WIDE);
    const open = zero();
    for (const g of await db.finding.groupBy({
      by: ["severity"],
      where: { repositoryId: scan.repositoryId, status: { in: [...OPEN_STATUSES] }, ...countedWhere(visibility) },
      _count: { _all: true },
    }))
      open[g.severity] = g._count._all;
    // What this push brought: findings first seen by this scan, and those it reopened.
    const introduced = zero();
    const severities: Severity[] =
      scan.status === "succeeded"
        ? [
            ...(
              await db.finding.findMany({
                where: { repositoryId: scan.repositoryId, firstScanId: scan.id, ...countedWhere(visibility) },
                select: { severity: true },
              })
            ).map((f) => f.severity),
            ...(
              await db.findingEvent.findMany({
                where: { scanId: scan.id, type: "reopened", finding: countedWhere(visibility) },
                select: { finding: { select: { severity: true } } },
              })
            ).map((e) => e.finding.severity),
          ]
        : [];
    for (const s of severities) introduced[s]++;
    const v = verdict(policy, introduced);
    state = v.state;
    description = pushStatusDescription(
      open,
      { introduced: severities.length, fixed: scan.status === "succeeded" ? scan.findingsFixed : 0 },
      v,
      policy,
    );
  }
  try {
    const { client } = await clientFor(db, c, { http: opts.http });
    await client.setCommitStatus({ repo: forgeRepoRef(c.forge, link), sha, state, context: STATUS_CONTEXT, description, targetUrl });
  } catch (e) {
    await record(`not posted: ${e instanceof Error ? e.message : "an internal error"}`);
    if (retryable(e)) throw e;
    return `not posted`;
  }
  return record(`status ${state} posted: ${description}`);
}
