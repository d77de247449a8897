/**
 * Which findings the dashboard shows and counts: the one definition behind the findings table, the posture
 * score and grades, SLA and overdue figures, the overview, trends, heatmap and remediation.
 *
 * - Findings of checks disabled org-wide are hidden everywhere (hidden, not deleted: enabling the check
 *   brings them back).
 * - Archived repositories are not part of the posture: left out of org-wide and team figures, but a
 *   repository asked for by id is still shown.
 * - Only findings in a counted code context count (contexts.ts: production and example always, test, docs,
 *   build and vendored when Settings.countedContexts says so).
 * - Only repositories in the reader's access scope exist for them (issue 16): admins and org-wide roles see
 *   every team, everyone else only the repositories of their teams. The scope is part of the same fragment and
 *   filter, so a query that counts findings cannot leave it out; the repository forms (repositoryAccessSql,
 *   repositoryAccessWhere) serve queries over repositories, scans and change scans.
 *
 * Each rule is written twice, once as SQL for the aggregates and once as a Prisma filter for the ORM
 * queries; test/findings/visibility.test.ts proves both select the same rows.
 */
import { Prisma, type Db, type Role, type Settings } from "../db/client.ts";
import { disabledCheckIds } from "../catalogue.ts";
import { CODE_CONTEXTS, type CodeContext } from "../engine/types.ts";
import { getSettings } from "../settings.ts";
import { normaliseContexts } from "./contexts.ts";

export { ALWAYS_COUNTED_CONTEXTS, OPTIONAL_CONTEXTS, normaliseContexts } from "./contexts.ts";

export function countedContexts(settings: Pick<Settings, "countedContexts">): CodeContext[] {
  return normaliseContexts(settings.countedContexts);
}

/**
 * Which repositories a reader may see: every one, or those of the listed teams. Derived from the user on every
 * request (accessOf), never stored with a cache or a token: a token has exactly its user's scope, today's.
 */
export type AccessScope = { readonly all: true } | { readonly all: false; readonly teamIds: readonly string[] };

/** The system (schedules, workers, webhooks, the CLI operator) and admins. Never for a signed-in non-admin. */
export const ORG_WIDE: AccessScope = { all: true };

/** What a user may see: admins and org-wide roles everything, everyone else their teams (none: nothing). */
export function accessOf(user: { role: Role; orgWide: boolean; teamIds: readonly string[] }): AccessScope {
  return user.role === "admin" || user.orgWide ? ORG_WIDE : { all: false, teamIds: [...new Set(user.teamIds)].sort() };
}

/** What one request counts: loaded once and passed to every aggregate it runs. */
export interface Visibility {
  /** Checks disabled org-wide (usually none). */
  disabledChecks: readonly string[];
  /** Code contexts counted. */
  contexts: readonly CodeContext[];
  /** Whose repositories: the reader's access scope. */
  access: AccessScope;
}

/** A reader who may see nothing (no session): what a lookup without a user falls back to. */
export const NO_ACCESS: AccessScope = { all: false, teamIds: [] };

/** A key for shared work (singleFlight, caches): two readers share a result only when it counts the same rows. */
export function visibilityKey(v: Visibility): string {
  return `${v.disabledChecks.join(",")}:${v.contexts.join(",")}:${accessKey(v.access)}`;
}

export function accessKey(access: AccessScope): string {
  return access.all ? "*" : `teams=${access.teamIds.join(",")}`;
}

/** What a fresh org counts, org-wide: no check disabled, the default contexts. For tests and the system. */
export const DEFAULT_VISIBILITY: Visibility = { disabledChecks: [], contexts: normaliseContexts([]), access: ORG_WIDE };

/** The scope is required: there is no default reader, so a caller that forgets it does not compile. */
export async function loadVisibility(db: Db, access: AccessScope): Promise<Visibility> {
  const [disabled, settings] = await Promise.all([disabledCheckIds(db), getSettings(db)]);
  return { disabledChecks: [...disabled].sort(), contexts: countedContexts(settings), access };
}

/** `AND <column> IN (repositories of the scope)`; nothing for an org-wide scope. An empty team list selects nothing. */
export function accessSql(column: Prisma.Sql, access: AccessScope): Prisma.Sql {
  if (access.all) return Prisma.empty;
  return Prisma.sql`AND ${column} IN (SELECT r.id FROM "Repository" r WHERE r."teamId" = ANY(${[...access.teamIds]}::text[]))`;
}

/** The scope as a condition on a Repository row aliased `alias`. */
export function repositoryAccessSql(alias: string, access: AccessScope): Prisma.Sql {
  if (access.all) return Prisma.empty;
  return Prisma.sql`AND ${Prisma.raw(`"${alias}"`)}."teamId" = ANY(${[...access.teamIds]}::text[])`;
}

/** The scope as a Prisma filter on Repository. */
export function repositoryAccessWhere(access: AccessScope): Prisma.RepositoryWhereInput {
  return access.all ? {} : { teamId: { in: [...access.teamIds] } };
}

/** The scope as a Prisma filter on Team. */
export function teamAccessWhere(access: AccessScope): Prisma.TeamWhereInput {
  return access.all ? {} : { id: { in: [...access.teamIds] } };
}

/** Whether the scope includes the team. */
export function teamInScope(access: AccessScope, teamId: string): boolean {
  return access.all || access.teamIds.includes(teamId);
}

/**
 * A repository by id when it is in the scope, else null: pages and routes answer 404 for both, so an id of
 * another team's repository says nothing about whether it exists.
 */
export async function repositoryInScope(db: Db, access: AccessScope, repositoryId: string): Promise<{ id: string; teamId: string } | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(repositoryId)) return null;
  return db.repository.findFirst({ where: { id: repositoryId, ...repositoryAccessWhere(access) }, select: { id: true, teamId: true } });
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
  if (scope.teamId)
    parts.push(
      Prisma.sql`AND ${a}."repositoryId" IN (SELECT r.id FROM "Repository" r WHERE r."teamId" = ${scope.teamId} AND r."archivedAt" IS NULL)`,
    );
  else if (!scope.repositoryId)
    parts.push(Prisma.sql`AND ${a}."repositoryId" NOT IN (SELECT r.id FROM "Repository" r WHERE r."archivedAt" IS NOT NULL)`);
  const counted = countedSql(alias, v);
  if (counted !== Prisma.empty) parts.push(counted);
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

/**
 * The rule without the archived/team part, for queries that pick their repositories themselves: enabled
 * checks, counted contexts, and always the reader's scope.
 */
export function countedSql(alias: string, v: Visibility): Prisma.Sql {
  const a = Prisma.raw(`"${alias}"`);
  const parts: Prisma.Sql[] = [];
  const scoped = accessSql(Prisma.sql`${a}."repositoryId"`, v.access);
  if (scoped !== Prisma.empty) parts.push(scoped);
  // Checks disabled org-wide are usually none: then the common case adds no condition.
  if (v.disabledChecks.length) parts.push(Prisma.sql`AND ${a}."checkId" <> ALL(${[...v.disabledChecks]}::text[])`);
  const ctx = contextSql(alias, v.contexts);
  if (ctx !== Prisma.empty) parts.push(ctx);
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

export function countedWhere(v: Visibility): Prisma.FindingWhereInput {
  return {
    AND: [
      v.access.all ? {} : { repository: repositoryAccessWhere(v.access) },
      v.disabledChecks.length ? { checkId: { notIn: [...v.disabledChecks] } } : {},
      contextWhere(v.contexts),
    ],
  };
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
