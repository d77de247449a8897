/**
 * The forge the connection and webhook tests register repositories from: forge-git.ts's forge on a test
 * certificate git is made to trust, whose API and git both take one token.
 */
import type { Actor } from "../../lib/audit.ts";
import { createConnection, type CreateConnectionInput } from "../../lib/connections/service.ts";
import { createCredential } from "../../lib/credentials/service.ts";
import type { Db } from "../../lib/db/client.ts";
import type { scratch } from "../helpers.ts";
import { bareRepo, startForgeWithGit, trustLocalForge, type ForgeWithGit } from "./forge-git.ts";
import type { TestRepo } from "./git.ts";
import { testTls } from "./git-servers.ts";

export interface TokenForge extends ForgeWithGit {
  /** The one token: it may clone everything, and the API knows it as the login given. */
  token: string;
  /** Where the bare repositories are, at <owner>/<name>.git. */
  root: string;
  /** What the connection's API calls need to trust the forge. */
  http: { ca: string };
  /** Adds a bare repository with `content` committed; returns its working copy, to commit more to and push. */
  bareRepo(path: string, content: Record<string, string>): TestRepo;
  /** Puts back the environment trustLocalForge changed. */
  restoreEnv: () => void;
}

/** The certificate, repositories and working copies all go under the test's scratch folder. */
export async function startTokenForge(files: ReturnType<typeof scratch>, login: string): Promise<TokenForge> {
  const token = "ghp_TokenForgeTestToken0123456789abcdefgh";
  const root = files.path("srv");
  const tls = testTls(files.path("tls"));
  const restoreEnv = trustLocalForge(tls.gitHome);
  const forge = await startForgeWithGit({ root, tls, tokens: { [token]: "*" } });
  forge.api.tokens.set(token, login);
  return {
    ...forge,
    token,
    root,
    http: { ca: tls.cert },
    bareRepo: (path, content) => bareRepo(files.path("src"), root, path, content),
    restoreEnv,
  };
}

/** The forge's token, stored as a credential for every repository under `owner` on its git origin. */
export function ownerTokenCredential(db: Db, actor: Actor, forge: TokenForge, o: { owner: string; name: string }) {
  return createCredential(db, actor, {
    kind: "https_token",
    name: o.name,
    scope: `127.0.0.1:${forge.git.port}/${o.owner}/*`,
    token: forge.token,
  });
}

/** createConnection for an owner on this forge: the forge's origin as the base URL, its certificate trusted. */
export function connectToForge(db: Db, actor: Actor, forge: TokenForge, input: Omit<CreateConnectionInput, "baseUrl">) {
  return createConnection(db, actor, { ...input, baseUrl: forge.origin }, { http: forge.http });
}
