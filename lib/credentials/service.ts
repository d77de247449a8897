/**
 * Writes of stored credentials: add (validated, fingerprinted, sealed), delete, re-seal under a new key, and
 * the record of each use. Every change is audited with what may be shown again, never the secret.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { audit, SYSTEM, type Actor } from "../audit.ts";
import { type Credential, type Db, isUniqueViolation } from "../db/client.ts";
import { secretKeys, type SecretKeys } from "./key.ts";
import { githubAppKeyFingerprint, MaterialError, parseHostKeys, sshPrivateKeyFingerprint, tokenFingerprint } from "./material.ts";
import { toSummary } from "./queries.ts";
import { formatScope, parseScope, ScopeError } from "./scope.ts";
import { open, seal } from "./seal.ts";
import { TRANSPORT_OF, type CredentialSecret, type CredentialSummary } from "./types.ts";
import { DomainError } from "../errors.ts";

export class CredentialError extends DomainError {
  constructor(message: string, field?: string, code = "invalid_input") {
    super(code, message, { field });
  }
}

const name = z.string().trim().min(1, "give the credential a name").max(120);
const scope = z.string().trim().min(1, "give the scope: a host and optionally a path, e.g. github.com/acme/*").max(500);
const digits = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,19}$/, `${what} is a number`);

export const createCredentialInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("https_token"),
    name,
    scope,
    token: z
      .string()
      .trim()
      .min(8, "paste the token")
      .max(4096, "the token is too long")
      .regex(/^[\x21-\x7e]+$/, "a token has no spaces or special characters"),
    // GitHub and GitLab ignore the user name for tokens but want one; Bitbucket app passwords need the account's.
    username: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\s:]+$/, "a user name has no spaces or colons")
      .optional(),
    expiresAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
      .transform((d) => new Date(`${d}T23:59:59Z`))
      .optional(),
  }),
  z.object({
    kind: z.literal("github_app"),
    name,
    scope,
    appId: digits("the app id"),
    installationId: digits("the installation id").optional(),
    privateKey: z.string().min(1, "paste the app's private key").max(20_000),
    // GitHub Enterprise Server, or a test's fake forge; by default api.github.com or https://<host>/api/v3.
    apiUrl: z.string().trim().url().max(500).optional(),
  }),
  z.object({
    kind: z.literal("ssh_key"),
    name,
    scope,
    privateKey: z.string().min(1, "paste the deploy key's private key").max(20_000),
    hostKeys: z.string().min(1, "pin the server's host key (ssh-keyscan output)").max(50_000),
  }),
]);
export type CreateCredentialInput = z.input<typeof createCredentialInput>;

/** Binds a sealed value to its row: see lib/credentials/seal.ts. */
export function credentialAad(row: Pick<Credential, "id" | "kind" | "transport" | "host" | "port" | "pathPrefix">): string {
  return ["posture credential v1", row.id, row.kind, row.transport, row.host, String(row.port), row.pathPrefix].join("\n");
}

export function openCredential(row: Credential, keys: SecretKeys = secretKeys()): CredentialSecret {
  const secret = JSON.parse(open({ keyId: row.keyId, sealed: row.sealed }, credentialAad(row), keys)) as CredentialSecret;
  if (secret.kind !== row.kind) throw new CredentialError("the stored credential is damaged");
  return secret;
}

async function material(
  input: z.infer<typeof createCredentialInput>,
  owner: string | undefined,
): Promise<{ secret: CredentialSecret; fingerprint: string }> {
  try {
    if (input.kind === "https_token")
      return {
        secret: { kind: "https_token", username: input.username ?? "x-access-token", token: input.token },
        fingerprint: tokenFingerprint(input.token),
      };
    if (input.kind === "github_app") {
      const k = githubAppKeyFingerprint(input.privateKey);
      return {
        secret: {
          kind: "github_app",
          appId: input.appId,
          privateKey: k.normalised,
          installationId: input.installationId,
          owner,
          apiUrl: input.apiUrl,
        },
        fingerprint: k.fingerprint,
      };
    }
    const hostKeys = parseHostKeys(input.hostKeys);
    const k = await sshPrivateKeyFingerprint(input.privateKey);
    return { secret: { kind: "ssh_key", privateKey: k.normalised, hostKeys }, fingerprint: k.fingerprint };
  } catch (e) {
    if (e instanceof MaterialError) throw new CredentialError(e.message, e.field);
    throw e;
  }
}

