/**
 * The policy × repository (or team) heatmap: open findings per cell, weighted by severity. One aggregate
 * statement groups the status rollup (lib/rollups/: findings now per repository, check and status), ranks the
 * columns by weighted risk and returns only the visible page of columns, so 1,000 repositories never reach
 * the browser at once.
 */
import { z } from "zod";
import { Prisma, type Db, type Framework as DbFramework } from "../db/client.ts";
import { frameworkToDb } from "../catalogue.ts";
import { FRAMEWORKS, SEVERITIES } from "../engine/types.ts";
import { FINDING_STATUSES, OPEN_STATUSES } from "../findings/status.ts";
import type { SeverityCounts } from "../repos/grade.ts";
import { weightedScore } from "./risk.ts";
import { weightedCountsSql } from "./risk-sql.ts";
import { visibleSql, type Visibility } from "../findings/visibility.ts";

// As many as fit beside the policy names at 1280 px with a readable count in each cell; wider screens widen the cells.
export const HEATMAP_COLUMNS_PER_PAGE = 25;

const one = (v: unknown) => (Array.isArray(v) ? v.join(",") : v);
/** Comma-separated values; unknown ones are dropped so a stale or hand-edited URL still renders. */
const lenientList = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    one,
    z
      .string()
      .max(500)
      .transform((s) =>
        [...new Set(s.split(",").map((x) => x.trim()))].filter((x): x is T[number] => (values as readonly string[]).includes(x)),
      )
      .transform((l) => (l.length ? l : undefined))
      .optional()
      .catch(undefined),
  );
const lenient = <T extends z.ZodType>(schema: T, fallback: z.infer<T>) =>
  z.preprocess((v) => (Array.isArray(v) ? v[0] : v), schema).catch(fallback);

export const heatmapParams = z.object({
  columns: lenient(z.enum(["repositories", "teams"]), "repositories"),
  group: lenient(z.enum(["framework", "none"]), "framework"),
  framework: lenientList(FRAMEWORKS),
  severity: lenientList(SEVERITIES),
  /** Defaults to the statuses that still need work. */
  status: lenientList(FINDING_STATUSES),
  team: lenient(z.string().trim().min(1).max(64).optional(), undefined),
  page: lenient(z.coerce.number().int().min(1).max(10_000), 1),
});
export type HeatmapParams = z.infer<typeof heatmapParams>;

export interface HeatmapCell extends SeverityCounts {
  policyId: string;
  columnId: string;
  total: number;
  weight: number;
}

export interface HeatmapColumn {
  id: string;
  name: string;
  /** Sum of the column's weighted counts (its rank order). */
  weight: number;
  total: number;
}

export interface Heatmap {
  policies: { id: string; title: string; framework: DbFramework; level: string }[];
  columns: HeatmapColumn[];
  cells: HeatmapCell[];
  /** Columns with at least one matching finding, over all pages. */
  columnCount: number;
  page: number;
  pages: number;
  perPage: number;
  statuses: string[];
}

interface RawCell {
  policyId: string | null;
  columnId: string;
  columnName: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
  colWeight: number;
  colTotal: number;
  columnCount: bigint;
}

