import { z } from "zod";
import { audit, type Actor } from "../audit.ts";
import type { Db, FindingStatus, Prisma } from "../db/client.ts";
import { dueDate, getSettings } from "../settings.ts";
import { approverOf, eventFacts, ExceptionError, recordRequest, supersedePending } from "./exceptions.ts";
import { repositoryAccessWhere, type AccessScope } from "./visibility.ts";
import { DomainError } from "../errors.ts";

/** Statuses a person can set; `fixed` and `reopened` are the scans' to decide. */
export const TRIAGE_STATUSES = ["open", "in_progress", "false_positive", "accepted_risk"] as const;

export const findingChange = z
  .object({
    status: z.enum(TRIAGE_STATUSES).optional(),
    reason: z.string().trim().min(1).max(2000).optional(),
    /** ISO date or date-time; required with accepted_risk. */
    acceptedUntil: z.coerce.date().optional(),
    /** A user id, or null to unassign. */
    assigneeId: z.string().min(1).max(64).nullable().optional(),
    comment: z.string().trim().min(1).max(10_000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.status === undefined && c.assigneeId === undefined && c.comment === undefined)
      ctx.addIssue({ code: "custom", message: "nothing to change: give status, assigneeId or comment" });
    if ((c.status === "false_positive" || c.status === "accepted_risk") && !c.reason)
      ctx.addIssue({ code: "custom", path: ["reason"], message: `a reason is required to mark a finding ${c.status.replace("_", " ")}` });
    if (c.status === "accepted_risk") {
      if (!c.acceptedUntil) ctx.addIssue({ code: "custom", path: ["acceptedUntil"], message: "accepted risk needs an expiry date" });
      else if (c.acceptedUntil.getTime() <= Date.now())
        ctx.addIssue({ code: "custom", path: ["acceptedUntil"], message: "the expiry date must be in the future" });
    }
    if (c.acceptedUntil && c.status !== "accepted_risk")
      ctx.addIssue({ code: "custom", path: ["acceptedUntil"], message: "acceptedUntil only goes with status accepted_risk" });
  });
export type FindingChange = z.infer<typeof findingChange>;

export class TriageError extends DomainError {
  declare readonly code: "invalid_input" | "not_found" | "unknown_assignee";
  constructor(code: "invalid_input" | "not_found" | "unknown_assignee", message: string) {
    super(code, message, { status: code === "not_found" ? 404 : 400 });
  }
}

export function parseFindingChange(raw: unknown): FindingChange {
  const parsed = findingChange.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new TriageError("invalid_input", `${i.path.join(".") || "change"}: ${i.message}`);
  }
  return parsed.data;
}

/**
 * Applies one change to many findings in one transaction, writing an event for each thing that changed.
 * A fixed finding keeps status `fixed` (the code is gone) but remembers a false-positive or accepted-risk
 * decision for the day it comes back. A false positive or accepted risk is an exception request
 * (exceptions.ts): of a severity needing approval, asked by someone who is not an approver for the repository,
 * it waits (the finding stays open) instead of applying; the returned count is of findings changed or asked for.
 */
export async function updateFindings(db: Db, ids: string[], raw: unknown, actor: Actor, access: AccessScope): Promise<number> {
  return (await triage(db, ids, raw, actor, access)).updated;
}

