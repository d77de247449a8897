"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { ActiveScans } from "@/lib/repos/queries.ts";

const POLL_MS = 2000;
const SHOWN = 8;

const STAGE_LABEL: Record<string, string> = { queued: "queued", cloning: "cloning", scanning: "scanning", saving: "saving" };

/**
 * Polls /repositories/progress every 2 s while any scan is queued or running, and stops when none is; when
 * the last one finishes it refreshes the page so the list shows the new results. A new `initial` (the page
 * re-rendered after "scan now") starts polling again.
 */
export function ScanProgress({ initial }: { initial: ActiveScans }) {
  const router = useRouter();
  const [data, setData] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const wasActive = useRef(initial.total > 0);

  useEffect(() => {
    setData(initial);
    wasActive.current = initial.total > 0;
  }, [initial]);

  const active = data.total > 0;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    const timer = setTimeout(async () => {
      try {
        const res = await fetch("/repositories/progress", { cache: "no-store", headers: { accept: "application/json" } });
        if (!res.ok) throw new Error(res.status === 401 ? "your session ended; sign in again" : `progress unavailable (HTTP ${res.status})`);
        const next = (await res.json()) as ActiveScans;
        if (stopped) return;
        setError(null);
        setData(next);
        if (wasActive.current && next.total === 0) router.refresh();
        wasActive.current = next.total > 0;
      } catch (e) {
        if (!stopped) {
          setError((e as Error).message);
          // Keep trying at the same pace: a restart of the web app should not need a page reload.
          setData((d) => ({ ...d }));
        }
      }
    }, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, data, router]);

  if (!active) {
    return (
      <p className="muted small progress-idle" role="status">
        No scans running.
      </p>
    );
  }
  const running = data.scans.filter((s) => s.status !== "queued").length;
  return (
    <section className="panel progress" aria-label="Scans in progress">
      <h2>
        Scans in progress <span className="muted small">({data.total} active{data.total > data.scans.length ? `, showing the oldest ${data.scans.length}` : ""})</span>
      </h2>
      <p className="visually-hidden" role="status" aria-live="polite">
        {running} running, {data.total - running} queued
      </p>
      <ul className="progress-list">
        {data.scans.slice(0, SHOWN).map((s) => {
          const pct = s.filesTotal > 0 ? Math.min(100, Math.round((s.filesDone / s.filesTotal) * 100)) : null;
          return (
            <li key={s.id}>
              <Link href={`/repositories/${s.repositoryId}`} className="wrap-anywhere">
                {s.repository}
              </Link>
              <span className="badge stage">{STAGE_LABEL[s.status] ?? s.status}</span>
              {s.status === "queued" ? (
                <span className="small muted">waiting for a worker</span>
              ) : (
                <progress max={100} value={pct ?? undefined} aria-label={`${s.repository}: ${s.status}${pct !== null ? `, ${s.filesDone} of ${s.filesTotal} files` : ""}`} />
              )}
              <span className="small muted num">{s.filesTotal > 0 ? `${s.filesDone}/${s.filesTotal} files` : ""}</span>
            </li>
          );
        })}
      </ul>
      {data.scans.length > SHOWN ? <p className="small muted">and {data.total - SHOWN} more queued or running</p> : null}
      {error ? (
        <p role="alert" className="error small">
          {error}
        </p>
      ) : null}
    </section>
  );
}
