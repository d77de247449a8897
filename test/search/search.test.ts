/**
 * The pickers' search (lib/search/queries.ts, GET /api/search/<kind>): scope (a team-A reader never gets team
 * B's repositories or people), paging, the assignee rule with a repository, and bad parameters answered with a
 * 400 that names the parameter. Real PostgreSQL.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { toErrorResponse } from "../../lib/api/http.ts";
import { ORG_WIDE, type AccessScope } from "../../lib/findings/visibility.ts";
import { search, SEARCH_PAGE_SIZE, searchFromParams, searchLabel, searchQuery } from "../../lib/search/queries.ts";
import { useTestDatabase } from "../support/db.ts";

const t = useTestDatabase("search");
const ids = {} as Record<string, string>;
let scopedA: AccessScope;

beforeAll(async () => {
  const a = await t.db.team.create({ data: { name: "team-a" } });
  const b = await t.db.team.create({ data: { name: "team-b" } });
  ids.teamA = a.id;
  ids.teamB = b.id;
  scopedA = { all: false, teamIds: [a.id] };
  // 45 repositories in A (more than two pages), 5 in B whose names also match "serving".
  const repo = (team: string, name: string, archived = false) => ({
    teamId: team,
    name,
    url: `https://git.example/${name}`,
    urlKey: `git.example/${name}`,
    archivedAt: archived ? new Date() : null,
  });
  await t.db.repository.createMany({
    data: [
      ...Array.from({ length: 45 }, (_, i) => repo(a.id, `acme/serving-a-${String(i).padStart(2, "0")}`)),
      ...Array.from({ length: 5 }, (_, i) => repo(b.id, `acme/serving-b-${i}`)),
      repo(a.id, "acme/old_100%", true),
    ],
  });
  ids.repoA0 = (await t.db.repository.findFirstOrThrow({ where: { name: "acme/serving-a-00" } })).id;
  ids.repoB0 = (await t.db.repository.findFirstOrThrow({ where: { name: "acme/serving-b-0" } })).id;
  ids.archived = (await t.db.repository.findFirstOrThrow({ where: { name: "acme/old_100%" } })).id;

  const user = async (email: string, role: "admin" | "security_lead" | "engineer" | "viewer", teams: string[], extra = {}) => {
    const u = await t.db.user.create({ data: { email, name: email.split("@")[0]!, role, ...extra } });
    for (const teamId of teams) await t.db.teamMember.create({ data: { teamId, userId: u.id } });
    return u.id;
  };
  ids.alice = await user("alice@example.test", "engineer", [a.id]);
  ids.bob = await user("bob@example.test", "engineer", [b.id]);
  ids.vera = await user("vera@example.test", "viewer", [a.id]);
  ids.olga = await user("olga@example.test", "security_lead", [], { orgWide: true });
  ids.gone = await user("gone@example.test", "engineer", [a.id], { disabledAt: new Date() });
  ids.admin = await user("root@example.test", "admin", []);
});

const q = (over: Partial<ReturnType<typeof searchQuery.parse>> = {}) => ({ ...searchQuery.parse({}), ...over });

describe("search scope", () => {
  it("a team-A reader never gets team B's repositories, on any page or query", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const r = await search(t.db, scopedA, "repositories", q({ q: "serving", page }));
      seen.push(...r.items.map((i) => i.label));
    }
    expect(seen).toHaveLength(45);
    expect(seen.some((n) => n.includes("serving-b"))).toBe(false);
    expect((await search(t.db, scopedA, "repositories", q({ q: "serving-b" }))).items).toEqual([]);
    // Org-wide readers get both teams'.
    expect((await search(t.db, ORG_WIDE, "repositories", q({ q: "serving-b" }))).items).toHaveLength(5);
  });

  it("teams and people follow the scope; the label of another team's repository is not given", async () => {
    expect((await search(t.db, scopedA, "teams", q())).items.map((i) => i.label)).toEqual(["team-a"]);
    const people = (await search(t.db, scopedA, "users", q())).items.map((i) => i.id);
    // Teammates and org-wide people; not B's engineer, not viewers (cannot act on a finding), not the disabled.
    expect(people.sort()).toEqual([ids.alice, ids.olga, ids.admin].sort());
    expect(await searchLabel(t.db, scopedA, "repositories", ids.repoB0)).toBeNull();
    expect(await searchLabel(t.db, scopedA, "repositories", ids.repoA0)).toMatchObject({ label: "acme/serving-a-00", detail: "team-a" });
    expect(await searchLabel(t.db, ORG_WIDE, "repositories", ids.archived)).toMatchObject({ label: "acme/old_100% (archived)" });
  });

  it("with a repository, only people who can see it are offered; another team's repository is a 404", async () => {
    const forB = (await search(t.db, ORG_WIDE, "users", q({ repository: ids.repoB0 }))).items.map((i) => i.id);
    expect(forB.sort()).toEqual([ids.bob, ids.olga, ids.admin].sort());
    await expect(search(t.db, scopedA, "users", q({ repository: ids.repoB0 }))).rejects.toMatchObject({ status: 404 });
  });
});

describe("team member candidates", () => {
  it("offers every active user not yet in the team, only to those who manage teams, for a team in their scope", async () => {
    const lead = { access: scopedA, role: "security_lead" as const };
    const r = await searchFromParams(t.db, lead, "members", { team: ids.teamA! });
    // Alice and Vera are in A already; Gone is disabled.
    expect(r.items.map((i) => i.id).sort()).toEqual([ids.bob, ids.olga, ids.admin].sort());
    expect(r.items.find((i) => i.id === ids.bob)).toEqual({ id: ids.bob, label: "bob@example.test (engineer)", detail: "bob" });
    await expect(searchFromParams(t.db, lead, "members", { team: ids.teamB! })).rejects.toMatchObject({ status: 404 });
    await expect(searchFromParams(t.db, { access: scopedA, role: "engineer" }, "members", { team: ids.teamA! })).rejects.toMatchObject({
      status: 403,
    });
    await expect(searchFromParams(t.db, lead, "members", {})).rejects.toMatchObject({ status: 400 });
  });
});

describe("search paging and matching", () => {
  it("pages in name order with a next page number until the last", async () => {
    const p1 = await search(t.db, scopedA, "repositories", q({ q: "serving" }));
    expect(p1.items).toHaveLength(SEARCH_PAGE_SIZE);
    expect(p1.next).toBe(2);
    expect(p1.items[0]).toMatchObject({ label: "acme/serving-a-00", detail: "team-a" });
    const p3 = await search(t.db, scopedA, "repositories", q({ q: "serving", page: 3 }));
    expect(p3.items.map((i) => i.label)).toEqual([
      "acme/serving-a-40",
      "acme/serving-a-41",
      "acme/serving-a-42",
      "acme/serving-a-43",
      "acme/serving-a-44",
    ]);
    expect(p3.next).toBeNull();
    const small = await search(t.db, scopedA, "repositories", q({ q: "serving", limit: 2, page: 2 }));
    expect(small.items.map((i) => i.label)).toEqual(["acme/serving-a-02", "acme/serving-a-03"]);
    // Items are ids and display fields only.
    expect(Object.keys(small.items[0]!).sort()).toEqual(["detail", "id", "label"]);
  });

  it("every word must match, case-insensitively, and LIKE wildcards are literal", async () => {
    expect((await search(t.db, ORG_WIDE, "repositories", q({ q: "SERVING a-4" }))).items).toHaveLength(5);
    // "%" and "_" match only themselves: no repository but the archived one has them, and archived ones are not offered.
    expect((await search(t.db, ORG_WIDE, "repositories", q({ q: "%" }))).items).toEqual([]);
    expect((await search(t.db, ORG_WIDE, "repositories", q({ q: "a_0" }))).items).toEqual([]);
    expect((await search(t.db, ORG_WIDE, "users", q({ q: "EXAMPLE.test bo" }))).items.map((i) => i.id)).toEqual([ids.bob]);
  });
});

describe("search parameters", () => {
  const status = async (p: Promise<unknown>) => {
    try {
      await p;
      return { status: 200, message: "" };
    } catch (e) {
      const res = toErrorResponse(e);
      return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
    }
  };

  it("answers bad parameters with a 400 naming them", async () => {
    const bad = (raw: Record<string, string>, kind = "repositories") =>
      status(searchFromParams(t.db, { access: ORG_WIDE, role: "admin" }, kind, raw));
    expect(await bad({ page: "0" })).toEqual({ status: 400, message: "page: a whole number from 1" });
    expect(await bad({ page: "x" })).toMatchObject({ status: 400, message: expect.stringMatching(/^page: /) });
    expect(await bad({ limit: "500" })).toEqual({ status: 400, message: "limit: a whole number from 1 to 50" });
    expect(await bad({ q: "x".repeat(101) })).toEqual({ status: 400, message: "q: at most 100 characters" });
    expect(await bad({ repository: "../etc" }, "users")).toEqual({ status: 400, message: "repository: not a repository id" });
    expect(await bad({ repository: ids.repoA0! })).toEqual({
      status: 400,
      message: "repository: only the users search takes a repository",
    });
    expect(await bad({ sort: "name" })).toMatchObject({ status: 400, message: expect.stringContaining("sort") });
    expect(await bad({}, "secrets")).toMatchObject({ status: 404, message: expect.stringContaining("use one of repositories") });
    expect(await bad({ q: "serving", page: "2" })).toEqual({ status: 200, message: "" });
  });
});
