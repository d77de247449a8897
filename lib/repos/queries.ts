import { z } from "zod";
import { lenient, pageParam } from "../url-params.ts";
import { Prisma, type Db, type ScanStatus, type ScanTrigger } from "../db/client.ts";
import { CODE_CONTEXTS, SEVERITIES } from "../engine/types.ts";
import { OPEN_SET_SQL, OPEN_STATUSES } from "../findings/status.ts";
import { ACTIVE_SCAN_STATUSES } from "../scan/enqueue.ts";
import { MAX_NOT_REACHED_STORED } from "../scan/persist.ts";
import { weightedCountsSql } from "../dashboard/risk-sql.ts";
import {
  countedSql,
  countedWhere,
  repositoryAccessSql,
  repositoryAccessWhere,
  teamAccessWhere,
  type AccessScope,
  type Visibility,
} from "../findings/visibility.ts";
import { GRADE_SCALE, type SeverityCounts } from "./grade.ts";
import { USED_FRAMEWORKS } from "./framework-names.ts";
import { getSettings, nextRuns } from "../settings.ts";

export type { SeverityCounts };

const zero = (): SeverityCounts => ({ critical: 0, high: 0, medium: 0, low: 0 });

/** Repositories with their last scan and open findings by severity (the counted ones: the grade): a few queries, whatever the count. */
export async function listRepositories(db: Db, opts: { includeArchived?: boolean; id?: string; visibility: Visibility }) {
  const visibility = opts.visibility;
  const repos = await db.repository.findMany({
    where: {
      ...(opts.includeArchived || opts.id ? {} : { archivedAt: null }),
      ...(opts.id ? { id: opts.id } : {}),
      ...repositoryAccessWhere(visibility.access),
    },
    include: { team: { select: { id: true, name: true } } },
    orderBy: { name: "asc" },
  });
  const ids = repos.map((r) => r.id);
  const [counts, lastScans] = await Promise.all([
    db.finding.groupBy({
      by: ["repositoryId", "severity"],
      where: { repositoryId: { in: ids }, status: { in: [...OPEN_STATUSES] }, ...countedWhere(visibility) },
      _count: { _all: true },
    }),
    db.scan.findMany({
      where: { repositoryId: { in: ids } },
      distinct: ["repositoryId"],
      orderBy: [{ repositoryId: "asc" }, { queuedAt: "desc" }],
    }),
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

/** One scan by id, when its repository is in the reader's scope; null otherwise (404 either way). */
export async function scanInScope(db: Db, scanId: string, access: AccessScope) {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(scanId)) return null;
  return db.scan.findFirst({ where: { id: scanId, ...(access.all ? {} : { repository: repositoryAccessWhere(access) }) } });
}

export async function scanHistory(db: Db, repositoryId: string, take = 50) {
  return db.scan.findMany({ where: { repositoryId }, orderBy: { queuedAt: "desc" }, take });
}

export const REPOSITORY_SORTS = ["name", "team", "lastScan", "risk"] as const;
export type RepositorySort = (typeof REPOSITORY_SORTS)[number];
/** 30 a page, as GitHub lists an organisation's repositories: a row with its actions is about 2 KB (issue 17: 150 KB a page). */
export const REPOSITORY_PAGE_SIZE = 30;

/** The repositories list's view, as it appears in the URL (also parses the page's searchParams). */
export const repositoryListParams = z.object({
  q: lenient(z.string().trim().max(200), ""),
  team: lenient(z.string().trim().min(1).max(64).optional(), undefined),
  /** Repositories whose last successful scan saw this framework (lib/repos/frameworks.ts). */
  framework: lenient(z.enum(USED_FRAMEWORKS).optional(), undefined),
  sort: lenient(z.enum(REPOSITORY_SORTS), "risk"),
  dir: lenient(z.enum(["asc", "desc"]).optional(), undefined),
  page: pageParam,
  archived: lenient(z.enum(["exclude", "include", "only"]), "exclude"),
});
export type RepositoryListParams = z.infer<typeof repositoryListParams>;

export interface RepositoryRow {
  id: string;
  name: string;
  url: string;
  branch: string | null;
  archivedAt: Date | null;
  team: { id: string; name: string };
  openFindings: SeverityCounts;
  risk: number;
  lastScan: {
    id: string;
    status: ScanStatus;
    trigger: ScanTrigger;
    queuedAt: Date;
    finishedAt: Date | null;
    failureReason: string | null;
  } | null;
  /** When the last scan that completed (succeeded or unchanged) finished: the grade is only meaningful after one. */
  lastCompletedAt: Date | null;
}

const DEFAULT_DIR: Record<RepositorySort, "asc" | "desc"> = { name: "asc", team: "asc", lastScan: "desc", risk: "desc" };

interface RawRow {
  id: string;
  name: string;
  url: string;
  branch: string | null;
  archivedAt: Date | null;
  teamId: string;
  teamName: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
  risk: number;
  scanId: string | null;
  scanStatus: ScanStatus | null;
  scanTrigger: ScanTrigger | null;
  scanQueuedAt: Date | null;
  scanFinishedAt: Date | null;
  scanFailure: string | null;
  lastCompletedAt: Date | null;
  total: bigint;
}

/**
 * One page of repositories with open counts by severity, weighted risk and the last scan: one SQL statement,
 * whatever the page size. Counts are of the counted findings (lib/findings/visibility.ts), as the grade is.
 */
export async function repositoryPage(
  db: Db,
  p: RepositoryListParams,
  visibility: Visibility,
): Promise<{ rows: RepositoryRow[]; total: number; page: number; pageSize: number; pages: number }> {
  const dir = (p.dir ?? DEFAULT_DIR[p.sort]) === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const nulls = Prisma.sql`NULLS LAST`;
  const order = {
    name: Prisma.sql`lower(r.name) ${dir}, r.id`,
    team: Prisma.sql`lower(t.name) ${dir}, lower(r.name), r.id`,
    lastScan: Prisma.sql`ls."queuedAt" ${dir} ${nulls}, r.id`,
    // The Grade column sorts by grade (an open critical makes a low score a D), then by score within a
    // grade; repositories without a completed scan have no grade and come last either way.
    risk: Prisma.sql`"gradeRank" ${dir} ${nulls}, risk ${dir}, critical ${dir}, lower(r.name), r.id`,
  }[p.sort];
  const where: Prisma.Sql[] = [Prisma.sql`TRUE ${repositoryAccessSql("r", visibility.access)}`];
  if (p.archived === "exclude") where.push(Prisma.sql`r."archivedAt" IS NULL`);
  if (p.archived === "only") where.push(Prisma.sql`r."archivedAt" IS NOT NULL`);
  if (p.team) where.push(Prisma.sql`r."teamId" = ${p.team}`);
  if (p.framework) where.push(Prisma.sql`${p.framework}::"Framework" = ANY(r.frameworks)`);
  if (p.q) where.push(Prisma.sql`(r.name ILIKE ${`%${escapeLike(p.q)}%`} OR r.url ILIKE ${`%${escapeLike(p.q)}%`})`);
  const whereSql = where.length ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;
  const offset = (p.page - 1) * REPOSITORY_PAGE_SIZE;
  const rows = await db.$queryRaw<RawRow[]>`
    -- Open counts from the status rollup (kept in the transaction that changes a finding, lib/rollups): the
    -- risk sort needs every listed repository's counts, and counting the open findings themselves read them all.
    WITH counts AS (
      SELECT f."repositoryId",
             coalesce(sum(f.n) FILTER (WHERE f.severity = 'critical'), 0)::int AS critical,
             coalesce(sum(f.n) FILTER (WHERE f.severity = 'high'), 0)::int AS high,
             coalesce(sum(f.n) FILTER (WHERE f.severity = 'medium'), 0)::int AS medium,
             coalesce(sum(f.n) FILTER (WHERE f.severity = 'low'), 0)::int AS low
      FROM "FindingStatusRollup" f
      WHERE f.status IN ${OPEN_SET_SQL}
        ${countedSql("f", visibility)}
        -- Only the repositories the filters keep: a team's list aggregates that team's findings, not all.
        AND f."repositoryId" IN (SELECT r.id FROM "Repository" r ${whereSql})
      GROUP BY f."repositoryId"
    )
    SELECT r.id, r.name, r.url, r.branch, r."archivedAt", t.id AS "teamId", t.name AS "teamName",
           coalesce(c.critical, 0) AS critical, coalesce(c.high, 0) AS high, coalesce(c.medium, 0) AS medium, coalesce(c.low, 0) AS low,
           coalesce(${weightedCountsSql("c.")}, 0)::int AS risk,
           ls.id AS "scanId", ls.status AS "scanStatus", ls.trigger AS "scanTrigger", ls."queuedAt" AS "scanQueuedAt",
           ls."finishedAt" AS "scanFinishedAt", ls."failureReason" AS "scanFailure",
           (SELECT max(s2."finishedAt") FROM "Scan" s2 WHERE s2."repositoryId" = r.id AND s2.status IN ('succeeded', 'unchanged')) AS "lastCompletedAt",
           ${gradeRankSql(Prisma.sql`coalesce(${weightedCountsSql("c.")}, 0)`, Prisma.sql`coalesce(c.critical, 0)`, Prisma.sql`r.id`)} AS "gradeRank",
           count(*) OVER () AS total
    FROM "Repository" r
    JOIN "Team" t ON t.id = r."teamId"
    LEFT JOIN counts c ON c."repositoryId" = r.id
    LEFT JOIN LATERAL (
      SELECT s.id, s.status, s.trigger, s."queuedAt", s."finishedAt", s."failureReason"
      FROM "Scan" s WHERE s."repositoryId" = r.id ORDER BY s."queuedAt" DESC LIMIT 1
    ) ls ON true
    ${whereSql}
    ORDER BY ${order}
    LIMIT ${REPOSITORY_PAGE_SIZE} OFFSET ${offset}`;
  const total = rows.length ? Number(rows[0]!.total) : offset === 0 ? 0 : await countRepositories(db, whereSql);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      name: r.name,
      url: r.url,
      branch: r.branch,
      archivedAt: r.archivedAt,
      team: { id: r.teamId, name: r.teamName },
      openFindings: { critical: r.critical, high: r.high, medium: r.medium, low: r.low },
      risk: r.risk,
      lastScan: r.scanId
        ? {
            id: r.scanId,
            status: r.scanStatus!,
            trigger: r.scanTrigger!,
            queuedAt: r.scanQueuedAt!,
            finishedAt: r.scanFinishedAt,
            failureReason: r.scanFailure,
          }
        : null,
      lastCompletedAt: r.lastCompletedAt,
    })),
    total,
    page: p.page,
    pageSize: REPOSITORY_PAGE_SIZE,
    pages: Math.max(1, Math.ceil(total / REPOSITORY_PAGE_SIZE)),
  };
}

