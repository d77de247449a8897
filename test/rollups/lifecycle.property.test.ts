/**
 * Issue 17 §1: the rollups equal what the finding lifecycle gives, for every day. Random histories (seeded, so
 * a failure reproduces) go through the real code paths: scans saved by persistScan (new findings, fixes,
 * reopens, re-graded severities, findings moving into test code), triage (in progress, back to open, false
 * positive, accepted risk), an engineer's exception requests approved or rejected by a lead, the expiry job, a
 * check disabled org-wide and a repository archived. Then:
 *
 * - the rollups the triggers kept equal a recount from the findings and events (lib/rollups/rebuild.ts);
 * - every finding's last status event says its current status (the events are a faithful lifecycle);
 * - for several readers (org-wide, a team, one archived repository by id, test code counted or not), the
 *   dashboard's trend, open and overdue counts, MTTR, heatmap and status breakdown, which read the rollups,
 *   equal a replay of each finding's events and a count of the findings done here in JS.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "../../lib/audit.ts";
import { setCheckEnabledAction } from "../../lib/actions/rules.ts";
import type { ActionContext } from "../../lib/actions/define.ts";
import { policyId, syncCatalogue } from "../../lib/catalogue.ts";
import { heatmap, heatmapParams } from "../../lib/dashboard/heatmap.ts";
import { mttr, openFindings } from "../../lib/dashboard/overview.ts";
import { slaView, statusBreakdown } from "../../lib/dashboard/remediation.ts";
import { addDays, openTrend, utcDay } from "../../lib/dashboard/trends.ts";
import type { CodeContext, FindingStatus, Severity } from "../../lib/db/client.ts";
import { loadRulebook, type Rulebook } from "../../lib/engine/rulebook.ts";
import { SEVERITIES, type Finding as EngineFinding, type ScanResult } from "../../lib/engine/types.ts";
import { OPEN_STATUSES } from "../../lib/findings/status.ts";
import { approveException, rejectException } from "../../lib/findings/exceptions.ts";
import { expireAcceptedRisks, updateFindings } from "../../lib/findings/triage.ts";
import { loadVisibility, ORG_WIDE, type AccessScope, type FindingScope, type Visibility } from "../../lib/findings/visibility.ts";
import { rollupDrift } from "../../lib/rollups/rebuild.ts";
import { archiveRepository } from "../../lib/repos/service.ts";
import { persistScan } from "../../lib/scan/persist.ts";
import { getSettings } from "../../lib/settings.ts";
import { scratch, TEST_POLICY } from "../helpers.ts";
import { useTestDatabase } from "../support/db.ts";

const t = useTestDatabase("rollups");
let rulebook: Rulebook;

beforeAll(async () => {
  const rules = scratch();
  rules.write("test.policy.yaml", TEST_POLICY);
  rulebook = loadRulebook(rules.root);
  await syncCatalogue(t.db, rulebook);
});

afterEach(() => {
  vi.useRealTimers();
});

/** mulberry32: small, seeded, good enough to pick actions. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { next, chance: (p: number) => next() < p, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const DAYS = 14;
const isOpen = (s: FindingStatus | null) => s !== null && (OPEN_STATUSES as readonly string[]).includes(s);

interface World {
  teams: string[];
  repos: { id: string; teamId: string }[];
  archived: string;
  disabled: string;
  today: string;
}

/** Plays `DAYS` days of random history ending today. */
async function play(seed: number): Promise<World> {
  const db = t.db;
  const r = rng(seed);
  const decided = { approved: 0, rejected: 0 };
  // A clean organisation for each seed; TRUNCATE fires no row triggers, so the rollups are emptied with it.
  await db.$executeRawUnsafe(
    `TRUNCATE "FindingEvent", "Finding", "ExceptionRequest", "Scan", "Repository", "TeamMember", "Team", "AuditLog", "FindingDayRollup", "FindingDayOrgRollup", "FindingStatusRollup", "FindingDueRollup" CASCADE`,
  );
  await db.check.updateMany({ data: { enabled: true } });
  const teams = [(await db.team.create({ data: { name: `a${seed}` } })).id, (await db.team.create({ data: { name: `b${seed}` } })).id];
  const person = async (role: "engineer" | "security_lead") => {
    const u = await db.user.upsert({
      where: { email: `${role}@rollups.test` },
      create: { email: `${role}@rollups.test`, name: role, role, orgWide: true },
      update: {},
    });
    return { id: u.id, label: u.email };
  };
  const engineer = await person("engineer");
  const lead = await person("security_lead");
  const repos: World["repos"] = [];
  for (let i = 0; i < 4; i++) {
    const teamId = teams[i % 2]!;
    const repo = await db.repository.create({
      data: { teamId, name: `r${i}`, url: `https://git.example.com/r${seed}-${i}`, urlKey: `https://git.example.com/r${seed}-${i}` },
    });
    repos.push({ id: repo.id, teamId });
  }
  const checks = rulebook.checks;
  const policyOf = new Map(rulebook.policies.flatMap((p) => p.checks.map((c) => [c.id, policyId(p.file)] as const)));
  // Each repository has a pool of fingerprints, each of one check; a scan sees some of them.
  const pools = repos.map((_, i) =>
    Array.from({ length: 7 }, (_, k) => ({
      fingerprint: `s${seed}-r${i}-f${k}`,
      check: checks[(i + k) % checks.length]!,
      present: false,
      context: "production" as CodeContext,
      severity: checks[(i + k) % checks.length]!.severity as Severity,
    })),
  );
  const today = utcDay(new Date());
  const first = addDays(today, -(DAYS - 1));
  const archivedRepo = repos[3]!.id;
  const disabledCheck = checks[1]!.id;
  const settings = await getSettings(db);
  let clock = 0;
  const realNow = Date.now();
  /** Moments in order through the day; today's end before the real now, so nothing is in the future. */
  const moment = (day: string) => {
    clock += 1;
    const start = Date.parse(`${day}T00:00:00Z`);
    const at = start + 3_600_000 + clock * 7_000;
    return new Date(day === today ? Math.min(at, realNow - 600_000 + clock * 100) : at);
  };

  vi.useFakeTimers({ toFake: ["Date"] });
  for (let i = 0; i < DAYS; i++) {
    const day = addDays(first, i);
    clock = 0;
    if (i === 6) {
      vi.setSystemTime(moment(day));
      await setCheckEnabledAction.run({ db, actor: SYSTEM } as unknown as ActionContext, {
        checkId: disabledCheck,
        enabled: false,
        reason: "noisy",
      });
    }
    if (i === 9) {
      vi.setSystemTime(moment(day));
      await archiveRepository(db, archivedRepo);
    }
    const enabled = new Set((await db.check.findMany({ where: { enabled: true }, select: { id: true } })).map((c) => c.id));
    for (const [ri, repo] of repos.entries()) {
      if (!r.chance(0.8)) continue;
      const pool = pools[ri]!;
      for (const f of pool) {
        if (r.chance(i === 0 ? 0.6 : 0.25)) f.present = !f.present;
        if (r.chance(0.08)) f.context = f.context === "production" ? "test" : "production";
        if (r.chance(0.04)) f.severity = r.pick(SEVERITIES);
      }
      const now = moment(day);
      vi.setSystemTime(now);
      const scan = await db.scan.create({ data: { repositoryId: repo.id, trigger: "schedule", status: "saving", queuedAt: now } });
      const findings: EngineFinding[] = pool
        .filter((f) => f.present)
        .map((f, k) => ({
          ruleId: f.check.id,
          policy: policyOf.get(f.check.id)!,
          framework: "modal",
          severity: f.severity,
          path: f.context === "test" ? `tests/test_${k}.py` : `app/m${k}.py`,
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 5,
          message: "m",
          snippet: "s",
          fingerprint: f.fingerprint,
          context: f.context,
        }));
      const result = { findings, suppressed: [], stats: {}, errors: [], skippedFiles: [], skippedFilesOmitted: 0 } as unknown as ScanResult;
      await persistScan(db, {
        scanId: scan.id,
        repositoryId: repo.id,
        commitSha: `c${i}`,
        rulebook,
        activeCheckIds: enabled,
        result,
        settings,
        now,
      });
    }
    // People triage a few findings a day, some of them fixed ones (the decision waits for their return).
    const all = await db.finding.findMany({ select: { id: true }, orderBy: { id: "asc" } });
    for (let k = 0; k < 3 && all.length; k++) {
      const now = moment(day);
      vi.setSystemTime(now);
      const id = r.pick(all).id;
      const kind = r.pick(["in_progress", "open", "false_positive", "accepted_risk", "accepted_risk"] as const);
      const change =
        kind === "accepted_risk"
          ? { status: kind, reason: "later", acceptedUntil: new Date(now.getTime() + (1 + Math.floor(r.next() * 3)) * 86_400_000) }
          : kind === "false_positive"
            ? { status: kind, reason: "not real" }
            : { status: kind };
      await updateFindings(db, [id], change, SYSTEM, ORG_WIDE);
    }
    // An engineer asks for exceptions (critical and high ones wait for an approver); a lead decides the next day.
    for (const req of await db.exceptionRequest.findMany({ where: { state: "pending" }, select: { id: true }, orderBy: { id: "asc" } })) {
      const now = moment(day);
      vi.setSystemTime(now);
      // The first decision is a rejection and the second an approval, so every history has both whatever the
      // rulebook's checks make the random choices land on; then 60% are approved.
      const approve = decided.rejected === 0 ? false : decided.approved === 0 ? true : r.chance(0.6);
      if (approve) await approveException(db, lead, ORG_WIDE, { requestId: req.id }, now);
      else await rejectException(db, lead, ORG_WIDE, { requestId: req.id, comment: "fix it instead" }, now);
      decided[approve ? "approved" : "rejected"]++;
    }
    for (let k = 0; k < 2 && all.length; k++) {
      const now = moment(day);
      vi.setSystemTime(now);
      const accept = r.chance(0.6);
      await updateFindings(
        db,
        [r.pick(all).id],
        accept
          ? {
              status: "accepted_risk",
              reason: "asked",
              acceptedUntil: new Date(now.getTime() + (2 + Math.floor(r.next() * 3)) * 86_400_000),
            }
          : { status: "false_positive", reason: "asked" },
        engineer,
        ORG_WIDE,
      );
    }
    const now = moment(day);
    vi.setSystemTime(now);
    await expireAcceptedRisks(db, now);
  }
  vi.useRealTimers();
  return { teams, repos, archived: archivedRepo, disabled: disabledCheck, today };
}

