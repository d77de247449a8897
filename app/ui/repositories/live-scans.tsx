"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { ActiveScans } from "@/lib/repos/queries.ts";
import { fmtAgo, fmtDateTime } from "../format.ts";
import { ScanStatusBadge } from "./scan-status.tsx";

type ActiveScan = ActiveScans["scans"][number];

/** While a scan is queued or running, or one was just asked for. */
const POLL_MS = 1500;
/** How long after "Scan now" / "Rescan all" the page polls even before the new scans show up (the org job fans out in the worker). */
const WATCH_MS = 30_000;
/** Idle: one light check a minute while the tab is visible, so scans started elsewhere (API, another user) appear. */
const IDLE_MS = 60_000;
const SHOWN = 8;

interface LiveScansValue {
  data: ActiveScans;
  error: string | null;
  /** The active scan of a repository the page registered, if any. */
  activeFor(repositoryId: string): ActiveScan | undefined;
  /** A scan was just requested: poll at once and keep polling until it has run. */
  watch(): void;
  register(repositoryId: string): () => void;
}

const LiveScansContext = createContext<LiveScansValue | null>(null);

/** Null outside a LiveScans provider (the buttons then do nothing extra). */
export function useLiveScans(): LiveScansValue | null {
  return useContext(LiveScansContext);
}

const activeIds = (d: ActiveScans) => new Set([...d.scans.map((s) => s.id), ...Object.values(d.byRepository).map((s) => s.id)]);

/**
 * The scan state of every repository the page shows, kept live: it polls /repositories/progress every 1.5 s
 * while a scan is queued or running (or for 30 s after this tab asked for one, while the worker fans out a
 * rescan), then only once a minute while the tab is visible and at the schedule's next run; a hidden tab does
 * not poll. When a scan finishes it refreshes the page's server components, so rows, grades and history show
 * the result without a reload.
 */
