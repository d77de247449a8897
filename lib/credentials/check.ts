/**
 * "Check access": `git ls-remote` against a repository URL with the credential a scan would use, through the
 * same hardened git (lib/git/git.ts), and the outcome in plain words. Nothing is cloned.
 */
import type { Db } from "../db/client.ts";
import type { HttpOptions } from "../forge/http.ts";
import { GitError, remoteHead, type GitFailure } from "../git/git.ts";
import { RepoUrlError, parseRepoUrl } from "../repos/url.ts";
import { matchingCredential } from "./queries.ts";
import { credentialForGit } from "./use.ts";
import type { CredentialSummary } from "./types.ts";

export type AccessVerdict =
  | "access works"
  | "no access"
  | "not found"
  | "host key mismatch"
  | "token expired"
  | "credential unusable"
  | "could not check";

export interface AccessCheck {
  ok: boolean;
  verdict: AccessVerdict;
  /** One sentence a person can act on. */
  words: string;
  code: "ok" | GitFailure;
  credential: Pick<CredentialSummary, "id" | "name" | "kind" | "scope"> | null;
  /** The branch head ls-remote reported, when it worked. */
  head?: string;
}

const VERDICT: Partial<Record<GitFailure, AccessVerdict>> = {
  auth_required: "no access",
  access_denied: "no access",
  credential_rejected: "token expired",
  not_found: "not found",
  branch_not_found: "not found",
  host_key_mismatch: "host key mismatch",
  credential_unusable: "credential unusable",
};

function words(code: GitFailure, message: string, credential: CredentialSummary | null, now: Date): string {
  const named = credential ? `"${credential.name}"` : "";
  if (code === "credential_rejected" && credential?.expiresAt && credential.expiresAt < now)
    return `Token expired: ${named}'s token expired on ${credential.expiresAt.toISOString().slice(0, 10)} and the git server refused it. Store a new token.`;
  if (code === "credential_rejected")
    return `Token expired or revoked: the git server refused ${named}'s token. Store a new token (or check it is the right one).`;
  if (code === "access_denied")
    return credential?.kind === "ssh_key"
      ? `No access: the SSH server refused ${named}'s deploy key for this repository (add the key to the repository as a deploy key).`
      : `No access: ${named}'s token was accepted but cannot read this repository (give it read access to the repository's contents).`;
  if (code === "auth_required")
    return "No access: the repository needs credentials, and no stored credential matches this URL. An admin or security lead adds one under Credentials.";
  if (code === "not_found")
    return credential
      ? `Not found: there is no repository at this URL, or ${named} cannot see it (forges answer "not found" for private repositories a token cannot read).`
      : "Not found: there is no repository at this URL (a private one needs a stored credential).";
  if (code === "host_key_mismatch")
    return `Host key mismatch: the SSH server's host key is not one pinned in ${named}. If the server really changed its key, store the credential again with the new key; otherwise do not trust this server.`;
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

/** Runs the check; never throws for anything git or the URL can cause. */
export async function checkAccess(
  db: Db,
  url: string,
  branch: string | null,
  opts: { allowLocal?: boolean; timeoutMs?: number; now?: () => Date; forge?: HttpOptions } = {},
): Promise<AccessCheck> {
  const now = opts.now?.() ?? new Date();
  try {
    parseRepoUrl(url, opts.allowLocal);
  } catch (e) {
    if (e instanceof RepoUrlError)
      return {
        ok: false,
        verdict: "could not check",
        code: "invalid_url",
        words: `The URL is not accepted: ${e.message}.`,
        credential: null,
      };
    throw e;
  }
  const summary = await matchingCredential(db, url);
  const credential = summary ? { id: summary.id, name: summary.name, kind: summary.kind, scope: summary.scope } : null;
  let used = null;
  try {
    used = await credentialForGit(db, url, { forge: opts.forge });
    const head = await remoteHead(url, branch, { timeoutMs: opts.timeoutMs ?? 20_000, allowLocal: opts.allowLocal, credential: used?.git });
    await used?.report("ok");
    return {
      ok: true,
      verdict: "access works",
      code: "ok",
      head,
      credential,
      words: `Access works: git ls-remote reached the repository${credential ? ` with "${credential.name}"` : " without a credential"}; ${branch ? `branch ${branch}` : "the default branch"} is at ${head.slice(0, 12)}.`,
    };
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    await used?.report(e.code);
    return {
      ok: false,
      verdict: VERDICT[e.code] ?? "could not check",
      code: e.code,
      credential,
      words: words(e.code, e.message, summary, now),
    };
  }
}
