/**
 * Connections to a forge's organisation (or user, or group): created, changed and removed by admins and
 * security leads, every change audited. Each connection has a webhook secret of its own, generated here,
 * shown once when it is made (or replaced), and stored sealed with POSTURE_SECRET_KEY like a credential.
 * Removing a connection keeps the repositories it registered (and their findings); they are no longer synced.
 */
import { z } from "zod";
import { audit, type Actor } from "../audit.ts";
import { type Db, type ForgeConnection, type ForgeKind, isUniqueViolation } from "../db/client.ts";
import { secretKeys, type SecretKeys } from "../credentials/key.ts";
import { open, seal } from "../credentials/seal.ts";
import { ForgeError } from "../forge/errors.ts";
import type { HttpOptions } from "../forge/http.ts";
import { newWebhookSecret } from "../hooks/verify.ts";
import { SEVERITIES } from "../engine/types.ts";
import { ConnectionError, credentialMismatch, DEFAULT_BASE_URL, forgeBase } from "./client.ts";
import { POLICY_MODES, policyOverrideInput } from "./policy.ts";
import { selectionInput, type TeamRule } from "./selection.ts";

export { ConnectionError };

const OWNER_KINDS = { github: ["org", "user", "installation"], gitlab: ["group", "user"] } as const;

const owner = z
  .string()
  .trim()
  .min(1, "the organisation, user or group is required")
  .max(255)
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/,
    "an organisation, user or group path: letters, digits, . _ - (GitLab subgroups with /)",
  );

const settingsShape = {
  cloneProtocol: z.enum(["https", "ssh"]).default("https"),
  policyMode: z.enum(POLICY_MODES).default("comment"),
  blockAt: z.enum(SEVERITIES).default("high"),
};

export const createConnectionInput = selectionInput.extend({
  name: z.string().trim().min(1, "a name is required").max(100),
  forge: z.enum(["github", "gitlab"]),
  /** Empty: github.com or gitlab.com. */
  baseUrl: z.string().trim().max(500).optional(),
  owner,
  ownerKind: z.string().trim().max(20).optional(),
  credentialId: z.string().trim().min(1, "choose the credential the API is called with").max(64),
  ...settingsShape,
});
export type CreateConnectionInput = z.input<typeof createConnectionInput>;

export const updateConnectionInput = selectionInput.extend({
  connectionId: z.string().trim().min(1).max(64),
  credentialId: z.string().trim().min(1).max(64).optional(),
  ...settingsShape,
});

export interface ConnectionSummary {
  id: string;
  name: string;
  forge: ForgeKind;
  baseUrl: string;
  owner: string;
  ownerKind: string | null;
  credentialId: string;
  cloneProtocol: string;
  skipArchived: boolean;
  skipForks: boolean;
  topics: string[];
  namePattern: string | null;
  teamRules: TeamRule[];
  defaultTeam: string;
  policyMode: ForgeConnection["policyMode"];
  blockAt: ForgeConnection["blockAt"];
  createdAt: Date;
  createdBy: string;
  lastSyncAt: Date | null;
  lastSyncResult: string | null;
  lastSyncMessage: string | null;
  lastSyncStats: Record<string, number> | null;
}

export function toConnectionSummary(c: ForgeConnection): ConnectionSummary {
  const rules = z
    .array(z.object({ by: z.enum(["topic", "prefix"]), value: z.string(), team: z.string() }))
    .catch([])
    .parse(c.teamRules);
  const stats = z.record(z.string(), z.number()).nullable().catch(null).parse(c.lastSyncStats);
  return {
    id: c.id,
    name: c.name,
    forge: c.forge,
    baseUrl: c.baseUrl,
    owner: c.owner,
    ownerKind: c.ownerKind,
    credentialId: c.credentialId,
    cloneProtocol: c.cloneProtocol,
    skipArchived: c.skipArchived,
    skipForks: c.skipForks,
    topics: c.topics,
    namePattern: c.namePattern,
    teamRules: rules,
    defaultTeam: c.defaultTeam,
    policyMode: c.policyMode,
    blockAt: c.blockAt,
    createdAt: c.createdAt,
    createdBy: c.createdBy,
    lastSyncAt: c.lastSyncAt,
    lastSyncResult: c.lastSyncResult,
    lastSyncMessage: c.lastSyncMessage,
    lastSyncStats: stats,
  };
}