/**
 * postureGrade (lib/repos/grade.ts) in SQL, as a rank: 0 for A to 4 for F, null before the first completed scan.
 * Built from GRADE_SCALE, so the sort and the badge cannot disagree.
 */
function gradeRankSql(score: Prisma.Sql, critical: Prisma.Sql, repositoryId: Prisma.Sql): Prisma.Sql {
  const max = (g: string) => GRADE_SCALE.find((x) => x.grade === g)!.maxScore!;
  return Prisma.sql`CASE
    WHEN NOT EXISTS (SELECT 1 FROM "Scan" s3 WHERE s3."repositoryId" = ${repositoryId} AND s3.status IN ('succeeded', 'unchanged')) THEN NULL
    WHEN ${score} <= ${max("A")} THEN 0
    WHEN ${score} <= ${max("B")} AND ${critical} = 0 THEN 1
    WHEN ${score} <= ${max("C")} AND ${critical} = 0 THEN 2
    WHEN ${score} <= ${max("D")} THEN 3
    ELSE 4 END`;
}

/** Only for a page past the end (no rows came back to carry the window count). */
async function countRepositories(db: Db, whereSql: Prisma.Sql): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Repository" r ${whereSql}`;
  return Number(row?.n ?? 0);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Repositories not archived: the dashboard's empty states ask whether there are any. */
