import type { Db, Severity } from "../db/client.ts";
import { OPEN_STATUSES } from "../findings/queries.ts";

export type SeverityCounts = Record<Severity, number>;

const zero = (): SeverityCounts => ({ critical: 0, high: 0, medium: 0, low: 0 });

/** Repositories with their last scan and open findings by severity: three queries, whatever the count. */
export async function listRepositories(db: Db, opts: { includeArchived?: boolean; id?: string } = {}) {
  const repos = await db.repository.findMany({
    where: { ...(opts.includeArchived || opts.id ? {} : { archivedAt: null }), ...(opts.id ? { id: opts.id } : {}) },
    include: { team: { select: { id: true, name: true } } },
    orderBy: { name: "asc" },
  });
  const ids = repos.map((r) => r.id);
  const [counts, lastScans] = await Promise.all([
    db.finding.groupBy({ by: ["repositoryId", "severity"], where: { repositoryId: { in: ids }, status: { in: [...OPEN_STATUSES] }, check: { enabled: true } }, _count: { _all: true } }),
    db.scan.findMany({ where: { repositoryId: { in: ids } }, distinct: ["repositoryId"], orderBy: [{ repositoryId: "asc" }, { queuedAt: "desc" }] }),
  ]);
  const open = new Map<string, SeverityCounts>();
  for (const c of counts) {
    const m = open.get(c.repositoryId) ?? zero();
    m[c.severity] = c._count._all;
    open.set(c.repositoryId, m);
  }
  const last = new Map(lastScans.map((s) => [s.repositoryId, s]));
  return repos.map((r) => ({ ...r, openFindings: open.get(r.id) ?? zero(), lastScan: last.get(r.id) ?? null }));
}

export async function scanHistory(db: Db, repositoryId: string, take = 50) {
  return db.scan.findMany({ where: { repositoryId }, orderBy: { queuedAt: "desc" }, take });
}
