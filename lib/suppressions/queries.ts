/**
 * Reads of governed suppressions (issue 16 §3): every repository's in-code suppressions and .posture.yaml
 * exclusions as its last successful scan found them, in the reader's access scope (lib/findings/visibility.ts):
 * another team's repository is as absent here as everywhere else. The page and GET /api/v1/suppressions take the
 * same parameters; the page ignores a malformed one, the API answers 400 naming it.
 */
import { z } from "zod";
import type { Db, Prisma } from "../db/client.ts";
import { DomainError } from "../errors.ts";
import { repositoryAccessWhere, repositoryInScope, teamInScope, type AccessScope } from "../findings/visibility.ts";
import { cursorPaging } from "../api/paging.ts";

export const SUPPRESSION_KINDS = ["inline", "exclusion", "disabled_check"] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];
export const KIND_LABEL: Record<SuppressionKind, string> = {
  inline: "Inline comment",
  exclusion: ".posture.yaml exclusion",
  disabled_check: ".posture.yaml disabled check",
};

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v === "" ? undefined : v);
const id = z.string().trim().min(1).max(200).optional();

function fields(mode: "lenient" | "strict") {
  const field = <T extends z.ZodType>(schema: T) =>
    mode === "strict" ? z.preprocess(first, schema) : z.preprocess(first, schema).catch(undefined as z.infer<T>);
  return {
    repository: field(id),
    team: field(id),
    kind: field(z.enum(SUPPRESSION_KINDS).optional()),
    check: field(id),
    /** "missing": only suppressions without a reason; "given": only those with one. */
    reason: field(z.enum(["missing", "given"]).optional()),
    /** "no": only suppressions the settings refused (their findings stay open); "yes": only honoured ones. */
    honoured: field(z.enum(["yes", "no"]).optional()),
  };
}

export const SUPPRESSIONS_PAGE_SIZE = 100;

/** The page's parameters: a malformed one is ignored, so a hand-edited link still shows something. */
export const suppressionViewParams = z.object({
  ...fields("lenient"),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1000)).catch(1).default(1),
});
export type SuppressionView = z.infer<typeof suppressionViewParams>;

/** The API's parameters: a malformed or unknown one is a 400. */
export const suppressionFilters = z.object({ ...fields("strict"), ...cursorPaging(100) }).strict();
export type SuppressionFilters = z.infer<typeof suppressionFilters>;

export type SuppressionCriteria = Pick<SuppressionView, "repository" | "team" | "kind" | "check" | "reason" | "honoured">;

/** The one WHERE behind the page, its counts and the API: the reader's scope first, then the filters. */
export function suppressionWhere(c: SuppressionCriteria, access: AccessScope): Prisma.CodeSuppressionWhereInput {
  return {
    // Archived repositories are out of the posture, as on the findings page, unless one is asked for by id.
    // The scope and the team filter are separate conditions: one spread over the other would replace the scope.
    repository: { AND: [repositoryAccessWhere(access), c.repository ? {} : { archivedAt: null }, c.team ? { teamId: c.team } : {}] },
    ...(c.repository ? { repositoryId: c.repository } : {}),
    ...(c.kind ? { kind: c.kind } : {}),
    ...(c.check ? { checkId: c.check } : {}),
    ...(c.reason === "missing" ? { reason: null } : c.reason === "given" ? { reason: { not: null } } : {}),
    ...(c.honoured === "no" ? { honoured: false } : c.honoured === "yes" ? { honoured: true } : {}),
  };
}

const ORDER: Prisma.CodeSuppressionOrderByWithRelationInput[] = [
  { repository: { name: "asc" } },
  { kind: "asc" },
  { path: "asc" },
  { line: "asc" },
  { id: "asc" },
];

const SELECT = {
  id: true,
  kind: true,
  checkId: true,
  path: true,
  line: true,
  findingLine: true,
  reason: true,
  severity: true,
  fingerprint: true,
  honoured: true,
  commitSha: true,
  authorName: true,
  authorEmail: true,
  authoredAt: true,
  createdAt: true,
  repository: {
    select: { id: true, name: true, url: true, team: { select: { id: true, name: true } }, forge: { select: { webUrl: true } } },
  },
} satisfies Prisma.CodeSuppressionSelect;

