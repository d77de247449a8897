import Link from "next/link";
import { notFound } from "next/navigation";
import { type ReactNode, Suspense } from "react";
import { z } from "zod";
import { canWithScope } from "@/lib/auth/permissions.ts";
import { openTrend } from "@/lib/dashboard/trends.ts";
import { postureGrade } from "@/lib/repos/grade.ts";
import { CONTEXT_LABELS } from "@/lib/findings/contexts.ts";
import {
  ACTIVE_SCAN_LIMIT,
  activeScans,
  completedScanCount,
  latestRepoConfig,
  listRepositories,
  nextScheduledRun,
  scanHistory,
  topOpenFindings,
} from "@/lib/repos/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { requireRepositoryPage, requestVisibility } from "@/lib/server/session.ts";
import { ContextBadge, SeverityCell, StatusBadge } from "@/app/ui/badges.tsx";
import { DataTable, num } from "@/app/ui/data-table.tsx";
import { EmptyState } from "@/app/ui/empty.tsx";
import { fmtDate, fmtDateTime, fmtInt } from "@/app/ui/format.ts";
import { SEVERITY_ORDER } from "@/app/ui/palette.ts";
import { GradeBadge, GradeLegend } from "@/app/ui/repositories/grade.tsx";
import { SeverityCounts } from "@/app/ui/repositories/repo-table.tsx";
import { ArchiveButton, Notices, RestoreButton, ScanNowButton } from "@/app/ui/repositories/scan-controls.tsx";
import { FailureReason, LiveLastScan, LiveScans, LiveScanStatus } from "@/app/ui/repositories/live-scans.tsx";
import { OpenTrendChart } from "@/app/ui/charts/open-trend.tsx";
import { NotReachedPanel } from "@/app/ui/repositories/not-reached.tsx";
import { RepositoryAccess } from "@/app/ui/credentials/repository-access.tsx";
import { RepositoryForge } from "@/app/ui/connections/repository-forge.tsx";
import { ChangeList } from "@/app/ui/changes/change-list.tsx";
import { PanelSkeleton, TableSkeleton } from "@/app/ui/skeletons.tsx";
import { Panel } from "@/app/ui/panel.tsx";

