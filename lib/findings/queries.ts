import { z } from "zod";
import { Prisma, type Db, type Finding } from "../db/client.ts";
import { frameworkToDb } from "../catalogue.ts";
import { CODE_CONTEXTS, FRAMEWORKS, SEVERITIES, type CodeContext } from "../engine/types.ts";
import { DomainError } from "../errors.ts";
import { FINDING_STATUSES, OPEN_STATUS_ARRAY_SQL as OPEN_SQL } from "./status.ts";
import { repositoryAccessWhere, teamAccessWhere, visibleSql, type AccessScope, type Visibility } from "./visibility.ts";
import { DAY_MS } from "../time.ts";
import { cursorPaging } from "../api/paging.ts";

// Re-exported for importers of the old place; the definition is lib/findings/status.ts.
export { FINDING_STATUSES, OPEN_STATUSES } from "./status.ts";

const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1));

// ---------------------------------------------------------------------------------------------------------
// One filter language for findings: the dashboard's URL (the findings table, My findings, exports) and the
// API's GET /findings take the same parameters with the same meaning, and both run the same WHERE
// (viewConditions below, over lib/findings/visibility.ts). Only the failure mode differs: a malformed URL
// parameter falls back to its default so a hand-edited link still shows a page, while the API answers 400.
// The table is offset-paginated with a capped count (an exact COUNT over hundreds of thousands of rows costs
// more than the page itself); the API pages with a cursor.

export const FINDING_SORTS = ["severity", "dueAt", "firstSeenAt", "repository", "status", "overdue"] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];
/** The direction a column sorts in when first chosen: worst, soonest due, newest first. */
export const DEFAULT_DIR: Record<FindingSort, "asc" | "desc"> = {
  severity: "desc",
  dueAt: "asc",
  firstSeenAt: "desc",
  repository: "asc",
  status: "asc",
  overdue: "desc",
};
export const FINDINGS_PAGE_SIZE = 50;
/** Counts stop here and show "10,000+". */
export const FINDINGS_COUNT_CAP = 10_000;
/** Offset paging gets slower the deeper it goes; past this, narrowing the filter is the better tool. */
export const FINDINGS_MAX_PAGE = FINDINGS_COUNT_CAP / FINDINGS_PAGE_SIZE;
export const FINDINGS_EXPORT_LIMIT = 50_000;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v === "" ? undefined : v);
/** A URL parameter that is malformed falls back to its default instead of failing the page. */
const lenient = <T extends z.ZodType>(schema: T, fallback: z.infer<T>) => z.preprocess(first, schema).catch(fallback);
const id = z.string().trim().min(1).max(200).optional();

/** The filter parameters, for the dashboard (lenient) or the API (strictly: malformed is a 400 naming it). */
function filterFields(mode: "lenient" | "strict") {
  const field = <T extends z.ZodType>(schema: T, fallback: z.infer<T>) =>
    mode === "strict" ? z.preprocess(first, schema) : lenient(schema, fallback);
  return {
    repository: field(id, undefined),
    team: field(id, undefined),
    policy: field(id, undefined),
    check: field(id, undefined),
    framework: field(list(FRAMEWORKS).optional(), undefined),
    severity: field(list(SEVERITIES).optional(), undefined),
    /** Absent: the open statuses (lib/findings/status.ts); "all": every status. */
    status: field(z.union([z.literal("all"), list(FINDING_STATUSES)]).optional(), undefined),
    /** Absent: the contexts the org counts (lib/findings/visibility.ts), so the table agrees with the dashboard's figures; "all": every context. */
    context: field(z.union([z.literal("all"), list(CODE_CONTEXTS)]).optional(), undefined),
    /** A user id, "me", or "none" / "unassigned". */
    assignee: field(z.string().trim().min(1).max(64).optional(), undefined),
    /** Only findings first seen at least this many days ago. */
    age: field(z.coerce.number().int().min(1).max(3650).optional(), undefined),
    /** "1" or "true": only open findings past their due date ("0" / "false": no such filter). */
    overdue: field(
      z
        .enum(["1", "true", "0", "false"])
        .transform((x) => (x === "1" || x === "true" ? true : undefined))
        .optional(),
      undefined,
    ),
  };
}