type Row = Prisma.CodeSuppressionGetPayload<{ select: typeof SELECT }>;

export interface SuppressionItem {
  id: string;
  kind: SuppressionKind;
  repository: { id: string; name: string };
  team: { id: string; name: string };
  checkId: string | null;
  path: string;
  /** The comment's line, or the entry's line in .posture.yaml. */
  line: number | null;
  findingLine: number | null;
  reason: string | null;
  severity: string | null;
  honoured: boolean;
  /** The finding a refused suppression left open (in the reader's scope, as the suppression is). */
  findingId: string | null;
  commitSha: string;
  author: { name: string; email: string; at: Date } | null;
  /** Where the line is on the forge, when the repository is on one Posture knows how to link to. */
  webUrl: string | null;
}

/** A link to the line at the scanned commit on GitHub or GitLab; null for other hosts and local paths. */
export function lineUrl(
  repo: { url: string; forge: { webUrl: string } | null },
  commit: string,
  path: string,
  line: number | null,
): string | null {
  const base = repo.forge?.webUrl ?? (/^https:\/\/(github\.com|gitlab\.com)\/[^?#]+$/.test(repo.url) ? repo.url : undefined);
  if (!base || !/^https:\/\/[^/]/.test(base)) return null;
  const root = base.replace(/\.git\/?$/, "").replace(/\/$/, "");
  const gitlab = /^https:\/\/[^/]*gitlab/i.test(root);
  const file = path.split("/").map(encodeURIComponent).join("/");
  return `${root}${gitlab ? "/-" : ""}/blob/${commit}/${file}${line ? `#L${line}` : ""}`;
}

async function toItems(db: Db, rows: Row[]): Promise<SuppressionItem[]> {
  const refused = rows.filter((r) => !r.honoured && r.fingerprint);
  const findings = refused.length
    ? await db.finding.findMany({
        where: { OR: refused.map((r) => ({ repositoryId: r.repository.id, fingerprint: r.fingerprint! })) },
        select: { id: true, repositoryId: true, fingerprint: true },
      })
    : [];
  const findingOf = new Map(findings.map((f) => [`${f.repositoryId}\0${f.fingerprint}`, f.id]));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    repository: { id: r.repository.id, name: r.repository.name },
    team: r.repository.team,
    checkId: r.checkId,
    path: r.path,
    line: r.line,
    findingLine: r.findingLine,
    reason: r.reason,
    severity: r.severity,
    honoured: r.honoured,
    findingId: r.fingerprint ? (findingOf.get(`${r.repository.id}\0${r.fingerprint}`) ?? null) : null,
    commitSha: r.commitSha,
    author: r.authorName !== null && r.authoredAt ? { name: r.authorName, email: r.authorEmail ?? "", at: r.authoredAt } : null,
    webUrl:
      r.kind === "inline"
        ? lineUrl(r.repository, r.commitSha, r.path, r.line)
        : lineUrl(r.repository, r.commitSha, ".posture.yaml", r.line),
  }));
}

export interface SuppressionSummary {
  total: number;
  noReason: number;
  notHonoured: number;
}

/** The page: one page of rows, and the counts of the whole filtered set. */
export async function suppressionPage(
  db: Db,
  view: SuppressionView,
  access: AccessScope,
): Promise<{ rows: SuppressionItem[]; summary: SuppressionSummary; page: number; pages: number }> {
  const where = suppressionWhere(view, access);
  const [total, noReason, notHonoured] = await Promise.all([
    db.codeSuppression.count({ where }),
    db.codeSuppression.count({ where: { AND: [where, { reason: null }] } }),
    db.codeSuppression.count({ where: { AND: [where, { honoured: false }] } }),
  ]);
  const pages = Math.max(1, Math.ceil(total / SUPPRESSIONS_PAGE_SIZE));
  const page = Math.min(view.page, pages);
  const rows = await db.codeSuppression.findMany({
    where,
    orderBy: ORDER,
    skip: (page - 1) * SUPPRESSIONS_PAGE_SIZE,
    take: SUPPRESSIONS_PAGE_SIZE,
    select: SELECT,
  });
  return { rows: await toItems(db, rows), summary: { total, noReason, notHonoured }, page, pages };
}

