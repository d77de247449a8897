/**
 * The lifecycle rollups (FindingDayRollup, FindingDayOrgRollup, FindingStatusRollup, FindingDueRollup) recomputed from scratch:
 * what the database triggers of prisma/migrations/20261204000000_rollups keep incrementally, counted again
 * from every event and finding. `rollupDrift` compares the two (tests, and an operator who suspects a
 * rollup); `rebuildRollups` replaces the kept rows with the recomputed ones. Both use the same statements as
 * the migration's backfill.
 */
import { Prisma, type Db } from "../db/client.ts";
import { OPEN_SET_SQL } from "../findings/status.ts";

const CROSSING = Prisma.sql`
  CROSS JOIN LATERAL (
    SELECT COALESCE(e."toStatus" IN ${OPEN_SET_SQL}, false)::int - COALESCE(e."fromStatus" IN ${OPEN_SET_SQL}, false)::int AS d
  ) x`;

/** Every FindingDayRollup column, recomputed: event flows per day, and fixes per day of the fix. */
const DAY_SQL = Prisma.sql`
  SELECT day, "repositoryId", "checkId", severity, "codeContext",
         SUM(opened)::int AS opened, SUM(closed)::int AS closed, SUM(detected)::int AS detected, SUM(fixed)::int AS fixed,
         SUM("closedFalsePositive")::int AS "closedFalsePositive", SUM("closedAcceptedRisk")::int AS "closedAcceptedRisk",
         SUM(reopened)::int AS reopened, SUM(expired)::int AS expired,
         SUM(remediated)::int AS remediated, SUM("remediatedDays")::float8 AS "remediatedDays"
    FROM (
      SELECT e."createdAt"::date AS day, e."repositoryId", e."checkId", e."severity", e."codeContext",
             COUNT(*) FILTER (WHERE x.d > 0) AS opened, COUNT(*) FILTER (WHERE x.d < 0) AS closed,
             COUNT(*) FILTER (WHERE e."type" = 'detected') AS detected, COUNT(*) FILTER (WHERE e."type" = 'fixed') AS fixed,
             COUNT(*) FILTER (WHERE x.d < 0 AND e."toStatus" = 'false_positive') AS "closedFalsePositive",
             COUNT(*) FILTER (WHERE x.d < 0 AND e."toStatus" = 'accepted_risk') AS "closedAcceptedRisk",
             COUNT(*) FILTER (WHERE x.d > 0 AND e."type" = 'reopened') AS reopened,
             COUNT(*) FILTER (WHERE x.d > 0 AND e."type" = 'risk_expired') AS expired,
             0 AS remediated, 0::float8 AS "remediatedDays"
        FROM "FindingEvent" e ${CROSSING}
       WHERE x.d <> 0 AND e."severity" IS NOT NULL AND e."repositoryId" IS NOT NULL AND e."checkId" IS NOT NULL
       GROUP BY 1, 2, 3, 4, 5
      UNION ALL
      SELECT f."fixedAt"::date, f."repositoryId", f."checkId", f."severity", f."codeContext", 0, 0, 0, 0, 0, 0, 0, 0,
             COUNT(*), SUM(EXTRACT(EPOCH FROM (f."fixedAt" - f."firstSeenAt")) / 86400)::float8
        FROM "Finding" f
       WHERE f."status" = 'fixed' AND f."fixedAt" IS NOT NULL
       GROUP BY 1, 2, 3, 4, 5
    ) u
   GROUP BY 1, 2, 3, 4, 5`;

const ORG_SQL = Prisma.sql`
  SELECT day, "checkId", severity, "codeContext",
         SUM(opened)::int AS opened, SUM(closed)::int AS closed, SUM(detected)::int AS detected, SUM(fixed)::int AS fixed,
         SUM("closedFalsePositive")::int AS "closedFalsePositive", SUM("closedAcceptedRisk")::int AS "closedAcceptedRisk",
         SUM(reopened)::int AS reopened, SUM(expired)::int AS expired,
         SUM(remediated)::int AS remediated, SUM("remediatedDays")::float8 AS "remediatedDays"
    FROM (${DAY_SQL}) d
   GROUP BY 1, 2, 3, 4`;

const STATUS_SQL = Prisma.sql`
  SELECT f."repositoryId", f."checkId", f."policyId", f."framework", f."severity", f."codeContext", f."status", COUNT(*)::int AS n
    FROM "Finding" f GROUP BY 1, 2, 3, 4, 5, 6, 7`;

const DUE_SQL = Prisma.sql`
  SELECT f."dueAt"::date AS "dueDay", f."repositoryId", f."checkId", f."severity", f."codeContext", COUNT(*)::int AS n
    FROM "Finding" f WHERE f."status" IN ${OPEN_SET_SQL} GROUP BY 1, 2, 3, 4, 5`;

const DAY_COUNTS = [
  "opened",
  "closed",
  "detected",
  "fixed",
  "closedFalsePositive",
  "closedAcceptedRisk",
  "reopened",
  "expired",
  "remediated",
] as const;