export function LiveScans({
  initial,
  nextScheduledRun,
  children,
}: {
  initial: ActiveScans;
  nextScheduledRun?: string | null;
  children: ReactNode;
}) {
  const router = useRouter();
  const [data, setData] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const loop = useRef<{
    timer?: ReturnType<typeof setTimeout>;
    watchUntil: number;
    watched: Map<string, number>;
    known: Set<string>;
    active: boolean;
    wake: () => void;
    stopped: boolean;
  }>({
    watchUntil: 0,
    watched: new Map(),
    known: activeIds(initial),
    active: initial.total > 0,
    wake: () => undefined,
    stopped: false,
  });

  useEffect(() => {
    const l = loop.current;
    l.stopped = false;
    let inflight = false;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(l.timer);
      if (l.stopped || document.visibilityState === "hidden") return;
      const now = Date.now();
      let delay = l.active || now < l.watchUntil ? POLL_MS : IDLE_MS;
      const scheduled = nextScheduledRun ? new Date(nextScheduledRun).getTime() + 3000 - now : -1;
      if (scheduled > 0 && scheduled < delay) delay = scheduled;
      l.timer = setTimeout(poll, delay);
    };
    const poll = async () => {
      if (inflight || l.stopped) return;
      inflight = true;
      try {
        const ids = [...l.watched.keys()].join(",");
        const res = await fetch(`/repositories/progress${ids ? `?repositories=${encodeURIComponent(ids)}` : ""}`, {
          cache: "no-store",
          headers: { accept: "application/json" },
        });
        if (!res.ok)
          throw new Error(res.status === 401 ? "your session ended; sign in again" : `progress unavailable (HTTP ${res.status})`);
        const next = (await res.json()) as ActiveScans;
        if (l.stopped) return;
        setError(null);
        setData(next);
        const nextIds = activeIds(next);
        const finished = [...l.known].some((id) => !nextIds.has(id));
        l.known = nextIds;
        l.active = next.total > 0;
        // A scan ended: its row, grade and history come from the server. One refresh for a burst of them.
        if (finished) {
          clearTimeout(refreshTimer);
          refreshTimer = setTimeout(() => router.refresh(), 250);
        }
      } catch (e) {
        // Keep trying at the same pace: a restart of the web app should not need a page reload.
        if (!l.stopped) setError((e as Error).message);
      } finally {
        inflight = false;
        schedule();
      }
    };
    l.wake = () => {
      clearTimeout(l.timer);
      void poll();
    };
    const onVisible = () => {
      if (document.visibilityState === "visible") l.wake();
    };
    document.addEventListener("visibilitychange", onVisible);
    // The server rendered the panel, but not the state of rows registered since: ask once now.
    l.timer = setTimeout(poll, 0);
    return () => {
      l.stopped = true;
      clearTimeout(l.timer);
      clearTimeout(refreshTimer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [router, nextScheduledRun]);

  // The server re-rendered (an action revalidated the page): look again rather than trust an older poll.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new server render is the trigger, not a value read here.
  useEffect(() => {
    loop.current.wake();
  }, [initial]);

  const watch = useCallback(() => {
    loop.current.watchUntil = Date.now() + WATCH_MS;
    loop.current.wake();
  }, []);
  const registerTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const register = useCallback((repositoryId: string) => {
    const w = loop.current.watched;
    // Rows stream in after the panel: ask about newly shown ones soon, once for the whole batch.
    if (!w.has(repositoryId)) {
      clearTimeout(registerTimer.current);
      registerTimer.current = setTimeout(() => loop.current.wake(), 50);
    }
    w.set(repositoryId, (w.get(repositoryId) ?? 0) + 1);
    return () => {
      const n = (w.get(repositoryId) ?? 1) - 1;
      if (n > 0) w.set(repositoryId, n);
      else w.delete(repositoryId);
    };
  }, []);
  const value = useMemo<LiveScansValue>(
    () => ({ data, error, activeFor: (id) => data.byRepository[id] ?? data.scans.find((s) => s.repositoryId === id), watch, register }),
    [data, error, watch, register],
  );
  return <LiveScansContext.Provider value={value}>{children}</LiveScansContext.Provider>;
}

function filesText(s: Pick<ActiveScan, "filesDone" | "filesTotal">): string {
  return s.filesTotal > 0 ? `${s.filesDone}/${s.filesTotal} files` : "";
}

/** The panel of scans queued and running across the organisation. */
export function ScanProgress() {
  const live = useLiveScans();
  if (!live) return null;
  const { data, error } = live;
  if (data.total === 0) {
    return (
      <p className="muted small progress-idle" role="status">
        No scans running.
        {error ? <span className="error"> ({error})</span> : null}
      </p>
    );
  }
  const running = data.scans.filter((s) => s.status !== "queued").length;
  return (
    <section className="panel progress" aria-label="Scans in progress">
      <h2>
        Scans in progress{" "}
        <span className="muted small">
          ({data.total} active{data.total > data.scans.length ? `, showing the oldest ${data.scans.length}` : ""})
        </span>
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
              <ScanStatusBadge status={s.status} />
              {s.status === "queued" ? (
                <span className="small muted">waiting for a worker</span>
              ) : (
                <progress
                  max={100}
                  value={pct ?? undefined}
                  aria-label={`${s.repository}: ${s.status}${pct !== null ? `, ${s.filesDone} of ${s.filesTotal} files` : ""}`}
                />
              )}
              <span className="small muted num">{filesText(s)}</span>
            </li>
          );
        })}
      </ul>
      {data.total > SHOWN ? <p className="small muted">and {data.total - SHOWN} more queued or running</p> : null}
      {error ? (
        <p role="alert" className="error small">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function useRegistered(repositoryId: string): ActiveScan | undefined {
  const live = useLiveScans();
  const register = live?.register;
  useEffect(() => register?.(repositoryId), [register, repositoryId]);
  return live?.activeFor(repositoryId);
}

export interface LastScanView {
  status: string;
  at: string;
  failureReason: string | null;
}

/**
 * A repository's last scan: the live state while one is queued or running, else what the server rendered.
 * `detail` shows the full date and time (a repository's page); the list shows "… ago".
 */
export function LiveLastScan({
  repositoryId,
  last,
  now,
  detail = false,
}: {
  repositoryId: string;
  last: LastScanView | null;
  now: number;
  detail?: boolean;
}) {
  const active = useRegistered(repositoryId);
  if (active) {
    return (
      <div className="live-scan" data-live-status={active.status}>
        <ScanStatusBadge status={active.status} />{" "}
        <span className="small muted">{active.status === "queued" ? "waiting for a worker" : filesText(active)}</span>
      </div>
    );
  }
  if (!last) return <span className="muted">never</span>;
  return (
    <div className="live-scan" data-live-status={last.status}>
      <ScanStatusBadge status={last.status} />{" "}
      <time dateTime={last.at} title={fmtDateTime(last.at)} className="small muted">
        {detail ? fmtDateTime(last.at) : fmtAgo(last.at, now)}
      </time>
      {last.status === "failed" && last.failureReason ? <FailureReason text={last.failureReason} full={detail} /> : null}
    </div>
  );
}

/** A scan in a history table: live while it is the repository's active scan. */
export function LiveScanStatus({ repositoryId, scanId, status }: { repositoryId: string; scanId: string; status: string }) {
  const active = useRegistered(repositoryId);
  const shown = active && active.id === scanId ? active.status : status;
  return <ScanStatusBadge status={shown} />;
}

const SHORT_REASON = 90;

/**
 * A failure reason, always whole: `full` shows it as it is (a repository's page); in the list a long one
 * starts folded to one line (never squeezing the name column) with a control that unfolds it in place.
 */
export function FailureReason({ text, full = false }: { text: string; full?: boolean }) {
  const [open, setOpen] = useState(false);
  if (full || text.length <= SHORT_REASON) return <div className="small error wrap-anywhere failure-reason full">{text}</div>;
  return (
    <div className={`small error failure-reason${open ? " open" : ""}`}>
      <span className={open ? "wrap-anywhere" : "failure-fold"} title={open ? undefined : text}>
        {text}
      </span>
      <button type="button" className="link small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "less" : "more"}
      </button>
    </div>
  );
}