/** What the audit log keeps of a connection: everything but the webhook secret. */
function audited(c: ConnectionSummary) {
  const { createdAt: _c, lastSyncAt: _l, lastSyncStats: _s, lastSyncMessage: _m, lastSyncResult: _r, ...rest } = c;
  return rest;
}

const webhookAad = (id: string) => `posture forge connection webhook v1\n${id}`;

export function openWebhookSecret(
  c: Pick<ForgeConnection, "id" | "webhookKeyId" | "webhookSealed">,
  keys: SecretKeys = secretKeys(),
): string {
  return open({ keyId: c.webhookKeyId, sealed: c.webhookSealed }, webhookAad(c.id), keys);
}

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  const field = i.path.join(".");
  throw new ConnectionError(`${field || "input"}: ${i.message}`, field || undefined);
}

/** The credential, checked to be one the API at the base URL may be called with. */
async function usableCredential(db: Db, id: string, forge: "github" | "gitlab", baseUrl: string, http: HttpOptions) {
  const credential = await db.credential.findUnique({
    where: { id },
    select: { id: true, name: true, kind: true, transport: true, host: true, port: true },
  });
  if (!credential) throw new ConnectionError("no such credential (reload the page)", "credentialId");
  let base;
  try {
    base = forgeBase({ forge, baseUrl }, http);
  } catch (e) {
    if (e instanceof ForgeError) throw new ConnectionError(e.message, "baseUrl");
    throw e;
  }
  const mismatch = credentialMismatch(credential, base, forge);
  if (mismatch) throw new ConnectionError(mismatch, "credentialId");
  return credential;
}

export async function createConnection(
  db: Db,
  actor: Actor,
  raw: unknown,
  opts: { keys?: SecretKeys; http?: HttpOptions } = {},
): Promise<{ connection: ConnectionSummary; webhookSecret: string }> {
  const input = parse(createConnectionInput, raw);
  const baseUrl = input.baseUrl || DEFAULT_BASE_URL[input.forge];
  if (input.ownerKind && !(OWNER_KINDS[input.forge] as readonly string[]).includes(input.ownerKind))
    throw new ConnectionError(`ownerKind: one of ${OWNER_KINDS[input.forge].join(", ")}`, "ownerKind");
  if (input.forge === "github" && input.owner.includes("/"))
    throw new ConnectionError("owner: a GitHub organisation or user has no /", "owner");
  const credential = await usableCredential(db, input.credentialId, input.forge, baseUrl, opts.http ?? {});
  const id = `conn_${crypto.randomUUID().replace(/-/g, "")}`;
  const secret = newWebhookSecret();
  const sealed = seal(secret, webhookAad(id), opts.keys ?? secretKeys());
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.forgeConnection.create({
        data: {
          id,
          name: input.name,
          forge: input.forge,
          baseUrl,
          owner: input.owner,
          ownerKind: input.ownerKind || null,
          credentialId: credential.id,
          ...selectionOf(input),
          webhookKeyId: sealed.keyId,
          webhookSealed: sealed.sealed,
          createdBy: actor.label,
        },
      });
      const connection = toConnectionSummary(row);
      await audit(tx, actor, {
        action: "connection.create",
        targetType: "connection",
        targetId: id,
        after: { ...audited(connection), credential: credential.name },
      });
      return { connection, webhookSecret: secret };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConnectionError(`a connection named "${input.name}" already exists`, "name");
    throw e;
  }
}