export async function heatmap(db: Db, p: HeatmapParams, visibility: Visibility): Promise<Heatmap> {
  const statuses = p.status ?? [...OPEN_STATUSES];
  const byTeam = p.columns === "teams";
  const where: Prisma.Sql[] = [
    // Compared as the enum (not ::text) so the planner can estimate and use indexes.
    Prisma.sql`f.status IN (${Prisma.join(statuses.map((x) => Prisma.sql`${x}::"FindingStatus"`))})`,
    Prisma.sql`f.n <> 0`,
  ];
  if (p.framework)
    where.push(Prisma.sql`f.framework IN (${Prisma.join(p.framework.map((x) => Prisma.sql`${frameworkToDb(x)}::"Framework"`))})`);
  if (p.severity) where.push(Prisma.sql`f.severity IN (${Prisma.join(p.severity.map((x) => Prisma.sql`${x}::"Severity"`))})`);
  // Findings are grouped per repository first; team columns roll those (few thousand) rows up, not the findings.
  const cellsSql = byTeam
    ? Prisma.sql`SELECT rc.policy, r."teamId" AS col, sum(rc.critical)::int AS critical, sum(rc.high)::int AS high, sum(rc.medium)::int AS medium, sum(rc.low)::int AS low
                 FROM repo_cells rc JOIN "Repository" r ON r.id = rc.col GROUP BY 1, 2`
    : Prisma.sql`SELECT * FROM repo_cells`;
  const nameJoin = byTeam ? Prisma.sql`JOIN "Team" n ON n.id = k.col` : Prisma.sql`JOIN "Repository" n ON n.id = k.col`;
  const offset = (p.page - 1) * HEATMAP_COLUMNS_PER_PAGE;

  const [policies, raw] = await Promise.all([
    db.policy.findMany({
      where: p.framework ? { framework: { in: p.framework.map(frameworkToDb) } } : {},
      orderBy: [{ framework: "asc" }, { title: "asc" }],
      select: { id: true, title: true, framework: true, level: true },
    }),
    db.$queryRaw<RawCell[]>`
      WITH repo_cells AS (
        SELECT f."policyId" AS policy, f."repositoryId" AS col,
               COALESCE(SUM(f.n) FILTER (WHERE f.severity = 'critical'), 0)::int AS critical,
               COALESCE(SUM(f.n) FILTER (WHERE f.severity = 'high'), 0)::int AS high,
               COALESCE(SUM(f.n) FILTER (WHERE f.severity = 'medium'), 0)::int AS medium,
               COALESCE(SUM(f.n) FILTER (WHERE f.severity = 'low'), 0)::int AS low
        FROM "FindingStatusRollup" f
        WHERE ${Prisma.join(where, " AND ")} ${visibleSql("f", { teamId: p.team }, visibility)}
        GROUP BY 1, 2
        HAVING SUM(f.n) <> 0
      ),
      cells AS (${cellsSql}),
      ranked AS (
        SELECT col, sum(${weightedCountsSql()})::int AS weight, sum(critical + high + medium + low)::int AS total,
               row_number() OVER (ORDER BY sum(${weightedCountsSql()}) DESC, sum(critical + high + medium + low) DESC, col) AS rank
        FROM cells GROUP BY col
      ),
      visible AS (SELECT * FROM ranked WHERE rank > ${offset} AND rank <= ${offset + HEATMAP_COLUMNS_PER_PAGE})
      -- The column count comes back even when the page is past the end (then as the only, empty, row).
      SELECT c.policy AS "policyId", k.col AS "columnId", n.name AS "columnName", c.critical, c.high, c.medium, c.low,
             k.weight AS "colWeight", k.total AS "colTotal", tot.n AS "columnCount"
      FROM (SELECT count(*) AS n FROM ranked) tot
      LEFT JOIN (visible k JOIN cells c ON c.col = k.col ${nameJoin}) ON true
      ORDER BY k.rank`,
  ]);

  const columns = new Map<string, HeatmapColumn>();
  const cells: HeatmapCell[] = [];
  for (const r of raw) {
    if (r.policyId === null) continue;
    if (!columns.has(r.columnId)) columns.set(r.columnId, { id: r.columnId, name: r.columnName, weight: r.colWeight, total: r.colTotal });
    const counts = { critical: r.critical, high: r.high, medium: r.medium, low: r.low };
    cells.push({
      policyId: r.policyId,
      columnId: r.columnId,
      ...counts,
      total: r.critical + r.high + r.medium + r.low,
      weight: cellWeight(counts),
    });
  }
  const columnCount = raw.length ? Number(raw[0]!.columnCount) : 0;
  return {
    policies,
    columns: [...columns.values()],
    cells,
    columnCount,
    page: p.page,
    pages: Math.max(1, Math.ceil(columnCount / HEATMAP_COLUMNS_PER_PAGE)),
    perPage: HEATMAP_COLUMNS_PER_PAGE,
    statuses,
  };
}

export function cellWeight(c: SeverityCounts): number {
  return weightedScore(c);
}

/** Fixed bucket edges (weighted count), so a colour means the same thing on every page and filter. */
export const HEAT_BUCKETS = [1, 5, 15, 40, 100] as const;

export function heatBucket(weight: number): number {
  let b = 0;
  for (const edge of HEAT_BUCKETS) if (weight >= edge) b++;
  return b;
}
