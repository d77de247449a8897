"use client";
import { useActionState, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/define.ts";

export type FormAction = (prev: ActionResult | null, form: FormData) => Promise<ActionResult | null>;

/**
 * A form bound to a server action: shows the action's error (role="alert") or a success note, and can
 * reveal a one-time secret from the result (a generated password, a new API token) exactly once.
 */
export function ActionForm({
  action,
  children,
  submit,
  successMessage,
  reveal,
  className = "stack",
  confirm,
  danger,
}: {
  action: FormAction;
  children?: ReactNode;
  submit: string;
  successMessage?: string;
  reveal?: { key: string; label: string };
  className?: string;
  confirm?: string;
  danger?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const secret = state?.ok && reveal ? (state.data as Record<string, unknown> | undefined)?.[reveal.key] : undefined;
  return (
    <form
      action={formAction}
      className={className}
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) e.preventDefault();
      }}
    >
      {children}
      <div className="row-flex">
        <button type="submit" className={danger ? "danger" : "primary"} disabled={pending}>
          {pending ? "Working…" : submit}
        </button>
        {state && !state.ok ? (
          <span role="alert" className="error">
            {state.error}
          </span>
        ) : null}
        {state?.ok && (state.message ?? successMessage) ? (
          <span role="status" className="success">
            {state.message ?? successMessage}
          </span>
        ) : null}
      </div>
      {typeof secret === "string" && secret ? (
        <div className="notice" role="status">
          {reveal!.label} (shown only once — copy it now): <code className="wrap-anywhere">{secret}</code>
        </div>
      ) : null}
    </form>
  );
}
