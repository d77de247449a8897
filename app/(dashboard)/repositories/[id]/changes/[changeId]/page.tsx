import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { changeScan, type ChangeFinding } from "@/lib/changes/queries.ts";
import { policyText } from "@/lib/connections/policy.ts";
import { getDb } from "@/lib/server/context.ts";
import { requireRepositoryPage } from "@/lib/server/session.ts";
import { ContextBadge, SeverityCell } from "@/app/ui/badges.tsx";
import { DataTable } from "@/app/ui/data-table.tsx";
import { EmptyState } from "@/app/ui/empty.tsx";
import { fmtDateTime } from "@/app/ui/format.ts";

const idParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const metadata = { title: "Change scan · Posture" };

/** One pull or merge request's change scan: what its head introduces and fixes against its base. */
export default async function ChangeScanPage({ params }: { params: Promise<{ id: string; changeId: string }> }) {
  const { id: rawId, changeId: rawChange } = await params;
  await requireRepositoryPage(
    "repositories:read",
    rawId,
    `/repositories/${encodeURIComponent(rawId)}/changes/${encodeURIComponent(rawChange)}`,
  );
  const id = idParam.safeParse(rawId);
  const changeId = idParam.safeParse(rawChange);
  if (!id.success || !changeId.success) notFound();
  const db = getDb();
  const [c, repo] = await Promise.all([
    changeScan(db, id.data, changeId.data),
    db.repository.findUnique({ where: { id: id.data }, select: { name: true } }),
  ]);
  if (!c || !repo) notFound();
  return (
    <>
      <nav className="small breadcrumbs" aria-label="Breadcrumb">
        <Link href="/repositories">Repositories</Link> / <Link href={`/repositories/${id.data}`}>{repo.name}</Link> /{" "}
        <span>change #{c.number}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 className="wrap-anywhere">
            #{c.number} {c.title}
          </h1>
          <div className="muted small mono wrap-anywhere">
            {c.headRef} @ {c.headSha} against {c.baseRef}
            {c.baseSha ? ` @ ${c.baseSha}` : ""}
          </div>
        </div>
      </div>
      <section className="panel">
        <dl className="facts small">
          <dt>Status</dt>
          <dd>
            {c.status}
            {c.failureReason ? <span className={c.status === "failed" ? "error" : "muted"}>: {c.failureReason}</span> : null}
          </dd>
          <dt>Result</dt>
          <dd>
            {c.status === "succeeded"
              ? `${c.introduced} new, ${c.fixed} fixed, ${c.unchanged} unchanged (compared by finding fingerprint)`
              : "—"}
          </dd>
          <dt>Policy</dt>
          <dd>{policyText({ mode: c.policyMode, blockAt: c.blockAt })}</dd>
          <dt>On the forge</dt>
          <dd>{c.forgeResult ?? "nothing posted yet"}</dd>
          <dt>Queued</dt>
          <dd>{fmtDateTime(c.queuedAt)}</dd>
          {c.url ? (
            <>
              <dt>Change</dt>
              <dd className="mono wrap-anywhere">{c.url}</dd>
            </>
          ) : null}
        </dl>
        <p className="muted small">A change scan never changes the branch&apos;s findings: they follow the tracked branch only.</p>
      </section>
      <Findings title="New findings" findings={c.newFindings} total={c.introduced} empty="The change introduces no finding." />
      <Findings title="Fixed findings" findings={c.fixedFindings} total={c.fixed} empty="The change fixes no finding." />
    </>
  );
}

function Findings({ title, findings, total, empty }: { title: string; findings: ChangeFinding[]; total: number; empty: string }) {
  return (
    <section className="panel" style={{ marginTop: 16 }} aria-label={title}>
      <h2>
        {title} <span className="muted small">({total})</span>
      </h2>
      {findings.length === 0 ? (
        <EmptyState title={empty} />
      ) : (
        <DataTable caption={title} columns={["Severity", "Check", "Where", "Finding"]} rows={findings}>
          {(f) => (
            <tr key={f.fingerprint}>
              <SeverityCell severity={f.severity} />
              <td className="mono small wrap-anywhere">{f.checkId}</td>
              <td className="mono small wrap-anywhere">
                {f.path}:{f.line} <ContextBadge context={f.context} inList />
              </td>
              <td className="wrap-anywhere">
                {f.message}
                {f.snippet ? <pre className="snippet small">{f.snippet}</pre> : null}
              </td>
            </tr>
          )}
        </DataTable>
      )}
      {total > findings.length ? (
        <p className="muted small">
          The first {findings.length} of {total} are kept.
        </p>
      ) : null}
    </section>
  );
}
