/**
 * Approved exceptions (issue 16 §2), on real PostgreSQL: a request that needs approval leaves the finding open
 * with its due date; an in-scope lead or an admin approves or rejects it with a comment; approvers' own
 * decisions and severities needing no approval apply at once; the maximum acceptance per severity; expiry
 * reopens (and restarts the SLA when the setting says so); the lists approvers read; the timeline, the audit
 * log, the remediation view and the CSV say who asked and who approved.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { syncCatalogue } from "../../lib/catalogue.ts";
import { acceptedRisks } from "../../lib/dashboard/remediation.ts";
import { openFindings } from "../../lib/dashboard/overview.ts";
import { loadRulebook } from "../../lib/engine/rulebook.ts";
import {
  approveException,
  expiringAcceptances,
  pendingExceptionCount,
  pendingExceptions,
  rejectException,
} from "../../lib/findings/exceptions.ts";
import { findingsToCsv } from "../../lib/findings/export.ts";
import { expireAcceptedRisks, triage } from "../../lib/findings/triage.ts";
import { loadVisibility, ORG_WIDE, type AccessScope } from "../../lib/findings/visibility.ts";
import type { Severity } from "../../lib/db/client.ts";
import { scratch, TEST_POLICY } from "../helpers.ts";
import { useTestDatabase } from "../support/db.ts";
import { orgWideExport } from "../support/org-export.ts";

const t = useTestDatabase("exceptions");
const DAY = 86_400_000;
const people = {} as Record<"eng" | "lead" | "otherLead" | "admin", { id: string; label: string }>;
const teams = {} as Record<"a" | "b", string>;
let repoA = "";
let repoB = "";
let n = 0;
let scopeA: AccessScope = { all: false, teamIds: [] };

async function finding(severity: Severity, repositoryId = repoA) {
  const now = new Date();
  return t.db.finding.create({
    data: {
      repositoryId,
      fingerprint: `fp${++n}`,
      checkId: "test.python.eval",
      policyId: "test",
      framework: "modal",
      severity,
      path: "a.py",
      line: n,
      column: 1,
      endLine: n,
      endColumn: 5,
      message: `m${n}`,
      snippet: "s",
      firstSeenAt: now,
      firstScanId: "s",
      lastSeenAt: now,
      lastScanId: "s",
      dueAt: new Date(now.getTime() + 7 * DAY),
    },
  });
}
const accept = (days: number) => ({
  status: "accepted_risk",
  reason: "behind the VPN",
  acceptedUntil: new Date(Date.now() + days * DAY).toISOString(),
});

beforeAll(async () => {
  const rules = scratch();
  rules.write("test.policy.yaml", TEST_POLICY);
  await syncCatalogue(t.db, loadRulebook(rules.root));
  teams.a = (await t.db.team.create({ data: { name: "a" } })).id;
  teams.b = (await t.db.team.create({ data: { name: "b" } })).id;
  scopeA = { all: false, teamIds: [teams.a] };
  repoA = (await t.db.repository.create({ data: { name: "ra", url: "https://x/ra", urlKey: "x/ra", teamId: teams.a } })).id;
  repoB = (await t.db.repository.create({ data: { name: "rb", url: "https://x/rb", urlKey: "x/rb", teamId: teams.b } })).id;
  const user = async (key: keyof typeof people, role: "engineer" | "security_lead" | "admin", team?: string) => {
    const u = await t.db.user.create({
      data: { email: `${key}@example.test`, name: key, role, ...(team ? { teams: { create: { teamId: team } } } : {}) },
    });
    people[key] = { id: u.id, label: u.email };
  };
  await user("eng", "engineer", teams.a);
  await user("lead", "security_lead", teams.a);
  await user("otherLead", "security_lead", teams.b);
  await user("admin", "admin");
});

describe("approved exceptions", () => {
  it("defaults: 90/180/365/365 days, approval for critical and high, no SLA restart", async () => {
    const { getSettings } = await import("../../lib/settings.ts");
    expect(await getSettings(t.db)).toMatchObject({
      riskMaxCriticalDays: 90,
      riskMaxHighDays: 180,
      riskMaxMediumDays: 365,
      riskMaxLowDays: 365,
      approveAcceptedRisk: ["critical", "high"],
      approveFalsePositive: ["critical", "high"],
      riskExpiryRestartsSla: false,
    });
  });

  it("an engineer's request waits: the finding stays open with its due date and counts as open; the lead of its team sees it", async () => {
    const f = await finding("high");
    const before = await openFindings(t.db, { visibility: await loadVisibility(t.db, ORG_WIDE) });
    expect(await triage(t.db, [f.id], accept(30), people.eng, scopeA)).toEqual({ updated: 1, pending: 1 });
    const after = await t.db.finding.findUniqueOrThrow({ where: { id: f.id }, include: { exception: true } });
    expect([after.status, after.dueAt, after.triageDecision, after.exception?.state, after.exception?.requestedBy]).toEqual([
      "open",
      f.dueAt,
      null,
      "pending",
      "eng@example.test",
    ]);
    expect(await openFindings(t.db, { visibility: await loadVisibility(t.db, ORG_WIDE) })).toEqual(before);
    expect((await t.db.findingEvent.findMany({ where: { findingId: f.id } })).map((e) => [e.type, e.actorId, e.toStatus])).toEqual([
      ["exception_requested", people.eng.id, null],
    ]);
    expect(await t.db.auditLog.count({ where: { action: "finding.exception_request", targetId: f.id } })).toBe(1);
    expect((await pendingExceptions(t.db, scopeA)).map((r) => r.findingId)).toContain(f.id);
    expect((await pendingExceptions(t.db, { all: false, teamIds: [teams.b] })).map((r) => r.findingId)).not.toContain(f.id);
    expect(await pendingExceptionCount(t.db, { all: false, teamIds: [teams.b] })).toBe(0);
  });

  it("the team's lead approves with a comment: the decision applies, and the timeline, audit, remediation and CSV say who asked and who approved", async () => {
    const f = await finding("critical");
    await triage(t.db, [f.id], accept(20), people.eng, scopeA);
    const request = await t.db.exceptionRequest.findFirstOrThrow({ where: { findingId: f.id } });
    // Another team's lead cannot see it; the requester cannot approve their own request.
    await expect(approveException(t.db, people.otherLead, { all: false, teamIds: [teams.b] }, { requestId: request.id })).rejects.toThrow(
      "no such request",
    );
    await expect(approveException(t.db, people.eng, scopeA, { requestId: request.id })).rejects.toThrow(/no such request|own request/);
    expect(await approveException(t.db, people.lead, scopeA, { requestId: request.id, comment: "until the migration" })).toEqual({
      findingId: f.id,
      status: "accepted_risk",
    });
    const after = await t.db.finding.findUniqueOrThrow({ where: { id: f.id } });
    expect([after.status, after.statusReason, after.acceptedUntil, after.exceptionId]).toEqual([
      "accepted_risk",
      "behind the VPN",
      request.acceptedUntil,
      request.id,
    ]);
    const events = (await t.db.findingEvent.findMany({ where: { findingId: f.id } }))
      .map((e) => [e.type, e.actorId, e.toStatus, e.comment])
      .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(events).toEqual([
      ["exception_approved", people.lead.id, null, "until the migration"],
      ["exception_requested", people.eng.id, null, "behind the VPN"],
      ["status_changed", people.lead.id, "accepted_risk", "behind the VPN"],
    ]);
    expect(await t.db.auditLog.count({ where: { action: "finding.exception_approve", actorId: people.lead.id, targetId: f.id } })).toBe(1);
    await expect(approveException(t.db, people.admin, ORG_WIDE, { requestId: request.id })).rejects.toThrow("already approved");
    const active = (await acceptedRisks(t.db, { visibility: await loadVisibility(t.db, ORG_WIDE) })).active.find((r) => r.id === f.id);
    expect([active?.requestedBy, active?.approvedBy]).toEqual(["eng@example.test", "lead@example.test"]);
    const findings = await orgWideExport(t.db, "accepted_risk", 100);
    const csv = findingsToCsv(findings.filter((x) => x.id === f.id))
      .trim()
      .split("\r\n");
    expect(csv[1]!.split(",").slice(-3)).toEqual(["eng@example.test", "lead@example.test", "approved"]);
  });

  it("an approver rejects with a reason (required); the finding stays open and nothing waits any more", async () => {
    const f = await finding("high");
    await triage(t.db, [f.id], { status: "false_positive", reason: "not reachable" }, people.eng, scopeA);
    const request = await t.db.exceptionRequest.findFirstOrThrow({ where: { findingId: f.id } });
    await expect(rejectException(t.db, people.admin, ORG_WIDE, { requestId: request.id })).rejects.toThrow(/say why/);
    expect(
      await rejectException(t.db, people.admin, ORG_WIDE, { requestId: request.id, comment: "it is reachable from /predict" }),
    ).toEqual({ findingId: f.id });
    const after = await t.db.finding.findUniqueOrThrow({ where: { id: f.id } });
    expect([after.status, after.exceptionId]).toEqual(["open", null]);
    expect(
      (await t.db.findingEvent.findMany({ where: { findingId: f.id, type: "exception_rejected" } })).map((e) => [e.actorId, e.comment]),
    ).toEqual([[people.admin.id, "it is reachable from /predict"]]);
    expect(await t.db.auditLog.count({ where: { action: "finding.exception_reject", targetId: f.id } })).toBe(1);
    expect(await pendingExceptions(t.db, ORG_WIDE)).not.toContainEqual(expect.objectContaining({ findingId: f.id }));
  });

  it("applies at once for an approver in scope and for severities needing no approval, recording who asked", async () => {
    const mine = await finding("high");
    expect(await triage(t.db, [mine.id], accept(10), people.lead, scopeA)).toEqual({ updated: 1, pending: 0 });
    expect(await t.db.exceptionRequest.findFirstOrThrow({ where: { findingId: mine.id } })).toMatchObject({
      state: "approved",
      needsApproval: true,
      decidedById: people.lead.id,
    });
    // A lead of another team is not an approver for this repository: their request waits.
    const theirs = await finding("high");
    expect(await triage(t.db, [theirs.id], accept(10), people.otherLead, ORG_WIDE)).toEqual({ updated: 1, pending: 1 });
    const low = await finding("low");
    expect(await triage(t.db, [low.id], accept(100), people.eng, scopeA)).toEqual({ updated: 1, pending: 0 });
    expect(await t.db.exceptionRequest.findFirstOrThrow({ where: { findingId: low.id } })).toMatchObject({
      state: "approved",
      needsApproval: false,
      decidedById: null,
      requestedBy: "eng@example.test",
    });
    expect((await t.db.finding.findUniqueOrThrow({ where: { id: low.id } })).status).toBe("accepted_risk");
  });

  it("refuses an acceptance longer than the severity's maximum, naming it", async () => {
    const f = await finding("critical");
    await expect(triage(t.db, [f.id], accept(91), people.admin, ORG_WIDE)).rejects.toThrow(
      /a critical finding's risk can be accepted for at most 90 days/,
    );
    const low = await finding("low");
    await expect(triage(t.db, [low.id], accept(366), people.eng, scopeA)).rejects.toThrow(/at most 365 days/);
    expect(await t.db.exceptionRequest.count({ where: { findingId: { in: [f.id, low.id] } } })).toBe(0);
  });

  it("a second request replaces a pending one; setting the status back by hand withdraws it", async () => {
    const f = await finding("high");
    await triage(t.db, [f.id], accept(10), people.eng, scopeA);
    await triage(t.db, [f.id], accept(20), people.eng, scopeA);
    expect(
      (await t.db.exceptionRequest.findMany({ where: { findingId: f.id }, orderBy: { requestedAt: "asc" } })).map((r) => r.state),
    ).toEqual(["superseded", "pending"]);
    await triage(t.db, [f.id], { status: "in_progress" }, people.eng, scopeA);
    expect((await t.db.exceptionRequest.findMany({ where: { findingId: f.id } })).map((r) => r.state).sort()).toEqual([
      "superseded",
      "superseded",
    ]);
    expect((await t.db.finding.findUniqueOrThrow({ where: { id: f.id } })).exceptionId).toBeNull();
  });

  it("lists acceptances ending in the next 14 days for approvers in scope; expiry reopens, restarting the SLA only when set", async () => {
    const soon = await finding("medium");
    const later = await finding("medium");
    const other = await finding("medium", repoB);
    await triage(t.db, [soon.id], accept(5), people.admin, ORG_WIDE);
    await triage(t.db, [later.id], accept(60), people.admin, ORG_WIDE);
    await triage(t.db, [other.id], accept(5), people.admin, ORG_WIDE);
    const listed = (await expiringAcceptances(t.db, scopeA)).map((f) => f.id);
    expect(listed).toContain(soon.id);
    expect(listed).not.toContain(later.id);
    expect(listed).not.toContain(other.id);
    expect((await expiringAcceptances(t.db, ORG_WIDE)).map((f) => f.id)).toContain(other.id);

    const at = new Date(Date.now() + 6 * DAY);
    expect(await expireAcceptedRisks(t.db, at)).toBeGreaterThanOrEqual(2);
    const kept = await t.db.finding.findUniqueOrThrow({ where: { id: soon.id } });
    expect([kept.status, kept.dueAt, kept.exceptionId]).toEqual(["open", soon.dueAt, null]);
    await t.db.settings.update({ where: { id: 1 }, data: { riskExpiryRestartsSla: true } });
    const again = await finding("medium");
    await triage(t.db, [again.id], accept(5), people.admin, ORG_WIDE);
    await expireAcceptedRisks(t.db, at);
    // Medium's SLA is 90 days by default: the new due date counts from the expiry.
    expect((await t.db.finding.findUniqueOrThrow({ where: { id: again.id } })).dueAt).toEqual(new Date(at.getTime() + 90 * DAY));
  });
});
