/**
 * Hand-made finding histories for the dashboard tests: each finding is a list of (day, fromStatus → toStatus)
 * steps, written as the pipeline and triage write them (a Finding row with the final status plus one
 * FindingEvent per step, carrying the finding's severity, repository and check).
 */
import type { Db, FindingEventType, FindingStatus, Severity } from "../../lib/db/client.ts";
import { addDays, utcDay } from "../../lib/dashboard/trends.ts";
import { DAY_MS } from "../../lib/time.ts";
import { findingRow } from "../support/finding-row.ts";

export const TODAY = utcDay(new Date());
/** Day `i` of a window of `n` days ending today: day n-1 is today. */
export const windowDay = (n: number, i: number) => addDays(TODAY, i - (n - 1));

/** A time on the given day: `seq` seconds after 00:00:01, but never after now (so "today" stays in the past). */
export function at(day: string, seq = 0): Date {
  const t = new Date(Date.parse(`${day}T00:00:01Z`) + seq * 1000);
  const now = Date.now() - 1000;
  return t.getTime() > now ? new Date(Math.max(now - 60_000 + seq * 10, Date.parse(`${day}T00:00:00Z`))) : t;
}

export type Step = [day: string, type: FindingEventType, to: FindingStatus];

/** The steps a history is made of, named as the pipeline and triage take them. */
export const detected = (day: string): Step => [day, "detected", "open"];
export const fixed = (day: string): Step => [day, "fixed", "fixed"];
export const triaged = (day: string, to: FindingStatus): Step => [day, "status_changed", to];
export const reopened = (day: string, to: FindingStatus = "reopened"): Step => [day, "reopened", to];
export const riskExpired = (day: string): Step => [day, "risk_expired", "open"];

let n = 0;

export async function catalogue(db: Db) {
  for (const [id, title, framework] of [
    ["modal/test-policy", "Test policy", "modal"],
    ["bentoml/other-policy", "Other policy", "bentoml"],
  ] as const) {
    await db.policy.upsert({
      where: { id },
      create: { id, title, framework, level: "strict", references: [], why: "w", remediation: "r" },
      update: {},
    });
  }
  for (const [id, policyId, enabled] of [
    ["t.check", "modal/test-policy", true],
    ["t.other", "bentoml/other-policy", true],
    ["t.disabled", "modal/test-policy", false],
  ] as const) {
    await db.check.upsert({ where: { id }, create: { id, policyId, severity: "high", message: "m", enabled }, update: { enabled } });
  }
}

export async function team(db: Db, name: string) {
  return db.team.create({ data: { name } });
}

export async function repository(db: Db, teamId: string, name: string, extra: { archivedAt?: Date; createdAt?: Date } = {}) {
  return db.repository.create({
    data: { teamId, name, url: `https://git.example.com/${name}`, urlKey: `https://git.example.com/${name}-${++n}`, ...extra },
  });
}

/**
 * The catalogue, then each team of `layout` with its repositories, in order: the ids of both, by name.
 */
export async function organisation<T extends string, R extends string>(db: Db, layout: Record<T, readonly R[]>) {
  await catalogue(db);
  const teams = {} as Record<T, string>;
  const repositories = {} as Record<R, string>;
  for (const [teamName, names] of Object.entries(layout) as [T, readonly R[]][]) {
    teams[teamName] = (await team(db, teamName)).id;
    for (const name of names) repositories[name] = (await repository(db, teams[teamName], name)).id;
  }
  return { teams, repositories };
}

/**
 * One finding with its history. The first step must be a detection; the finding's status is the last step's,
 * fixedAt the last `fixed` step when it ends fixed.
 */
export async function finding(
  db: Db,
  o: {
    repositoryId: string;
    severity: Severity;
    steps: Step[];
    checkId?: string;
    policyId?: string;
    dueAt?: Date;
    acceptedUntil?: Date;
    triageDecision?: FindingStatus | null;
    reason?: string;
  },
) {
  const id = `f_${++n}`;
  const checkId = o.checkId ?? "t.check";
  const policyId = o.policyId ?? (checkId === "t.other" ? "bentoml/other-policy" : "modal/test-policy");
  const times = o.steps.map(([day], i) => at(day, i));
  const last = o.steps.at(-1)!;
  const firstSeenAt = times[0]!;
  const lastFix =
    o.steps
      .map((s, i) => (s[1] === "fixed" ? times[i] : null))
      .filter(Boolean)
      .at(-1) ?? null;
  await db.finding.create({
    data: findingRow(
      {
        id,
        repositoryId: o.repositoryId,
        fingerprint: id,
        checkId,
        policyId,
        framework: policyId.startsWith("bentoml") ? "bentoml" : "modal",
        severity: o.severity,
        status: last[2],
        triageDecision: o.triageDecision ?? null,
        acceptedUntil: o.acceptedUntil ?? null,
        statusReason: o.reason ?? null,
        path: "app.py",
        firstScanId: "scan",
        lastSeenAt: times.at(-1)!,
        lastScanId: "scan",
        fixedAt: last[2] === "fixed" ? lastFix : null,
        dueAt: o.dueAt ?? new Date(firstSeenAt.getTime() + 30 * DAY_MS),
      },
      firstSeenAt,
    ),
  });
  let from: FindingStatus | null = null;
  await db.findingEvent.createMany({
    data: o.steps.map(([, type, to], i) => {
      const e = {
        findingId: id,
        type,
        fromStatus: from,
        toStatus: to,
        createdAt: times[i]!,
        severity: o.severity,
        repositoryId: o.repositoryId,
        checkId,
      };
      from = to;
      return e;
    }),
  });
  return id;
}
