import { beforeAll, describe, expect, it } from "vitest";
import { runAs } from "../../lib/actions/define.ts";
import { rulesActions, setCheckEnabledAction } from "../../lib/actions/rules.ts";
import type { Db, FindingStatus, Framework, Severity } from "../../lib/db/client.ts";
import { cellWeight, heatBucket, heatmap, heatmapParams } from "../../lib/dashboard/heatmap.ts";
import { cataloguePages, filterCatalogue, referenceLink, type RulePolicy, rulesCatalogue, rulesParams } from "../../lib/rules/queries.ts";
import { useTestDatabase } from "../support/db.ts";
import { loadVisibility, ORG_WIDE } from "../../lib/findings/visibility.ts";
import { insertFinding } from "../support/insert-finding.ts";
import { orgWideUser } from "../support/fixtures.ts";

const t = useTestDatabase("dash_heat");

const vis = () => loadVisibility(t.db, ORG_WIDE);
const user = orgWideUser;

const finding = (
  db: Db,
  repositoryId: string,
  checkId: string,
  policyId: string,
  framework: Framework,
  severity: Severity,
  status: FindingStatus = "open",
) => insertFinding(db, { repositoryId, checkId, policyId, framework, severity, status });

const ids: Record<string, string> = {};

beforeAll(async () => {
  const db = t.db;
  await db.policy.create({
    data: {
      id: "modal/secrets",
      title: "Modal secrets",
      framework: "modal",
      level: "strict",
      references: ["CWE-798", "OWASP A02:2021"],
      why: "Secrets leak.",
      remediation: "Use modal.Secret.",
    },
  });
  await db.policy.create({
    data: {
      id: "ray-serve/iso",
      title: "Ray isolation",
      framework: "ray_serve",
      level: "baseline",
      references: [],
      why: "w",
      remediation: "r",
    },
  });
  await db.policy.create({
    data: { id: "modal/unused", title: "Modal unused", framework: "modal", level: "strict", references: [], why: "w", remediation: "r" },
  });
  await db.check.create({ data: { id: "m.key", policyId: "modal/secrets", severity: "critical", message: "key" } });
  await db.check.create({ data: { id: "m.env", policyId: "modal/secrets", severity: "medium", message: "env" } });
  await db.check.create({ data: { id: "r.iso", policyId: "ray-serve/iso", severity: "high", message: "iso" } });
  await db.check.create({ data: { id: "r.low", policyId: "ray-serve/iso", severity: "low", message: "low" } });
  const teamA = await db.team.create({ data: { name: "A" } });
  const teamB = await db.team.create({ data: { name: "B" } });
  ids.teamA = teamA.id;
  ids.teamB = teamB.id;
  const mk = async (name: string, teamId: string, archived = false) =>
    (
      await db.repository.create({
        data: { name, url: `https://x.test/${name}`, urlKey: `x.test/${name}`, teamId, archivedAt: archived ? new Date() : null },
      })
    ).id;
  ids.r1 = await mk("r1", teamA.id);
  ids.r2 = await mk("r2", teamA.id);
  ids.r3 = await mk("r3", teamB.id);
  ids.old = await mk("old", teamB.id, true);
  // r1 × secrets: 1 critical + 2 medium open (+1 fixed, +1 false positive not counted) = weight 14.
  await finding(db, ids.r1, "m.key", "modal/secrets", "modal", "critical");
  await finding(db, ids.r1, "m.env", "modal/secrets", "modal", "medium", "in_progress");
  await finding(db, ids.r1, "m.env", "modal/secrets", "modal", "medium", "reopened");
  await finding(db, ids.r1, "m.key", "modal/secrets", "modal", "critical", "fixed");
  await finding(db, ids.r1, "m.env", "modal/secrets", "modal", "medium", "false_positive");
  // r2 × iso: 3 high = 15; r2 × secrets: 1 medium = 2.
  for (let i = 0; i < 3; i++) await finding(db, ids.r2, "r.iso", "ray-serve/iso", "ray_serve", "high");
  await finding(db, ids.r2, "m.env", "modal/secrets", "modal", "medium");
  // r3 × iso: 2 low = 2.
  await finding(db, ids.r3, "r.low", "ray-serve/iso", "ray_serve", "low");
  await finding(db, ids.r3, "r.low", "ray-serve/iso", "ray_serve", "low");
  // An archived repository's findings are not part of the posture.
  await finding(db, ids.old, "m.key", "modal/secrets", "modal", "critical");
});

