import { SYSTEM } from "../../lib/audit.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { acceptedRisks, remediationParams, slaView, statusBreakdown } from "../../lib/dashboard/remediation.ts";
import { openTrend, weekly } from "../../lib/dashboard/trends.ts";
import { expireAcceptedRisks, updateFindings } from "../../lib/findings/triage.ts";
import { useTestDatabase } from "../support/db.ts";
import { detected, finding, fixed, organisation, reopened, repository, TODAY, triaged, windowDay } from "./lifecycle-fixtures.ts";
import { ORG_WIDE, loadVisibility } from "../../lib/findings/visibility.ts";

const t = useTestDatabase("remediation");

const vis = () => loadVisibility(t.db, ORG_WIDE);
const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY);
const f: Record<string, string> = {};
let teamA = "";
let teamB = "";
let a1 = "";
let b1 = "";

/**
 * Team A, repository a1: crit (open, 2 days overdue), high (open, due in 3 days), med (in progress, due in 40),
 *   fixed, fp (false positive), acc (accepted until 10 days from now), low (reopened, a day overdue);
 *   repository a2: low2 (open, due in 100 days); an archived repository and a disabled check's finding (ignored).
 * Team B, repository b1: R (high, accepted, then its acceptance expired: back to open, due in 20 days),
 *   S (medium, open, due in 5 days).
 */
beforeAll(async () => {
  const db = t.db;
  const org = await organisation(db, { alpha: ["a1", "a2"], beta: ["b1"] });
  [teamA, teamB] = [org.teams.alpha, org.teams.beta];
  [a1, b1] = [org.repositories.a1, org.repositories.b1];
  const gone = (await repository(db, teamA, "gone", { archivedAt: new Date() })).id;
  const d = (i: number) => windowDay(5, i);
  const inA1 = (o: Omit<Parameters<typeof finding>[1], "repositoryId">) => finding(db, { repositoryId: a1, ...o });
  f.crit = await inA1({ severity: "critical", steps: [detected(d(0))], dueAt: inDays(-2) });
  f.high = await inA1({ severity: "high", steps: [detected(d(1))], dueAt: inDays(3) });
  f.med = await inA1({ severity: "medium", steps: [detected(d(0)), triaged(d(2), "in_progress")], dueAt: inDays(40) });
  f.fixed = await inA1({ severity: "high", steps: [detected(d(0)), fixed(d(3))], dueAt: inDays(-1) });
  f.fp = await inA1({ severity: "low", steps: [detected(d(0)), triaged(d(1), "false_positive")], dueAt: inDays(-3) });
  f.acc = await inA1({
    severity: "critical",
    steps: [detected(d(0)), triaged(d(2), "accepted_risk")],
    acceptedUntil: inDays(10),
    triageDecision: "accepted_risk",
    reason: "behind the VPN until the migration",
    dueAt: inDays(-5),
  });
  f.low = await inA1({ severity: "low", steps: [detected(d(0)), fixed(d(1)), reopened(d(3))], dueAt: inDays(-1) });
  f.low2 = await finding(db, { repositoryId: org.repositories.a2, severity: "low", steps: [detected(d(4))], dueAt: inDays(100) });
  await finding(db, { repositoryId: gone, severity: "critical", steps: [detected(d(0))], dueAt: inDays(-9) });
  await inA1({ severity: "critical", checkId: "t.disabled", steps: [detected(d(0))], dueAt: inDays(-9) });
  f.R = await finding(db, { repositoryId: b1, severity: "high", steps: [detected(d(0))], dueAt: inDays(20) });
  f.S = await finding(db, { repositoryId: b1, severity: "medium", steps: [detected(d(0))], dueAt: inDays(5) });
  // R goes through the real triage functions: accepted for an hour, then the worker's housekeeping expires it.
  await updateFindings(db, [f.R], { status: "accepted_risk", reason: "temporary", acceptedUntil: inDays(1 / 24) }, SYSTEM, ORG_WIDE);
  expect(await expireAcceptedRisks(db, inDays(2 / 24))).toBe(1);
});

describe("remediation params", () => {
  it("reads team, repository, range and more from the URL, ignoring what is malformed", () => {
    expect(remediationParams.parse({ team: ["t1", "t2"], repository: "r1", range: "365", more: "1" })).toEqual({
      team: "t1",
      repository: "r1",
      range: 365,
      more: "1",
    });
    expect(remediationParams.parse({ team: "", range: "7", more: "yes" })).toEqual({
      team: undefined,
      repository: undefined,
      range: 90,
      more: undefined,
    });
    expect(remediationParams.parse({ team: "x".repeat(500) }).team).toBeUndefined();
  });
});

