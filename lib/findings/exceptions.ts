/**
 * Approved exceptions (issue 16 §2). Marking a finding accepted risk or false positive is a request; for the
 * severities the settings name it waits for an approver (an admin, or a security lead whose scope has the
 * repository) and the finding keeps counting as open, with its due date, meanwhile. Approvers' own decisions,
 * and those of severities needing no approval, apply at once and are recorded the same way, so the remediation
 * page and exports always say who asked, who approved, and until when. An accepted risk runs at most the
 * settings' maximum for its severity; when it expires the finding reopens (triage.ts expireAcceptedRisks), with
 * a fresh SLA when Settings.riskExpiryRestartsSla says so. Every step writes a timeline event and the audit log.
 */
import { z } from "zod";
import { audit, type Actor } from "../audit.ts";
import type { Db, ExceptionRequest, FindingStatus, Prisma, Role, Settings, Severity } from "../db/client.ts";
import { getSettings } from "../settings.ts";
import { repositoryAccessWhere, type AccessScope } from "./visibility.ts";
import { DomainError } from "../errors.ts";
import { DAY_MS } from "../time.ts";

/** What a finding event copies from its finding, so the event tables are counted without joining findings. */
export function eventFacts(f: Pick<Prisma.FindingEventUncheckedCreateInput, "severity" | "repositoryId" | "checkId" | "codeContext">) {
  return { severity: f.severity, repositoryId: f.repositoryId, checkId: f.checkId, codeContext: f.codeContext };
}

export type ExceptionDecision = Extract<FindingStatus, "false_positive" | "accepted_risk">;
type Tx = Prisma.TransactionClient;

/** A failure the approver can fix or should know of; the message is safe to show. */
export class ExceptionError extends DomainError {
  declare readonly code: "not_found" | "invalid_input" | "not_pending" | "own_request";
  constructor(code: "not_found" | "invalid_input" | "not_pending" | "own_request", message: string) {
    super(code, message);
  }
}

export function maxAcceptDays(
  s: Pick<Settings, "riskMaxCriticalDays" | "riskMaxHighDays" | "riskMaxMediumDays" | "riskMaxLowDays">,
  severity: Severity,
): number {
  return { critical: s.riskMaxCriticalDays, high: s.riskMaxHighDays, medium: s.riskMaxMediumDays, low: s.riskMaxLowDays }[severity];
}

export function needsApproval(
  s: Pick<Settings, "approveAcceptedRisk" | "approveFalsePositive">,
  decision: ExceptionDecision,
  severity: Severity,
): boolean {
  return (decision === "accepted_risk" ? s.approveAcceptedRisk : s.approveFalsePositive).includes(severity);
}

/** Who may approve for a repository of `teamId`: admins, and security leads whose scope has the team. */
export function canApprove(user: { role: Role; orgWide: boolean; teamIds: readonly string[] } | null, teamId: string): boolean {
  if (!user) return false;
  if (user.role === "admin") return true;
  return user.role === "security_lead" && (user.orgWide || user.teamIds.includes(teamId));
}

/** The acting user as approval rules see them; null for the system (schedules, the CLI, the demo seed). */
export async function approverOf(tx: Pick<Db, "user">, actor: Actor): Promise<{ role: Role; orgWide: boolean; teamIds: string[] } | null> {
  if (!actor.id) return null;
  const u = await tx.user.findUnique({
    where: { id: actor.id },
    select: { role: true, orgWide: true, teams: { select: { teamId: true } } },
  });
  return u ? { role: u.role, orgWide: u.orgWide, teamIds: u.teams.map((t) => t.teamId) } : null;
}

/** Refuses an acceptance longer than the settings allow for the severity; the message names the limit. */
export function checkAcceptance(s: Settings, severity: Severity, until: Date | undefined, now = new Date()): void {
  if (!until) return;
  const max = maxAcceptDays(s, severity);
  const last = new Date(now.getTime() + max * DAY_MS);
  if (until.getTime() > last.getTime())
    throw new ExceptionError(
      "invalid_input",
      `acceptedUntil: a ${severity} finding's risk can be accepted for at most ${max} days (until ${last.toISOString().slice(0, 10)})`,
    );
}

interface FindingForRequest {
  id: string;
  status: FindingStatus;
  severity: Severity;
  repositoryId: string;
  checkId: string;
  codeContext: Prisma.FindingEventCreateManyInput["codeContext"];
  repository: { teamId: string };
}

/** A step that leaves the finding's status alone (a request, a rejection): its timeline event and its audit entry. */
async function recordStep(
  tx: Tx,
  actor: Actor,
  f: { id: string } & Parameters<typeof eventFacts>[0],
  now: Date,
  step: {
    event: Prisma.FindingEventUncheckedCreateInput["type"];
    action: string;
    comment: string;
    data: Prisma.InputJsonValue;
    after: Record<string, unknown>;
  },
): Promise<void> {
  await tx.findingEvent.create({
    data: {
      findingId: f.id,
      type: step.event,
      actorId: actor.id,
      comment: step.comment,
      data: step.data,
      createdAt: now,
      ...eventFacts(f),
    },
  });
  await audit(tx, actor, { action: step.action, targetType: "finding", targetId: f.id, after: step.after });
}