interface Loaded {
  findings: {
    id: string;
    repositoryId: string;
    checkId: string;
    policyId: string;
    severity: Severity;
    codeContext: CodeContext;
    status: FindingStatus;
    firstSeenAt: Date;
    fixedAt: Date | null;
    dueAt: Date;
  }[];
  events: { findingId: string; type: string; fromStatus: FindingStatus | null; toStatus: FindingStatus | null; createdAt: Date }[];
  repos: Map<string, { teamId: string; archived: boolean }>;
}

async function load(): Promise<Loaded> {
  const [findings, events, repos] = await Promise.all([
    t.db.finding.findMany({
      select: {
        id: true,
        repositoryId: true,
        checkId: true,
        policyId: true,
        severity: true,
        codeContext: true,
        status: true,
        firstSeenAt: true,
        fixedAt: true,
        dueAt: true,
      },
    }),
    t.db.findingEvent.findMany({
      select: { findingId: true, type: true, fromStatus: true, toStatus: true, createdAt: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    t.db.repository.findMany({ select: { id: true, teamId: true, archivedAt: true } }),
  ]);
  return { findings, events, repos: new Map(repos.map((x) => [x.id, { teamId: x.teamId, archived: x.archivedAt !== null }])) };
}

/** The visibility rule (lib/findings/visibility.ts) written again over plain rows. */
function visible(l: Loaded, f: Loaded["findings"][number], scope: FindingScope, v: Visibility): boolean {
  const repo = l.repos.get(f.repositoryId)!;
  if (scope.repositoryId && f.repositoryId !== scope.repositoryId) return false;
  if (scope.teamId && (repo.teamId !== scope.teamId || repo.archived)) return false;
  if (!scope.repositoryId && !scope.teamId && repo.archived) return false;
  if (!v.access.all && !v.access.teamIds.includes(repo.teamId)) return false;
  if (v.disabledChecks.includes(f.checkId)) return false;
  return v.contexts.includes(f.codeContext);
}

const zero = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

/** Replays the events: open per severity at the end of each day, and each day's crossings. */
function replay(l: Loaded, scope: FindingScope, v: Visibility, days: string[]) {
  const today = days.at(-1)!;
  const byId = new Map(l.findings.map((f) => [f.id, f]));
  const out = days.map((day) => ({ day, open: zero(), opened: 0, closed: 0, detected: 0, fixed: 0 }));
  const index = new Map(days.map((d, i) => [d, i]));
  const status = new Map<string, FindingStatus>();
  const seenDays: { id: string; day: string; to: FindingStatus }[] = [];
  for (const e of l.events) {
    const f = byId.get(e.findingId)!;
    if (!visible(l, f, scope, v) || e.toStatus === null) continue;
    // Events stamped after today (clock skew) count today, as the trend folds them.
    let day = utcDay(e.createdAt);
    if (day > today) day = today;
    const d = Number(isOpen(e.toStatus)) - Number(isOpen(e.fromStatus));
    const i = index.get(day);
    if (i !== undefined && d !== 0) {
      const o = out[i]!;
      if (d > 0) o.opened++;
      else o.closed++;
      if (e.type === "detected") o.detected++;
      if (e.type === "fixed") o.fixed++;
    }
    seenDays.push({ id: e.findingId, day, to: e.toStatus });
  }
  for (const o of out) {
    status.clear();
    for (const s of seenDays) if (s.day <= o.day) status.set(s.id, s.to);
    for (const [id, s] of status) if (isOpen(s)) o.open[byId.get(id)!.severity]++;
  }
  return out;
}

const SEEDS = [17, 4242, 90001];

describe("rollups under random histories", () => {
  for (const seed of SEEDS) {
    it(`equal the lifecycle for every day (seed ${seed})`, async () => {
      const w = await play(seed);
      const l = await load();
      expect(l.findings.length).toBeGreaterThan(10);
      // The history has what the property is about: reopens, triage both ways, expiries, fixes.
      const types = new Set(l.events.map((e) => `${e.type}:${e.toStatus}`));
      for (const k of [
        "detected:open",
        "fixed:fixed",
        "reopened:reopened",
        "status_changed:accepted_risk",
        "status_changed:false_positive",
        "exception_approved:null",
        "exception_rejected:null",
      ])
        expect(types, k).toContain(k);

      expect(await rollupDrift(t.db)).toEqual([]);

      // The events are the lifecycle: each finding's last status event says its status now.
      const last = new Map<string, FindingStatus>();
      for (const e of l.events) if (e.toStatus) last.set(e.findingId, e.toStatus);
      for (const f of l.findings) expect(last.get(f.id), f.id).toBe(f.status);

      const base = await loadVisibility(t.db, ORG_WIDE);
      expect(base.disabledChecks).toEqual([w.disabled]);
      const teamA: AccessScope = { all: false, teamIds: [w.teams[0]!] };
      const readers: { name: string; scope: FindingScope; v: Visibility }[] = [
        { name: "org-wide", scope: {}, v: base },
        { name: "org-wide, test code counted", scope: {}, v: { ...base, contexts: [...base.contexts, "test"] } },
        { name: "org-wide, no check disabled", scope: {}, v: { ...base, disabledChecks: [] } },
        { name: "team A's reader", scope: {}, v: { ...base, access: teamA } },
        { name: "team B", scope: { teamId: w.teams[1] }, v: base },
        { name: "the archived repository", scope: { repositoryId: w.archived }, v: base },
      ];
      const now = new Date();
      const days = Array.from({ length: DAYS + 2 }, (_, i) => addDays(w.today, i - (DAYS + 1)));
      for (const { name, scope, v } of readers) {
        const expected = replay(l, scope, v, days);
        const trend = await openTrend(t.db, { days: days.length, ...scope, visibility: v, now });
        expect(
          trend.map((d) => ({ day: d.day, open: { critical: d.critical, high: d.high, medium: d.medium, low: d.low }, ...pickFlows(d) })),
          name,
        ).toEqual(expected.map((d) => ({ day: d.day, open: d.open, ...pickFlows(d) })));

        const mine = l.findings.filter((f) => visible(l, f, scope, v));
        const openNow = mine.filter((f) => isOpen(f.status));
        const of = await openFindings(t.db, { ...scope, visibility: v, now, limit: 100 });
        const open = zero();
        const overdue = zero();
        for (const f of openNow) {
          open[f.severity]++;
          if (f.dueAt < now) overdue[f.severity]++;
        }
        expect({ open: of.open, overdue: of.overdue }, name).toEqual({ open, overdue });
        expect(
          of.repositories.reduce((n, x) => n + x.open, 0),
          name,
        ).toBe(openNow.length);

        const sla = await slaView(t.db, { ...scope, visibility: v, now });
        const soon = new Date(now.getTime() + 7 * 86_400_000);
        for (const row of sla.bySeverity) {
          const s = openNow.filter((f) => f.severity === row.severity);
          expect({ open: row.open, overdue: row.overdue, dueSoon: row.dueSoon }, `${name} sla ${row.severity}`).toEqual({
            open: s.length,
            overdue: s.filter((f) => f.dueAt < now).length,
            dueSoon: s.filter((f) => f.dueAt >= now && f.dueAt < soon).length,
          });
        }

        const m = await mttr(t.db, { ...scope, visibility: v, now, days: DAYS });
        const fixedIn = mine.filter((f) => f.status === "fixed" && f.fixedAt && utcDay(f.fixedAt) >= days[2]!);
        expect(m.all.count, name).toBe(fixedIn.length);
        const sum = fixedIn.reduce((a, f) => a + (f.fixedAt!.getTime() - f.firstSeenAt.getTime()) / 86_400_000, 0);
        if (fixedIn.length) expect(m.all.days!, name).toBeCloseTo(sum / fixedIn.length, 6);

        const sb = await statusBreakdown(t.db, { ...scope, visibility: v, limit: 100 });
        const totals = Object.fromEntries(
          ["open", "in_progress", "fixed", "false_positive", "accepted_risk", "reopened"].map((s) => [s, 0]),
        );
        for (const f of mine) totals[f.status]!++;
        expect(sb.totals, name).toEqual(totals);
        expect(sb.repositoryCount, name).toBe(new Set(mine.map((f) => f.repositoryId)).size);
      }

      // The heatmap (a team's columns, org-wide, open statuses) counts the same open findings per cell.
      const hm = await heatmap(t.db, heatmapParams.parse({}), base);
      const cells = new Map<string, number>();
      for (const f of l.findings.filter((f) => visible(l, f, {}, base) && isOpen(f.status)))
        cells.set(`${f.policyId}|${f.repositoryId}`, (cells.get(`${f.policyId}|${f.repositoryId}`) ?? 0) + 1);
      expect(new Map(hm.cells.map((c) => [`${c.policyId}|${c.columnId}`, c.total]))).toEqual(cells);
    }, 120_000);
  }
});

function pickFlows(d: { opened: number; closed: number; detected: number; fixed: number }) {
  return { opened: d.opened, closed: d.closed, detected: d.detected, fixed: d.fixed };
}