describe("statusBreakdown", () => {
  it("counts every status per team and per repository, most open first", async () => {
    const b = await statusBreakdown(t.db, { visibility: await vis(), limit: 2 });
    expect(b.teams.map((x) => [x.name, x.counts, x.open, x.total])).toEqual([
      ["alpha", { open: 3, in_progress: 1, fixed: 1, false_positive: 1, accepted_risk: 1, reopened: 1 }, 5, 8],
      ["beta", { open: 2, in_progress: 0, fixed: 0, false_positive: 0, accepted_risk: 0, reopened: 0 }, 2, 2],
    ]);
    // a1 has 4 open (2 open, 1 in progress, 1 reopened), b1 2, a2 1: the top 2 are shown, 3 exist.
    expect(b.repositories.map((x) => [x.name, x.teamName, x.open])).toEqual([
      ["a1", "alpha", 4],
      ["b1", "beta", 2],
    ]);
    expect(b.repositoryCount).toBe(3);
    expect(b.totals).toEqual({ open: 5, in_progress: 1, fixed: 1, false_positive: 1, accepted_risk: 1, reopened: 1 });
  });

  it("narrows to a team or a repository", async () => {
    const beta = await statusBreakdown(t.db, { visibility: await vis(), teamId: teamB });
    expect(beta.teams.map((x) => x.name)).toEqual(["beta"]);
    expect(beta.repositories.map((x) => x.name)).toEqual(["b1"]);
    const one = await statusBreakdown(t.db, { visibility: await vis(), repositoryId: a1 });
    expect(one.repositories.map((x) => [x.name, x.open, x.total])).toEqual([["a1", 4, 7]]);
  });
});

describe("slaView", () => {
  it("counts open, overdue and due-soon findings per severity with the SLA from settings, and lists the earliest due first", async () => {
    const v = await slaView(t.db, { visibility: await vis() });
    expect(v.bySeverity).toEqual([
      { severity: "critical", days: 7, open: 1, overdue: 1, dueSoon: 0 },
      { severity: "high", days: 30, open: 2, overdue: 0, dueSoon: 1 },
      { severity: "medium", days: 90, open: 2, overdue: 0, dueSoon: 1 },
      { severity: "low", days: 180, open: 2, overdue: 1, dueSoon: 0 },
    ]);
    expect(v.due.map((x) => x.id)).toEqual([f.crit, f.low, f.high, f.S, f.R, f.med, f.low2]);
    expect(v.due[0]).toMatchObject({ repositoryName: "a1", policyTitle: "Test policy", status: "open" });
  });

  it("follows the SLA days set in settings", async () => {
    await t.db.settings.upsert({ where: { id: 1 }, create: { id: 1, slaCriticalDays: 3 }, update: { slaCriticalDays: 3 } });
    expect(
      (await slaView(t.db, { visibility: await vis(), teamId: teamB })).bySeverity.map((r) => [r.severity, r.days, r.open, r.dueSoon]),
    ).toEqual([
      ["critical", 3, 0, 0],
      ["high", 30, 1, 0],
      ["medium", 90, 1, 1],
      ["low", 180, 0, 0],
    ]);
    await t.db.settings.update({ where: { id: 1 }, data: { slaCriticalDays: 7 } });
  });
});

describe("acceptedRisks", () => {
  it("lists accepted risks by expiry, and expired ones as returned to open", async () => {
    const a = await acceptedRisks(t.db, { visibility: await vis() });
    expect(a.activeCount).toBe(1);
    expect(a.active.map((x) => [x.id, x.reason, x.repositoryName])).toEqual([[f.acc, "behind the VPN until the migration", "a1"]]);
    expect(a.returnedCount).toBe(1);
    expect(a.returned.map((x) => [x.id, x.status, x.repositoryName])).toEqual([[f.R, "open", "b1"]]);
    const alpha = await acceptedRisks(t.db, { visibility: await vis(), teamId: teamA });
    expect([alpha.activeCount, alpha.returnedCount]).toEqual([1, 0]);
  });
});

describe("burndown", () => {
  it("counts the team's open findings per day and week from the lifecycle", async () => {
    // Days 0..4 (4 = today). Alpha: crit, med, fixed, fp, acc, low detected on 0; high on 1; fp closes and low is
    // fixed on 1; acc accepted on 2; fixed fixed on 3 and low reopened; low2 detected on 4.
    const days = await openTrend(t.db, { visibility: await vis(), days: 5, teamId: teamA });
    expect(days.map((x) => x.day)).toEqual([0, 1, 2, 3, 4].map((i) => windowDay(5, i)));
    expect(days.map((x) => x.total)).toEqual([6, 5, 4, 4, 5]);
    expect(days.map((x) => [x.opened, x.closed])).toEqual([
      [6, 0],
      [1, 2],
      [0, 1],
      [1, 1],
      [1, 0],
    ]);
    const weeks = weekly(days);
    expect(weeks.at(-1)!.open).toBe(5);
    expect(weeks.reduce((s, w) => s + w.opened, 0)).toBe(9);
    expect(weeks.reduce((s, w) => s + w.closed, 0)).toBe(4);
    expect(days.at(-1)!.day).toBe(TODAY);
  });

  it("counts the accepted risk that expired back as open today", async () => {
    const beta = await openTrend(t.db, { visibility: await vis(), days: 5, teamId: teamB });
    // R and S detected on day 0; R accepted today and expired (today) again: closed 1, opened 1.
    expect(beta.map((x) => x.total)).toEqual([2, 2, 2, 2, 2]);
    expect([beta.at(-1)!.opened, beta.at(-1)!.closed]).toEqual([1, 1]);
  });
});