/** Ends whatever request is still pending for the finding (a new request, or a status set by hand, replaces it). */
export async function supersedePending(tx: Tx, findingId: string): Promise<void> {
  await tx.exceptionRequest.updateMany({ where: { findingId, state: "pending" }, data: { state: "superseded" } });
}

/**
 * Records a decision asked for on one finding. Returns "pending" when it now waits for an approver (the caller
 * leaves the status alone), "apply" when the caller applies it now (with `request` as the finding's exception).
 */
export async function recordRequest(
  tx: Tx,
  actor: Actor,
  who: { role: Role; orgWide: boolean; teamIds: string[] } | null,
  settings: Settings,
  f: FindingForRequest,
  change: { decision: ExceptionDecision; reason: string; acceptedUntil?: Date },
  now: Date,
): Promise<{ outcome: "pending" | "apply"; request: ExceptionRequest }> {
  checkAcceptance(settings, f.severity, change.acceptedUntil, now);
  const needs = needsApproval(settings, change.decision, f.severity);
  // The system (no actor) and approvers in scope decide themselves; everyone else asks.
  const decides = !actor.id || canApprove(who, f.repository.teamId);
  await supersedePending(tx, f.id);
  const pending = needs && !decides;
  const request = await tx.exceptionRequest.create({
    data: {
      findingId: f.id,
      decision: change.decision,
      reason: change.reason,
      acceptedUntil: change.acceptedUntil ?? null,
      needsApproval: needs,
      state: pending ? "pending" : "approved",
      requestedById: actor.id,
      requestedBy: actor.label,
      requestedAt: now,
      // Approved as asked: by the approver who asked, or by no one when the severity needs no approval.
      ...(pending ? {} : needs ? { decidedById: actor.id, decidedBy: actor.label, decidedAt: now } : {}),
    },
  });
  await tx.finding.update({ where: { id: f.id }, data: { exceptionId: request.id } });
  if (pending) {
    await recordStep(tx, actor, f, now, {
      event: "exception_requested",
      action: "finding.exception_request",
      comment: change.reason,
      data: { requestId: request.id, decision: change.decision, acceptedUntil: change.acceptedUntil?.toISOString() ?? null },
      after: { requestId: request.id, decision: change.decision, reason: change.reason, acceptedUntil: change.acceptedUntil ?? null },
    });
  }
  return { outcome: pending ? "pending" : "apply", request };
}

const decideInput = z.object({ requestId: z.string().min(1).max(64), comment: z.string().trim().max(2000).optional() });

async function pendingInScope(tx: Tx, access: AccessScope, requestId: string) {
  const r = await tx.exceptionRequest.findFirst({
    where: { id: requestId, ...(access.all ? {} : { finding: { repository: repositoryAccessWhere(access) } }) },
    include: {
      finding: {
        select: {
          id: true,
          status: true,
          severity: true,
          repositoryId: true,
          checkId: true,
          codeContext: true,
          repository: { select: { teamId: true } },
        },
      },
    },
  });
  // Another team's request is as unknown as a wrong id.
  if (!r) throw new ExceptionError("not_found", "no such request");
  if (r.state !== "pending") throw new ExceptionError("not_pending", `this request was already ${r.state}`);
  return r;
}

/** Approves a pending request: the decision applies now, as if the approver had made it, and says who asked. */
export async function approveException(
  db: Db,
  actor: Actor,
  access: AccessScope,
  raw: unknown,
  now = new Date(),
): Promise<{ findingId: string; status: FindingStatus }> {
  const { requestId, comment } = decideInput.parse(raw);
  return db.$transaction(async (tx) => {
    const r = await pendingInScope(tx, access, requestId);
    const who = await approverOf(tx, actor);
    if (!canApprove(who, r.finding.repository.teamId)) throw new ExceptionError("not_found", "no such request");
    if (r.requestedById && r.requestedById === actor.id) throw new ExceptionError("own_request", "you cannot approve your own request");
    if (r.acceptedUntil && r.acceptedUntil.getTime() <= now.getTime())
      throw new ExceptionError("invalid_input", "the requested acceptance has already ended; ask for a new one");
    checkAcceptance(await getSettings(tx), r.finding.severity, r.acceptedUntil ?? undefined, now);
    const f = r.finding;
    const about = eventFacts(f);
    await tx.exceptionRequest.update({
      where: { id: r.id },
      data: { state: "approved", decidedById: actor.id, decidedBy: actor.label, decidedAt: now, decisionComment: comment || null },
    });
    const toStatus = f.status === "fixed" ? "fixed" : r.decision;
    await tx.finding.update({
      where: { id: f.id },
      data: {
        triageDecision: r.decision,
        statusReason: r.reason,
        acceptedUntil: r.acceptedUntil,
        exceptionId: r.id,
        ...(f.status === "fixed" ? {} : { status: r.decision }),
      },
    });
    await tx.findingEvent.createMany({
      data: [
        {
          findingId: f.id,
          type: "exception_approved",
          actorId: actor.id,
          comment: comment || null,
          data: {
            requestId: r.id,
            decision: r.decision,
            requestedBy: r.requestedBy,
            acceptedUntil: r.acceptedUntil?.toISOString() ?? null,
          },
          createdAt: now,
          ...about,
        },
        // The status change itself, as triage writes it, so trends and the lifecycle count it.
        {
          findingId: f.id,
          type: "status_changed",
          actorId: actor.id,
          fromStatus: f.status,
          toStatus,
          comment: r.reason,
          data: { decision: r.decision, acceptedUntil: r.acceptedUntil?.toISOString() ?? null, requestId: r.id },
          createdAt: now,
          ...about,
        },
      ],
    });
    await audit(tx, actor, {
      action: "finding.exception_approve",
      targetType: "finding",
      targetId: f.id,
      before: { status: f.status },
      after: {
        requestId: r.id,
        decision: r.decision,
        requestedBy: r.requestedBy,
        acceptedUntil: r.acceptedUntil,
        comment: comment || null,
      },
    });
    return { findingId: f.id, status: toStatus };
  });
}