export interface RollupDrift {
  table: "FindingDayRollup" | "FindingDayOrgRollup" | "FindingStatusRollup" | "FindingDueRollup";
  key: string;
  kept: Record<string, number> | null;
  recomputed: Record<string, number> | null;
}

type Row = Record<string, unknown>;
const keyOf = (r: Row, cols: readonly string[]) =>
  cols.map((c) => String(r[c] instanceof Date ? (r[c] as Date).toISOString().slice(0, 10) : r[c])).join("|");

function compare(
  table: RollupDrift["table"],
  keyCols: readonly string[],
  counts: readonly string[],
  kept: Row[],
  fresh: Row[],
): RollupDrift[] {
  const pick = (r: Row) => Object.fromEntries(counts.map((c) => [c, Number(r[c])]));
  const zero = (r: Record<string, number>) => Object.values(r).every((v) => Math.abs(v) < 1e-6);
  const a = new Map(kept.map((r) => [keyOf(r, keyCols), pick(r)]));
  const b = new Map(fresh.map((r) => [keyOf(r, keyCols), pick(r)]));
  const out: RollupDrift[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? null;
    const y = b.get(key) ?? null;
    // A kept row counted down to zero is the same as no row.
    if ((x === null || zero(x)) && (y === null || zero(y))) continue;
    const same = x !== null && y !== null && counts.every((c) => (c === "remediatedDays" ? Math.abs(x[c]! - y[c]!) < 1e-6 : x[c] === y[c]));
    if (!same) out.push({ table, key, kept: x, recomputed: y });
  }
  return out;
}

const DAY_KEY = ["day", "repositoryId", "checkId", "severity", "codeContext"] as const;
const ORG_KEY = ["day", "checkId", "severity", "codeContext"] as const;
const STATUS_KEY = ["repositoryId", "checkId", "policyId", "framework", "severity", "codeContext", "status"] as const;
const DUE_KEY = ["dueDay", "repositoryId", "checkId", "severity", "codeContext"] as const;

/** Where the kept rollups differ from a recount of the findings and events (none when the triggers kept them). */
export async function rollupDrift(db: Db): Promise<RollupDrift[]> {
  const [day, dayFresh, org, orgFresh, status, statusFresh, due, dueFresh] = await Promise.all([
    db.$queryRaw<Row[]>`SELECT * FROM "FindingDayRollup"`,
    db.$queryRaw<Row[]>(DAY_SQL),
    db.$queryRaw<Row[]>`SELECT * FROM "FindingDayOrgRollup"`,
    db.$queryRaw<Row[]>(ORG_SQL),
    db.$queryRaw<Row[]>`SELECT * FROM "FindingStatusRollup"`,
    db.$queryRaw<Row[]>(STATUS_SQL),
    db.$queryRaw<Row[]>`SELECT * FROM "FindingDueRollup"`,
    db.$queryRaw<Row[]>(DUE_SQL),
  ]);
  return [
    ...compare("FindingDayRollup", DAY_KEY, [...DAY_COUNTS, "remediatedDays"], day, dayFresh),
    ...compare("FindingDayOrgRollup", ORG_KEY, [...DAY_COUNTS, "remediatedDays"], org, orgFresh),
    ...compare("FindingStatusRollup", STATUS_KEY, ["n"], status, statusFresh),
    ...compare("FindingDueRollup", DUE_KEY, ["n"], due, dueFresh),
  ];
}

/**
 * Replaces the rollups with a recount, in one transaction that locks the tables it reads from writers (a scan
 * saved meanwhile waits, then adds its deltas to the recount). For a database whose rows were written with the
 * triggers disabled (a bulk load), or to repair one.
 */
export async function rebuildRollups(db: Db): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`LOCK TABLE "Finding", "FindingEvent" IN SHARE MODE`;
      await tx.$executeRaw`TRUNCATE "FindingDayRollup", "FindingDayOrgRollup", "FindingStatusRollup", "FindingDueRollup"`;
      await tx.$executeRaw`INSERT INTO "FindingDayRollup" ("day", "repositoryId", "checkId", "severity", "codeContext", ${Prisma.join(
        [...DAY_COUNTS, "remediatedDays"].map((c) => Prisma.raw(`"${c}"`)),
      )}) SELECT * FROM (${DAY_SQL}) d`;
      await tx.$executeRaw`INSERT INTO "FindingDayOrgRollup" ("day", "checkId", "severity", "codeContext", ${Prisma.join(
        [...DAY_COUNTS, "remediatedDays"].map((c) => Prisma.raw(`"${c}"`)),
      )}) SELECT * FROM (${ORG_SQL}) d`;
      await tx.$executeRaw`INSERT INTO "FindingStatusRollup" ("repositoryId", "checkId", "policyId", "framework", "severity", "codeContext", "status", "n") ${STATUS_SQL}`;
      await tx.$executeRaw`INSERT INTO "FindingDueRollup" ("dueDay", "repositoryId", "checkId", "severity", "codeContext", "n") ${DUE_SQL}`;
    },
    { timeout: 600_000, maxWait: 30_000 },
  );
}
