/** Reads of connected organisations for the dashboard: never a webhook secret or a credential's secret. */
import type { Db } from "../db/client.ts";
import { listCredentials } from "../credentials/queries.ts";
import { repositoryPolicy, type EffectivePolicy } from "./policy.ts";
import { toConnectionSummary, type ConnectionSummary } from "./service.ts";

export interface ConnectionRow extends ConnectionSummary {
  credential: { name: string; scope: string } | null;
  repositories: { active: number; archived: number };
}

export async function listConnections(db: Db): Promise<ConnectionRow[]> {
  const [rows, credentials, counts] = await Promise.all([
    db.forgeConnection.findMany({ orderBy: { name: "asc" } }),
    listCredentials(db),
    db.$queryRaw<{ connectionId: string; active: number; archived: number }[]>`
      SELECT fr."connectionId", count(*) FILTER (WHERE r."archivedAt" IS NULL)::int AS active, count(*) FILTER (WHERE r."archivedAt" IS NOT NULL)::int AS archived
        FROM "ForgeRepository" fr JOIN "Repository" r ON r.id = fr."repositoryId" GROUP BY fr."connectionId"`,
  ]);
  const byId = new Map(credentials.map((c) => [c.id, c]));
  const n = new Map(counts.map((c) => [c.connectionId, c]));
  return rows.map((r) => {
    const c = byId.get(r.credentialId);
    return {
      ...toConnectionSummary(r),
      credential: c ? { name: c.name, scope: c.scope } : null,
      repositories: { active: n.get(r.id)?.active ?? 0, archived: n.get(r.id)?.archived ?? 0 },
    };
  });
}

/** The credentials an API can be called with (tokens and GitHub Apps), for the connection form. */
export async function apiCredentials(db: Db) {
  return (await listCredentials(db))
    .filter((c) => c.kind !== "ssh_key")
    .map((c) => ({ id: c.id, name: c.name, kind: c.kind, scope: c.scope }));
}

/** Where each forge delivers its webhooks, on the dashboard's address. */
export function webhookUrls(origin: string): { github: string; gitlab: string } {
  const o = origin.replace(/\/+$/, "");
  return { github: `${o}/api/v1/hooks/github`, gitlab: `${o}/api/v1/hooks/gitlab` };
}

export interface RepositoryForge {
  connection: { id: string; name: string; forge: "github" | "gitlab"; owner: string };
  fullName: string;
  webUrl: string;
  defaultBranch: string | null;
  archivedOnForge: boolean;
  lastSeenAt: Date;
  policy: EffectivePolicy;
  override: { mode: EffectivePolicy["mode"] | null; blockAt: EffectivePolicy["blockAt"] | null };
}

/** The connection a repository was registered from, and the policy its changes are held to; null if none. */
export async function repositoryForge(db: Db, repositoryId: string): Promise<RepositoryForge | null> {
  const link = await db.forgeRepository.findUnique({ where: { repositoryId }, include: { connection: true } });
  if (!link) return null;
  const c = link.connection;
  return {
    connection: { id: c.id, name: c.name, forge: c.forge, owner: c.owner },
    fullName: link.fullName,
    webUrl: link.webUrl,
    defaultBranch: link.defaultBranch,
    archivedOnForge: link.archivedOnForge,
    lastSeenAt: link.lastSeenAt,
    policy: repositoryPolicy(c, link),
    override: { mode: link.policyMode, blockAt: link.blockAt },
  };
}
