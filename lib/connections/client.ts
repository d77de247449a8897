/**
 * A connection's forge client: the REST client of lib/forge authenticated with the connection's stored
 * credential (opened here for this client only, never stored elsewhere), and the login it comments as.
 *
 * The credential is sent only to the host it is scoped to: a token for `github.com/acme/*` calls
 * api.github.com (github.com's API host), any other token only its own host and port. A GitHub App
 * credential mints a short-lived installation token for the connection's owner (or its installation id).
 * An SSH deploy key cannot call an API.
 */
import type { Credential, Db, ForgeConnection } from "../db/client.ts";
import { githubApiBase } from "../credentials/github-app.ts";
import { openCredential } from "../credentials/service.ts";
import { secretKeys, type SecretKeys } from "../credentials/key.ts";
import { githubBase, gitlabBase, type ForgeBase } from "../forge/base-url.ts";
import { ForgeError } from "../forge/errors.ts";
import { appBotLogin, installationToken } from "../forge/github-app.ts";
import { GitHubClient } from "../forge/github.ts";
import { GitLabClient } from "../forge/gitlab.ts";
import type { HttpOptions } from "../forge/http.ts";
import type { ForgeClient } from "../forge/types.ts";
import { DomainError } from "../errors.ts";

export type ConnectionForgeFields = Pick<ForgeConnection, "forge" | "baseUrl" | "owner" | "ownerKind" | "credentialId">;

export const DEFAULT_BASE_URL = { github: "https://api.github.com", gitlab: "https://gitlab.com" } as const;

export function forgeBase(c: Pick<ForgeConnection, "forge" | "baseUrl">, http: HttpOptions = {}): ForgeBase {
  return c.forge === "github" ? githubBase(c.baseUrl, http.networks) : gitlabBase(c.baseUrl, http.networks);
}

/** The host git clones from, for a forge's API host: github.com's API is api.github.com; others are one host. */
export function gitHostOf(base: ForgeBase): string {
  return base.host === "api.github.com" ? "github.com" : base.host;
}

/** Why `credential` may not call the API at `base`, or null when it may. */
export function credentialMismatch(
  credential: Pick<Credential, "kind" | "transport" | "host" | "port" | "name">,
  base: ForgeBase,
  forge: "github" | "gitlab",
): string | null {
  if (credential.kind === "ssh_key")
    return `"${credential.name}" is an SSH deploy key, which cannot call ${forge === "github" ? "GitHub" : "GitLab"}'s API: choose an HTTPS token${forge === "github" ? " or a GitHub App" : ""}`;
  if (credential.kind === "github_app" && forge !== "github") return `"${credential.name}" is a GitHub App, which cannot call GitLab's API`;
  const host = credential.host === "github.com" && base.host === "api.github.com" ? "api.github.com" : credential.host;
  const port = credential.port;
  if (host !== base.host || port !== base.port)
    return `"${credential.name}" is scoped to ${credential.host}${port === 443 ? "" : `:${port}`}, not to ${base.host}${base.port === 443 ? "" : `:${base.port}`}: a credential is only ever sent to the host it is for`;
  return null;
}

export interface ConnectedClient {
  client: ForgeClient;
  /** The login comments are written as (the App's bot, or the token's user). */
  author(): Promise<string>;
}

export class ConnectionError extends DomainError {
  constructor(message: string, field?: string, code = "invalid_input") {
    super(code, message, { field });
  }
}

export async function clientFor(
  db: Db,
  c: ConnectionForgeFields,
  opts: { http?: HttpOptions; keys?: SecretKeys } = {},
): Promise<ConnectedClient> {
  const http = opts.http ?? {};
  const row = await db.credential.findUnique({ where: { id: c.credentialId } });
  if (!row) throw new ConnectionError("the connection's credential no longer exists: choose another one", "credentialId");
  const base = forgeBase(c, http);
  const mismatch = credentialMismatch(row, base, c.forge);
  if (mismatch) throw new ConnectionError(mismatch, "credentialId");
  const secret = openCredential(row, opts.keys ?? secretKeys());
  if (secret.kind === "https_token") {
    const client =
      c.forge === "github"
        ? new GitHubClient({ ...http, baseUrl: c.baseUrl, token: secret.token })
        : new GitLabClient({ ...http, baseUrl: c.baseUrl, token: secret.token });
    let login: Promise<string> | undefined;
    return { client, author: () => (login ??= client.currentUser()) };
  }
  if (secret.kind !== "github_app") throw new ConnectionError(`"${row.name}" cannot call the API`, "credentialId");
  const apiBase = secret.apiUrl ?? (c.baseUrl || githubApiBase(secret, { host: row.host, port: row.port }));
  const app = { ...http, apiBase, appId: secret.appId, privateKeyPem: secret.privateKey };
  // An installation token lasts an hour; a new one is minted a few minutes before that.
  let current: { token: string; expiresAt: Date } | undefined;
  const token = async () => {
    if (!current || current.expiresAt.getTime() - Date.now() < 5 * 60_000) {
      current = await installationToken({
        ...app,
        installationId: secret.installationId ? Number(secret.installationId) : undefined,
        owner: secret.installationId ? undefined : (secret.owner ?? c.owner),
      });
    }
    return current.token;
  };
  let bot: Promise<string> | undefined;
  return { client: new GitHubClient({ ...http, baseUrl: apiBase, token }), author: () => (bot ??= appBotLogin(app)) };
}

/** A forge failure in words for the connections page: ForgeError messages are written for people already. */
export function describeForgeFailure(e: unknown): { code: string; message: string } {
  if (e instanceof ForgeError) return { code: e.code, message: e.message };
  if (e instanceof ConnectionError) return { code: "invalid_config", message: e.message };
  return { code: "internal_error", message: "an internal error stopped the sync" };
}
