/**
 * The webhook events Posture acts on, parsed with zod into one shape for both forges:
 *  - GitHub `push`, `pull_request` (opened, reopened, synchronize, ready_for_review, closed) and `ping`;
 *  - GitLab `Push Hook` and `Merge Request Hook` (open, reopen, update, close, merge).
 * Only the fields used are read; anything else in the payload is ignored. A payload that does not have the
 * fields its event must have is a HookPayloadError (the route answers 400 with the field's name).
 */
import { z } from "zod";
import type { HookForge } from "./verify.ts";

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO = /^0+$/;
const sha = z.string().regex(SHA, "is not a commit id");
const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);
const name = z.string().min(1).max(500);

export interface PushEvent {
  kind: "push";
  /** The forge's id of the repository (ForgeRepository.id). */
  repositoryId: string;
  fullName: string;
  /** The branch pushed to; null for a tag. */
  branch: string | null;
  /** The commit the branch points at after the push; null when the push deleted the branch. */
  sha: string | null;
  defaultBranch: string | null;
}

export interface ChangeEvent {
  kind: "change";
  repositoryId: string;
  fullName: string;
  /** The pull request's number or the merge request's iid. */
  number: number;
  title: string;
  url: string | null;
  /** opened: a new change or new commits on it (scan); closed: merged or closed (nothing to scan). */
  action: "scan" | "closed" | "ignored";
  draft: boolean;
  head: { ref: string; sha: string; repositoryId: string | null; cloneUrl: string | null };
  base: { ref: string; sha: string | null };
}

export type HookEvent = PushEvent | ChangeEvent | { kind: "ping" } | { kind: "unsupported"; name: string };

export class HookPayloadError extends Error {}

function parse<S extends z.ZodType>(schema: S, raw: unknown, event: string): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new HookPayloadError(`the ${event} payload is not as expected: ${issue.path.join(".") || "body"} ${issue.message}`);
}

const branchOf = (ref: string) => (ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null);

// ————————————————————————————————————————————————————————————————— GitHub

const ghRepo = z.object({ id, full_name: name, default_branch: z.string().max(255).nullish(), clone_url: z.string().max(2048).nullish() });

const ghPush = z.object({
  ref: z.string().min(1).max(1000),
  after: z.string().regex(/^[0-9a-f]{40,64}$/),
  deleted: z.boolean().default(false),
  repository: ghRepo,
});

const ghPullRequest = z.object({
  action: z.string().max(64),
  number: z.number().int().positive(),
  pull_request: z.object({
    title: z.string().max(2000).default(""),
    html_url: z.string().max(2048).nullish(),
    draft: z.boolean().default(false),
    head: z.object({ ref: z.string().min(1).max(1000), sha, repo: ghRepo.nullish() }),
    base: z.object({ ref: z.string().min(1).max(1000), sha: sha.nullish() }),
  }),
  repository: ghRepo,
});

const GITHUB_SCAN_ACTIONS = new Set(["opened", "reopened", "synchronize", "ready_for_review"]);

function github(event: string, raw: unknown): HookEvent {
  if (event === "ping") return { kind: "ping" };
  if (event === "push") {
    const p = parse(ghPush, raw, "push");
    return {
      kind: "push",
      repositoryId: p.repository.id,
      fullName: p.repository.full_name,
      branch: branchOf(p.ref),
      sha: p.deleted || ZERO.test(p.after) ? null : p.after,
      defaultBranch: p.repository.default_branch ?? null,
    };
  }
  if (event === "pull_request") {
    const p = parse(ghPullRequest, raw, "pull_request");
    const pr = p.pull_request;
    return {
      kind: "change",
      repositoryId: p.repository.id,
      fullName: p.repository.full_name,
      number: p.number,
      title: pr.title,
      url: pr.html_url ?? null,
      action: GITHUB_SCAN_ACTIONS.has(p.action) ? "scan" : p.action === "closed" ? "closed" : "ignored",
      draft: pr.draft,
      head: { ref: pr.head.ref, sha: pr.head.sha, repositoryId: pr.head.repo?.id ?? null, cloneUrl: pr.head.repo?.clone_url ?? null },
      base: { ref: pr.base.ref, sha: pr.base.sha ?? null },
    };
  }
  return { kind: "unsupported", name: event };
}

// ————————————————————————————————————————————————————————————————— GitLab

const glProject = z.object({
  id,
  path_with_namespace: name,
  default_branch: z.string().max(255).nullish(),
  git_http_url: z.string().max(2048).nullish(),
});

const glPush = z.object({
  object_kind: z.literal("push"),
  ref: z.string().min(1).max(1000),
  after: z.string().regex(/^[0-9a-f]{40,64}$/),
  checkout_sha: sha.nullish(),
  project: glProject,
});

const glMergeRequest = z.object({
  object_kind: z.literal("merge_request"),
  project: glProject,
  object_attributes: z.object({
    iid: z.number().int().positive(),
    title: z.string().max(2000).default(""),
    url: z.string().max(2048).nullish(),
    action: z.string().max(64).nullish(),
    state: z.string().max(64).nullish(),
    draft: z.boolean().nullish(),
    work_in_progress: z.boolean().nullish(),
    source_branch: z.string().min(1).max(1000),
    target_branch: z.string().min(1).max(1000),
    source_project_id: id.nullish(),
    last_commit: z.object({ id: sha }),
    source: z.object({ git_http_url: z.string().max(2048).nullish() }).nullish(),
  }),
});

const GITLAB_SCAN_ACTIONS = new Set(["open", "reopen", "update"]);

function gitlab(event: string, raw: unknown): HookEvent {
  if (event === "Push Hook") {
    const p = parse(glPush, raw, "Push Hook");
    const deleted = ZERO.test(p.after);
    return {
      kind: "push",
      repositoryId: p.project.id,
      fullName: p.project.path_with_namespace,
      branch: branchOf(p.ref),
      sha: deleted ? null : p.after,
      defaultBranch: p.project.default_branch ?? null,
    };
  }
  if (event === "Merge Request Hook") {
    const p = parse(glMergeRequest, raw, "Merge Request Hook");
    const mr = p.object_attributes;
    const action = mr.action ?? "";
    return {
      kind: "change",
      repositoryId: p.project.id,
      fullName: p.project.path_with_namespace,
      number: mr.iid,
      title: mr.title,
      url: mr.url ?? null,
      action: GITLAB_SCAN_ACTIONS.has(action) ? "scan" : action === "close" || action === "merge" ? "closed" : "ignored",
      draft: Boolean(mr.draft ?? mr.work_in_progress),
      head: {
        ref: mr.source_branch,
        sha: mr.last_commit.id,
        repositoryId: mr.source_project_id ?? p.project.id,
        cloneUrl: mr.source?.git_http_url ?? null,
      },
      base: { ref: mr.target_branch, sha: null },
    };
  }
  return { kind: "unsupported", name: event };
}

/** The event in a delivery, by the forge's event header and its JSON body. */
export function parseHookEvent(forge: HookForge, event: string, raw: unknown): HookEvent {
  return forge === "github" ? github(event, raw) : gitlab(event, raw);
}
