"use client";
import { startTransition, useActionState, type ReactNode, type RefObject } from "react";
import type { ActionResult } from "@/lib/actions/define.ts";
import type { AccessCheck } from "@/lib/credentials/check.ts";
import { checkAccess } from "@/app/(dashboard)/admin/credentials/actions.ts";

type State = ActionResult<AccessCheck> | null;

/** What "check access" found, in the words lib/credentials/check.ts chose. */
export function AccessResult({ state }: { state: State }) {
  if (!state) return null;
  if (!state.ok)
    return (
      <p role="alert" className="error wide">
        {state.error}
      </p>
    );
  const c = state.data;
  return (
    <p role="status" className="wide access-result">
      <strong className={c.ok ? undefined : "error"}>{c.verdict}:</strong> {c.words}
      {c.credential ? (
        <span className="muted small">
          {" "}
          (credential “{c.credential.name}”, {c.credential.scope})
        </span>
      ) : null}
    </p>
  );
}

function useCheck() {
  const [state, dispatch, pending] = useActionState(checkAccess as (s: State, f: FormData) => Promise<State>, null);
  return { state, pending, run: (data: FormData) => startTransition(() => dispatch(data)) };
}

/** A form of its own: a URL (and branch) to check before registering, or from the credentials page. */
export function CheckAccessForm() {
  const { state, pending, run } = useCheck();
  return (
    <form
      className="register-form"
      // Not a form action: React would clear the URL being checked.
      onSubmit={(e) => {
        e.preventDefault();
        run(new FormData(e.currentTarget));
      }}
    >
      <label className="wide">
        Git URL
        <input
          name="url"
          required
          maxLength={2048}
          placeholder="https://github.com/acme/serving.git"
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <BranchField />
      <div className="form-actions">
        <button type="submit" disabled={pending}>
          {pending ? "Checking…" : "Check access"}
        </button>
      </div>
      <AccessResult state={state} />
    </form>
  );
}

/**
 * A button beside another form's URL field (registration) that checks what is typed there without submitting
 * it, and the result to show under that form: `button` and `result` go where the form wants them.
 */
export function useCheckTypedUrl(form: RefObject<HTMLFormElement | null>): { button: ReactNode; result: ReactNode } {
  const { state, pending, run } = useCheck();
  const button = (
    <button
      type="button"
      disabled={pending}
      onClick={() => {
        const f = form.current;
        if (!f) return;
        const data = new FormData();
        for (const name of ["url", "branch"]) {
          const v = (f.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "";
          if (v.trim()) data.set(name, v);
        }
        run(data);
      }}
    >
      {pending ? "Checking…" : "Check access"}
    </button>
  );
  return { button, result: <AccessResult state={state} /> };
}

/** For a registered repository: checks its stored URL and branch. */
export function CheckRepositoryButton({ repositoryId }: { repositoryId: string }) {
  const { state, pending, run } = useCheck();
  return (
    <div className="stack">
      <div>
        <button
          type="button"
          disabled={pending}
          onClick={() => {
            const data = new FormData();
            data.set("repositoryId", repositoryId);
            run(data);
          }}
        >
          {pending ? "Checking…" : "Check access"}
        </button>
      </div>
      <AccessResult state={state} />
    </div>
  );
}

/** The optional branch of a repository form (registering one, or checking access to it). */
export function BranchField() {
  return (
    <label>
      Branch <span className="muted small">(optional)</span>
      <input name="branch" maxLength={200} placeholder="default branch" spellCheck={false} />
    </label>
  );
}