/** updateFindings, also saying how many of the findings now wait for an approver. */
export async function triage(
  db: Db,
  ids: string[],
  raw: unknown,
  actor: Actor,
  access: AccessScope,
): Promise<{ updated: number; pending: number }> {
  const actorId = actor.id;
  const change = parseFindingChange(raw);
  if (ids.length === 0) return { updated: 0, pending: 0 };
  if (ids.length > 1000) throw new TriageError("invalid_input", "at most 1000 findings at once");
  return db.$transaction(async (tx) => {
    // Findings outside the actor's scope do not exist for them: the same answer as an unknown id.
    const findings = await tx.finding.findMany({
      where: { id: { in: ids }, ...(access.all ? {} : { repository: repositoryAccessWhere(access) }) },
      select: {
        id: true,
        status: true,
        assigneeId: true,
        severity: true,
        repositoryId: true,
        checkId: true,
        codeContext: true,
        repository: { select: { teamId: true } },
      },
    });
    if (findings.length !== new Set(ids).size) throw new TriageError("not_found", "one or more findings do not exist");
    if (change.assigneeId) {
      const user = await tx.user.findFirst({
        where: { id: change.assigneeId, disabledAt: null },
        select: { id: true, role: true, orgWide: true, teams: { select: { teamId: true } } },
      });
      // Someone the actor cannot know of (outside their teams) is as unknown as a wrong id.
      const visibleToActor =
        user && (access.all || user.role === "admin" || user.orgWide || user.teams.some((t) => access.teamIds.includes(t.teamId)));
      if (!user || !visibleToActor) throw new TriageError("unknown_assignee", "no such user to assign to");
      if (user.role === "viewer")
        throw new TriageError("unknown_assignee", "a viewer cannot be assigned findings: they cannot change them");
      // An assignee must be able to see what they are given (issue 16): a repository of one of their teams.
      if (user.role !== "admin" && !user.orgWide) {
        const theirs = new Set(user.teams.map((t) => t.teamId));
        if (findings.some((f) => !theirs.has(f.repository.teamId)))
          throw new TriageError("unknown_assignee", "that user cannot see every selected finding's repository: assign someone of its team");
      }
    }
    const events: Prisma.FindingEventCreateManyInput[] = [];
    const now = new Date();
    const settings = await getSettings(tx);
    const who = await approverOf(tx, actor);
    let pending = 0;
    for (const f of findings) {
      const data: Prisma.FindingUpdateInput = {};
      const about = eventFacts(f);
      let waits = false;
      if (change.status && change.status !== f.status) {
        const decision =
          change.status === "false_positive" || change.status === "accepted_risk"
            ? (change.status as "false_positive" | "accepted_risk")
            : null;
        if (decision) {
          try {
            waits =
              (
                await recordRequest(
                  tx,
                  actor,
                  who,
                  settings,
                  f,
                  { decision, reason: change.reason!, acceptedUntil: change.acceptedUntil },
                  now,
                )
              ).outcome === "pending";
            if (waits) pending++;
          } catch (e) {
            if (e instanceof ExceptionError) throw new TriageError("invalid_input", e.message);
            throw e;
          }
        } else {
          // Set back to open or in progress by hand: no decision stands, and nothing waits for one.
          await supersedePending(tx, f.id);
          data.exception = { disconnect: true };
        }
      }
      if (change.status && change.status !== f.status && !waits) {
        const decision = change.status === "false_positive" || change.status === "accepted_risk" ? (change.status as FindingStatus) : null;
        data.triageDecision = decision;
        data.statusReason = change.reason ?? null;
        data.acceptedUntil = change.acceptedUntil ?? null;
        if (f.status !== "fixed") data.status = change.status;
        events.push({
          findingId: f.id,
          type: "status_changed",
          actorId,
          fromStatus: f.status,
          toStatus: f.status === "fixed" ? "fixed" : change.status,
          comment: change.reason,
          data: decision ? { decision, acceptedUntil: change.acceptedUntil?.toISOString() ?? null } : undefined,
          createdAt: now,
          ...about,
        });
      }
      if (change.assigneeId !== undefined && change.assigneeId !== f.assigneeId) {
        data.assignee = change.assigneeId ? { connect: { id: change.assigneeId } } : { disconnect: true };
        events.push({
          findingId: f.id,
          type: "assigned",
          actorId,
          data: { from: f.assigneeId, to: change.assigneeId },
          createdAt: now,
          ...about,
        });
      }
      if (change.comment) events.push({ findingId: f.id, type: "commented", actorId, comment: change.comment, createdAt: now, ...about });
      if (Object.keys(data).length) await tx.finding.update({ where: { id: f.id }, data });
      const after = {
        status: change.status,
        reason: change.reason,
        acceptedUntil: change.acceptedUntil,
        assigneeId: change.assigneeId,
        comment: change.comment,
      };
      await audit(tx, actor, {
        action: "finding.triage",
        targetType: "finding",
        targetId: f.id,
        before: { status: f.status, assigneeId: f.assigneeId },
        after,
      });
    }
    if (events.length) await tx.findingEvent.createMany({ data: events });
    return { updated: findings.length, pending };
  });
}

/** Accepted risks past their expiry return to open (run by the worker's housekeeping). */
export async function expireAcceptedRisks(db: Db, now = new Date()): Promise<number> {
  return db.$transaction(async (tx) => {
    const expired = await tx.finding.findMany({
      where: { status: "accepted_risk", acceptedUntil: { lte: now } },
      select: { id: true, severity: true, repositoryId: true, checkId: true, codeContext: true },
    });
    if (!expired.length) return 0;
    await tx.finding.updateMany({
      where: { id: { in: expired.map((e) => e.id) } },
      data: { status: "open", triageDecision: null, exceptionId: null },
    });
    // Whether the SLA clock restarts is the org's choice (Settings.riskExpiryRestartsSla): a new due date from today.
    const settings = await getSettings(tx);
    if (settings.riskExpiryRestartsSla)
      for (const e of expired) await tx.finding.update({ where: { id: e.id }, data: { dueAt: dueDate(now, settings, e.severity) } });
    await tx.findingEvent.createMany({
      data: expired.map((e) => ({
        findingId: e.id,
        type: "risk_expired" as const,
        fromStatus: "accepted_risk" as const,
        toStatus: "open" as const,
        createdAt: now,
        severity: e.severity,
        repositoryId: e.repositoryId,
        checkId: e.checkId,
        codeContext: e.codeContext,
      })),
    });
    return expired.length;
  });
}
