"use client";
import { useActionState, useEffect, useState } from "react";
import type { ActionResult } from "@/lib/actions/define.ts";
import { archive, rescanEverything, scanNow } from "@/app/(dashboard)/repositories/actions.ts";
import { useLiveScans } from "./live-scans.tsx";

type R = ActionResult<unknown> | null;

function ErrorLine({ state }: { state: R }) {
  if (!state || state.ok) return null;
  return (
    <span role="alert" className="error small">
      {state.error}
    </span>
  );
}

/** After a scan was requested, the page's live scan state polls until it has run. */
function useWatchAfter(state: R) {
  const watch = useLiveScans()?.watch;
  useEffect(() => {
    if (state?.ok) watch?.();
  }, [state, watch]);
}

export function ScanNowButton({ repositoryId, name }: { repositoryId: string; name: string }) {
  const [state, action, pending] = useActionState<R, FormData>(scanNow, null);
  useWatchAfter(state);
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="repositoryId" value={repositoryId} />
      <button type="submit" disabled={pending} aria-label={`Scan ${name} now`}>
        {pending ? "Queuing…" : "Scan now"}
      </button>
      {state?.ok ? <span className="success small">{(state.data as { created: boolean }).created ? "queued" : "already queued"}</span> : null}
      <ErrorLine state={state} />
    </form>
  );
}

export function RescanAllButton() {
  const [state, action, pending] = useActionState<R, FormData>(rescanEverything, null);
  useWatchAfter(state);
  const summary = state?.ok ? (state.data as { requested: true; repositories: number }) : null;
  return (
    <form action={action} className="inline-form">
      <button type="submit" disabled={pending}>
        {pending ? "Requesting…" : "Rescan all"}
      </button>
      {summary ? (
        <span className="small success" role="status">
          rescan of {summary.repositories} repositories requested; progress shows below as the worker queues them
        </span>
      ) : null}
      <ErrorLine state={state} />
    </form>
  );
}

/** Archiving asks first; the findings are kept. */
export function ArchiveButton({ repositoryId, name }: { repositoryId: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState<R, FormData>(archive, null);
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} aria-label={`Archive ${name}`}>
        Archive
      </button>
    );
  }
  return (
    <form action={action} className="inline-form confirm" role="group" aria-label={`Confirm archiving ${name}`}>
      <span className="small">Archive {name}? Scans stop; findings are kept.</span>
      <input type="hidden" name="repositoryId" value={repositoryId} />
      <button type="submit" className="danger" disabled={pending} autoFocus>
        {pending ? "Archiving…" : "Archive"}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
      <ErrorLine state={state} />
    </form>
  );
}