const cell = (h: Awaited<ReturnType<typeof heatmap>>, policyId: string, columnId: string) =>
  h.cells.find((c) => c.policyId === policyId && c.columnId === columnId);

describe("heatmap", () => {
  it("counts open findings per policy × repository, weighted by severity, riskiest columns first", async () => {
    const h = await heatmap(t.db, heatmapParams.parse({}), await vis());
    expect(h.columns.map((c) => [c.name, c.weight, c.total])).toEqual([
      ["r2", 17, 4],
      ["r1", 14, 3],
      ["r3", 2, 2],
    ]);
    expect(h.columnCount).toBe(3);
    expect(cell(h, "modal/secrets", ids.r1!)).toEqual({
      policyId: "modal/secrets",
      columnId: ids.r1,
      critical: 1,
      high: 0,
      medium: 2,
      low: 0,
      total: 3,
      weight: 14,
    });
    expect(cell(h, "ray-serve/iso", ids.r2!)).toMatchObject({ high: 3, total: 3, weight: 15 });
    expect(cell(h, "ray-serve/iso", ids.r1!)).toBeUndefined();
    // Every policy is a row, even one without findings, ordered by framework.
    expect(h.policies.map((p) => p.id)).toEqual(["modal/secrets", "modal/unused", "ray-serve/iso"]);
    expect(h.cells.some((c) => c.columnId === ids.old)).toBe(false);
  });

  it("groups by team and applies framework, severity, status and team filters", async () => {
    const teams = await heatmap(t.db, heatmapParams.parse({ columns: "teams" }), await vis());
    expect(teams.columns.map((c) => [c.name, c.weight])).toEqual([
      ["A", 31],
      ["B", 2],
    ]);
    expect(cell(teams, "modal/secrets", ids.teamA!)).toMatchObject({ critical: 1, medium: 3, total: 4, weight: 16 });

    const ray = await heatmap(t.db, heatmapParams.parse({ framework: "ray-serve" }), await vis());
    expect(ray.policies.map((p) => p.id)).toEqual(["ray-serve/iso"]);
    expect(ray.cells.map((c) => c.policyId)).toEqual(["ray-serve/iso", "ray-serve/iso"]);

    const crit = await heatmap(t.db, heatmapParams.parse({ severity: "critical,bogus" }), await vis());
    expect(crit.cells).toHaveLength(1);
    expect(crit.cells[0]).toMatchObject({ columnId: ids.r1, critical: 1, total: 1 });

    const closed = await heatmap(t.db, heatmapParams.parse({ status: ["fixed", "false_positive"] }), await vis());
    expect(closed.cells).toEqual([expect.objectContaining({ columnId: ids.r1, critical: 1, medium: 1, total: 2 })]);

    const teamB = await heatmap(t.db, heatmapParams.parse({ team: ids.teamB }), await vis());
    expect(teamB.columns.map((c) => c.name)).toEqual(["r3"]);
  });

  it("pages columns and hides findings of disabled checks", async () => {
    const page2 = await heatmap(t.db, { ...heatmapParams.parse({ page: "2" }) }, await vis());
    expect(page2.columns).toEqual([]);
    expect(page2.columnCount).toBe(3);
    await t.db.check.update({ where: { id: "r.iso" }, data: { enabled: false } });
    try {
      const h = await heatmap(t.db, heatmapParams.parse({}), await vis());
      expect(cell(h, "ray-serve/iso", ids.r2!)).toBeUndefined();
      expect(h.columns.find((c) => c.id === ids.r2)?.weight).toBe(2);
    } finally {
      await t.db.check.update({ where: { id: "r.iso" }, data: { enabled: true } });
    }
  });

  it("buckets colours on fixed edges and parses bad URLs to defaults", () => {
    expect(cellWeight({ critical: 1, high: 1, medium: 1, low: 1 })).toBe(18);
    expect([0, 1, 4, 5, 14, 15, 39, 40, 99, 100, 5000].map(heatBucket)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(heatmapParams.parse({ columns: "users", group: 3, framework: "nope", page: "x", status: "" })).toEqual({
      columns: "repositories",
      group: "framework",
      framework: undefined,
      severity: undefined,
      status: undefined,
      team: undefined,
      page: 1,
    });
  });
});

describe("rules", () => {
  it("lists policies with their checks and open counts", async () => {
    const rules = await rulesCatalogue(t.db, ORG_WIDE);
    const secrets = rules.find((p) => p.id === "modal/secrets")!;
    expect(secrets.references).toEqual(["CWE-798", "OWASP A02:2021"]);
    // Every open finding of the check counts here, the archived repository's critical included.
    expect(secrets.checks.map((c) => [c.id, c.open, c.enabled])).toEqual([
      ["m.env", 3, true],
      ["m.key", 2, true],
    ]);
    expect(secrets.open).toBe(5);
    expect(referenceLink("CWE-798")).toBe("https://cwe.mitre.org/data/definitions/798.html");
    expect(referenceLink("OWASP A02:2021")).toBeNull();
    expect(referenceLink("javascript:alert(1)")).toBeNull();
  });

  it("searches by text, framework and severity", async () => {
    const rules = await rulesCatalogue(t.db, ORG_WIDE);
    const ids = (q: Record<string, string>) => filterCatalogue(rules, rulesParams.parse(q)).flatMap((p) => p.checks.map((c) => c.id));
    const all = rules.flatMap((p) => p.checks);
    expect(ids({})).toEqual(all.map((c) => c.id));
    // A check's id or message matches that check; a policy's title matches all its checks.
    expect(ids({ q: "M.ENV" })).toEqual(["m.env"]);
    expect(ids({ q: rules.find((p) => p.id === "modal/secrets")!.title })).toEqual(["m.env", "m.key"]);
    expect(filterCatalogue(rules, rulesParams.parse({ framework: "ray_serve" })).every((p) => p.framework === "ray_serve")).toBe(true);
    expect(ids({ framework: "ray_serve" }).length).toBeGreaterThan(0);
    const sev = all[0]!.severity;
    expect(ids({ severity: sev })).toEqual(all.filter((c) => c.severity === sev).map((c) => c.id));
    expect(ids({ q: "no such words anywhere" })).toEqual([]);
    expect(rulesParams.parse({ framework: "nope", severity: ["x"], q: ["a", "b"] })).toEqual({
      q: "a",
      framework: undefined,
      severity: undefined,
      state: undefined,
      page: 1,
    });
    expect(rulesParams.parse({ page: "3" }).page).toBe(3);
    expect(rulesParams.parse({ page: "0" }).page).toBe(1);
    expect(rulesParams.parse({ page: "x" }).page).toBe(1);
  });

  it("pages the catalogue by whole policies of about 40 checks", () => {
    const policy = (id: string, n: number) =>
      ({ id, checks: Array.from({ length: n }, (_, i) => ({ id: `${id}.${i}` })) }) as unknown as RulePolicy;
    const sizes = (ps: RulePolicy[], target?: number) =>
      cataloguePages(ps, target).map((page) => page.map((p) => `${p.id}:${p.checks.length}`));
    expect(sizes([])).toEqual([[]]);
    expect(sizes([policy("a", 10), policy("b", 20), policy("c", 10), policy("d", 5)], 40)).toEqual([["a:10", "b:20", "c:10"], ["d:5"]]);
    // A policy larger than a page is a page of its own, and never split.
    expect(sizes([policy("a", 5), policy("big", 50), policy("c", 3)], 40)).toEqual([["a:5"], ["big:50"], ["c:3"]]);
    expect(
      cataloguePages([policy("a", 3)], 40)
        .flat()
        .flatMap((p) => p.checks),
    ).toHaveLength(3);
  });

  it("disables a check org-wide with an audit entry, and refuses engineers and viewers", async () => {
    for (const role of ["engineer", "viewer"] as const) {
      expect(await runAs(setCheckEnabledAction, { db: t.db, user: user(role) }, { checkId: "m.key", enabled: "false" })).toEqual({
        ok: false,
        error: `the ${role} role cannot do this`,
      });
    }
    expect((await t.db.check.findUniqueOrThrow({ where: { id: "m.key" } })).enabled).toBe(true);
    expect(await t.db.auditLog.count({ where: { targetType: "check" } })).toBe(0);

    // Disabling says why, or is refused.
    expect(
      await runAs(setCheckEnabledAction, { db: t.db, user: user("security_lead") }, { checkId: "m.key", enabled: "false", reason: "  " }),
    ).toEqual({
      ok: false,
      error: "reason: say why the check is disabled for the whole organisation",
      field: "reason",
    });
    expect((await t.db.check.findUniqueOrThrow({ where: { id: "m.key" } })).enabled).toBe(true);
    const off = await runAs(
      setCheckEnabledAction,
      { db: t.db, user: user("security_lead") },
      { checkId: "m.key", enabled: "false", reason: "keys here are test fixtures" },
    );
    expect(off).toEqual({ ok: true, data: { checkId: "m.key", enabled: false, changed: true } });
    expect((await t.db.check.findUniqueOrThrow({ where: { id: "m.key" } })).enabled).toBe(false);
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { targetType: "check", targetId: "m.key" } });
    expect(entry).toMatchObject({
      action: "check.disable",
      actorLabel: "security_lead@example.test",
      before: { enabled: true },
      after: { enabled: false, reason: "keys here are test fixtures" },
    });

    // Its findings leave the heatmap; the rules page still shows them as hidden.
    const h = await heatmap(t.db, heatmapParams.parse({}), await vis());
    expect(h.cells.reduce((s, c) => s + c.critical, 0)).toBe(0);
    const secrets = (await rulesCatalogue(t.db, ORG_WIDE)).find((p) => p.id === "modal/secrets")!;
    expect(secrets.checks.find((c) => c.id === "m.key")).toMatchObject({
      enabled: false,
      open: 2,
      disabled: { reason: "keys here are test fixtures", by: "security_lead@example.test" },
    });
    expect(secrets.open).toBe(3);
    expect(
      filterCatalogue(await rulesCatalogue(t.db, ORG_WIDE), rulesParams.parse({ state: "disabled" })).flatMap((p) =>
        p.checks.map((c) => c.id),
      ),
    ).toEqual(["m.key"]);

    // Setting the same state again changes nothing and writes nothing.
    expect(
      await runAs(setCheckEnabledAction, { db: t.db, user: user("admin") }, { checkId: "m.key", enabled: false, reason: "again" }),
    ).toEqual({ ok: true, data: { checkId: "m.key", enabled: false, changed: false } });
    expect(await t.db.auditLog.count({ where: { targetType: "check" } })).toBe(1);

    const on = await runAs(setCheckEnabledAction, { db: t.db, user: user("admin") }, { checkId: "m.key", enabled: "true" });
    expect(on.ok).toBe(true);
    expect(await t.db.auditLog.count({ where: { targetType: "check", action: "check.enable" } })).toBe(1);

    expect(await runAs(setCheckEnabledAction, { db: t.db, user: user("admin") }, { checkId: "nope", enabled: "true" })).toEqual({
      ok: false,
      error: "no such check",
      field: "checkId",
    });
    expect((await runAs(setCheckEnabledAction, { db: t.db, user: user("admin") }, { checkId: "m.key", enabled: "yes" })).ok).toBe(false);
    expect(rulesActions).toContain(setCheckEnabledAction);
  });
});
