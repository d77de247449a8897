/**
 * A GitHub App credential clones with a short-lived installation token minted for that clone, as GitHub
 * recommends, through the forge client (lib/forge/github-app.ts): the App's JWT is exchanged for a token
 * narrowed to the one repository being cloned. The token is used for that scan's git calls and never stored.
 */
import { installationToken } from "../forge/github-app.ts";
import type { HttpOptions } from "../forge/http.ts";
import type { Target } from "./scope.ts";
import type { CredentialSecret } from "./types.ts";

export type GithubAppSecret = Extract<CredentialSecret, { kind: "github_app" }>;

/** github.com's API is api.github.com; a GitHub Enterprise Server's is on its own host (lib/forge/base-url.ts adds /api/v3). */
export function githubApiBase(app: GithubAppSecret, target: Pick<Target, "host" | "port">): string {
  if (app.apiUrl) return app.apiUrl;
  if (target.host === "github.com" && target.port === 443) return "https://api.github.com";
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  return `https://${host}${target.port === 443 ? "" : `:${target.port}`}`;
}

export async function mintGithubAppToken(app: GithubAppSecret, target: Target, http: HttpOptions = {}): Promise<string> {
  const [owner, repo, ...rest] = target.path;
  const t = await installationToken({
    ...http,
    apiBase: githubApiBase(app, target),
    appId: app.appId,
    privateKeyPem: app.privateKey,
    installationId: app.installationId ? Number(app.installationId) : undefined,
    owner: app.owner ?? owner,
    // Least privilege: a token for owner/repo reads that repository only.
    repositories: repo && rest.length === 0 ? [repo] : undefined,
  });
  return t.token;
}
