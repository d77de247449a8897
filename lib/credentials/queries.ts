/** Reads of stored credentials: never the sealed secret, only what CredentialSummary allows. */
import type { Credential, Db } from "../db/client.ts";
import { formatScope, repositoryTarget, scopeMatch, type Scope, type Transport } from "./scope.ts";
import type { CredentialSummary } from "./types.ts";

const SUMMARY = {
  id: true,
  name: true,
  kind: true,
  transport: true,
  host: true,
  port: true,
  pathPrefix: true,
  fingerprint: true,
  expiresAt: true,
  createdAt: true,
  createdBy: true,
  lastUsedAt: true,
  lastResult: true,
} as const;

type SummaryRow = Pick<Credential, keyof typeof SUMMARY>;

export function scopeOf(row: Pick<Credential, "transport" | "host" | "port" | "pathPrefix">): Scope {
  return { transport: row.transport as Transport, host: row.host, port: row.port, pathPrefix: row.pathPrefix };
}

export function toSummary(row: SummaryRow): CredentialSummary {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    scope: formatScope(scopeOf(row)),
    fingerprint: row.fingerprint,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt,
    lastResult: row.lastResult,
  };
}

export async function listCredentials(db: Db): Promise<CredentialSummary[]> {
  const rows = await db.credential.findMany({ select: SUMMARY, orderBy: [{ host: "asc" }, { pathPrefix: "asc" }, { name: "asc" }] });
  return rows.map(toSummary);
}

/** The id of the credential git would use for `url`: same transport, host and port, longest path prefix. */
export async function matchingCredentialId(db: Pick<Db, "credential">, url: string): Promise<string | null> {
  const target = repositoryTarget(url);
  if (!target) return null;
  const rows = await db.credential.findMany({
    where: { host: target.host, transport: target.transport, port: target.port },
    select: { id: true, transport: true, host: true, port: true, pathPrefix: true },
  });
  let best: { id: string; score: number } | null = null;
  for (const r of rows) {
    const score = scopeMatch(scopeOf(r), target);
    if (score >= 0 && (!best || score > best.score)) best = { id: r.id, score };
  }
  return best?.id ?? null;
}

/** What registration and the repository page show: which stored credential a URL will be cloned with. */
export async function matchingCredential(db: Db, url: string): Promise<CredentialSummary | null> {
  const id = await matchingCredentialId(db, url);
  if (!id) return null;
  const row = await db.credential.findUnique({ where: { id }, select: SUMMARY });
  return row ? toSummary(row) : null;
}

/** What registration answers about the credential a URL will be cloned with: enough to recognise it, no more. */
export async function credentialFor(db: Db, url: string): Promise<Pick<CredentialSummary, "name" | "kind" | "scope"> | null> {
  const c = await matchingCredential(db, url);
  return c ? { name: c.name, kind: c.kind, scope: c.scope } : null;
}