const TREND_DAYS = 90;
const idParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export default async function RepositoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: rawId } = await params;
  const user = await requireRepositoryPage("repositories:read", rawId, `/repositories/${encodeURIComponent(rawId)}`);
  const id = idParam.safeParse(rawId);
  if (!id.success) notFound();
  const db = getDb();
  const visibility = await requestVisibility();
  const [[repo], completedScans, progress, nextRun] = await Promise.all([
    listRepositories(db, { id: id.data, visibility }),
    completedScanCount(db, id.data),
    activeScans(db, user.access, ACTIVE_SCAN_LIMIT, [id.data]),
    nextScheduledRun(db),
  ]);
  if (!repo) notFound();
  const { grade, score } = postureGrade(repo.openFindings);
  return (
    <LiveScans initial={progress} nextScheduledRun={nextRun}>
      <nav className="small breadcrumbs" aria-label="Breadcrumb">
        <Link href="/repositories">Repositories</Link> / <span className="wrap-anywhere">{repo.name}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 className="wrap-anywhere">
            {repo.name} {repo.archivedAt ? <span className="badge muted-badge">archived {fmtDate(repo.archivedAt)}</span> : null}
          </h1>
          <div className="muted small mono wrap-anywhere">
            {repo.url}
            {repo.branch ? ` @ ${repo.branch}` : " (default branch)"} · team{" "}
            <Link href={`/repositories?team=${encodeURIComponent(repo.team.id)}`}>{repo.team.name}</Link> · registered{" "}
            {fmtDate(repo.createdAt)}
          </div>
        </div>
        {repo.archivedAt ? (
          canWithScope(user, "repositories:archive") ? (
            <div className="row-actions">
              <RestoreButton repositoryId={repo.id} name={repo.name} />
            </div>
          ) : null
        ) : (
          <div className="row-actions">
            {canWithScope(user, "scans:trigger") ? <ScanNowButton repositoryId={repo.id} name={repo.name} /> : null}
            {canWithScope(user, "repositories:archive") ? <ArchiveButton repositoryId={repo.id} name={repo.name} /> : null}
          </div>
        )}
      </div>
      <Notices />
      <div className="grid cols-3 repo-summary">
        <section className="panel">
          <h2>Posture grade</h2>
          <div className="row-flex">
            <span className="grade-large">
              <GradeBadge grade={completedScans > 0 ? grade : null} score={score} />
            </span>
            <span className="muted small">weighted score {fmtInt(score)}</span>
          </div>
          <GradeLegend />
        </section>
        <section className="panel">
          <h2>Open findings</h2>
          <SeverityCounts counts={repo.openFindings} href={`/findings?repository=${encodeURIComponent(repo.id)}`} />
          <p className="small">
            <Link href={`/findings?repository=${encodeURIComponent(repo.id)}`}>All findings of this repository</Link>
          </p>
        </section>
        <Panel id="last-scan-h" title="Last scan">
          {repo.lastScan ? (
            <LiveLastScan
              repositoryId={repo.id}
              now={Date.now()}
              detail
              last={{
                status: repo.lastScan.status,
                at: (repo.lastScan.finishedAt ?? repo.lastScan.queuedAt).toISOString(),
                failureReason: repo.lastScan.failureReason,
              }}
            />
          ) : (
            <p className="muted">Never scanned{canWithScope(user, "scans:trigger") && !repo.archivedAt ? ": use “Scan now”." : "."}</p>
          )}
        </Panel>
      </div>
      <Suspense fallback={<PanelSkeleton title={`Open findings by severity, last ${TREND_DAYS} days`} height={300} />}>
        <Trend repositoryId={repo.id} />
      </Suspense>
      <Suspense fallback={<PanelSkeleton title="Access" height={90} />}>
        <RepositoryAccess
          repositoryId={repo.id}
          url={repo.url}
          canCheck={canWithScope(user, "repositories:register") && !repo.archivedAt}
        />
      </Suspense>
      <Suspense fallback={<PanelSkeleton title="Forge and frameworks" height={90} />}>
        <RepositoryForge repositoryId={repo.id} frameworks={repo.frameworks} canManage={canWithScope(user, "connections:manage")} />
      </Suspense>
      <Suspense fallback={<PanelSkeleton title="Recent changes" height={120} />}>
        <ChangeList repositoryId={repo.id} />
      </Suspense>
      <Suspense fallback={<PanelSkeleton title="What is not scanned" height={120} />}>
        <RepoConfigPanel repositoryId={repo.id} />
      </Suspense>
      {/* no skeleton: the panel is shown only when the last scan listed something, which most repositories do not */}
      <Suspense fallback={null}>
        <NotReachedPanel repositoryId={repo.id} />
      </Suspense>
      <div className="grid cols-2 detail-grid">
        <Suspense fallback={<TableSkeleton rows={10} />}>
          <TopFindings
            repositoryId={repo.id}
            scanned={completedScans > 0}
            lastScan={repo.lastScan ? { status: repo.lastScan.status, failureReason: repo.lastScan.failureReason } : null}
          />
        </Suspense>
        <Suspense fallback={<TableSkeleton rows={10} />}>
          <ScanHistory repositoryId={repo.id} />
        </Suspense>
      </div>
    </LiveScans>
  );
}

async function Trend({ repositoryId }: { repositoryId: string }) {
  const days = await openTrend(getDb(), { days: TREND_DAYS, repositoryId, visibility: await requestVisibility() });
  const last = days.at(-1);
  const first = days[0];
  return (
    <section className="panel trend-panel" aria-labelledby="repo-trend-h">
      <h2 id="repo-trend-h">Open findings by severity, last {TREND_DAYS} days</h2>
      <p className="small muted">
        {first && last
          ? `${fmtInt(first.total)} open on ${first.day}, ${fmtInt(last.total)} open today (${SEVERITY_ORDER.map((s) => `${last[s]} ${s}`).join(", ")}).`
          : "No data."}{" "}
        Counted from each finding’s lifecycle.
      </p>
      <OpenTrendChart days={days} height={220} caption={`Open findings of this repository by severity per day, last ${TREND_DAYS} days`} />
    </section>
  );
}

