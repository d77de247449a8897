"use client";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { BulkLineResult } from "@/lib/repos/service.ts";
import { registerMany, registerOne } from "@/app/(dashboard)/repositories/actions.ts";
import { SubmitAndError, useActionForm, type FormAction } from "../action-form.tsx";
import { BranchField, useCheckTypedUrl } from "../credentials/check-access.tsx";
import { DataTable, num } from "../data-table.tsx";

type OneData = {
  repositoryId: string;
  name: string;
  scanId: string | null;
  warning: string | null;
  credential: { name: string; scope: string } | null;
};
type ManyData = { results: BulkLineResult[]; registered: number; failed: number };

/** A team is picked from the existing ones or typed; a new name creates the team on registration. */
function TeamField({ teams, id }: { teams: string[]; id: string }) {
  return (
    <label>
      Team
      <input name="team" list={`${id}-teams`} required maxLength={120} placeholder="existing or new team" autoComplete="off" />
      <datalist id={`${id}-teams`}>
        {teams.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
    </label>
  );
}

function RegisterOne({ teams }: { teams: string[] }) {
  const { state, pending, error, formProps } = useActionForm(registerOne as FormAction<OneData>, { resetOnSuccess: true });
  const check = useCheckTypedUrl(formProps.ref);
  return (
    <form {...formProps} className="register-form">
      <label className="wide">
        Git URL
        <input name="url" required maxLength={2048} placeholder="https://github.com/org/repo.git" autoComplete="off" spellCheck={false} />
      </label>
      <TeamField teams={teams} id="one" />
      <label>
        Name <span className="muted small">(optional)</span>
        <input name="name" maxLength={120} placeholder="from the URL" />
      </label>
      <BranchField />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Registering…" : "Register"}
        </button>
        {check.button}
      </div>
      {check.result}
      {error ? (
        <p role="alert" className="error wide">
          {error}
        </p>
      ) : null}
      {state?.ok ? (
        <p role="status" className="wide">
          <span className="success">Registered </span>
          <Link href={`/repositories/${state.data.repositoryId}`}>{state.data.name}</Link>
          {state.data.warning ? (
            <span className="error"> — first scan not queued: {state.data.warning}</span>
          ) : (
            <span className="muted"> — first scan queued.</span>
          )}
          <span className="muted">
            {state.data.credential
              ? ` Cloned with the stored credential “${state.data.credential.name}” (${state.data.credential.scope}).`
              : " No stored credential matches its URL: cloned without one (public access)."}
          </span>
        </p>
      ) : null}
    </form>
  );
}

function RegisterMany({ teams }: { teams: string[] }) {
  const { state, pending, error, formProps } = useActionForm(registerMany as FormAction<ManyData>);
  const urls = useRef<HTMLTextAreaElement>(null);
  const data = state?.ok ? state.data : null;
  const refused = data ? data.results.filter((r) => !r.ok) : [];
  const registered = data ? data.results.filter((r) => r.ok) : [];
  // The accepted lines are done; the refused ones stay to be fixed and sent again, their reasons beside them.
  useEffect(() => {
    if (data && urls.current)
      urls.current.value = data.results
        .filter((r) => !r.ok)
        .map((r) => r.url)
        .join("\n");
  }, [data]);
  return (
    <form {...formProps} className="register-form">
      <div className={`wide bulk-lines${refused.length ? " with-reasons" : ""}`}>
        <label>
          Git URLs <span className="muted small">(one a line; blank lines and # comments are ignored)</span>
          <textarea
            ref={urls}
            name="urls"
            required
            rows={Math.max(6, refused.length + 1)}
            spellCheck={false}
            placeholder={"https://github.com/org/serving-a.git\ngit@github.com:org/serving-b.git"}
            aria-describedby={refused.length ? "bulk-refused" : undefined}
          />
        </label>
        {refused.length ? (
          <div id="bulk-refused" className="refused-lines">
            <p className="small">
              <strong className="error">Refused</strong> <span className="muted">— left in the box to fix and register again</span>
            </p>
            <DataTable className="data compact" caption="Refused lines and why" columns={[num("Line"), "URL", "Why"]} rows={refused}>
              {(r, i) => (
                <tr key={r.line}>
                  <td className="num">{i + 1}</td>
                  <td className="mono wrap-anywhere">{r.url}</td>
                  <td className="error wrap-anywhere">{r.error?.message ?? "refused"}</td>
                </tr>
              )}
            </DataTable>
          </div>
        ) : null}
      </div>
      <TeamField teams={teams} id="many" />
      <label>
        Branch <span className="muted small">(optional, for all)</span>
        <input name="branch" maxLength={200} placeholder="default branch" spellCheck={false} />
      </label>
      <SubmitAndError pending={pending} label="Register all" pendingLabel="Registering…" error={error} />
      {data ? (
        <div className="wide" role="status">
          <p>
            <span className="success">{data.registered} registered</span>,{" "}
            <span className={data.failed ? "error" : "muted"}>{data.failed} refused</span>
          </p>
          {registered.length ? (
            <ul className="registered-list small">
              {registered.map((r) => (
                <li key={r.line}>
                  <Link href={`/repositories/${r.repositoryId}`} className="mono wrap-anywhere">
                    {r.url}
                  </Link>
                  {r.error ? (
                    <span className="error"> — first scan not queued: {r.error.message}</span>
                  ) : (
                    <span className="muted"> — first scan queued</span>
                  )}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}

export function RegisterForms({ teams, open }: { teams: string[]; open?: boolean }) {
  const [mode, setMode] = useState<"one" | "many">("one");
  return (
    <details className="panel register" open={open}>
      <summary>Register repositories</summary>
      <div className="tabs" role="group" aria-label="How many">
        <button type="button" aria-pressed={mode === "one"} onClick={() => setMode("one")}>
          One repository
        </button>
        <button type="button" aria-pressed={mode === "many"} onClick={() => setMode("many")}>
          Many (one URL a line)
        </button>
      </div>
      {mode === "one" ? <RegisterOne teams={teams} /> : <RegisterMany teams={teams} />}
    </details>
  );
}