/** What a connection registers and how it reports: the settings both creating and editing one set. */
function selectionOf(
  input: Pick<
    z.infer<typeof updateConnectionInput>,
    "cloneProtocol" | "skipArchived" | "skipForks" | "topics" | "namePattern" | "teamRules" | "defaultTeam" | "policyMode" | "blockAt"
  >,
) {
  const { cloneProtocol, skipArchived, skipForks, topics, namePattern, teamRules, defaultTeam, policyMode, blockAt } = input;
  return { cloneProtocol, skipArchived, skipForks, topics, namePattern, teamRules, defaultTeam, policyMode, blockAt };
}

export async function updateConnection(db: Db, actor: Actor, raw: unknown, opts: { http?: HttpOptions } = {}): Promise<ConnectionSummary> {
  const input = parse(updateConnectionInput, raw);
  return db.$transaction(async (tx) => {
    const before = await tx.forgeConnection.findUnique({ where: { id: input.connectionId } });
    if (!before) throw new ConnectionError("no such connection (reload the page)");
    if (input.credentialId && input.credentialId !== before.credentialId)
      await usableCredential(db, input.credentialId, before.forge, before.baseUrl, opts.http ?? {});
    const row = await tx.forgeConnection.update({
      where: { id: before.id },
      data: {
        credentialId: input.credentialId ?? before.credentialId,
        ...selectionOf(input),
      },
    });
    const after = toConnectionSummary(row);
    await audit(tx, actor, {
      action: "connection.update",
      targetType: "connection",
      targetId: row.id,
      before: audited(toConnectionSummary(before)),
      after: audited(after),
    });
    return after;
  });
}

/** A new webhook secret, shown once; the old one stops working at once. */
export async function rotateWebhookSecret(
  db: Db,
  actor: Actor,
  connectionId: string,
  keys: SecretKeys = secretKeys(),
): Promise<{ webhookSecret: string } | null> {
  const secret = newWebhookSecret();
  const sealed = seal(secret, webhookAad(connectionId), keys);
  return db.$transaction(async (tx) => {
    const found = await tx.forgeConnection.findUnique({ where: { id: connectionId }, select: { id: true } });
    if (!found) return null;
    await tx.forgeConnection.update({ where: { id: connectionId }, data: { webhookKeyId: sealed.keyId, webhookSealed: sealed.sealed } });
    await audit(tx, actor, { action: "connection.webhook_secret", targetType: "connection", targetId: connectionId });
    return { webhookSecret: secret };
  });
}

export async function deleteConnection(db: Db, actor: Actor, connectionId: string): Promise<ConnectionSummary | null> {
  return db.$transaction(async (tx) => {
    const row = await tx.forgeConnection.findUnique({ where: { id: connectionId } });
    if (!row) return null;
    const repositories = await tx.forgeRepository.count({ where: { connectionId } });
    await tx.forgeConnection.delete({ where: { id: connectionId } });
    const summary = toConnectionSummary(row);
    await audit(tx, actor, {
      action: "connection.delete",
      targetType: "connection",
      targetId: connectionId,
      before: { ...audited(summary), repositories },
    });
    return summary;
  });
}

export const repositoryPolicyInput = policyOverrideInput.extend({
  repositoryId: z.string().trim().min(1, "a repository is required").max(64),
});

/** A repository's own policy (either part null: the connection's applies). */
export async function setRepositoryPolicy(db: Db, actor: Actor, raw: unknown) {
  const input = parse(repositoryPolicyInput, raw);
  return db.$transaction(async (tx) => {
    const link = await tx.forgeRepository.findUnique({ where: { repositoryId: input.repositoryId } });
    if (!link) throw new ConnectionError("this repository was not registered from a connected organisation: it has no forge policy");
    const row = await tx.forgeRepository.update({ where: { id: link.id }, data: { policyMode: input.mode, blockAt: input.blockAt } });
    await audit(tx, actor, {
      action: "repository.policy",
      targetType: "repository",
      targetId: input.repositoryId,
      before: { mode: link.policyMode, blockAt: link.blockAt },
      after: { mode: row.policyMode, blockAt: row.blockAt },
    });
    return { repositoryId: input.repositoryId, mode: row.policyMode, blockAt: row.blockAt };
  });
}