async function TopFindings({
  repositoryId,
  scanned,
  lastScan,
}: {
  repositoryId: string;
  scanned: boolean;
  lastScan: { status: string; failureReason: string | null } | null;
}) {
  const findings = await topOpenFindings(getDb(), repositoryId, 20, await requestVisibility());
  return (
    <section className="panel">
      <h2>
        Worst open findings <span className="muted small">(top 20)</span>
      </h2>
      {findings.length === 0 && !scanned ? (
        // No completed scan means no verdict: "nothing to fix" would claim a clean repository nobody has read.
        lastScan?.status === "failed" ? (
          <EmptyState title="Not scanned: its scan failed">
            {lastScan.failureReason ? `The scan failed: ${lastScan.failureReason}.` : "The scan failed."} Nothing is known about this
            repository’s code until a scan succeeds; fix the cause and use “Scan now”.
          </EmptyState>
        ) : (
          <EmptyState title="Not scanned yet">Findings appear when its first scan completes.</EmptyState>
        )
      ) : findings.length === 0 ? (
        <EmptyState title="No open findings">Nothing to fix here. Findings appear after a scan matches a check.</EmptyState>
      ) : (
        <DataTable className="data compact" columns={["Severity", "Finding", "Status", "Due"]} rows={findings}>
          {(f) => (
            <tr key={f.id}>
              <SeverityCell severity={f.severity} />
              <td className="wrap-anywhere">
                <Link href={`/findings/${f.id}`}>{f.message}</Link>
                <div className="muted small mono">
                  {f.path}:{f.line} · {f.checkId}
                </div>
                {f.codeContext !== "production" ? <ContextBadge context={f.codeContext} /> : null}
              </td>
              <td>
                <StatusBadge status={f.status} />
              </td>
              <td className="small">{fmtDate(f.dueAt)}</td>
            </tr>
          )}
        </DataTable>
      )}
      <p className="small">
        <Link href={`/findings?repository=${encodeURIComponent(repositoryId)}`}>Open the findings table for this repository →</Link>
      </p>
    </section>
  );
}

/**
 * The repository's own .posture.yaml, as its last successful scan read it: a lead sees which paths were not
 * scanned, which were classed as test or docs code, and which checks were turned off where, and why.
 * Paths and reasons come from the repository: plain React text.
 */
async function RepoConfigPanel({ repositoryId }: { repositoryId: string }) {
  const latest = await latestRepoConfig(getDb(), repositoryId);
  const c = latest?.config;
  const none = c && c.exclusions.length + c.contextOverrides.length + c.disabledChecks.length === 0;
  return (
    <section className="panel" aria-labelledby="repo-config-h">
      <h2 id="repo-config-h">
        What is not scanned <span className="muted small">(.posture.yaml)</span>
      </h2>
      {!latest ? (
        <p className="muted">Known after the first successful scan.</p>
      ) : !c ? (
        <p className="muted">
          The last scan ({fmtDateTime(latest.finishedAt)}) found no <code>.posture.yaml</code>: every file was scanned and every check ran.
        </p>
      ) : none ? (
        <p className="muted">
          The repository’s <code>.posture.yaml</code> excludes nothing and turns no check off (last scan {fmtDateTime(latest.finishedAt)}).
        </p>
      ) : (
        <div className="stack">
          <p className="small muted">
            As read by the last successful scan, {fmtDateTime(latest.finishedAt)}
            {latest.commitSha ? ` at ${latest.commitSha.slice(0, 10)}` : ""}.
          </p>
          <ConfigTable
            caption={`Excluded paths (${c.exclusions.length}): not scanned at all`}
            columns={["Path", "Reason"]}
            rows={c.exclusions}
          >
            {(e, i) => (
              <tr key={i}>
                <td className="mono small wrap-anywhere">{e.path}</td>
                <td className="small wrap-anywhere">{e.reason || <span className="muted">no reason given</span>}</td>
              </tr>
            )}
          </ConfigTable>
          <ConfigTable
            caption={`Checks turned off (${c.disabledChecks.length})`}
            columns={["Check", "Where", "Reason"]}
            rows={c.disabledChecks}
          >
            {(d, i) => (
              <tr key={i}>
                <td className="mono small wrap-anywhere">{d.check}</td>
                <td className="mono small wrap-anywhere">{d.paths.length ? d.paths.join(", ") : "everywhere"}</td>
                <td className="small wrap-anywhere">{d.reason || <span className="muted">no reason given</span>}</td>
              </tr>
            )}
          </ConfigTable>
          <ConfigTable
            caption={`Context overrides (${c.contextOverrides.length}): scanned, counted as their context`}
            columns={["Path", "Context"]}
            rows={c.contextOverrides}
          >
            {(o, i) => (
              <tr key={i}>
                <td className="mono small wrap-anywhere">{o.path}</td>
                <td className="small">{CONTEXT_LABELS[o.context]}</td>
              </tr>
            )}
          </ConfigTable>
          {latest.truncated ? <p className="muted small">Only the first entries of each list are shown.</p> : null}
        </div>
      )}
    </section>
  );
}

