/**
 * The credential a git call uses for a repository URL: the most specific stored one for its transport, host,
 * port and path (lib/credentials/scope.ts), opened for this call only. A GitHub App's is a short-lived
 * installation token minted now (lib/credentials/github-app.ts), as GitHub recommends, never stored.
 */
import type { Db } from "../db/client.ts";
import type { HttpOptions } from "../forge/http.ts";
import { GitError, type GitCredential } from "../git/git.ts";
import { secretKeys, SecretKeyError, type SecretKeys } from "./key.ts";
import { mintGithubAppToken } from "./github-app.ts";
import { matchingCredentialId, toSummary } from "./queries.ts";
import { repositoryTarget } from "./scope.ts";
import { SealError } from "./seal.ts";
import { openCredential, recordCredentialUse } from "./service.ts";
import type { CredentialSummary } from "./types.ts";

export interface CredentialForGit {
  summary: CredentialSummary;
  git: GitCredential;
  /** Records the use ("ok" or the git failure code): the only trace a use leaves. */
  report(result: string): Promise<void>;
}

/** Why a stored credential could not be used, in words for the scan's failure reason: never the secret. */
function unusable(name: string, why: string, detail?: string): GitError {
  return new GitError("credential_unusable", `the credential "${name}" could not be used: ${why}`, detail);
}

/**
 * The credential for `url`, or null when none matches (public repositories). Throws GitError
 * ("credential_unusable") when one matches but cannot be opened or minted: cloning without it would only fail
 * less clearly.
 */
export async function credentialForGit(
  db: Db,
  url: string,
  opts: { keys?: SecretKeys; now?: () => Date; forge?: HttpOptions } = {},
): Promise<CredentialForGit | null> {
  const id = await matchingCredentialId(db, url);
  if (!id) return null;
  const row = await db.credential.findUnique({ where: { id } });
  if (!row) return null;
  const summary = toSummary(row);
  const report = (result: string) => recordCredentialUse(db, id, result, opts.now?.());
  let secret;
  try {
    secret = openCredential(row, opts.keys ?? secretKeys());
  } catch (e) {
    const why = e instanceof SealError || e instanceof SecretKeyError ? e.message : "it could not be decrypted";
    await report("credential_unusable");
    throw unusable(row.name, why);
  }
  const scope = { host: row.host, port: row.port };
  if (secret.kind === "https_token")
    return { summary, report, git: { type: "http", ...scope, username: secret.username, password: secret.token } };
  if (secret.kind === "ssh_key")
    return { summary, report, git: { type: "ssh", ...scope, privateKey: secret.privateKey, hostKeys: secret.hostKeys } };
  let token: string;
  try {
    token = await mintGithubAppToken(secret, repositoryTarget(url)!, opts.forge);
  } catch (e) {
    await report("credential_unusable");
    throw unusable(row.name, `GitHub did not give the app an installation token (${(e as Error).message})`);
  }
  return { summary, report, git: { type: "http", ...scope, username: "x-access-token", password: token } };
}