export async function activeRepositoryCount(db: Db, access: AccessScope): Promise<number> {
  return db.repository.count({ where: { archivedAt: null, ...repositoryAccessWhere(access) } });
}

export async function completedScanCount(db: Db, repositoryId: string): Promise<number> {
  return db.scan.count({ where: { repositoryId, status: { in: ["succeeded", "unchanged"] } } });
}

/** The teams a reader can pick from: all for org-wide readers, their own otherwise. */
export async function listTeams(db: Db, access: AccessScope) {
  return db.team.findMany({ where: teamAccessWhere(access), orderBy: { name: "asc" }, select: { id: true, name: true } });
}

/** The worst open findings of one repository, for its detail page (the full list is the findings table). */
export async function topOpenFindings(db: Db, repositoryId: string, take: number, visibility: Visibility) {
  return db.finding.findMany({
    where: { repositoryId, status: { in: [...OPEN_STATUSES] }, ...countedWhere(visibility) },
    orderBy: [{ severity: "asc" }, { firstSeenAt: "asc" }, { id: "asc" }],
    take,
    select: {
      id: true,
      severity: true,
      status: true,
      checkId: true,
      policyId: true,
      path: true,
      line: true,
      message: true,
      firstSeenAt: true,
      dueAt: true,
      codeContext: true,
    },
  });
}

