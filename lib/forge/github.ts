/**
 * GitHub's REST API (github.com or GitHub Enterprise Server): the calls Posture makes, with a token (a
 * fine-grained or classic personal access token, or an App's installation token from lib/forge/github-app.ts).
 */
import { z } from "zod";
import { githubBase } from "./base-url.ts";
import { ForgeError } from "./errors.ts";
import { TokenClient, type TokenClientOptions } from "./http.ts";
import {
  changeCommentInput,
  checked,
  commitStatusInput,
  markerTag,
  ownerName,
  repoParts,
  type ChangeCommentInput,
  type CommentResult,
  type CommitStatusInput,
  type ForgeClient,
  type ForgeRepository,
} from "./types.ts";

export const GITHUB_API_VERSION = "2022-11-28";

export function githubHeaders(): Record<string, string> {
  return { accept: "application/vnd.github+json", "x-github-api-version": GITHUB_API_VERSION, "user-agent": "posture" };
}

const repository = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  full_name: z.string().min(1),
  clone_url: z.string().min(1),
  ssh_url: z.string().min(1),
  html_url: z.string().min(1),
  default_branch: z.string().nullish(),
  archived: z.boolean().default(false),
  fork: z.boolean(),
  topics: z.array(z.string()).default([]),
  private: z.boolean(),
  // Older GitHub Enterprise Server releases have only `private`.
  visibility: z.enum(["public", "private", "internal"]).optional(),
});
const repositories = z.array(repository);
const comment = z.object({
  id: z.number().int(),
  body: z.string().nullish(),
  user: z.object({ login: z.string() }).nullish(),
  html_url: z.string().optional(),
});

function normalise(r: z.infer<typeof repository>): ForgeRepository {
  return {
    forge: "github",
    id: String(r.id),
    fullName: r.full_name,
    name: r.name,
    httpsUrl: r.clone_url,
    sshUrl: r.ssh_url,
    webUrl: r.html_url,
    defaultBranch: r.default_branch || null,
    archived: r.archived,
    fork: r.fork,
    topics: r.topics,
    visibility: r.visibility ?? (r.private ? "private" : "public"),
  };
}

export interface GitHubOptions extends TokenClientOptions {
  /** https://api.github.com (default), https://github.com, or a GitHub Enterprise Server's URL. */
  baseUrl?: string;
}

export type GitHubOwnerKind = "org" | "user" | "installation";

export class GitHubClient extends TokenClient implements ForgeClient {
  readonly kind = "github" as const;

  constructor(opts: GitHubOptions) {
    super("GitHub", githubBase(opts.baseUrl, opts.networks), (token) => ({ authorization: `Bearer ${token}` }), githubHeaders(), opts);
  }

  async currentUser(): Promise<string> {
    return (await this.http.request("/user", { schema: z.object({ login: z.string().min(1) }) })).data.login;
  }

  /**
   * An organisation's or user's repositories, or ("installation") those an App installation was given. Without
   * a kind, GitHub says which the owner is. A user's private repositories are listed only when the token is
   * that user's own (GitHub lists other users' public ones only).
   */
  async listRepositories(owner: string, opts: { ownerKind?: GitHubOwnerKind } = {}): Promise<ForgeRepository[]> {
    const per_page = 100;
    if (opts.ownerKind === "installation") {
      const list = await this.http.pages(
        "/installation/repositories",
        { per_page },
        z.object({ repositories: repositories }),
        (d) => d.repositories,
        this.maxPages,
      );
      return list.map(normalise);
    }
    const name = ownerName(owner);
    const kind =
      opts.ownerKind ??
      ((await this.http.request(`/users/${encodeURIComponent(name)}`, { schema: z.object({ type: z.string() }) })).data.type ===
      "Organization"
        ? "org"
        : "user");
    if (kind === "org")
      return (
        await this.http.pages(`/orgs/${encodeURIComponent(name)}/repos`, { type: "all", per_page }, repositories, (d) => d, this.maxPages)
      ).map(normalise);
    let self: string | null = null;
    try {
      self = await this.currentUser();
    } catch (e) {
      // An installation token has no user; it lists the user's repositories it was given like anyone's.
      if (!(e instanceof ForgeError && (e.code === "forbidden" || e.code === "unauthorized" || e.code === "not_found"))) throw e;
    }
    const list =
      self?.toLowerCase() === name.toLowerCase()
        ? await this.http.pages("/user/repos", { affiliation: "owner", visibility: "all", per_page }, repositories, (d) => d, this.maxPages)
        : await this.http.pages(
            `/users/${encodeURIComponent(name)}/repos`,
            { type: "owner", per_page },
            repositories,
            (d) => d,
            this.maxPages,
          );
    return list.map(normalise);
  }

  /** A commit status (the statuses API: it works with every kind of token, check runs only with an App). */
  async setCommitStatus(input: CommitStatusInput): Promise<void> {
    const s = checked(commitStatusInput, input);
    const [o, r] = repoParts(s.repo);
    await this.http.request(`/repos/${o}/${r}/statuses/${s.sha}`, {
      method: "POST",
      body: { state: s.state, context: s.context, description: s.description, ...(s.targetUrl ? { target_url: s.targetUrl } : {}) },
      schema: z.object({ id: z.number() }),
    });
  }

  async upsertComment(input: ChangeCommentInput): Promise<CommentResult> {
    const c = checked(changeCommentInput, input);
    const [o, r] = repoParts(c.repo);
    const tag = markerTag(c.marker);
    const body = `${tag}\n${c.body}`;
    const existing = (
      await this.http.pages(`/repos/${o}/${r}/issues/${c.number}/comments`, { per_page: 100 }, z.array(comment), (d) => d, this.maxPages)
    ).find((x) => x.user?.login.toLowerCase() === c.author.toLowerCase() && (x.body ?? "").includes(tag));
    const answer = existing
      ? await this.http.request(`/repos/${o}/${r}/issues/comments/${existing.id}`, { method: "PATCH", body: { body }, schema: comment })
      : await this.http.request(`/repos/${o}/${r}/issues/${c.number}/comments`, { method: "POST", body: { body }, schema: comment });
    return { id: String(answer.data.id), created: !existing, url: answer.data.html_url };
  }
}
