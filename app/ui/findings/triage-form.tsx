"use client";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/define.ts";
import { triage } from "../../(dashboard)/findings/actions.ts";
import { fieldLabel } from "../action-form.tsx";
import { Combobox } from "../combobox/combobox.tsx";
import { OptionList } from "../select-field.tsx";
import { DAY_MS } from "@/lib/time.ts";

const STATUS_OPTIONS = [
  ["open", "Open"],
  ["in_progress", "In progress"],
  ["false_positive", "False positive"],
  ["accepted_risk", "Accepted risk"],
] as const;

const UNASSIGN = [{ id: "none", label: "Unassign" }] as const;

/**
 * Status (with reason and expiry where needed), assignee and an optional comment, for the given findings.
 * The server validates everything again; its error is shown here as it comes.
 */
export function TriageForm({
  ids,
  assigneeRepository,
  onDone,
  layout = "bar",
  commentOnly = false,
}: {
  ids: string[];
  /** The findings' repository, when they share one: only people who can see it are offered. */
  assigneeRepository?: string;
  onDone?: (result: { updated: number; pending?: number }) => void;
  layout?: "bar" | "stack";
  commentOnly?: boolean;
}) {
  const router = useRouter();
  const uid = useId();
  const [status, setStatus] = useState("");
  const [result, setResult] = useState<ActionResult<{ updated: number; pending?: number }> | null>(null);
  const [pending, start] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);
  const needsReason = status === "false_positive" || status === "accepted_risk";
  const tomorrow = new Date(Date.now() + DAY_MS).toISOString().slice(0, 10);

  return (
    <form
      ref={formRef}
      className={layout === "bar" ? "triage-bar" : "stack"}
      aria-label={commentOnly ? "Add a comment" : `Triage ${ids.length} finding${ids.length === 1 ? "" : "s"}`}
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const data = new FormData(form);
        const input: Record<string, unknown> = { ids };
        for (const k of ["status", "reason", "acceptedUntil", "assignee", "comment"]) {
          const v = data.get(k);
          if (typeof v === "string" && v !== "") input[k] = v;
        }
        start(async () => {
          const r = await triage(input);
          setResult(r);
          if (r.ok) {
            form.reset();
            setStatus("");
            onDone?.(r.data);
            router.refresh();
          }
        });
      }}
    >
      {commentOnly ? null : (
        <>
          <label htmlFor={`${uid}-status`}>
            Status
            <select id={`${uid}-status`} name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">— keep —</option>
              <OptionList options={STATUS_OPTIONS} />
            </select>
          </label>
          {needsReason ? (
            <label htmlFor={`${uid}-reason`}>
              Reason (required)
              <input
                id={`${uid}-reason`}
                name="reason"
                data-label="Reason"
                required
                maxLength={2000}
                placeholder={status === "false_positive" ? "why this is not a problem" : "the compensating control"}
              />
            </label>
          ) : null}
          {status === "accepted_risk" ? (
            <label htmlFor={`${uid}-until`}>
              Accepted until (required)
              <input id={`${uid}-until`} name="acceptedUntil" data-label="Accepted until" type="date" required min={tomorrow} />
            </label>
          ) : null}
          <Combobox
            name="assignee"
            label="Assignee"
            kind="users"
            emptyLabel="— keep —"
            placeholder="— keep —"
            special={UNASSIGN}
            params={assigneeRepository ? { repository: assigneeRepository } : undefined}
          />
        </>
      )}
      <label htmlFor={`${uid}-comment`} className={layout === "bar" ? "grow" : undefined}>
        {commentOnly ? "Comment" : "Comment (optional)"}
        {layout === "bar" ? (
          <input id={`${uid}-comment`} name="comment" maxLength={10_000} />
        ) : (
          <textarea id={`${uid}-comment`} name="comment" maxLength={10_000} required={commentOnly} />
        )}
      </label>
      <div className="row-flex">
        <button type="submit" className="primary" disabled={pending || ids.length === 0}>
          {pending ? "Saving…" : commentOnly ? "Add comment" : layout === "bar" ? `Apply to ${ids.length}` : "Save"}
        </button>
        {result && !result.ok ? (
          <span role="alert" className="error">
            {labelledError(result, formRef.current)}
          </span>
        ) : null}
        {result?.ok ? (
          <span role="status" className="success">
            {commentOnly ? "Comment added." : updatedMessage(result.data)}
          </span>
        ) : null}
      </div>
    </form>
  );
}

/**
 * "acceptedUntil: …" as the form labels the field ("Accepted until: …"). Triage errors name their field as a
 * prefix of the message (with or without `field`): any prefix that is a field of this form is relabelled.
 */
function labelledError(r: { error: string; field?: string }, form: HTMLFormElement | null): string {
  const name = r.field ?? /^([A-Za-z]+): /.exec(r.error)?.[1];
  const el = name && form ? form.elements.namedItem(name) : null;
  const label =
    el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement ? fieldLabel(el) : null;
  return label && name && r.error.startsWith(`${name}: `) ? `${label}: ${r.error.slice(name.length + 2)}` : r.error;
}

/** What a triage did; requests waiting for an approver are said so, as their status has not changed yet. */
export function updatedMessage(d: { updated: number; pending?: number }): string {
  const base = `Updated ${d.updated} finding${d.updated === 1 ? "" : "s"}.`;
  return d.pending
    ? `${base} ${d.pending} wait${d.pending === 1 ? "s" : ""} for approval and count${d.pending === 1 ? "s" : ""} as open until then.`
    : base;
}