export const ACTIVE_SCAN_LIMIT = 200;
/** How many repositories one progress request may ask about by id (a page of the list is 50). */
export const WATCHED_REPOSITORIES_LIMIT = 100;

/**
 * Scans queued or running, for the live progress panel: bounded, oldest first (those are the ones running).
 * `repositoryIds` (a page of the list, or one repository's page) also gets each of those repositories' own
 * active scan, so a row shows its state even when its scan is not among the oldest `limit`.
 */
export async function activeScans(db: Db, access: AccessScope, limit = ACTIVE_SCAN_LIMIT, repositoryIds: readonly string[] = []) {
  const where = { status: { in: [...ACTIVE_SCAN_STATUSES] }, ...(access.all ? {} : { repository: repositoryAccessWhere(access) }) };
  const select = {
    id: true,
    repositoryId: true,
    status: true,
    trigger: true,
    filesDone: true,
    filesTotal: true,
    queuedAt: true,
    startedAt: true,
    repository: { select: { name: true } },
  } as const;
  const ids = [...new Set(repositoryIds)].slice(0, WATCHED_REPOSITORIES_LIMIT);
  const [scans, total, watched] = await Promise.all([
    db.scan.findMany({ where, orderBy: [{ queuedAt: "asc" }, { id: "asc" }], take: limit, select }),
    db.scan.count({ where }),
    ids.length
      ? db.scan.findMany({ where: { ...where, repositoryId: { in: ids } }, orderBy: [{ queuedAt: "asc" }, { id: "asc" }], select })
      : Promise.resolve([]),
  ]);
  const shape = (s: (typeof scans)[number]) => ({
    id: s.id,
    repositoryId: s.repositoryId,
    repository: s.repository.name,
    status: s.status,
    trigger: s.trigger,
    filesDone: s.filesDone,
    filesTotal: s.filesTotal,
    queuedAt: s.queuedAt.toISOString(),
    startedAt: s.startedAt?.toISOString() ?? null,
  });
  // One active scan per repository is the rule (lib/scan/enqueue.ts); the oldest wins should it ever break.
  const byRepository: Record<string, ReturnType<typeof shape>> = {};
  for (const s of [...scans, ...watched])
    if (ids.includes(s.repositoryId) && !byRepository[s.repositoryId]) byRepository[s.repositoryId] = shape(s);
  return { total, scans: scans.map(shape), byRepository };
}
export type ActiveScans = Awaited<ReturnType<typeof activeScans>>;

/** When the org-wide rescan next fires (ISO), so an open page looks at the scans then; null when the schedule is off. */
export async function nextScheduledRun(db: Db, from = new Date()): Promise<string | null> {
  const s = await getSettings(db);
  return s.scheduleEnabled ? (nextRuns(s.scheduleCron, s.scheduleTimezone, 1, from)[0]?.toISOString() ?? null) : null;
}

/** A repository's last successful scan (what the repository page's panels describe), with the columns asked for. */
function latestSucceededScan<S extends Prisma.ScanSelect>(db: Db, repositoryId: string, select: S) {
  return db.scan.findFirst({
    where: { repositoryId, status: "succeeded" },
    orderBy: [{ finishedAt: "desc" }, { queuedAt: "desc" }],
    select,
  });
}