const SORT_PARAMS = [...FINDING_SORTS, ...FINDING_SORTS.map((x) => `-${x}` as const)] as [
  FindingSort,
  ...(FindingSort | `-${FindingSort}`)[],
];
/** The view's default order: worst first, then soonest due. */
export const DEFAULT_SORT = "-severity";

export const findingViewParams = z
  .object({
    ...filterFields("lenient"),
    /** A column, "-" first for descending: "-dueAt". */
    sort: lenient(z.enum(SORT_PARAMS), DEFAULT_SORT),
    page: lenient(
      z.coerce
        .number()
        .int()
        .min(1)
        .transform((n) => Math.min(n, FINDINGS_MAX_PAGE)),
      1,
    ),
  })
  .transform(({ sort, ...rest }) => ({
    ...rest,
    sort: sort.replace(/^-/, "") as FindingSort,
    dir: (sort.startsWith("-") ? "desc" : "asc") as "asc" | "desc",
  }));
export type FindingViewParams = z.infer<typeof findingViewParams>;
/** What selects findings, without the table's sort and page: the part the API shares. */
export type FindingFilter = Omit<FindingViewParams, "sort" | "dir" | "page">;

/**
 * The API's GET /findings: the view's filters, strictly parsed (unknown parameters included), newest first
 * with cursor pagination instead of the table's sort and page.
 */
export const findingFilters = z.object({ ...filterFields("strict"), ...cursorPaging(50) }).strict();
export type FindingFilters = z.infer<typeof findingFilters>;

function encodeCursor(firstSeenAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([firstSeenAt.toISOString(), id])).toString("base64url");
}

export class BadCursorError extends DomainError {
  constructor(message: string) {
    super("invalid_input", message, { field: "cursor" });
  }
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [string, string];
    const date = new Date(at);
    if (typeof id !== "string" || Number.isNaN(date.getTime())) throw new Error();
    return { at: date, id };
  } catch {
    throw new BadCursorError("the cursor is not valid");
  }
}

/**
 * The API's page: the rows the dashboard's view of the same filters has (viewConditions), newest first,
 * keyset-paginated so it stays stable while findings are added. The ids come from the view's SQL; the rows
 * are then read with their repository and assignee, as the API has always returned them.
 */
