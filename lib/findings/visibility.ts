/**
 * Which findings the dashboard shows and counts: the one definition behind the findings table, the posture
 * score and grades, SLA and overdue figures, the overview, trends, heatmap and remediation.
 *
 * - Findings of checks disabled org-wide are hidden everywhere (hidden, not deleted: enabling the check
 *   brings them back).
 * - Archived repositories are not part of the posture: left out of org-wide and team figures, but a
 *   repository asked for by id is still shown.
 * - Only findings in a counted code context count (contexts.ts: production and example always, test, docs
 *   and build when Settings.countedContexts says so).
 *
 * Each rule is written twice, once as SQL for the aggregates and once as a Prisma filter for the ORM
 * queries; test/findings/visibility.test.ts proves both select the same rows.
 */
import { Prisma, type Db, type Settings } from "../db/client.ts";
import { disabledCheckIds } from "../catalogue.ts";
import { CODE_CONTEXTS, type CodeContext } from "../engine/types.ts";
import { getSettings } from "../settings.ts";
import { normaliseContexts } from "./contexts.ts";

export { ALWAYS_COUNTED_CONTEXTS, OPTIONAL_CONTEXTS, normaliseContexts } from "./contexts.ts";

export function countedContexts(settings: Pick<Settings, "countedContexts">): CodeContext[] {
  return normaliseContexts(settings.countedContexts);
}

/** What one request counts: loaded once and passed to every aggregate it runs. */
export interface Visibility {
  /** Checks disabled org-wide (usually none). */
  disabledChecks: readonly string[];
  /** Code contexts counted. */
  contexts: readonly CodeContext[];
}

/** What a fresh org counts: no check disabled, the default contexts. */
export const DEFAULT_VISIBILITY: Visibility = { disabledChecks: [], contexts: normaliseContexts([]) };

export async function loadVisibility(db: Db): Promise<Visibility> {
  const [disabled, settings] = await Promise.all([disabledCheckIds(db), getSettings(db)]);
  return { disabledChecks: [...disabled].sort(), contexts: countedContexts(settings) };
}

/** Which findings: all, one repository's, or one team's. */
export interface FindingScope {
  repositoryId?: string;
  teamId?: string;
}

const everyContext = (contexts: readonly string[]) => CODE_CONTEXTS.every((c) => contexts.includes(c));

/**
 * `AND …` restricting rows of `alias` to the given contexts; nothing when every context is asked for, so the
 * common "all" case adds no condition. `alias` may be a Finding or a FindingEvent (events carry their
 * finding's context).
 */
export function contextSql(alias: string, contexts: readonly CodeContext[]): Prisma.Sql {
  if (everyContext(contexts)) return Prisma.empty;
  const a = Prisma.raw(`"${alias}"`);
  // An empty list selects nothing, as the Prisma filter's `in: []` does.
  return Prisma.sql`AND ${a}."codeContext" = ANY(${[...contexts]}::"CodeContext"[])`;
}

export function contextWhere(contexts: readonly CodeContext[]): Prisma.FindingWhereInput {
  return everyContext(contexts) ? {} : { codeContext: { in: [...contexts] } };
}

/**
 * The WHERE fragment (each part starting with AND) restricting rows of `alias` (a Finding or a FindingEvent:
 * both have repositoryId, checkId and codeContext) to the scope and to what counts. Subqueries over the small
 * Repository table instead of a join keep the scans of Finding index-only.
 */
export function visibleSql(alias: string, scope: FindingScope, v: Visibility): Prisma.Sql {
  const a = Prisma.raw(`"${alias}"`);
  const parts: Prisma.Sql[] = [];
  if (scope.repositoryId) parts.push(Prisma.sql`AND ${a}."repositoryId" = ${scope.repositoryId}`);
  if (scope.teamId) parts.push(Prisma.sql`AND ${a}."repositoryId" IN (SELECT r.id FROM "Repository" r WHERE r."teamId" = ${scope.teamId} AND r."archivedAt" IS NULL)`);
  else if (!scope.repositoryId) parts.push(Prisma.sql`AND ${a}."repositoryId" NOT IN (SELECT r.id FROM "Repository" r WHERE r."archivedAt" IS NOT NULL)`);
  const counted = countedSql(alias, v);
  if (counted !== Prisma.empty) parts.push(counted);
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

/** The rule without the repository part, for queries that pick their repositories themselves: enabled checks, counted contexts. */
export function countedSql(alias: string, v: Visibility): Prisma.Sql {
  const a = Prisma.raw(`"${alias}"`);
  const parts: Prisma.Sql[] = [];
  // Checks disabled org-wide are usually none: then the common case adds no condition.
  if (v.disabledChecks.length) parts.push(Prisma.sql`AND ${a}."checkId" <> ALL(${[...v.disabledChecks]}::text[])`);
  const ctx = contextSql(alias, v.contexts);
  if (ctx !== Prisma.empty) parts.push(ctx);
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

export function countedWhere(v: Visibility): Prisma.FindingWhereInput {
  return { AND: [v.disabledChecks.length ? { checkId: { notIn: [...v.disabledChecks] } } : {}, contextWhere(v.contexts)] };
}

/** The same rule as visibleSql, for Prisma queries on Finding. */
export function visibleWhere(scope: FindingScope, v: Visibility): Prisma.FindingWhereInput {
  const and: Prisma.FindingWhereInput[] = [];
  if (scope.repositoryId) and.push({ repositoryId: scope.repositoryId });
  if (scope.teamId) and.push({ repository: { teamId: scope.teamId, archivedAt: null } });
  else if (!scope.repositoryId) and.push({ repository: { archivedAt: null } });
  and.push(countedWhere(v));
  return { AND: and };
}
