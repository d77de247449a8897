"use client";
import { useActionState, useEffect, useState } from "react";
import type { ActionResult } from "@/lib/actions/define.ts";
import { archive, rescanEverything, restore, scanNow } from "@/app/(dashboard)/repositories/actions.ts";
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
      <button type="submit" disabled={pending} aria-label={`Scan now: ${name}`}>
        {pending ? "Queuing…" : "Scan now"}
      </button>
      {state?.ok ? (
        <span className="success small">{(state.data as { created: boolean }).created ? "queued" : "already queued"}</span>
      ) : null}
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

export const NOTICE_EVENT = "posture:notice";
export interface Notice {
  text: string;
  /** Offer to undo an archive from the notice. */
  restore?: { repositoryId: string; name: string };
}

/** The row that did it is gone by the time the page re-renders: the page-level notice says what happened. */
function announce(n: Notice) {
  window.dispatchEvent(new CustomEvent<Notice>(NOTICE_EVENT, { detail: n }));
}

/** Archiving asks first, then says what it did and offers to undo it; the findings are kept. */
export function ArchiveButton({ repositoryId, name }: { repositoryId: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState<R, FormData>(archive, null);
  useEffect(() => {
    if (state?.ok) announce({ text: `Archived ${name}: scans stop, its findings and history are kept.`, restore: { repositoryId, name } });
  }, [state, name, repositoryId]);
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

export function RestoreButton({ repositoryId, name }: { repositoryId: string; name: string }) {
  const [state, action, pending] = useActionState<R, FormData>(restore, null);
  useEffect(() => {
    if (state?.ok) announce({ text: `Restored ${name}: it takes scans again (use Scan now, or wait for the schedule).` });
  }, [state, name]);
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="repositoryId" value={repositoryId} />
      <button type="submit" disabled={pending} aria-label={`Restore ${name}`}>
        {pending ? "Restoring…" : "Restore"}
      </button>
      <ErrorLine state={state} />
    </form>
  );
}

/** Where archive and restore say what they did (role=status), with an undo for an archive. */
export function Notices() {
  const [notice, setNotice] = useState<Notice | null>(null);
  useEffect(() => {
    const on = (e: Event) => setNotice((e as CustomEvent<Notice>).detail);
    window.addEventListener(NOTICE_EVENT, on);
    return () => window.removeEventListener(NOTICE_EVENT, on);
  }, []);
  return (
    <div role="status" className={notice ? "notice page-notice" : "visually-hidden"}>
      {notice ? (
        <>
          <span>{notice.text}</span>
          {notice.restore ? <RestoreButton repositoryId={notice.restore.repositoryId} name={notice.restore.name} /> : null}
          <button type="button" className="link small" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </>
      ) : null}
    </div>
  );
}
