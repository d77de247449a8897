/**
 * SEAM — GitHub App installation tokens for cloning. The forge client (lib/forge/, built alongside this) owns
 * talking to GitHub's API, including minting an installation token from an app id and private key
 * (`installationToken` in lib/forge/github-app.ts). Until that exists, a GitHub App credential is stored,
 * matched and shown like any other, and a clone with it fails with this reason instead of cloning anonymously.
 */
import type { CredentialSecret } from "./types.ts";

export type GithubAppSecret = Extract<CredentialSecret, { kind: "github_app" }>;

export class GithubAppTokenUnavailable extends Error {}

/** A short-lived installation token for the app's installation on the scope's owner (or the given installation). */
export async function mintGithubAppToken(_app: GithubAppSecret, _where: { host: string; port: number }): Promise<string> {
  throw new GithubAppTokenUnavailable("minting installation tokens is not available in this build (lib/forge/github-app.ts)");
}
