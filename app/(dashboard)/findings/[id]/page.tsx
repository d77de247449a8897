import Link from "next/link";
import { Suspense } from "react";
import { notFound } from "next/navigation";
import { canWithScope } from "@/lib/auth/permissions.ts";
import { findingDetail } from "@/lib/findings/queries.ts";
import { isOpenStatus } from "@/lib/findings/status.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { loadVisibility } from "@/lib/findings/visibility.ts";
import { lastUnchangedScanSince } from "@/lib/repos/queries.ts";
import { ContextBadge, SeverityBadge, StatusBadge } from "@/app/ui/badges.tsx";
import { CodeContext, PolicyPanel, Timeline } from "@/app/ui/findings/detail.tsx";
import { RefusedSuppressionNotice } from "@/app/ui/suppressions/refused-notice.tsx";
import { TriageForm } from "@/app/ui/findings/triage-form.tsx";
import { RelatedFindings } from "@/app/ui/findings/related.tsx";
import { PanelSkeleton } from "@/app/ui/skeletons.tsx";
import { fmtDate, fmtDateTime } from "@/app/ui/format.ts";
import { frameworkLabel } from "@/app/ui/palette.ts";
import { Panel } from "@/app/ui/panel.tsx";

export const metadata = { title: "Finding · Posture" };

export default async function FindingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePage("findings:read", `/findings/${encodeURIComponent(id)}`);
  const db = getDb();
  const f = await findingDetail(db, id, user.access);
  if (!f) notFound();
  const canTriage = canWithScope(user, "findings:triage");
  const [visibility, unchangedSince] = await Promise.all([
    loadVisibility(db, user.access),
    f.status === "fixed" ? Promise.resolve(null) : lastUnchangedScanSince(db, f.repositoryId, f.lastSeenAt),
  ]);
  const counted = visibility.contexts.includes(f.codeContext);
  const names = f.userNames;
  const open = isOpenStatus(f.status);
  const overdue = open && f.dueAt.getTime() < Date.now();

  return (
    <>
      <nav className="small" aria-label="Breadcrumb">
        <Link href="/findings">Findings</Link> /{" "}
        <Link href={`/findings?repository=${encodeURIComponent(f.repositoryId)}`}>{f.repository.name}</Link>
      </nav>
      <div className="page-header">
        <h1 className="finding-heading wrap-anywhere">{f.message}</h1>
      </div>
      <p className="finding-title">
        <SeverityBadge severity={f.severity} /> <StatusBadge status={f.status} />{" "}
        <span className="mono small wrap-anywhere">{f.checkId}</span>
      </p>
      {!f.check.enabled ? <p className="notice">This check is disabled org-wide: scans no longer report it.</p> : null}
      <Suspense fallback={null}>
        <RefusedSuppressionNotice repositoryId={f.repositoryId} fingerprint={f.fingerprint} />
      </Suspense>
      <div className="finding-layout">
        <div className="stack">
          <PolicyPanel policy={f.check.policy} checkMessage={f.check.message} />
          <section className="panel stack" aria-labelledby="code-h">
            <h2 id="code-h">
              <span className="mono wrap-anywhere">
                {f.path}:{f.line}
              </span>
            </h2>
            <p className="muted small">
              {f.repository.name}
              {f.commitSha ? (
                <>
                  {" "}
                  at commit <code>{f.commitSha.slice(0, 12)}</code>
                </>
              ) : null}
              {f.context ? null : " · only the matched lines were kept for this finding"}
            </p>
            <CodeContext finding={f} />
          </section>
          <Suspense fallback={<PanelSkeleton height={120} />}>
            <RelatedFindings finding={f} />
          </Suspense>
          <section className="panel stack" aria-labelledby="timeline-h">
            <h2 id="timeline-h">Timeline and comments</h2>
            <Timeline events={f.events} names={names} />
            {canTriage ? <TriageForm ids={[f.id]} layout="stack" commentOnly /> : null}
          </section>
        </div>
        <aside className="stack">
          <Panel id="facts-h" title="Details">
            <dl className="facts">
              <dt>Repository</dt>
              <dd>
                <Link href={`/repositories/${encodeURIComponent(f.repositoryId)}`}>{f.repository.name}</Link>
                {f.repository.archivedAt ? <span className="muted small"> (archived)</span> : null}
              </dd>
              <dt>Team</dt>
              <dd>{f.repository.team.name}</dd>
              <dt>Policy</dt>
              <dd>
                <Link href={`/findings?policy=${encodeURIComponent(f.policyId)}`}>{f.check.policy.title}</Link>
              </dd>
              <dt>Framework</dt>
              <dd>{frameworkLabel(f.framework)}</dd>
              <dt>Context</dt>
              <dd>
                <ContextBadge context={f.codeContext} />
                {counted ? null : <div className="muted small">Not counted in the posture score, SLA or overview (see Settings).</div>}
              </dd>
              <dt>Assignee</dt>
              <dd>{f.assignee ? f.assignee.name || f.assignee.email : <span className="muted">Unassigned</span>}</dd>
              <dt>Due</dt>
              <dd className={overdue ? "overdue" : undefined}>
                {fmtDate(f.dueAt)}
                {overdue ? " (overdue)" : ""}
              </dd>
              <dt>First seen</dt>
              <dd>{fmtDateTime(f.firstSeenAt)}</dd>
              <dt>Last seen</dt>
              <dd>
                {fmtDateTime(f.lastSeenAt)}
                <div className="muted small">
                  {unchangedSince
                    ? `by the last scan that read the code; scans since, the latest ${fmtDateTime(unchangedSince.finishedAt)}, found the branch and rules unchanged, so it still stands there.`
                    : f.status === "fixed"
                      ? "by the last scan that found it, before the one that found it fixed."
                      : "by the last scan, which read the code."}
                </div>
              </dd>
              {f.fixedAt ? (
                <>
                  <dt>Fixed</dt>
                  <dd>{fmtDateTime(f.fixedAt)}</dd>
                </>
              ) : null}
              {f.statusReason ? (
                <>
                  <dt>Reason</dt>
                  <dd className="wrap-anywhere">{f.statusReason}</dd>
                </>
              ) : null}
              {f.acceptedUntil ? (
                <>
                  <dt>Accepted until</dt>
                  <dd>{fmtDate(f.acceptedUntil)}</dd>
                </>
              ) : null}
            </dl>
          </Panel>
          {canTriage ? (
            <Panel id="triage-h" title="Triage">
              {f.status === "fixed" ? <p className="muted small">Fixed by a scan; a decision made now applies if it comes back.</p> : null}
              {f.exception?.state === "pending" ? (
                <p className="small" role="status">
                  <strong>Waiting for approval:</strong> {f.exception.requestedBy} asked to mark it{" "}
                  {f.exception.decision === "accepted_risk" ? "accepted risk" : "false positive"}
                  {f.exception.acceptedUntil ? ` until ${fmtDate(f.exception.acceptedUntil)}` : ""}. It counts as open, with its due date,
                  until approved.
                </p>
              ) : null}
              {f.exception?.state === "approved" && (f.status === "accepted_risk" || f.status === "false_positive") ? (
                <p className="small muted">
                  Asked by {f.exception.requestedBy}
                  {f.exception.decidedBy
                    ? `, approved by ${f.exception.decidedBy} on ${fmtDate(f.exception.decidedAt)}`
                    : " (no approval needed for this severity)"}
                  .
                </p>
              ) : null}
              <TriageForm ids={[f.id]} assigneeRepository={f.repositoryId} layout="stack" />
            </Panel>
          ) : null}
        </aside>
      </div>
    </>
  );
}