/** Validates, seals and stores one credential; returns only its summary. Throws CredentialError. */
export async function createCredential(db: Db, actor: Actor, raw: unknown, keys: SecretKeys = secretKeys()): Promise<CredentialSummary> {
  const parsed = createCredentialInput.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new CredentialError(`${i.path.join(".") || "input"}: ${i.message}`, i.path.join(".") || undefined);
  }
  const input = parsed.data;
  const transport = TRANSPORT_OF[input.kind];
  let s;
  try {
    s = parseScope(input.scope, transport);
  } catch (e) {
    if (e instanceof ScopeError) throw new CredentialError(e.message, "scope");
    throw e;
  }
  if (input.kind === "github_app" && !s.pathPrefix && !input.installationId)
    throw new CredentialError("a GitHub App credential needs the owner in its scope (github.com/acme/*) or its installation id", "scope");
  const { secret, fingerprint } = await material(input, s.pathPrefix.split("/")[0] || undefined);
  const row = { id: randomUUID(), kind: input.kind, transport, host: s.host, port: s.port, pathPrefix: s.pathPrefix };
  const sealed = seal(JSON.stringify(secret), credentialAad(row), keys);
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.credential.create({
        data: {
          ...row,
          name: input.name,
          fingerprint,
          keyId: sealed.keyId,
          sealed: sealed.sealed,
          expiresAt: input.kind === "https_token" ? (input.expiresAt ?? null) : null,
          createdBy: actor.label,
        },
      });
      const summary = toSummary(created);
      await audit(tx, actor, {
        action: "credential.create",
        targetType: "credential",
        targetId: created.id,
        after: { name: summary.name, kind: summary.kind, scope: summary.scope, fingerprint: summary.fingerprint },
      });
      return summary;
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      // Which unique key refused it: the name, or the scope.
      const named = await db.credential.findUnique({ where: { name: input.name }, select: { id: true } });
      throw named
        ? new CredentialError(`a credential named "${input.name}" already exists`, "name")
        : new CredentialError(
            `a credential for ${formatScope(s)} over ${transport} already exists: delete it first to replace it`,
            "scope",
          );
    }
    throw e;
  }
}

export async function deleteCredential(db: Db, actor: Actor, id: string): Promise<CredentialSummary | null> {
  return db.$transaction(async (tx) => {
    const row = await tx.credential.findUnique({ where: { id } });
    if (!row) return null;
    await tx.credential.delete({ where: { id } });
    const summary = toSummary(row);
    await audit(tx, actor, {
      action: "credential.delete",
      targetType: "credential",
      targetId: id,
      before: { name: summary.name, kind: summary.kind, scope: summary.scope, fingerprint: summary.fingerprint },
    });
    return summary;
  });
}

/**
 * Re-seals every credential not sealed with the current key (POSTURE_SECRET_KEY), opening it with whichever
 * configured key sealed it (POSTURE_SECRET_KEY_PREVIOUS). Ones no configured key opens are listed, untouched.
 */
export async function rotateCredentials(
  db: Db,
  actor: Actor = SYSTEM,
  keys: SecretKeys = secretKeys(),
): Promise<{ resealed: number; current: number; unreadable: string[] }> {
  const rows = await db.credential.findMany({ orderBy: { name: "asc" } });
  let resealed = 0;
  const unreadable: string[] = [];
  for (const row of rows) {
    if (row.keyId === keys.current.id) continue;
    let plain: string;
    try {
      plain = JSON.stringify(openCredential(row, keys));
    } catch {
      unreadable.push(row.name);
      continue;
    }
    const next = seal(plain, credentialAad(row), keys);
    // Compare-and-set on the old value: a concurrent delete or rotation wins.
    const { count } = await db.credential.updateMany({
      where: { id: row.id, keyId: row.keyId, sealed: row.sealed },
      data: { keyId: next.keyId, sealed: next.sealed },
    });
    resealed += count;
  }
  if (resealed)
    await audit(db, actor, { action: "credential.rotate", targetType: "credential", after: { resealed, keyId: keys.current.id } });
  return { resealed, current: rows.length - resealed - unreadable.length, unreadable };
}

/** When and how a credential was last used: all a person sees of its use. */
export async function recordCredentialUse(db: Pick<Db, "credential">, id: string, result: string, at = new Date()): Promise<void> {
  await db.credential.updateMany({ where: { id }, data: { lastUsedAt: at, lastResult: result.slice(0, 40) } }).catch(() => undefined);
}