const SHOWN_CONFIG_ENTRIES = 200;
const text = (max: number) => z.unknown().transform((v) => String(v ?? "").slice(0, max));
/** Scan.repoConfig is the engine's RepoConfigSummary stored as JSON, but its text comes from the scanned repository: checked and bounded. */
const storedRepoConfig = z.object({
  exclusions: z.array(z.object({ path: text(500), reason: text(500) })).catch([]),
  contextOverrides: z.array(z.object({ path: text(500), context: z.enum(CODE_CONTEXTS) })).catch([]),
  disabledChecks: z.array(z.object({ check: text(200), paths: z.array(text(500)).catch([]), reason: text(500) })).catch([]),
});
export type StoredRepoConfig = z.infer<typeof storedRepoConfig>;

/**
 * What the repository's .posture.yaml kept out of its last successful scan: excluded paths, context overrides
 * and checks turned off, each with its reason. `config` is null when that scan found no .posture.yaml; the
 * whole answer is null before the first successful scan.
 */
export async function latestRepoConfig(
  db: Db,
  repositoryId: string,
): Promise<{
  scanId: string;
  finishedAt: Date | null;
  commitSha: string | null;
  config: StoredRepoConfig | null;
  truncated: boolean;
} | null> {
  const scan = await latestSucceededScan(db, repositoryId, { id: true, finishedAt: true, commitSha: true, repoConfig: true });
  if (!scan) return null;
  const parsed = scan.repoConfig === null ? null : storedRepoConfig.safeParse(scan.repoConfig);
  const config = parsed?.success ? parsed.data : parsed ? { exclusions: [], contextOverrides: [], disabledChecks: [] } : null;
  const truncated =
    !!config &&
    (config.exclusions.length > SHOWN_CONFIG_ENTRIES ||
      config.contextOverrides.length > SHOWN_CONFIG_ENTRIES ||
      config.disabledChecks.length > SHOWN_CONFIG_ENTRIES);
  const cut = config && {
    exclusions: config.exclusions.slice(0, SHOWN_CONFIG_ENTRIES),
    contextOverrides: config.contextOverrides.slice(0, SHOWN_CONFIG_ENTRIES),
    disabledChecks: config.disabledChecks.slice(0, SHOWN_CONFIG_ENTRIES),
  };
  return { scanId: scan.id, finishedAt: scan.finishedAt, commitSha: scan.commitSha, config: cut, truncated };
}

const storedNotReached = z.array(
  z.object({
    path: text(500),
    line: z.number().int().catch(1),
    package: text(200),
    declared: text(200),
    advisory: text(100),
    severity: z.enum(SEVERITIES).catch("low"),
    summary: text(200),
    reachedBy: z.array(text(200)).catch([]),
    filesLooked: z.number().int().catch(0),
  }),
);
export type StoredNotReached = z.infer<typeof storedNotReached>[number];

/**
 * The affected dependencies the last successful scan did not report because no code reaches the vulnerable part
 * (lib/engine/reachability.ts), so a lead still sees every known-vulnerable version. Null before the first
 * successful scan; stored JSON naming the repository's files: checked and bounded.
 */
export async function latestAdvisoriesNotReached(
  db: Db,
  repositoryId: string,
): Promise<{ finishedAt: Date | null; entries: StoredNotReached[]; truncated: boolean } | null> {
  const scan = await latestSucceededScan(db, repositoryId, { finishedAt: true, advisoriesNotReached: true });
  if (!scan) return null;
  const parsed = storedNotReached.safeParse(scan.advisoriesNotReached ?? []);
  const entries = parsed.success ? parsed.data : [];
  // persist.ts keeps the first MAX_NOT_REACHED_STORED: a full list may have lost some
  return { finishedAt: scan.finishedAt, entries, truncated: entries.length >= MAX_NOT_REACHED_STORED };
}

/**
 * The latest scan after `since` that found the branch head and rules unchanged (so it did not look at the
 * findings again): a finding's "last seen" is then older than the last scan that vouches for it.
 */
export async function lastUnchangedScanSince(db: Db, repositoryId: string, since: Date) {
  return db.scan.findFirst({
    where: { repositoryId, status: "unchanged", finishedAt: { gt: since } },
    orderBy: { finishedAt: "desc" },
    select: { id: true, finishedAt: true, commitSha: true },
  });
}