export async function listFindings(
  db: Db,
  filters: FindingFilters,
  me: string | undefined,
  visibility: Visibility,
  now: Date = new Date(),
) {
  const { cursor, limit, ...filter } = filters;
  const c = cursor ? decodeCursor(cursor) : null;
  const after = c ? Prisma.sql`AND (f."firstSeenAt" < ${c.at} OR (f."firstSeenAt" = ${c.at} AND f.id < ${c.id}))` : Prisma.empty;
  const ids = await db.$queryRaw<{ id: string }[]>`
    SELECT f.id FROM "Finding" f
    WHERE ${viewConditions(filter, me, now, visibility)} ${after}
    ORDER BY f."firstSeenAt" DESC, f.id DESC
    LIMIT ${limit + 1}`;
  const pageIds = ids.slice(0, limit).map((r) => r.id);
  const rows = await db.finding.findMany({
    where: { id: { in: pageIds } },
    include: { repository: { select: { id: true, name: true } }, assignee: { select: { id: true, name: true, email: true } } },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  // A finding deleted between the two reads (its repository removed) is left out rather than failing the page.
  const page = pageIds.flatMap((x) => byId.get(x) ?? []);
  const last = page.at(-1);
  return { items: page, nextCursor: ids.length > limit && last ? encodeCursor(last.firstSeenAt, last.id) : null };
}

export function parseFindingView(
  searchParams: Record<string, string | string[] | undefined>,
  overrides: Partial<Record<keyof FindingViewParams, string>> = {},
): FindingViewParams {
  return findingViewParams.parse({ ...searchParams, ...overrides });
}

/** The URL query string of a view; defaults are left out so links stay short and stable. */
export function findingViewQuery(
  p: FindingViewParams,
  change: Partial<FindingViewParams> = {},
  defaultSort: string = DEFAULT_SORT,
): string {
  const v = { ...p, ...change };
  const q = new URLSearchParams();
  const put = (k: string, val: string | number | undefined) => val !== undefined && val !== "" && q.set(k, String(val));
  put("repository", v.repository);
  put("team", v.team);
  put("policy", v.policy);
  put("check", v.check);
  put("framework", v.framework?.join(","));
  put("severity", v.severity?.join(","));
  put("status", v.status === "all" ? "all" : v.status?.join(","));
  put("context", v.context === "all" ? "all" : v.context?.join(","));
  put("assignee", v.assignee);
  put("age", v.age);
  if (v.overdue) q.set("overdue", "1");
  const sort = `${v.dir === "desc" ? "-" : ""}${v.sort}`;
  if (sort !== defaultSort) q.set("sort", sort);
  if (v.page > 1) q.set("page", String(v.page));
  return q.toString();
}

export interface FindingRow {
  id: string;
  severity: (typeof SEVERITIES)[number];
  status: (typeof FINDING_STATUSES)[number];
  checkId: string;
  policyId: string;
  policyTitle: string | null;
  path: string;
  line: number;
  message: string;
  codeContext: CodeContext;
  repositoryId: string;
  repositoryName: string;
  assigneeId: string | null;
  assigneeName: string | null;
  assigneeEmail: string | null;
  /** ISO date-times (the rows go to a client component). */
  dueAt: string;
  firstSeenAt: string;
  overdue: boolean;
}

export interface FindingPage {
  rows: FindingRow[];
  /** Exact up to FINDINGS_COUNT_CAP; `capped` says there are more. */
  total: number;
  capped: boolean;
  page: number;
  pageSize: number;
  pages: number;
}

/** `col = v` for one value (the planner then walks an index on (col, …) in order), `col = ANY(…)` for several. */
function oneOf(col: Prisma.Sql, values: readonly string[], type: Prisma.Sql): Prisma.Sql {
  return values.length === 1 ? Prisma.sql`${col} = ${values[0]}::${type}` : Prisma.sql`${col} = ANY(${values}::${type}[])`;
}

/** The contexts a view shows: the ones asked for, or those the org counts. */
export function viewContexts(p: Pick<FindingViewParams, "context">, v: Visibility): readonly CodeContext[] {
  return p.context === "all" ? CODE_CONTEXTS : (p.context ?? v.contexts);
}

/**
 * WHERE conditions of a view, all parameterised. What is visible is lib/findings/visibility.ts (disabled checks
 * hidden, archived repositories hidden unless one is asked for), restricted to the view's contexts.
 */
function viewConditions(p: FindingFilter, me: string | undefined, now: Date, v: Visibility): Prisma.Sql {
  const c: Prisma.Sql[] = [
    Prisma.sql`TRUE ${visibleSql("f", { repositoryId: p.repository, teamId: p.team }, { ...v, contexts: viewContexts(p, v) })}`,
  ];
  if (p.policy) c.push(Prisma.sql`f."policyId" = ${p.policy}`);
  if (p.check) c.push(Prisma.sql`f."checkId" = ${p.check}`);
  if (p.framework) c.push(oneOf(Prisma.sql`f.framework`, p.framework.map(frameworkToDb), Prisma.sql`"Framework"`));
  if (p.severity) c.push(oneOf(Prisma.sql`f.severity`, p.severity, Prisma.sql`"Severity"`));
  if (p.status === undefined) c.push(Prisma.sql`f.status = ANY(${OPEN_SQL})`);
  else if (p.status !== "all") c.push(oneOf(Prisma.sql`f.status`, p.status, Prisma.sql`"FindingStatus"`));
  if (p.assignee === "none" || p.assignee === "unassigned") c.push(Prisma.sql`f."assigneeId" IS NULL`);
  else if (p.assignee) c.push(Prisma.sql`f."assigneeId" = ${p.assignee === "me" ? (me ?? "\0") : p.assignee}`);
  if (p.age) c.push(Prisma.sql`f."firstSeenAt" <= ${new Date(now.getTime() - p.age * DAY_MS)}`);
  if (p.overdue) c.push(Prisma.sql`f."dueAt" < ${now} AND f.status = ANY(${OPEN_SQL})`);
  return Prisma.join(c, " AND ");
}

/** ORDER BY of a view; every order ends in the id so pages never overlap. Severity's enum order is critical first. */
function viewOrder(p: FindingViewParams, now: Date): Prisma.Sql {
  const desc = p.dir === "desc";
  const d = desc ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const r = desc ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  switch (p.sort) {
    case "severity":
      return Prisma.sql`f.severity ${r}, f."dueAt" ${r}, f.id ${r}`;
    case "dueAt":
      return Prisma.sql`f."dueAt" ${d}, f.id ${d}`;
    case "firstSeenAt":
      return Prisma.sql`f."firstSeenAt" ${d}, f.id ${d}`;
    case "status":
      return Prisma.sql`f.status ${d}, f.severity ${d}, f."dueAt" ${d}, f.id ${d}`;
    case "repository":
      return Prisma.sql`r.name ${d}, f."repositoryId" ${d}, f.severity ${d}, f."dueAt" ${d}, f.id ${d}`;
    case "overdue":
      return Prisma.sql`(f."dueAt" < ${now} AND f.status = ANY(${OPEN_SQL})) ${d}, f.severity ASC, f."dueAt" ASC, f.id ASC`;
  }
}

type RawRow = Omit<FindingRow, "dueAt" | "firstSeenAt"> & { dueAt: Date; firstSeenAt: Date };

/** The two statements behind a page (exported for EXPLAIN in bench/findings-queries.ts). */
export function findingPageSql(
  p: FindingViewParams,
  me: string | undefined,
  now: Date,
  visibility: Visibility,
): { rows: Prisma.Sql; count: Prisma.Sql } {
  const where = viewConditions(p, me, now, visibility);
  const offset = (p.page - 1) * FINDINGS_PAGE_SIZE;
  return {
    rows: Prisma.sql`
      SELECT f.id, f.severity::text AS severity, f.status::text AS status, f."checkId", f."policyId", p.title AS "policyTitle",
             f.path, f.line, f.message, f."codeContext"::text AS "codeContext", f."repositoryId", r.name AS "repositoryName",
             f."assigneeId", u.name AS "assigneeName", u.email AS "assigneeEmail", f."dueAt", f."firstSeenAt",
             (f."dueAt" < ${now} AND f.status = ANY(${OPEN_SQL})) AS overdue
      FROM "Finding" f
      JOIN "Repository" r ON r.id = f."repositoryId"
      LEFT JOIN "User" u ON u.id = f."assigneeId"
      LEFT JOIN "Policy" p ON p.id = f."policyId"
      WHERE ${where}
      ORDER BY ${viewOrder(p, now)}
      LIMIT ${FINDINGS_PAGE_SIZE} OFFSET ${offset}`,
    count: Prisma.sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM "Finding" f WHERE ${where} LIMIT ${FINDINGS_COUNT_CAP + 1}) s`,
  };
}

/**
 * One page of a view and its (capped) count: two queries, run side by side. `countVia` may serve the count from
 * somewhere else (the dashboard cache: a count is an aggregate, the rows are read live); it is given the filter
 * the count depends on, for its key.
 */
export async function findingPage(
  db: Db,
  p: FindingViewParams,
  me: string | undefined,
  now: Date,
  visibility: Visibility,
  countVia: (filter: FindingFilter & { me?: string }, run: () => Promise<number>) => Promise<number> = (_f, run) => run(),
): Promise<FindingPage> {
  const sql = findingPageSql(p, me, now, visibility);
  const { sort: _sort, dir: _dir, page: _page, ...filter } = p;
  const [rows, n] = await Promise.all([
    db.$queryRaw<RawRow[]>(sql.rows),
    countVia({ ...filter, me }, async () => (await db.$queryRaw<{ n: number }[]>(sql.count))[0]?.n ?? 0),
  ]);
  const total = Math.min(n, FINDINGS_COUNT_CAP);
  return {
    rows: rows.map((x) => ({ ...x, dueAt: x.dueAt.toISOString(), firstSeenAt: x.firstSeenAt.toISOString() })),
    total,
    capped: n > FINDINGS_COUNT_CAP,
    page: p.page,
    pageSize: FINDINGS_PAGE_SIZE,
    pages: Math.max(1, Math.min(FINDINGS_MAX_PAGE, Math.ceil(total / FINDINGS_PAGE_SIZE))),
  };
}

export type ExportRow = Finding & {
  repository: { name: string };
  assignee: { email: string } | null;
  exception: { requestedBy: string; decidedBy: string | null; state: string; needsApproval: boolean } | null;
};

/** A view's findings for CSV / SARIF, in the view's order, at most `limit` of them. */
export async function exportFindings(
  db: Db,
  p: FindingViewParams,
  me: string | undefined,
  limit: number,
  now: Date,
  visibility: Visibility,
): Promise<{ findings: ExportRow[]; truncated: boolean }> {
  const rows = await db.$queryRaw<
    (Finding & {
      repositoryName: string;
      assigneeEmail: string | null;
      xRequestedBy: string | null;
      xDecidedBy: string | null;
      xState: string | null;
      xNeedsApproval: boolean | null;
    })[]
  >`
    SELECT f.*, r.name AS "repositoryName", u.email AS "assigneeEmail",
           x."requestedBy" AS "xRequestedBy", x."decidedBy" AS "xDecidedBy", x.state::text AS "xState", x."needsApproval" AS "xNeedsApproval"
    FROM "Finding" f
    JOIN "Repository" r ON r.id = f."repositoryId"
    LEFT JOIN "User" u ON u.id = f."assigneeId"
    LEFT JOIN "ExceptionRequest" x ON x.id = f."exceptionId"
    WHERE ${viewConditions(p, me, now, visibility)}
    ORDER BY ${viewOrder(p, now)}
    LIMIT ${limit + 1}`;
  const findings = rows
    .slice(0, limit)
    .map(({ repositoryName, assigneeEmail, xRequestedBy, xDecidedBy, xState, xNeedsApproval, ...f }) => ({
      ...f,
      repository: { name: repositoryName },
      assignee: assigneeEmail ? { email: assigneeEmail } : null,
      exception:
        xRequestedBy && xState
          ? { requestedBy: xRequestedBy, decidedBy: xDecidedBy, state: xState, needsApproval: Boolean(xNeedsApproval) }
          : null,
    }));
  return { findings, truncated: rows.length > limit };
}

/** What the filter bar offers. */
export async function findingFilterOptions(db: Db, access: AccessScope) {
  const [repositories, teams, policies, checks, users] = await Promise.all([
    db.repository.findMany({
      where: { archivedAt: null, ...repositoryAccessWhere(access) },
      orderBy: { name: "asc" },
      select: { id: true, name: true },
    }),
    db.team.findMany({ where: teamAccessWhere(access), orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.policy.findMany({ orderBy: { title: "asc" }, select: { id: true, title: true, framework: true } }),
    db.check.findMany({ where: { active: true }, orderBy: { id: "asc" }, select: { id: true, policyId: true } }),
    assignableUsers(db, access),
  ]);
  return { repositories, teams, policies, checks, users };
}
export type FindingFilterOptions = Awaited<ReturnType<typeof findingFilterOptions>>;

/**
 * Who a finding can be assigned to: active users who can triage (a viewer could not act on it) and can see
 * what they are assigned. `teamId` given: those who can see that team's repositories; `access` limits the list
 * to people the reader may know of: a scoped reader is offered people of their own teams (and org-wide ones).
 */
export async function assignableUsers(db: Db, access: AccessScope, teamId?: string) {
  return db.user.findMany({
    where: assignableUsersWhere(access, teamId),
    orderBy: [{ name: "asc" }, { email: "asc" }],
    select: { id: true, name: true, email: true },
  });
}

/** The rule of assignableUsers as a filter, for the pickers' search (lib/search/queries.ts). */
export function assignableUsersWhere(access: AccessScope, teamId?: string): Prisma.UserWhereInput {
  return {
    AND: [
      { disabledAt: null, role: { not: "viewer" } },
      canSeeTeamsWhere(access.all ? undefined : access.teamIds),
      teamId ? canSeeTeamsWhere([teamId]) : {},
    ],
  };
}

/** A finding as the API gives it, with its events; null when unknown or outside the reader's scope. */
export async function apiFinding(db: Db, findingId: string, access: AccessScope) {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(findingId)) return null;
  return db.finding.findFirst({
    where: { id: findingId, ...(access.all ? {} : { repository: repositoryAccessWhere(access) }) },
    include: {
      repository: { select: { id: true, name: true } },
      assignee: { select: { id: true, name: true, email: true } },
      events: { orderBy: { createdAt: "asc" } },
    },
  });
}

/** Users who can see a repository of one of `teamIds` (undefined: anyone): admins, org-wide roles, members. */
function canSeeTeamsWhere(teamIds: readonly string[] | undefined): Prisma.UserWhereInput {
  if (!teamIds) return {};
  return { OR: [{ role: "admin" }, { orgWide: true }, { teams: { some: { teamId: { in: [...teamIds] } } } }] };
}

/** One finding with everything its page shows; null when there is no such finding or it is out of the reader's scope. */
export async function findingDetail(db: Db, findingId: string, access: AccessScope) {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(findingId)) return null;
  const finding = await db.finding.findFirst({
    where: { id: findingId, ...(access.all ? {} : { repository: repositoryAccessWhere(access) }) },
    include: {
      repository: {
        select: { id: true, name: true, url: true, branch: true, archivedAt: true, team: { select: { id: true, name: true } } },
      },
      check: {
        select: {
          id: true,
          message: true,
          enabled: true,
          policy: { select: { id: true, title: true, framework: true, level: true, why: true, remediation: true, references: true } },
        },
      },
      assignee: { select: { id: true, name: true, email: true } },
      events: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: 500,
        include: { actor: { select: { id: true, name: true, email: true } } },
      },
      exception: {
        select: {
          id: true,
          state: true,
          decision: true,
          reason: true,
          acceptedUntil: true,
          requestedBy: true,
          requestedAt: true,
          decidedBy: true,
          decidedAt: true,
          needsApproval: true,
        },
      },
    },
  });
  if (!finding) return null;
  // "Assigned to" events name users by id; the timeline shows their names.
  const assigned = new Set(
    finding.events.flatMap((e) =>
      e.type === "assigned" && typeof (e.data as { to?: unknown } | null)?.to === "string" ? [(e.data as { to: string }).to] : [],
    ),
  );
  const named = assigned.size
    ? await db.user.findMany({ where: { id: { in: [...assigned] } }, select: { id: true, name: true, email: true } })
    : [];
  return { ...finding, userNames: new Map(named.map((u) => [u.id, u.name || u.email])) };
}
export type FindingDetail = NonNullable<Awaited<ReturnType<typeof findingDetail>>>;

const storedRelated = z.array(
  z.object({
    link: z.enum(["loads", "loaded-by"]),
    ruleId: z.string(),
    path: z.string(),
    line: z.number().int(),
    severity: z.enum(SEVERITIES),
    message: z.string(),
    fingerprint: z.string(),
  }),
);

/**
 * The findings a finding is linked with by its last scan (a model file and the code that loads it), each with its
 * id and status where the repository still has it. A stored value this version cannot read shows nothing.
 */
export async function relatedFindings(db: Db, finding: { repositoryId: string; related: unknown }) {
  const parsed = storedRelated.safeParse(finding.related ?? []);
  if (!parsed.success || parsed.data.length === 0) return [];
  const rows = await db.finding.findMany({
    where: { repositoryId: finding.repositoryId, fingerprint: { in: parsed.data.map((r) => r.fingerprint) } },
    select: { id: true, fingerprint: true, status: true },
  });
  const byFingerprint = new Map(rows.map((r) => [r.fingerprint, r]));
  return parsed.data.map((r) => ({ ...r, id: byFingerprint.get(r.fingerprint)?.id, status: byFingerprint.get(r.fingerprint)?.status }));
}
export type RelatedFinding = Awaited<ReturnType<typeof relatedFindings>>[number];