/** Rejects a pending request with a comment (required: the requester needs to know why); the finding stays as it is. */
export async function rejectException(
  db: Db,
  actor: Actor,
  access: AccessScope,
  raw: unknown,
  now = new Date(),
): Promise<{ findingId: string }> {
  const { requestId, comment } = decideInput.parse(raw);
  if (!comment) throw new ExceptionError("invalid_input", "comment: say why it is rejected");
  return db.$transaction(async (tx) => {
    const r = await pendingInScope(tx, access, requestId);
    const who = await approverOf(tx, actor);
    if (!canApprove(who, r.finding.repository.teamId)) throw new ExceptionError("not_found", "no such request");
    const f = r.finding;
    await tx.exceptionRequest.update({
      where: { id: r.id },
      data: { state: "rejected", decidedById: actor.id, decidedBy: actor.label, decidedAt: now, decisionComment: comment },
    });
    await tx.finding.update({ where: { id: f.id }, data: { exceptionId: null } });
    await recordStep(tx, actor, f, now, {
      event: "exception_rejected",
      action: "finding.exception_reject",
      comment,
      data: { requestId: r.id, decision: r.decision, requestedBy: r.requestedBy },
      after: { requestId: r.id, decision: r.decision, requestedBy: r.requestedBy, comment },
    });
    return { findingId: f.id };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Reads for approvers.

/**
 * How many rows of each approvals list a page shows: each row carries its own approve and reject forms, so a
 * page of 200 weighed over 300 KB (issue 17's budget is 150 KB a page); the counts say how many more wait.
 */
export const APPROVALS_SHOWN = 50;

/** Requests waiting for an approver, of repositories in the reader's scope, oldest first. */
export async function pendingExceptions(db: Db, access: AccessScope, take = APPROVALS_SHOWN) {
  return db.exceptionRequest.findMany({
    where: { state: "pending", ...(access.all ? {} : { finding: { repository: repositoryAccessWhere(access) } }) },
    orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
    take,
    include: {
      finding: {
        select: {
          id: true,
          message: true,
          severity: true,
          status: true,
          path: true,
          line: true,
          dueAt: true,
          repository: { select: { id: true, name: true, teamId: true } },
        },
      },
    },
  });
}

export async function pendingExceptionCount(db: Db, access: AccessScope): Promise<number> {
  return db.exceptionRequest.count({
    where: { state: "pending", ...(access.all ? {} : { finding: { repository: repositoryAccessWhere(access) } }) },
  });
}

export const EXPIRING_DAYS = 14;

export async function expiringAcceptanceCount(db: Db, access: AccessScope, now = new Date(), days = EXPIRING_DAYS): Promise<number> {
  return db.finding.count({ where: expiringWhere(access, now, days) });
}

const expiringWhere = (access: AccessScope, now: Date, days: number) => ({
  status: "accepted_risk" as const,
  acceptedUntil: { lte: new Date(now.getTime() + days * DAY_MS) },
  ...(access.all ? {} : { repository: repositoryAccessWhere(access) }),
});

/** Accepted risks of the reader's scope that end in the next `days` days, soonest first, with who asked and approved. */
export async function expiringAcceptances(db: Db, access: AccessScope, now = new Date(), days = EXPIRING_DAYS, take = APPROVALS_SHOWN) {
  return db.finding.findMany({
    where: expiringWhere(access, now, days),
    orderBy: [{ acceptedUntil: "asc" }, { id: "asc" }],
    take,
    select: {
      id: true,
      message: true,
      severity: true,
      acceptedUntil: true,
      statusReason: true,
      repository: { select: { id: true, name: true } },
      exception: { select: { requestedBy: true, decidedBy: true, needsApproval: true } },
    },
  });
}

/** Whether the reader approves anything at all (the navigation's count is shown to them only). */
export function approvesAnything(user: { role: Role; access: AccessScope }): boolean {
  return user.role === "admin" || (user.role === "security_lead" && (user.access.all || user.access.teamIds.length > 0));
}
