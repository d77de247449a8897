import { SYSTEM } from "../../lib/audit.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { openTrend, weekly } from "../../lib/dashboard/trends.ts";
import { coverage, mttr, openFindings, overviewParams, weeksBetween } from "../../lib/dashboard/overview.ts";
import { expireAcceptedRisks, updateFindings } from "../../lib/findings/triage.ts";
import { useTestDatabase } from "../support/db.ts";
import { at, finding, organisation, repository, TODAY, windowDay } from "./lifecycle-fixtures.ts";
import { detected, fixed, reopened, riskExpired, triaged } from "./lifecycle-fixtures.ts";
import { ORG_WIDE, loadVisibility } from "../../lib/findings/visibility.ts";

const t = useTestDatabase("overview");

const vis = () => loadVisibility(t.db, ORG_WIDE);
const N = 10;
const d = (i: number) => windowDay(N, i);
const ids: Record<string, string> = {};
let repo1 = "";
let repo2 = "";
let team1 = "";
let team2 = "";

/**
 * The histories (day 0 = 9 days ago, day 9 = today) and the days each finding is open:
 *   A high      detected 1, fixed 5                                  → 1 2 3 4
 *   B critical  detected before the window, fixed 3, reopened 6, fixed 8 → 0 1 2 6 7
 *   C medium    detected 2, in progress 3, false positive 4, open again 7 → 2 3 7 8 9
 *   D low       detected 4, accepted risk 5, risk expired 8          → 4 8 9
 *   E high      detected 9                                           → 9
 *   F high      detected and fixed on day 6                           → never
 *   G high      check disabled org-wide                              → never counted
 *   I critical  detected 1, false positive 2, fixed 3, back as false positive 5 → 1
 *   H low       (repository 2, other team) detected 0               → 0 … 9
 *   X high      (archived repository) detected 0                    → never counted org-wide
 */
const EXPECTED = [
  // critical, high, medium, low
  [1, 0, 0, 1],
  [2, 1, 0, 1],
  [1, 1, 1, 1],
  [0, 1, 1, 1],
  [0, 1, 0, 2],
  [0, 0, 0, 1],
  [1, 0, 0, 1],
  [1, 0, 1, 1],
  [0, 0, 1, 2],
  [0, 1, 1, 2],
];

beforeAll(async () => {
  const db = t.db;
  const org = await organisation(db, { "team-one": ["repo-one"], "team-two": ["repo-two"] });
  [team1, team2] = [org.teams["team-one"], org.teams["team-two"]];
  [repo1, repo2] = [org.repositories["repo-one"], org.repositories["repo-two"]];
  const archived = (await repository(db, team1, "repo-archived", { archivedAt: new Date() })).id;
  const r = repo1;
  ids.A = await finding(db, { repositoryId: r, severity: "high", steps: [detected(d(1)), fixed(d(5))] });
  ids.B = await finding(db, {
    repositoryId: r,
    severity: "critical",
    steps: [detected(windowDay(N, -5)), fixed(d(3)), reopened(d(6)), fixed(d(8))],
  });
  ids.C = await finding(db, {
    repositoryId: r,
    severity: "medium",
    steps: [detected(d(2)), triaged(d(3), "in_progress"), triaged(d(4), "false_positive"), triaged(d(7), "open")],
  });
  ids.D = await finding(db, {
    repositoryId: r,
    severity: "low",
    steps: [detected(d(4)), triaged(d(5), "accepted_risk"), riskExpired(d(8))],
    acceptedUntil: new Date(Date.parse(`${d(8)}T00:00:00Z`)),
  });
  ids.E = await finding(db, { repositoryId: r, severity: "high", steps: [detected(d(9))] });
  ids.F = await finding(db, { repositoryId: r, severity: "high", steps: [detected(d(6)), fixed(d(6))] });
  ids.G = await finding(db, { repositoryId: r, severity: "high", checkId: "t.disabled", steps: [detected(d(1))] });
  ids.I = await finding(db, {
    repositoryId: r,
    severity: "critical",
    steps: [detected(d(1)), triaged(d(2), "false_positive"), fixed(d(3)), reopened(d(5), "false_positive")],
    triageDecision: "false_positive",
  });
  ids.H = await finding(db, { repositoryId: repo2, severity: "low", checkId: "t.other", steps: [detected(d(0))], dueAt: at(d(5)) });
  ids.X = await finding(db, { repositoryId: archived, severity: "high", steps: [detected(d(0))] });
});

const counts = (days: Awaited<ReturnType<typeof openTrend>>) => days.map((x) => [x.critical, x.high, x.medium, x.low]);

