/** The forge REST clients: one shape (ForgeClient) for GitHub and GitLab. */
import { GitHubClient, type GitHubOptions } from "./github.ts";
import { GitLabClient, type GitLabOptions } from "./gitlab.ts";
import type { ForgeClient, ForgeKind } from "./types.ts";

export { ForgeError, type ForgeErrorCode } from "./errors.ts";
export { appBotLogin, installationToken, type InstallationToken } from "./github-app.ts";
export type {
  ChangeCommentInput,
  CommentResult,
  CommitState,
  CommitStatusInput,
  ForgeClient,
  ForgeKind,
  ForgeRepository,
} from "./types.ts";
export { GitHubClient, GitLabClient };

export function forgeClient(kind: ForgeKind, opts: GitHubOptions & GitLabOptions): ForgeClient {
  return kind === "github" ? new GitHubClient(opts) : new GitLabClient(opts);
}