/** One list of the .posture.yaml panel, with its count in a visible caption; nothing when the list is empty. */
function ConfigTable<T>(props: { caption: string; columns: string[]; rows: readonly T[]; children: (row: T, index: number) => ReactNode }) {
  if (props.rows.length === 0) return null;
  return <DataTable className="data compact" captionClassName="small" {...props} />;
}

/** Scan.errors comes from the engine ([{ path, message }]) but is stored JSON naming untrusted files: checked, bounded, shown as text. */
function fileErrors(raw: unknown): { path: string; message: string }[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((e): e is { path: unknown; message: unknown } => typeof e === "object" && e !== null)
    .map((e) => ({ path: String(e.path ?? "").slice(0, 500), message: String(e.message ?? "").slice(0, 500) }));
}

function duration(s: { startedAt: Date | null; queuedAt: Date; finishedAt: Date | null }): string {
  if (!s.finishedAt) return "—";
  const ms = s.finishedAt.getTime() - (s.startedAt ?? s.queuedAt).getTime();
  return ms < 1000
    ? `${ms} ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const SHOWN_ERRORS = 50;

async function ScanHistory({ repositoryId }: { repositoryId: string }) {
  const scans = await scanHistory(getDb(), repositoryId, 30);
  return (
    <section className="panel" aria-labelledby="scan-history-h">
      <h2 id="scan-history-h">
        Scan history <span className="muted small">(last 30)</span>
      </h2>
      {scans.length === 0 ? (
        <EmptyState title="No scans yet">
          A scan is queued when a repository is registered, on “Scan now”, and by the daily org-wide rescan.
        </EmptyState>
      ) : (
        <DataTable
          className="data compact scans"
          columns={["Queued", "Status", "Trigger", "Commit", num("Duration"), num("Findings")]}
          rows={scans}
        >
          {(s) => {
            const errors = fileErrors(s.errors);
            return (
              <tr key={s.id}>
                <td className="small">{fmtDateTime(s.queuedAt)}</td>
                <td>
                  <LiveScanStatus repositoryId={repositoryId} scanId={s.id} status={s.status} />
                  {s.failureReason ? <FailureReason text={s.failureReason} full /> : null}
                  {errors.length ? (
                    <details className="small">
                      <summary>
                        {errors.length} file error{errors.length === 1 ? "" : "s"}
                      </summary>
                      <ul className="file-errors">
                        {errors.slice(0, SHOWN_ERRORS).map((e, i) => (
                          <li key={i} className="wrap-anywhere">
                            <code>{e.path}</code>: {e.message}
                          </li>
                        ))}
                      </ul>
                      {errors.length > SHOWN_ERRORS ? <p className="muted">and {errors.length - SHOWN_ERRORS} more</p> : null}
                    </details>
                  ) : null}
                </td>
                <td className="small">{s.trigger}</td>
                <td className="mono small" title={s.commitSha ?? undefined}>
                  {s.commitSha ? s.commitSha.slice(0, 10) : "—"}
                </td>
                <td className="num small">{duration(s)}</td>
                <td
                  className="num small"
                  aria-label={`${s.findingsNew} new, ${s.findingsFixed} fixed, ${s.findingsReopened} reopened, ${s.findingsPresent} present`}
                >
                  +{s.findingsNew} / −{s.findingsFixed} / ↺{s.findingsReopened} / {s.findingsPresent}
                </td>
              </tr>
            );
          }}
        </DataTable>
      )}
      {scans.length ? (
        <dl className="scan-legend small muted" aria-label="What the scan history columns mean">
          <dt>Findings</dt>
          <dd>
            <strong>+</strong> new, <strong>−</strong> fixed (gone since the last scan), <strong>↺</strong> reopened, and the number present
            in the scanned tree
          </dd>
          <dt>Status</dt>
          <dd>
            <em>unchanged</em>: the branch head and the rules were the same as at the last scan, so nothing was cloned and the findings
            stand
          </dd>
          <dt>Trigger</dt>
          <dd>registration (first scan), manual (Scan now or the API), schedule (the org-wide rescan)</dd>
          <dt>Duration</dt>
          <dd>from the start of cloning to the last finding saved</dd>
        </dl>
      ) : null}
    </section>
  );
}
