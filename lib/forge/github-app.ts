/**
 * A GitHub App's short-lived installation access token, as GitHub recommends apps authenticate: a JWT signed
 * with the App's private key (RS256, at most 10 minutes) is exchanged for a token of about an hour.
 *
 * The JWT is signed with node:crypto. A JWT library (jose is the well-kept one: no dependencies, maintained)
 * was considered and not taken: the App JWT is one fixed header and three claims, signed and never verified
 * here, which is a dozen lines; a library would add a dependency and its async key import for no gain.
 */
import { sign, type KeyObject } from "node:crypto";
import { z } from "zod";
import { githubBase } from "./base-url.ts";
import { ForgeError } from "./errors.ts";
import { githubHeaders } from "./github.ts";
import { ForgeHttp, type HttpOptions } from "./http.ts";
import { ownerName } from "./types.ts";
import { readPemPrivateKey } from "../security/private-key.ts";

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/** The App id (digits), or its client id (Iv1.…, Iv23…), which GitHub also accepts as the JWT's issuer. */
const APP_ID = /^(?:[1-9]\d{0,11}|Iv[0-9A-Za-z.]{1,40})$/;

function appKey(privateKeyPem: string): KeyObject {
  const key = readPemPrivateKey(privateKeyPem);
  // Nothing of the key in the message: it is a secret even when malformed.
  if (!key)
    throw new ForgeError(
      "invalid_config",
      "the GitHub App private key is not a private key in PEM format (the .pem file GitHub generated)",
    );
  if (key.asymmetricKeyType !== "rsa" || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
    throw new ForgeError("invalid_config", "the GitHub App private key must be an RSA key of at least 2048 bits, as GitHub generates");
  return key;
}

/**
 * The App's JWT: issued a minute in the past (GitHub's clock may be behind ours), expiring 9 minutes from now
 * (GitHub refuses more than 10).
 */
export function appJwt(appId: string | number, privateKeyPem: string, now = Date.now()): string {
  const iss = String(appId);
  if (!APP_ID.test(iss)) throw new ForgeError("invalid_config", "the GitHub App id must be its number (or its client id)");
  const key = appKey(privateKeyPem);
  const t = Math.floor(now / 1000);
  const input = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${b64url(JSON.stringify({ iat: t - 60, exp: t + 540, iss }))}`;
  return `${input}.${b64url(sign("sha256", Buffer.from(input), key))}`;
}

export interface AppOptions extends HttpOptions {
  /** https://api.github.com (default) or a GitHub Enterprise Server's URL. */
  apiBase?: string;
  appId: string | number;
  privateKeyPem: string;
}

export interface InstallationTokenOptions extends AppOptions {
  /** The installation; else the one on `owner` (an organisation or user) is looked up. */
  installationId?: number;
  owner?: string;
  /** Narrow the token to these repositories (names, without the owner) of the installation. */
  repositories?: string[];
}

export interface InstallationToken {
  token: string;
  expiresAt: Date;
  installationId: number;
}

function appHttp(opts: AppOptions): { http: ForgeHttp; jwt: Record<string, string> } {
  const jwt = { authorization: `Bearer ${appJwt(opts.appId, opts.privateKeyPem)}` };
  return { http: new ForgeHttp("GitHub", githubBase(opts.apiBase, opts.networks), async () => ({}), githubHeaders(), opts), jwt };
}

const installation = z.object({ id: z.number().int().positive() });

export async function installationToken(opts: InstallationTokenOptions): Promise<InstallationToken> {
  if (opts.installationId === undefined && !opts.owner)
    throw new ForgeError("invalid_config", "an installation id or an owner is needed to find the GitHub App's installation");
  if (opts.installationId !== undefined && !(Number.isSafeInteger(opts.installationId) && opts.installationId > 0))
    throw new ForgeError("invalid_config", "the installation id must be a positive number");
  if (opts.repositories?.some((r) => !/^[A-Za-z0-9_.-]{1,100}$/.test(r)))
    throw new ForgeError("invalid_config", "repositories are names without the owner");
  const { http, jwt } = appHttp(opts);
  let id = opts.installationId;
  if (id === undefined) {
    const owner = encodeURIComponent(ownerName(opts.owner!));
    try {
      id = (await http.request(`/orgs/${owner}/installation`, { schema: installation, headers: jwt })).data.id;
    } catch (e) {
      if (!(e instanceof ForgeError && e.code === "not_found")) throw e;
      try {
        id = (await http.request(`/users/${owner}/installation`, { schema: installation, headers: jwt })).data.id;
      } catch (e2) {
        if (e2 instanceof ForgeError && e2.code === "not_found")
          throw new ForgeError("not_found", `the GitHub App is not installed on ${opts.owner}`, e2.info);
        throw e2;
      }
    }
  }
  const answer = await http.request(`/app/installations/${id}/access_tokens`, {
    method: "POST",
    headers: jwt,
    body: opts.repositories ? { repositories: opts.repositories } : {},
    schema: z.object({ token: z.string().min(1), expires_at: z.iso.datetime({ offset: true }) }),
  });
  return { token: answer.data.token, expiresAt: new Date(answer.data.expires_at), installationId: id };
}

/** The login the App comments and posts statuses as ("<slug>[bot]"), for ChangeCommentInput.author. */
export async function appBotLogin(opts: AppOptions): Promise<string> {
  const { http, jwt } = appHttp(opts);
  return `${(await http.request("/app", { schema: z.object({ slug: z.string().min(1) }), headers: jwt })).data.slug}[bot]`;
}
