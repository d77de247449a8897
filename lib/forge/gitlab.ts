/**
 * GitLab's REST API v4 (gitlab.com or self-managed): the calls Posture makes, with a personal, project or
 * group access token.
 */
import { z } from "zod";
import { gitlabBase } from "./base-url.ts";
import { ForgeError } from "./errors.ts";
import { TokenClient, type TokenClientOptions } from "./http.ts";
import {
  changeCommentInput,
  checked,
  commitStatusInput,
  markerTag,
  type ChangeCommentInput,
  type CommentResult,
  type CommitState,
  type CommitStatusInput,
  type ForgeClient,
  type ForgeRepository,
} from "./types.ts";

const project = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  path_with_namespace: z.string().min(1),
  http_url_to_repo: z.string().min(1),
  ssh_url_to_repo: z.string().min(1),
  web_url: z.string().min(1),
  default_branch: z.string().nullish(),
  archived: z.boolean().default(false),
  forked_from_project: z.object({ id: z.number() }).nullish(),
  topics: z.array(z.string()).optional(),
  // GitLab before 14.0 called topics tag_list.
  tag_list: z.array(z.string()).optional(),
  visibility: z.enum(["public", "private", "internal"]),
});
const projects = z.array(project);
const note = z.object({
  id: z.number().int(),
  body: z.string().nullish(),
  system: z.boolean().default(false),
  author: z.object({ username: z.string() }).nullish(),
});

function normalise(p: z.infer<typeof project>): ForgeRepository {
  return {
    forge: "gitlab",
    id: String(p.id),
    fullName: p.path_with_namespace,
    name: p.name,
    httpsUrl: p.http_url_to_repo,
    sshUrl: p.ssh_url_to_repo,
    webUrl: p.web_url,
    defaultBranch: p.default_branch || null,
    archived: p.archived,
    fork: !!p.forked_from_project,
    topics: p.topics ?? p.tag_list ?? [],
    visibility: p.visibility,
  };
}

// A namespace path (group/subgroup, or a user), or a project path below one; a project may also be its id.
const PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}){0,20}$/;

function encodedPath(path: string, what: string): string {
  if (!PATH.test(path) || path.split("/").some((s) => s.endsWith(".git") || s.endsWith(".atom")))
    throw new ForgeError("invalid_config", `${path.slice(0, 200)} is not a GitLab ${what} path`);
  return encodeURIComponent(path);
}
const projectRef = (repo: string) => (/^\d{1,18}$/.test(repo) ? repo : encodedPath(repo, "project"));

const STATE: Record<CommitState, string> = { pending: "pending", success: "success", failure: "failed", error: "failed" };

export interface GitLabOptions extends TokenClientOptions {
  /** https://gitlab.com (default), or a self-managed GitLab's URL (its /api/v4 is added). */
  baseUrl?: string;
}

export type GitLabOwnerKind = "group" | "user";

export class GitLabClient extends TokenClient implements ForgeClient {
  readonly kind = "gitlab" as const;

  constructor(opts: GitLabOptions) {
    super(
      "GitLab",
      gitlabBase(opts.baseUrl, opts.networks),
      (token) => ({ "private-token": token }),
      {
        accept: "application/json",
        "user-agent": "posture",
      },
      opts,
    );
  }

  async currentUser(): Promise<string> {
    return (await this.http.request("/user", { schema: z.object({ username: z.string().min(1) }) })).data.username;
  }

  /** A group's projects, its subgroups' included (not those only shared with it), or a user's. */
  async listRepositories(owner: string, opts: { ownerKind?: GitLabOwnerKind } = {}): Promise<ForgeRepository[]> {
    const path = encodedPath(owner, "group or user");
    const kind =
      opts.ownerKind ??
      (await this.http.request(`/namespaces/${path}`, { schema: z.object({ kind: z.enum(["group", "user"]) }) })).data.kind;
    const query = { per_page: 100, order_by: "id", sort: "asc" };
    const list =
      kind === "group"
        ? await this.http.pages(
            `/groups/${path}/projects`,
            { ...query, include_subgroups: true, with_shared: false },
            projects,
            (d) => d,
            this.maxPages,
          )
        : await this.http.pages(`/users/${path}/projects`, query, projects, (d) => d, this.maxPages);
    return list.map(normalise);
  }

  async setCommitStatus(input: CommitStatusInput): Promise<void> {
    const s = checked(commitStatusInput, input);
    try {
      await this.http.request(`/projects/${projectRef(s.repo)}/statuses/${s.sha}`, {
        method: "POST",
        body: { state: STATE[s.state], name: s.context, description: s.description, ...(s.targetUrl ? { target_url: s.targetUrl } : {}) },
        schema: z.object({ id: z.number() }),
      });
    } catch (e) {
      // GitLab refuses to post a status in the state it already has ("Cannot transition status via :run from
      // :running"): the status says what it should.
      if (e instanceof ForgeError && e.code === "rejected" && /cannot transition status/i.test(e.message)) return;
      throw e;
    }
  }

  async upsertComment(input: ChangeCommentInput): Promise<CommentResult> {
    const c = checked(changeCommentInput, input);
    const notesPath = `/projects/${projectRef(c.repo)}/merge_requests/${c.number}/notes`;
    const tag = markerTag(c.marker);
    const body = `${tag}\n${c.body}`;
    const existing = (
      await this.http.pages(notesPath, { sort: "asc", order_by: "created_at", per_page: 100 }, z.array(note), (d) => d, this.maxPages)
    ).find((n) => !n.system && n.author?.username.toLowerCase() === c.author.toLowerCase() && (n.body ?? "").includes(tag));
    const answer = existing
      ? await this.http.request(`${notesPath}/${existing.id}`, { method: "PUT", body: { body }, schema: note })
      : await this.http.request(notesPath, { method: "POST", body: { body }, schema: note });
    return { id: String(answer.data.id), created: !existing };
  }
}
