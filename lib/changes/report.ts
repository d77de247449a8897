/**
 * A change scan's result on the forge, by its policy (lib/connections/policy.ts): a commit status on the
 * change's head commit with the counts and a link to the change scan in Posture, and the change's one comment
 * listing the new findings, created on the first push and updated in place on every later one (lib/forge
 * upsertComment finds it by its marker and its author). Only the newest scan of a change writes the comment,
 * so a slow older one cannot overwrite a newer result. What was done is kept on the row (forgeResult).
 */
import type { Db } from "../db/client.ts";
import { config } from "../config.ts";
import type { HttpOptions } from "../forge/http.ts";
import { clientFor } from "../connections/client.ts";
import { verdict, type SeverityCounts } from "../connections/policy.ts";
import { forgeRepoRef, retryable } from "../hooks/report.ts";
import { changeComment, changeStatusDescription, COMMENT_MARKER, STATUS_CONTEXT, type RenderedFinding } from "./render.ts";

export function changeScanPath(repositoryId: string, changeScanId: string): string {
  return `/repositories/${repositoryId}/changes/${changeScanId}`;
}

const counts = (v: unknown): SeverityCounts => {
  const o = (v ?? {}) as Partial<SeverityCounts>;
  return { critical: Number(o.critical ?? 0), high: Number(o.high ?? 0), medium: Number(o.medium ?? 0), low: Number(o.low ?? 0) };
};

export async function reportChangeScan(db: Db, id: string, opts: { http?: HttpOptions; publicUrl?: string | null } = {}): Promise<string> {
  const cs = await db.changeScan.findUnique({
    where: { id },
    include: { repository: { include: { forge: { include: { connection: true } } } } },
  });
  const link = cs?.repository.forge;
  if (!cs || !link) return "not posted: not from a connected organisation";
  if (cs.status !== "succeeded" && cs.status !== "failed") return `not posted: the change scan is ${cs.status}`;
  const record = async (data: { forgeResult: string; commentId?: string }) => {
    await db.changeScan.update({ where: { id }, data: { ...data, forgeResult: data.forgeResult.slice(0, 500) } });
    return data.forgeResult;
  };
  const policy = { mode: cs.policyMode, blockAt: cs.blockAt };
  if (policy.mode === "monitor") return record({ forgeResult: "recorded only: the policy is monitor" });
  const publicUrl = opts.publicUrl === undefined ? config().publicUrl : opts.publicUrl;
  const link_ = publicUrl ? `${publicUrl}${changeScanPath(cs.repositoryId, cs.id)}` : undefined;
  const c = link.connection;
  const repo = forgeRepoRef(c.forge, link);
  try {
    const { client, author } = await clientFor(db, c, { http: opts.http });
    if (cs.status === "failed") {
      await client.setCommitStatus({
        repo,
        sha: cs.headSha,
        state: "error",
        context: STATUS_CONTEXT,
        description: `The change scan failed: ${cs.failureReason ?? "unknown reason"}`,
        targetUrl: link_,
      });
      return record({ forgeResult: "status error posted" });
    }
    const introduced = counts(cs.introducedCounts);
    const v = verdict(policy, introduced);
    await client.setCommitStatus({
      repo,
      sha: cs.headSha,
      state: v.state,
      context: STATUS_CONTEXT,
      description: changeStatusDescription(policy, v, introduced, cs.fixed),
      targetUrl: link_,
    });
    const newest = await db.changeScan.findFirst({
      where: { repositoryId: cs.repositoryId, number: cs.number },
      orderBy: { queuedAt: "desc" },
      select: { id: true },
    });
    if (newest?.id !== cs.id)
      return record({ forgeResult: `status ${v.state} posted; the comment is left to the newer scan of this change` });
    const findings = (Array.isArray(cs.introducedFindings) ? cs.introducedFindings : []) as unknown as RenderedFinding[];
    const body = changeComment({
      policy,
      verdict: v,
      introduced: findings,
      introducedCounts: introduced,
      fixed: cs.fixed,
      unchanged: cs.unchanged,
      headSha: cs.headSha,
      baseRef: cs.baseRef,
      link: link_,
    });
    const comment = await client.upsertComment({ repo, number: cs.number, marker: COMMENT_MARKER, body, author: await author() });
    return record({ forgeResult: `status ${v.state} posted; comment ${comment.created ? "created" : "updated"}`, commentId: comment.id });
  } catch (e) {
    await record({ forgeResult: `not posted: ${e instanceof Error ? e.message : "an internal error"}` });
    if (retryable(e)) throw e;
    return "not posted";
  }
}
