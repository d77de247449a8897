/**
 * What the dashboard's pickers offer: one search over repositories, teams, users, policies and checks, paged,
 * within the reader's access scope (lib/findings/visibility.ts), answering ids and display fields only. At
 * 1,000 repositories a page cannot list them all as <option>s; the combobox (app/ui/combobox/) asks
 * GET /api/search/<kind> as the user types, and the page renders only the current value's label (searchLabel).
 */
import { z } from "zod";
import { ApiError, parseWith } from "../api/http.ts";
import { roleLabel } from "../auth/guard.ts";
import { can } from "../auth/permissions.ts";
import type { Db, Prisma, Role } from "../db/client.ts";
import { assignableUsersWhere } from "../findings/queries.ts";
import { repositoryAccessWhere, repositoryInScope, teamAccessWhere, teamInScope, type AccessScope } from "../findings/visibility.ts";

export const SEARCH_KINDS = ["repositories", "teams", "users", "members", "policies", "checks"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const SEARCH_PAGE_SIZE = 20;
export const SEARCH_MAX_LIMIT = 50;
export const SEARCH_MAX_QUERY = 100;
// Paging is for "more" under a short query; past this a narrower query is the answer, not page 501.
export const SEARCH_MAX_PAGE = 500;

const ID = /^[A-Za-z0-9_.:/-]{1,200}$/;

export const searchQuery = z
  .object({
    q: z.string().trim().max(SEARCH_MAX_QUERY, `at most ${SEARCH_MAX_QUERY} characters`).default(""),
    page: z.coerce
      .number({ message: "a whole number from 1" })
      .int("a whole number from 1")
      .min(1, "a whole number from 1")
      .max(SEARCH_MAX_PAGE, `at most ${SEARCH_MAX_PAGE}; narrow the search instead`)
      .default(1),
    limit: z.coerce
      .number({ message: `a whole number from 1 to ${SEARCH_MAX_LIMIT}` })
      .int(`a whole number from 1 to ${SEARCH_MAX_LIMIT}`)
      .min(1, `a whole number from 1 to ${SEARCH_MAX_LIMIT}`)
      .max(SEARCH_MAX_LIMIT, `a whole number from 1 to ${SEARCH_MAX_LIMIT}`)
      .default(SEARCH_PAGE_SIZE),
    /** users: only people who can see this repository (whom one of its findings can be assigned to). */
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "not a repository id")
      .optional(),
    /** members (required): the team people are added to; its members are left out. */
    team: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "not a team id")
      .optional(),
  })
  .strict();
export type SearchQuery = z.infer<typeof searchQuery>;

export interface SearchItem {
  id: string;
  label: string;
  /** A second line: a repository's team, a user's email, a check's policy. */
  detail?: string;
}

export interface SearchResult {
  items: SearchItem[];
  page: number;
  /** The next page's number, or null when this is the last. */
  next: number | null;
}

export function parseSearchKind(kind: unknown): SearchKind {
  const parsed = z.enum(SEARCH_KINDS).safeParse(kind);
  if (!parsed.success)
    throw new ApiError(404, "not_found", `no search for "${String(kind).slice(0, 40)}": use one of ${SEARCH_KINDS.join(", ")}`);
  return parsed.data;
}

/** Who searches: their scope, and their role for the kinds only some roles may list. */
export type Searcher = { access: AccessScope; role: Role };

/** The handler's whole job, transport aside: a 400 for bad parameters, a 404 for an unknown kind or repository. */
export async function searchFromParams(db: Db, who: Searcher, kind: unknown, raw: Record<string, string>): Promise<SearchResult> {
  const k = parseSearchKind(kind);
  const query = parseWith(searchQuery, raw);
  if (query.repository && k !== "users") throw new ApiError(400, "invalid_input", "repository: only the users search takes a repository");
  if (query.team && k !== "members") throw new ApiError(400, "invalid_input", "team: only the members search takes a team");
  if (k === "members") {
    // Everyone active is a candidate for a team: only those who manage teams may list them all.
    if (!can(who.role, "teams:manage")) throw new ApiError(403, "forbidden", `the ${roleLabel(who.role)} role cannot manage teams`);
    if (!query.team) throw new ApiError(400, "invalid_input", "team: the members search needs the team people are added to");
    if (!teamInScope(who.access, query.team)) throw new ApiError(404, "not_found", "team: no such team");
  }
  return search(db, who.access, k, query);
}

/** Each word of the query must appear (case-insensitively) in one of the fields. */
function matchAll<W>(q: string, fields: (word: Prisma.StringFilter) => W[]): { AND: { OR: W[] }[] } {
  const words = q.split(/\s+/).filter(Boolean).slice(0, 8);
  // LIKE wildcards typed by the user are literal characters.
  return { AND: words.map((w) => ({ OR: fields({ contains: w.replace(/[\\%_]/g, "\\$&"), mode: "insensitive" }) })) };
}

