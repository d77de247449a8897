/**
 * lib/findings/visibility.ts writes the dashboard's one rule of what counts twice (SQL for the aggregates, a
 * Prisma filter for ORM queries): over every combination of scope, disabled checks, counted contexts and the
 * reader's access scope (issue 16), both must select the same findings, and events must follow their findings.
 * Real PostgreSQL.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../lib/db/client.ts";
import { CODE_CONTEXTS, type CodeContext } from "../../lib/engine/types.ts";
import {
  ORG_WIDE,
  accessOf,
  countedSql,
  repositoryAccessSql,
  repositoryAccessWhere,
  countedWhere,
  loadVisibility,
  normaliseContexts,
  visibleSql,
  visibleWhere,
  type FindingScope,
  type Visibility,
} from "../../lib/findings/visibility.ts";
import { useTestDatabase } from "../support/db.ts";
import { findingRow } from "../support/finding-row.ts";

const t = useTestDatabase("visibility");
const ids = {} as Record<"teamA" | "teamB" | "a1" | "a2archived" | "b1", string>;

beforeAll(async () => {
  const db = t.db;
  await db.policy.create({ data: { id: "p", title: "P", framework: "modal", level: "strict", references: [], why: "", remediation: "" } });
  for (const [id, enabled] of [
    ["on.one", true],
    ["on.two", true],
    ["off", false],
  ] as const)
    await db.check.create({ data: { id, policyId: "p", severity: "high", message: "m", enabled } });
  ids.teamA = (await db.team.create({ data: { name: "A" } })).id;
  ids.teamB = (await db.team.create({ data: { name: "B" } })).id;
  const repo = (name: string, teamId: string, archivedAt?: Date) =>
    db.repository.create({ data: { name, teamId, url: `https://x/${name}`, urlKey: `x/${name}`, archivedAt } }).then((r) => r.id);
  ids.a1 = await repo("a1", ids.teamA);
  ids.a2archived = await repo("a2", ids.teamA, new Date());
  ids.b1 = await repo("b1", ids.teamB);
  const when = new Date("2026-11-01T00:00:00Z");
  let n = 0;
  // Every repository × check × context: 3 × 3 × CODE_CONTEXTS.length findings, one event each.
  for (const repositoryId of [ids.a1, ids.a2archived, ids.b1])
    for (const checkId of ["on.one", "on.two", "off"])
      for (const codeContext of CODE_CONTEXTS) {
        const fingerprint = `fp${++n}`;
        const f = await db.finding.create({
          data: {
            ...findingRow({ repositoryId, fingerprint, checkId }, when),
            codeContext,
          },
        });
        await db.findingEvent.create({
          data: {
            findingId: f.id,
            type: "detected",
            toStatus: "open",
            createdAt: when,
            severity: "high",
            repositoryId,
            checkId,
            codeContext,
          },
        });
      }
});

const scopes: FindingScope[] = [{}, { repositoryId: "a1" }, { repositoryId: "a2archived" }, { teamId: "teamA" }, { teamId: "teamB" }];
const contextSets: CodeContext[][] = [["production", "example"], ["production", "example", "test"], [...CODE_CONTEXTS], ["test"], []];
const disabledSets = [[], ["off"], ["off", "on.two"]];
// Readers: org-wide, one team, both teams, and a scoped user with no team (who sees nothing).
const accessSets: (string[] | "all")[] = ["all", ["teamA"], ["teamB"], ["teamA", "teamB"], []];
const accessOfSet = (a: string[] | "all") =>
  a === "all" ? ORG_WIDE : { all: false as const, teamIds: a.map((k) => ids[k as keyof typeof ids]) };

const resolve = (s: FindingScope): FindingScope => ({
  repositoryId: s.repositoryId && ids[s.repositoryId as keyof typeof ids],
  teamId: s.teamId && ids[s.teamId as keyof typeof ids],
});

async function bySql(scope: FindingScope, v: Visibility) {
  return (await t.db.$queryRaw<{ id: string }[]>`SELECT f.id FROM "Finding" f WHERE TRUE ${visibleSql("f", scope, v)} ORDER BY f.id`).map(
    (r) => r.id,
  );
}
async function byPrisma(scope: FindingScope, v: Visibility) {
  return (await t.db.finding.findMany({ where: visibleWhere(scope, v), select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id);
}
async function eventsBySql(scope: FindingScope, v: Visibility) {
  return (
    await t.db.$queryRaw<
      { id: string }[]
    >`SELECT e."findingId" AS id FROM "FindingEvent" e WHERE TRUE ${visibleSql("e", scope, v)} ORDER BY 1`
  ).map((r) => r.id);
}

describe("the visibility rule", () => {
  it("selects the same findings in SQL and in Prisma, and the same findings' events, for every scope and setting", async () => {
    let compared = 0;
    for (const s of scopes)
      for (const contexts of contextSets)
        for (const disabledChecks of disabledSets)
          for (const a of accessSets) {
            const scope = resolve(s);
            const v = { contexts, disabledChecks, access: accessOfSet(a) };
            const sql = await bySql(scope, v);
            expect(await byPrisma(scope, v), JSON.stringify([s, v])).toEqual(sql);
            expect(await eventsBySql(scope, v), JSON.stringify([s, v])).toEqual(sql);
            compared++;
          }
    expect(compared).toBe(scopes.length * contextSets.length * disabledSets.length * accessSets.length);
  });

  it("counts what the brief says: live repositories, enabled checks, counted contexts; an archived repository only by id", async () => {
    const v = await loadVisibility(t.db, ORG_WIDE);
    expect(v).toEqual({ disabledChecks: ["off"], contexts: ["production", "example"], access: ORG_WIDE });
    // Org-wide: a1 and b1 (a2 archived) × the two enabled checks × production and example.
    expect(await bySql({}, v)).toHaveLength(2 * 2 * 2);
    expect(await bySql(resolve({ teamId: "teamA" }), v)).toHaveLength(1 * 2 * 2);
    expect(await bySql(resolve({ repositoryId: "a2archived" }), v)).toHaveLength(2 * 2);
    expect(await bySql({}, { disabledChecks: [], contexts: [...CODE_CONTEXTS], access: ORG_WIDE })).toHaveLength(
      2 * 3 * CODE_CONTEXTS.length,
    );
    expect(await bySql({}, { disabledChecks: [], contexts: [], access: ORG_WIDE })).toEqual([]);
  });

  it("has the same rule without the repository part for queries that choose repositories themselves", async () => {
    const v: Visibility = { disabledChecks: ["off"], contexts: ["production", "test"], access: ORG_WIDE };
    const sql = (await t.db.$queryRaw<{ id: string }[]>`SELECT f.id FROM "Finding" f WHERE TRUE ${countedSql("f", v)} ORDER BY f.id`).map(
      (r) => r.id,
    );
    const orm = (await t.db.finding.findMany({ where: countedWhere(v), select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id);
    expect(orm).toEqual(sql);
    expect(sql).toHaveLength(3 * 2 * 2);
    expect(countedSql("f", { disabledChecks: [], contexts: [...CODE_CONTEXTS], access: ORG_WIDE })).toBe(Prisma.empty);
  });

  it("puts the reader's scope into every form: a team's reader sees that team's findings only, even asking for another team or repository", async () => {
    const onlyA = accessOfSet(["teamA"]);
    const v: Visibility = { disabledChecks: [], contexts: [...CODE_CONTEXTS], access: onlyA };
    const inA = async (found: string[]) => {
      const rows = await t.db.finding.findMany({ where: { id: { in: found } }, select: { repository: { select: { teamId: true } } } });
      return rows.every((r) => r.repository.teamId === ids.teamA);
    };
    // Live a1 only: 3 checks × every context; asking for team B or b1 gives nothing, not B's findings.
    expect(await bySql({}, v)).toHaveLength(3 * CODE_CONTEXTS.length);
    expect(await inA(await bySql({}, v))).toBe(true);
    expect(await bySql(resolve({ teamId: "teamB" }), v)).toEqual([]);
    expect(await bySql(resolve({ repositoryId: "b1" }), v)).toEqual([]);
    // countedSql (the form without the repository part) carries the scope too: a1 and archived a2.
    const counted = (await t.db.$queryRaw<{ id: string }[]>`SELECT f.id FROM "Finding" f WHERE TRUE ${countedSql("f", v)}`).map(
      (r) => r.id,
    );
    expect(counted).toHaveLength(2 * 3 * CODE_CONTEXTS.length);
    expect(await inA(counted)).toBe(true);
    expect(await t.db.finding.count({ where: countedWhere(v) })).toBe(2 * 3 * CODE_CONTEXTS.length);
    // The repository forms agree with each other.
    const reposSql = (
      await t.db.$queryRaw<{ id: string }[]>`SELECT r.id FROM "Repository" r WHERE TRUE ${repositoryAccessSql("r", onlyA)} ORDER BY r.id`
    ).map((r) => r.id);
    const reposOrm = (
      await t.db.repository.findMany({ where: repositoryAccessWhere(onlyA), orderBy: { id: "asc" }, select: { id: true } })
    ).map((r) => r.id);
    expect(reposSql).toEqual(reposOrm);
    expect(reposSql.sort()).toEqual([ids.a1, ids.a2archived].sort());
  });

  it("derives the scope from the user: admins and org-wide roles see all, others their teams", () => {
    expect(accessOf({ role: "admin", orgWide: false, teamIds: [] })).toBe(ORG_WIDE);
    expect(accessOf({ role: "viewer", orgWide: true, teamIds: [] })).toBe(ORG_WIDE);
    expect(accessOf({ role: "security_lead", orgWide: false, teamIds: ["b", "a", "a"] })).toEqual({ all: false, teamIds: ["a", "b"] });
    expect(accessOf({ role: "engineer", orgWide: false, teamIds: [] })).toEqual({ all: false, teamIds: [] });
  });

  it("always counts production and example, whatever a setting holds", () => {
    expect(normaliseContexts([])).toEqual(["production", "example"]);
    expect(normaliseContexts(null)).toEqual(["production", "example"]);
    expect(normaliseContexts(["build", "test", "bogus"])).toEqual(["production", "example", "test", "build"]);
  });
});
