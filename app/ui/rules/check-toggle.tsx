"use client";
import { useId, useState } from "react";
import { setCheckEnabled } from "@/app/(dashboard)/rules/actions.ts";
import { useActionForm, type FormAction } from "../action-form.tsx";

/**
 * Disables or re-enables a check org-wide. Disabling asks why: the reason goes into the audit log with the
 * change and is shown on the rule, so whoever finds a check off knows who turned it off and for what.
 */
export function CheckToggle({ checkId, enabled, open }: { checkId: string; enabled: boolean; open: number }) {
  const id = useId();
  const [asking, setAsking] = useState(false);
  const { pending, error, formProps } = useActionForm(setCheckEnabled as FormAction);
  if (enabled && !asking) {
    return (
      <button type="button" onClick={() => setAsking(true)} aria-label={`Disable ${checkId}`}>
        Disable
      </button>
    );
  }
  return (
    <form
      {...formProps}
      className={enabled ? "stack disable-form" : "inline-form"}
      aria-label={enabled ? `Disable ${checkId} org-wide` : undefined}
    >
      <input type="hidden" name="checkId" value={checkId} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      {enabled ? (
        <>
          <p className="small">
            Scans stop reporting {checkId}, and its {open} open finding{open === 1 ? "" : "s"} are hidden everywhere (kept, and shown again
            if it is enabled).
          </p>
          <label htmlFor={`${id}-reason`} className="small">
            Reason <span className="muted">(kept in the audit log and shown here)</span>
          </label>
          <textarea id={`${id}-reason`} name="reason" required maxLength={1000} rows={2} data-label="Reason" autoFocus />
        </>
      ) : null}
      <div className="row-flex">
        <button
          type="submit"
          disabled={pending}
          className={enabled ? "danger" : "primary"}
          aria-label={enabled ? `Disable org-wide: ${checkId}` : `Enable ${checkId}`}
        >
          {pending ? "Saving…" : enabled ? "Disable org-wide" : "Enable"}
        </button>
        {enabled ? (
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        ) : null}
        {error ? (
          <span role="alert" className="error small">
            {error}
          </span>
        ) : null}
      </div>
    </form>
  );
}
