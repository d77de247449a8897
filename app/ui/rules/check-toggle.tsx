"use client";
import { useActionState } from "react";
import type { ActionResult } from "@/lib/actions/define.ts";
import { setCheckEnabled } from "@/app/(dashboard)/rules/actions.ts";

/** Disables or re-enables a check org-wide; the server audits the change with before and after. */
export function CheckToggle({ checkId, enabled, open }: { checkId: string; enabled: boolean; open: number }) {
  const [state, action, pending] = useActionState<ActionResult<unknown> | null, FormData>(setCheckEnabled, null);
  const confirmText = enabled
    ? `Disable ${checkId} for the whole organisation? Scans stop reporting it and its ${open} open finding${open === 1 ? "" : "s"} are hidden (not deleted) until it is enabled again.`
    : null;
  return (
    <form
      action={action}
      className="inline-form"
      onSubmit={(e) => {
        if (confirmText && !window.confirm(confirmText)) e.preventDefault();
      }}
    >
      <input type="hidden" name="checkId" value={checkId} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <button type="submit" disabled={pending} className={enabled ? undefined : "primary"} aria-label={`${enabled ? "Disable" : "Enable"} ${checkId} org-wide`}>
        {pending ? "Saving…" : enabled ? "Disable" : "Enable"}
      </button>
      {state && !state.ok ? (
        <span role="alert" className="error small">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
