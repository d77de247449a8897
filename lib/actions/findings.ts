import { z } from "zod";
import { triage, TRIAGE_STATUSES } from "../findings/triage.ts";
import { approveException, rejectException } from "../findings/exceptions.ts";
import { defineAction } from "./define.ts";

// Forms send "" for a field left alone; that means "no change", not an invalid value.
const blank = (v: unknown) => (v === "" || v === null ? undefined : v);
const optional = <T extends z.ZodType>(s: T) => z.preprocess(blank, s.optional());

/**
 * One triage change for one or many findings (the table's bulk bar and a finding's own page). updateFindings
 * validates the change itself (reason for false positive and accepted risk, a future expiry for accepted
 * risk) and writes the events and the audit log.
 */
export const triageFindings = defineAction({
  name: "findings.triage",
  permission: "findings:triage",
  input: z
    .object({
      ids: z.preprocess(
        (v) => (typeof v === "string" ? [v] : v),
        z.array(z.string().min(1).max(64)).min(1, "select at least one finding").max(1000, "at most 1000 findings at once"),
      ),
      status: optional(z.enum(TRIAGE_STATUSES)),
      reason: optional(z.string().trim().max(2000)),
      /** A date (YYYY-MM-DD) from a date input, or a date-time. */
      acceptedUntil: optional(z.string().trim().max(40)),
      /** "" keeps the assignee, "none" unassigns, else a user id. */
      assignee: optional(z.string().trim().max(64)),
      comment: optional(z.string().trim().max(10_000)),
    })
    .strict(),
  run: async ({ db, actor, user }, input) => {
    const change = {
      status: input.status,
      reason: input.reason || undefined,
      // A date alone means the end of that day (UTC): "accepted until 30 June" includes 30 June.
      acceptedUntil: input.acceptedUntil
        ? /^\d{4}-\d{2}-\d{2}$/.test(input.acceptedUntil)
          ? `${input.acceptedUntil}T23:59:59.999Z`
          : input.acceptedUntil
        : undefined,
      assigneeId: input.assignee === undefined ? undefined : input.assignee === "none" ? null : input.assignee,
      comment: input.comment || undefined,
    };
    const { updated, pending } = await triage(
      db,
      [...new Set(input.ids)],
      Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
      actor,
      user.access,
    );
    // Requests waiting for an approver are named, so the form can say the status did not change yet.
    return pending ? { updated, pending } : { updated };
  },
});

const decision = z.object({ requestId: z.string().trim().min(1).max(64), comment: optional(z.string().trim().max(2000)) }).strict();

/** An approver (admin, or security lead in scope) approves a pending accepted risk or false positive. */
export const approveExceptionAction = defineAction({
  name: "exceptions.approve",
  permission: "exceptions:approve",
  input: decision,
  run: ({ db, actor, user }, input) => approveException(db, actor, user.access, input),
});

/** ...or rejects it, saying why; the finding stays open. */
export const rejectExceptionAction = defineAction({
  name: "exceptions.reject",
  permission: "exceptions:approve",
  input: decision,
  run: ({ db, actor, user }, input) => rejectException(db, actor, user.access, input),
});

export const findingsActions = [triageFindings, approveExceptionAction, rejectExceptionAction];