export class SuppressionNotFound extends DomainError {
  constructor(what: string) {
    super("not_found", `no such ${what}`);
  }
}

/**
 * A repository or team named by a filter must be one the reader can see: another team's answers 404, as an
 * unknown id does (never an empty list that would confirm it exists).
 */
export async function assertFiltersInScope(
  db: Db,
  c: Pick<SuppressionCriteria, "repository" | "team">,
  access: AccessScope,
): Promise<void> {
  if (c.repository && !(await repositoryInScope(db, access, c.repository))) throw new SuppressionNotFound("repository");
  if (c.team && !(teamInScope(access, c.team) && (await db.team.count({ where: { id: c.team } })) > 0))
    throw new SuppressionNotFound("team");
}

/** One suppression by id, when its repository is in the reader's scope; null otherwise (a 404 either way). */
export async function suppressionById(db: Db, id: string, access: AccessScope): Promise<SuppressionItem | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
  const row = await db.codeSuppression.findFirst({ where: { id, repository: repositoryAccessWhere(access) }, select: SELECT });
  return row ? (await toItems(db, [row]))[0]! : null;
}

export class BadSuppressionCursor extends DomainError {
  constructor() {
    super("invalid_input", "the cursor is not valid", { field: "cursor" });
  }
}

const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
function decodeCursor(cursor: string): number {
  try {
    const { o } = JSON.parse(Buffer.from(cursor, "base64url").toString()) as { o: unknown };
    if (typeof o === "number" && Number.isInteger(o) && o >= 0 && o <= 1_000_000) return o;
  } catch {
    // below
  }
  throw new BadSuppressionCursor();
}

/** GET /api/v1/suppressions: the page's rows for the same filters, `limit` at a time. */
export async function listSuppressions(
  db: Db,
  filters: SuppressionFilters,
  access: AccessScope,
): Promise<{ items: SuppressionItem[]; nextCursor: string | null }> {
  await assertFiltersInScope(db, filters, access);
  const offset = filters.cursor ? decodeCursor(filters.cursor) : 0;
  const rows = await db.codeSuppression.findMany({
    where: suppressionWhere(filters, access),
    orderBy: ORDER,
    skip: offset,
    take: filters.limit + 1,
    select: SELECT,
  });
  const more = rows.length > filters.limit;
  return { items: await toItems(db, rows.slice(0, filters.limit)), nextCursor: more ? encodeCursor(offset + filters.limit) : null };
}

/** The check filter's choices: the checks that have suppressions in the reader's scope. */
export async function suppressionCheckOptions(db: Db, access: AccessScope): Promise<string[]> {
  const checks = await db.codeSuppression.findMany({
    where: { AND: [suppressionWhere({}, access), { checkId: { not: null } }] },
    distinct: ["checkId"],
    select: { checkId: true },
    orderBy: { checkId: "asc" },
  });
  return checks.map((c) => c.checkId!);
}

/** The page's URL query for a view (defaults left out), with some parameters changed. */
export function suppressionViewQuery(v: SuppressionView, change: Partial<SuppressionView> = {}): string {
  const x = { ...v, ...change };
  const q = new URLSearchParams();
  for (const k of ["repository", "team", "kind", "check", "reason", "honoured"] as const) if (x[k]) q.set(k, x[k]!);
  if (x.page > 1) q.set("page", String(x.page));
  return q.toString();
}

/**
 * The suppression the code asks for on a finding that the settings did not honour (the finding stays open), for
 * the finding's page; null when there is none. The caller has already checked the finding is in scope.
 */
export async function refusedSuppressionOf(
  db: Db,
  finding: { repositoryId: string; fingerprint: string },
): Promise<{ line: number | null; reason: string | null; authorName: string | null } | null> {
  return db.codeSuppression.findFirst({
    where: { repositoryId: finding.repositoryId, fingerprint: finding.fingerprint, kind: "inline", honoured: false },
    select: { line: true, reason: true, authorName: true },
  });
}