describe("openTrend", () => {
  it("counts each finding on exactly the days it was open, through reopen and triage cycles", async () => {
    const days = await openTrend(t.db, { visibility: await vis(), days: N });
    expect(days.map((x) => x.day)).toEqual(Array.from({ length: N }, (_, i) => d(i)));
    expect(days.at(-1)!.day).toBe(TODAY);
    expect(counts(days)).toEqual(EXPECTED);
    expect(days.map((x) => x.total)).toEqual([2, 4, 4, 3, 3, 1, 2, 3, 3, 4]);
  });

  it("reports the day's flows: first detections, scan fixes, entries to and exits from the open set", async () => {
    const days = await openTrend(t.db, { visibility: await vis(), days: N });
    // Detections: H on 0; A, I on 1; C on 2; D on 4; F on 6; E on 9 (G is a disabled check, X archived).
    expect(days.map((x) => x.detected)).toEqual([1, 2, 1, 0, 1, 0, 1, 0, 0, 1]);
    // Fixes of open findings: B on 3, A on 5, F on 6, B on 8 (I's fix on 3 was of a false positive).
    expect(days.map((x) => x.fixed)).toEqual([0, 0, 0, 1, 0, 1, 1, 0, 1, 0]);
    // Entered the open set: detections plus B reopened on 6, C reopened by triage on 7, D expired on 8.
    expect(days.map((x) => x.opened)).toEqual([1, 2, 1, 0, 1, 0, 2, 1, 1, 1]);
    // Left it: I (false positive) on 2; B on 3; C on 4; A and D on 5; F on 6; B on 8.
    expect(days.map((x) => x.closed)).toEqual([0, 0, 1, 1, 1, 2, 1, 0, 1, 0]);
  });

  it("is the same counted over a longer window, and earlier days only see what existed then", async () => {
    const days = await openTrend(t.db, { visibility: await vis(), days: 20 });
    expect(days).toHaveLength(20);
    expect(counts(days.slice(10))).toEqual(EXPECTED);
    // Before the window of 10: only B, detected 14 days ago.
    expect(days.slice(0, 10).map((x) => x.total)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it("narrows to one repository or one team", async () => {
    const one = await openTrend(t.db, { visibility: await vis(), days: N, repositoryId: repo1 });
    expect(counts(one)).toEqual(EXPECTED.map(([c, h, m, l]) => [c, h, m, l! - 1]));
    const other = await openTrend(t.db, { visibility: await vis(), days: N, teamId: team2 });
    expect(other.map((x) => x.low)).toEqual(Array(N).fill(1));
    expect(other.map((x) => x.total)).toEqual(Array(N).fill(1));
  });

  it("shows an archived repository when asked for by id", async () => {
    const archived = await t.db.repository.findFirstOrThrow({ where: { name: "repo-archived" } });
    const days = await openTrend(t.db, { visibility: await vis(), days: 3, repositoryId: archived.id });
    expect(days.map((x) => x.high)).toEqual([1, 1, 1]);
  });

  it("gives the same answer when the past days' flows are reused, and today's changes show at once", async () => {
    for (const scope of [{}, { teamId: team1 }, { repositoryId: repo1 }]) {
      const exact = await openTrend(t.db, { visibility: await vis(), days: N, ...scope });
      expect(await openTrend(t.db, { visibility: await vis(), days: N, ...scope, reusePast: true })).toEqual(exact); // fills the cache
      expect(await openTrend(t.db, { visibility: await vis(), days: N, ...scope, reusePast: true })).toEqual(exact); // from the cache
    }
    const id = await finding(t.db, { repositoryId: repo1, severity: "medium", steps: [detected(TODAY)] });
    const warm = await openTrend(t.db, { visibility: await vis(), days: N, reusePast: true });
    expect(warm.at(-1)!.medium).toBe(EXPECTED[9]![2]! + 1);
    expect(warm.at(-1)!.detected).toBe(2);
    expect(counts(warm.slice(0, -1))).toEqual(EXPECTED.slice(0, -1));
    expect(warm).toEqual(await openTrend(t.db, { visibility: await vis(), days: N }));
    await t.db.finding.delete({ where: { id } });
  });

  it("folds days into weeks for a burndown", () => {
    const days = [
      { day: "2026-11-15", total: 3, opened: 1, closed: 0 }, // Sunday
      { day: "2026-11-16", total: 4, opened: 2, closed: 1 }, // Monday
      { day: "2026-11-17", total: 2, opened: 0, closed: 2 },
    ].map((x) => ({ ...x, critical: 0, high: 0, medium: 0, low: 0, detected: 0, fixed: 0 }));
    expect(weekly(days)).toEqual([
      { week: "2026-11-09", open: 3, opened: 1, closed: 0 },
      { week: "2026-11-16", open: 2, opened: 2, closed: 3 },
    ]);
  });
});

describe("the overview's figures", () => {
  it("parses the range from the URL, falling back to 90 days", () => {
    expect(overviewParams.parse({ range: "180" }).range).toBe(180);
    expect(overviewParams.parse({ range: "17" }).range).toBe(90);
    expect(overviewParams.parse({ range: ["30", "365"] }).range).toBe(30);
    expect(overviewParams.parse({}).range).toBe(90);
  });

  it("counts open and overdue findings by severity", async () => {
    const s = await openFindings(t.db, { visibility: await vis(), now: new Date() });
    expect(s.open).toEqual({ critical: 0, high: 1, medium: 1, low: 2 });
    // H's due date (day 5) has passed; the others are due 30 days after detection.
    expect(s.overdue).toEqual({ critical: 0, high: 0, medium: 0, low: 1 });
  });

  it("ranks policies and repositories by weighted risk", async () => {
    const r = await openFindings(t.db, { visibility: await vis(), limit: 5 });
    // Open: E high (5) + C medium (2) + D low (1) in the test policy / repo one; H low (1) in the other.
    expect(r.policies.map((p) => [p.id, p.risk, p.open])).toEqual([
      ["modal/test-policy", 8, 3],
      ["bentoml/other-policy", 1, 1],
    ]);
    expect(r.repositories.map((p) => [p.name, p.teamName, p.risk, p.open])).toEqual([
      ["repo-one", "team-one", 8, 3],
      ["repo-two", "team-two", 1, 1],
    ]);
  });

  it("tracks the triage functions' events: accepting a risk and its expiry move the trend", async () => {
    const id = await finding(t.db, { repositoryId: repo2, severity: "critical", steps: [detected(TODAY)] });
    const before = (await openTrend(t.db, { visibility: await vis(), days: 1, teamId: team2 })).at(-1)!;
    expect(before.critical).toBe(1);
    await updateFindings(
      t.db,
      [id],
      { status: "accepted_risk", reason: "compensating control", acceptedUntil: new Date(Date.now() + 3_600_000) },
      SYSTEM,
      ORG_WIDE,
    );
    expect((await openTrend(t.db, { visibility: await vis(), days: 1, teamId: team2 })).at(-1)!.critical).toBe(0);
    const ev = await t.db.findingEvent.findFirstOrThrow({ where: { findingId: id, type: "status_changed" } });
    expect([ev.severity, ev.repositoryId, ev.checkId]).toEqual(["critical", repo2, "t.check"]);
    expect(await expireAcceptedRisks(t.db, new Date(Date.now() + 7_200_000))).toBe(1);
    const after = (await openTrend(t.db, { visibility: await vis(), days: 1, teamId: team2 })).at(-1)!;
    expect([after.critical, after.opened, after.closed]).toEqual([1, 2, 1]);
    await t.db.finding.delete({ where: { id } });
  });

  it("computes mean time to remediate from detection to fix", async () => {
    const m = await mttr(t.db, { visibility: await vis(), days: N });
    // A: detected day 1, fixed day 5 (4 days + 1 s between the event times); B: first seen 14 days ago, fixed day 8; F: same day.
    expect(m.bySeverity.high.count).toBe(2);
    expect(m.bySeverity.high.days).toBeCloseTo((4 + 0) / 2, 3);
    expect(m.bySeverity.critical.count).toBe(1);
    expect(m.bySeverity.critical.days).toBeCloseTo(13, 3);
    expect(m.bySeverity.low.count).toBe(0);
    expect(m.bySeverity.low.days).toBeNull();
    // Every week of the range is there, in order; a week without a fix has no value (a gap, not a line).
    expect(m.weeks.map((w) => w.week)).toEqual(weeksBetween(m.weeks[0]!.week, new Date().toISOString().slice(0, 10)));
    expect(m.weeks.reduce((n, w) => n + w.count, 0)).toBe(m.all.count);
    for (const w of m.weeks)
      if (w.count === 0) expect([w.all, w.critical, w.high, w.medium, w.low]).toEqual([null, null, null, null, null]);
    expect(weeksBetween("2026-11-25", "2026-12-08")).toEqual(["2026-11-23", "2026-11-30", "2026-12-07"]);
  });

  it("reports coverage: scanned in the last 24 h and 7 days, failed scans", async () => {
    const now = new Date();
    const h = 3_600_000;
    await t.db.scan.createMany({
      data: [
        {
          repositoryId: repo1,
          trigger: "schedule",
          status: "succeeded",
          queuedAt: new Date(now.getTime() - 2 * h),
          finishedAt: new Date(now.getTime() - 2 * h),
        },
        {
          repositoryId: repo2,
          trigger: "schedule",
          status: "unchanged",
          queuedAt: new Date(now.getTime() - 72 * h),
          finishedAt: new Date(now.getTime() - 72 * h),
        },
        {
          repositoryId: repo2,
          trigger: "manual",
          status: "failed",
          queuedAt: new Date(now.getTime() - 1 * h),
          finishedAt: new Date(now.getTime() - 1 * h),
          failureReason: "x",
        },
      ],
    });
    const c = await coverage(t.db, { access: ORG_WIDE, now });
    expect(c).toMatchObject({
      repositories: 2,
      scanned24h: 1,
      scanned7d: 2,
      failedScans24h: 1,
      failedScans7d: 1,
      failingRepositories: 1,
      neverScanned: 0,
    });
  });
});
