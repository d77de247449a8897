"use client";
import { startTransition, useActionState, useEffect, useRef, type FormEvent, type ReactNode, type RefObject } from "react";
import type { ActionResult } from "@/lib/actions/define.ts";

export type FormAction<R = unknown> = (prev: ActionResult<R> | null, form: FormData) => Promise<ActionResult<R> | null>;

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function fieldOf(form: HTMLFormElement | null, name: string | undefined): Field | null {
  if (!form || !name) return null;
  const el = form.elements.namedItem(name);
  if (!el) return null;
  if (el instanceof RadioNodeList) return (el[0] as Field | undefined) ?? null;
  return el as Field;
}

/** What the page calls a field: its label's own text (not the hint beside it), or its data-label / aria-label. */
export function fieldLabel(el: Field): string | null {
  const explicit = el.dataset.label ?? el.getAttribute("aria-label");
  if (explicit) return explicit;
  const label = el.labels?.[0];
  if (!label) return null;
  const own = [...label.childNodes]
    .filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent ?? "")
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return own || null;
}

/**
 * A server action bound to a form that keeps what the user typed. React resets a form whose `action` prop
 * ran, so a refused value would vanish with its error; here the submit is taken over (the form data is sent
 * by hand, in a transition) and the form resets only on success when asked to. The error names the field as
 * the page labels it ("Cron schedule: …", not "scheduleCron: …"), marks it invalid and moves focus to it.
 * Without JavaScript the form still posts to the action.
 */
export function useActionForm<R>(action: FormAction<R>, opts: { resetOnSuccess?: boolean; confirm?: string } = {}) {
  const [state, dispatch, pending] = useActionState(action, null);
  const ref = useRef<HTMLFormElement>(null) as RefObject<HTMLFormElement | null>;
  const invalid = useRef<Field | null>(null);

  useEffect(() => {
    invalid.current?.removeAttribute("aria-invalid");
    invalid.current = null;
    if (!state) return;
    if (state.ok) {
      if (opts.resetOnSuccess) ref.current?.reset();
      return;
    }
    const el = fieldOf(ref.current, state.field);
    if (el) {
      el.setAttribute("aria-invalid", "true");
      invalid.current = el;
      el.focus();
    }
  }, [state, opts.resetOnSuccess]);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (opts.confirm && !window.confirm(opts.confirm)) return;
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLElement | null;
    const data = new FormData(e.currentTarget, submitter);
    startTransition(() => dispatch(data));
  };

  let error: string | null = null;
  if (state && !state.ok) {
    error = state.error;
    const el = fieldOf(ref.current, state.field);
    const label = el ? fieldLabel(el) : null;
    if (label && state.field && error.startsWith(`${state.field}: `)) error = `${label}: ${error.slice(state.field.length + 2)}`;
  }
  return { state, pending, error, formProps: { ref, action: dispatch, onSubmit } };
}

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
  resetOnSuccess = false,
  fields,
}: {
  action: FormAction;
  children?: ReactNode;
  /** Hidden inputs: what the action acts on (`{ userId: u.id }`), sent with whatever the user fills in. */
  fields?: Record<string, string>;
  submit: string;
  successMessage?: string;
  reveal?: { key: string; label: string };
  className?: string;
  confirm?: string;
  danger?: boolean;
  /** A form that creates something (a user, a token) starts empty again; one that edits keeps the saved values. */
  resetOnSuccess?: boolean;
}) {
  const { state, pending, error, formProps } = useActionForm(action, { resetOnSuccess, confirm });
  const secret = state?.ok && reveal ? (state.data as Record<string, unknown> | undefined)?.[reveal.key] : undefined;
  return (
    <form {...formProps} className={className}>
      {fields ? Object.entries(fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />) : null}
      {children}
      <div className="row-flex">
        <button type="submit" className={danger ? "danger" : "primary"} disabled={pending}>
          {pending ? "Working…" : submit}
        </button>
        {error ? (
          <span role="alert" className="error">
            {error}
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

/** A wide form's submit button and the action's refusal under it, as the grid-laid forms (register, credentials, connections) show them. */
export function SubmitAndError({
  pending,
  label,
  pendingLabel,
  error,
}: {
  pending: boolean;
  label: string;
  pendingLabel: string;
  error?: string | null;
}) {
  return (
    <>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? pendingLabel : label}
        </button>
      </div>
      {error ? (
        <p role="alert" className="error wide">
          {error}
        </p>
      ) : null}
    </>
  );
}