export async function search(db: Db, access: AccessScope, kind: SearchKind, query: SearchQuery): Promise<SearchResult> {
  const { q, page, limit } = query;
  const skip = (page - 1) * limit;
  const take = limit + 1;
  let items: SearchItem[];
  switch (kind) {
    case "repositories": {
      const rows = await db.repository.findMany({
        where: { archivedAt: null, ...repositoryAccessWhere(access), ...matchAll(q, (w) => [{ name: w }, { url: w }]) },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        select: { id: true, name: true, team: { select: { name: true } } },
        skip,
        take,
      });
      items = rows.map((r) => ({ id: r.id, label: r.name, detail: r.team.name }));
      break;
    }
    case "teams": {
      const rows = await db.team.findMany({
        where: { ...teamAccessWhere(access), ...matchAll(q, (w) => [{ name: w }]) },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        select: { id: true, name: true },
        skip,
        take,
      });
      items = rows.map((t) => ({ id: t.id, label: t.name }));
      break;
    }
    case "users": {
      let teamId: string | undefined;
      if (query.repository) {
        // Another team's repository answers as an unknown one does.
        const repo = await repositoryInScope(db, access, query.repository);
        if (!repo) throw new ApiError(404, "not_found", "repository: no such repository");
        teamId = repo.teamId;
      }
      const rows = await db.user.findMany({
        where: { AND: [assignableUsersWhere(access, teamId), matchAll(q, (w) => [{ name: w }, { email: w }])] },
        orderBy: [{ name: "asc" }, { email: "asc" }, { id: "asc" }],
        select: { id: true, name: true, email: true },
        skip,
        take,
      });
      items = rows.map(userItem);
      break;
    }
    case "members": {
      // memberCandidates' rule (lib/auth/teams.ts): every active user, less the team's members.
      const rows = await db.user.findMany({
        where: {
          disabledAt: null,
          ...(query.team ? { teams: { none: { teamId: query.team } } } : {}),
          ...matchAll(q, (w) => [{ name: w }, { email: w }]),
        },
        orderBy: [{ email: "asc" }, { id: "asc" }],
        select: { id: true, name: true, email: true, role: true },
        skip,
        take,
      });
      items = rows.map((u) => ({ id: u.id, label: `${u.email} (${roleLabel(u.role)})`, ...(u.name ? { detail: u.name } : {}) }));
      break;
    }
    case "policies": {
      const rows = await db.policy.findMany({
        where: matchAll(q, (w) => [{ title: w }, { id: w }]),
        orderBy: [{ title: "asc" }],
        select: { id: true, title: true },
        skip,
        take,
      });
      items = rows.map((p) => ({ id: p.id, label: p.title }));
      break;
    }
    case "checks": {
      const rows = await db.check.findMany({
        where: { active: true, ...matchAll(q, (w) => [{ id: w }, { message: w }]) },
        orderBy: [{ id: "asc" }],
        select: { id: true, policy: { select: { title: true } } },
        skip,
        take,
      });
      items = rows.map((c) => ({ id: c.id, label: c.id, detail: c.policy.title }));
      break;
    }
  }
  const more = items.length > limit;
  return { items: more ? items.slice(0, limit) : items, page, next: more ? page + 1 : null };
}

const userItem = (u: { id: string; name: string; email: string }): SearchItem =>
  u.name ? { id: u.id, label: u.name, detail: u.email } : { id: u.id, label: u.email };

/**
 * The label of a picker's current value, for the page to render without JavaScript; null when the id names
 * nothing the reader may see (the page then shows the id as it is). Archived repositories keep their name, as
 * a link to one still filters by it.
 */
export async function searchLabel(db: Db, access: AccessScope, kind: SearchKind, id: string | undefined): Promise<SearchItem | null> {
  if (!id || !ID.test(id)) return null;
  switch (kind) {
    case "repositories": {
      const r = await db.repository.findFirst({
        where: { id, ...repositoryAccessWhere(access) },
        select: { id: true, name: true, archivedAt: true, team: { select: { name: true } } },
      });
      return r ? { id: r.id, label: r.archivedAt ? `${r.name} (archived)` : r.name, detail: r.team.name } : null;
    }
    case "teams": {
      const t = await db.team.findFirst({ where: { id, ...teamAccessWhere(access) }, select: { id: true, name: true } });
      return t ? { id: t.id, label: t.name } : null;
    }
    case "users": {
      // An org-wide reader may know of anyone, so a user disabled since the link was made keeps their name.
      const u = await db.user.findFirst({
        where: access.all ? { id } : { AND: [{ id }, assignableUsersWhere(access)] },
        select: { id: true, name: true, email: true },
      });
      return u ? userItem(u) : null;
    }
    case "members":
      return null;
    case "policies": {
      const p = await db.policy.findUnique({ where: { id }, select: { id: true, title: true } });
      return p ? { id: p.id, label: p.title } : null;
    }
    case "checks": {
      const c = await db.check.findUnique({ where: { id }, select: { id: true, policy: { select: { title: true } } } });
      return c ? { id: c.id, label: c.id, detail: c.policy.title } : null;
    }
  }
}
