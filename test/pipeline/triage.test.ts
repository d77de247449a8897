import { beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "../../lib/audit.ts";
import { syncCatalogue } from "../../lib/catalogue.ts";
import { loadRulebook } from "../../lib/engine/rulebook.ts";
import { expireAcceptedRisks, updateFindings } from "../../lib/findings/triage.ts";
import { scratch, TEST_POLICY } from "../helpers.ts";
import { useTestDatabase } from "../support/db.ts";
import { ORG_WIDE } from "../../lib/findings/visibility.ts";

const t = useTestDatabase("triage");
const ids: string[] = [];
let userId: string;
const actor = () => ({ id: userId, label: "eng@example.test", ip: "10.0.0.7" });

beforeAll(async () => {
  // Triage itself is tested here: no severity waits for an approver (approvals: test/findings/exceptions.test.ts).
  await t.db.settings.upsert({
    where: { id: 1 },
    create: { id: 1, approveAcceptedRisk: [], approveFalsePositive: [] },
    update: { approveAcceptedRisk: [], approveFalsePositive: [] },
  });
  const rules = scratch();
  rules.write("test.policy.yaml", TEST_POLICY);
  await syncCatalogue(t.db, loadRulebook(rules.root));
  const team = await t.db.team.create({ data: { name: "t" } });
  const repo = await t.db.repository.create({
    data: { name: "r", url: "https://example.com/o/r", urlKey: "https://example.com/o/r", teamId: team.id },
  });
  userId = (await t.db.user.create({ data: { email: "eng@example.test", name: "Eng", role: "engineer", orgWide: true } })).id;
  const now = new Date();
  for (let i = 0; i < 3; i++) {
    const f = await t.db.finding.create({
      data: {
        repositoryId: repo.id,
        fingerprint: `fp${i}`,
        checkId: "test.python.eval",
        policyId: "test",
        framework: "modal",
        severity: "high",
        path: "a.py",
        line: i + 1,
        column: 1,
        endLine: i + 1,
        endColumn: 5,
        message: "m",
        snippet: "s",
        firstSeenAt: now,
        firstScanId: "s",
        lastSeenAt: now,
        lastScanId: "s",
        dueAt: now,
      },
    });
    ids.push(f.id);
  }
});

describe("triage", () => {
  it("requires a reason for false positives and accepted risks, and a future expiry for accepted risks", async () => {
    await expect(updateFindings(t.db, ids, { status: "false_positive" }, SYSTEM, ORG_WIDE)).rejects.toThrow(/reason: a reason is required/);
    await expect(updateFindings(t.db, ids, { status: "accepted_risk", reason: "x" }, SYSTEM, ORG_WIDE)).rejects.toThrow(
      /acceptedUntil: accepted risk needs an expiry date/,
    );
    await expect(
      updateFindings(t.db, ids, { status: "accepted_risk", reason: "x", acceptedUntil: "2001-01-01" }, SYSTEM, ORG_WIDE),
    ).rejects.toThrow(/in the future/);
    await expect(updateFindings(t.db, ids, { status: "fixed" }, SYSTEM, ORG_WIDE)).rejects.toThrow(/status/);
    await expect(updateFindings(t.db, ids, {}, SYSTEM, ORG_WIDE)).rejects.toThrow(/nothing to change/);
    await expect(updateFindings(t.db, ["nope"], { comment: "hi" }, SYSTEM, ORG_WIDE)).rejects.toThrow(/do not exist/);
    await expect(updateFindings(t.db, ids, { assigneeId: "nobody" }, SYSTEM, ORG_WIDE)).rejects.toThrow(/no such user/);
    expect(await t.db.findingEvent.count()).toBe(0);
    expect(await t.db.auditLog.count()).toBe(0);
  });

  it("changes many findings at once and writes an event for each change", async () => {
    const n = await updateFindings(
      t.db,
      ids.slice(0, 2),
      { status: "in_progress", assigneeId: userId, comment: "on it" },
      actor(),
      ORG_WIDE,
    );
    expect(n).toBe(2);
    const events = await t.db.findingEvent.findMany({ where: { findingId: ids[0] } });
    expect(events.map((e) => [e.type, e.actorId, e.toStatus, e.comment]).sort()).toEqual([
      ["assigned", userId, null, null],
      ["commented", userId, null, "on it"],
      ["status_changed", userId, "in_progress", null],
    ]);
    const f = await t.db.finding.findUniqueOrThrow({ where: { id: ids[0] } });
    expect([f.status, f.assigneeId]).toEqual(["in_progress", userId]);
    const logged = await t.db.auditLog.findMany({ where: { targetId: ids[0] } });
    expect(logged.map((r) => [r.action, r.actorId, r.ip, r.before])).toEqual([
      ["finding.triage", userId, "10.0.0.7", { status: "open", assigneeId: null }],
    ]);
  });

  it("returns expired accepted risks to open", async () => {
    await updateFindings(
      t.db,
      [ids[2]!],
      { status: "accepted_risk", reason: "compensating control", acceptedUntil: new Date(Date.now() + 60_000).toISOString() },
      actor(),
      ORG_WIDE,
    );
    expect(await expireAcceptedRisks(t.db, new Date())).toBe(0);
    expect(await expireAcceptedRisks(t.db, new Date(Date.now() + 120_000))).toBe(1);
    const f = await t.db.finding.findUniqueOrThrow({ where: { id: ids[2] } });
    expect([f.status, f.triageDecision]).toEqual(["open", null]);
  });
});
