"use client";
import Link from "next/link";
import { useActionState, useState } from "react";
import type { ActionResult } from "@/lib/actions/define.ts";
import type { BulkLineResult } from "@/lib/repos/service.ts";
import { registerMany, registerOne } from "@/app/(dashboard)/repositories/actions.ts";

type OneResult = ActionResult<{ repositoryId: string; name: string; scanId: string | null; warning: string | null }> | null;
type ManyResult = ActionResult<{ results: BulkLineResult[]; registered: number; failed: number }> | null;

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
  const [state, action, pending] = useActionState(registerOne as (s: OneResult, f: FormData) => Promise<OneResult>, null);
  return (
    <form action={action} className="register-form">
      <label className="wide">
        Git URL
        <input name="url" required maxLength={2048} placeholder="https://github.com/org/repo.git" autoComplete="off" spellCheck={false} />
      </label>
      <TeamField teams={teams} id="one" />
      <label>
        Name <span className="muted small">(optional)</span>
        <input name="name" maxLength={120} placeholder="from the URL" />
      </label>
      <label>
        Branch <span className="muted small">(optional)</span>
        <input name="branch" maxLength={200} placeholder="default branch" spellCheck={false} />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Registering…" : "Register"}
        </button>
      </div>
      {state && !state.ok ? (
        <p role="alert" className="error wide">
          {state.error}
        </p>
      ) : null}
      {state?.ok ? (
        <p role="status" className="wide">
          <span className="success">Registered </span>
          <Link href={`/repositories/${state.data.repositoryId}`}>{state.data.name}</Link>
          {state.data.warning ? <span className="error"> — first scan not queued: {state.data.warning}</span> : <span className="muted"> — first scan queued.</span>}
        </p>
      ) : null}
    </form>
  );
}

function RegisterMany({ teams }: { teams: string[] }) {
  const [state, action, pending] = useActionState(registerMany as (s: ManyResult, f: FormData) => Promise<ManyResult>, null);
  return (
    <form action={action} className="register-form">
      <label className="wide">
        Git URLs <span className="muted small">(one a line; blank lines and # comments are ignored)</span>
        <textarea name="urls" required rows={6} spellCheck={false} placeholder={"https://github.com/org/serving-a.git\ngit@github.com:org/serving-b.git"} />
      </label>
      <TeamField teams={teams} id="many" />
      <label>
        Branch <span className="muted small">(optional, for all)</span>
        <input name="branch" maxLength={200} placeholder="default branch" spellCheck={false} />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Registering…" : "Register all"}
        </button>
      </div>
      {state && !state.ok ? (
        <p role="alert" className="error wide">
          {state.error}
        </p>
      ) : null}
      {state?.ok ? (
        <div className="wide" role="status">
          <p>
            <span className="success">{state.data.registered} registered</span>, <span className={state.data.failed ? "error" : "muted"}>{state.data.failed} refused</span>
          </p>
          <table className="data compact">
            <caption className="visually-hidden">Result per line</caption>
            <thead>
              <tr>
                <th className="num">Line</th>
                <th>URL</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {state.data.results.map((r) => (
                <tr key={r.line}>
                  <td className="num">{r.line}</td>
                  <td className="mono wrap-anywhere">{r.url}</td>
                  <td>
                    {r.ok && r.repositoryId ? (
                      <>
                        <Link href={`/repositories/${r.repositoryId}`}>registered</Link>
                        {r.error ? <span className="error"> — first scan not queued: {r.error.message}</span> : null}
                      </>
                    ) : (
                      <span className="error">{r.error?.message ?? "refused"}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
