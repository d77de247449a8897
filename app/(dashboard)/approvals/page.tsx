import type { Metadata } from "next";
import Link from "next/link";
import {
  APPROVALS_SHOWN,
  EXPIRING_DAYS,
  expiringAcceptanceCount,
  expiringAcceptances,
  pendingExceptionCount,
  pendingExceptions,
} from "@/lib/findings/exceptions.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { ActionForm } from "@/app/ui/action-form.tsx";
import { DataTable } from "@/app/ui/data-table.tsx";
import { EmptyState } from "@/app/ui/empty.tsx";
import { fmtDate, fmtInt } from "@/app/ui/format.ts";
import { FindingCell, RequestedApprovedCell } from "@/app/ui/remediation/finding-cell.tsx";
import { approveException, rejectException } from "./actions.ts";
import { PageHeader, Panel } from "@/app/ui/panel.tsx";

export const metadata: Metadata = { title: "Approvals · Posture" };

const decisionLabel = (d: string) => (d === "accepted_risk" ? "Accepted risk" : "False positive");

/** Issue 16 §2: accepted risks and false positives waiting for an approver, and acceptances ending soon. */
export default async function ApprovalsPage() {
  const me = await requirePage("exceptions:approve", "/approvals");
  const db = getDb();
  const now = new Date();
  const [pending, pendingTotal, expiring, expiringTotal] = await Promise.all([
    pendingExceptions(db, me.access),
    pendingExceptionCount(db, me.access),
    expiringAcceptances(db, me.access, now),
    expiringAcceptanceCount(db, me.access, now),
  ]);
  return (
    <>
      <PageHeader title="Approvals" />
      <Panel id="pending-h" title={`Waiting for approval (${fmtInt(pendingTotal)})`}>
        <p className="muted small">
          A finding waiting here still counts as open and keeps its due date. Approving applies the decision; rejecting leaves the finding
          open and tells the requester why.
          {pendingTotal > pending.length ? ` The ${fmtInt(pending.length)} oldest are shown; the next appear as these are decided.` : null}
        </p>
        {pending.length === 0 ? (
          <EmptyState title="Nothing to approve">
            Requests for accepted risks and false positives of the severities the settings name appear here.
          </EmptyState>
        ) : (
          <DataTable
            caption="Requests waiting for approval"
            columns={["Finding", "Asked for", "Reason", "Requested", "Decide"]}
            rows={pending}
            scroll
          >
            {(r) => (
              <tr key={r.id}>
                <FindingCell id={r.finding.id} severity={r.finding.severity} title={r.finding.message}>
                  {r.finding.repository.name} · {r.finding.path}:{r.finding.line} · due {fmtDate(r.finding.dueAt)}
                </FindingCell>
                <td className="nowrap">
                  {decisionLabel(r.decision)}
                  {r.acceptedUntil ? <div className="muted small">until {fmtDate(r.acceptedUntil)}</div> : null}
                </td>
                <td className="wrap-anywhere small">{r.reason}</td>
                <td className="small">
                  <div className="wrap-anywhere">{r.requestedBy}</div>
                  <div className="muted">{fmtDate(r.requestedAt)}</div>
                </td>
                <td>
                  {r.requestedById === me.id ? (
                    <span className="muted small">Your own request: another approver decides.</span>
                  ) : (
                    <div className="stack">
                      <ActionForm action={approveException} submit="Approve" className="row-flex" fields={{ requestId: r.id }}>
                        <input
                          name="comment"
                          maxLength={2000}
                          placeholder="Comment (optional)"
                          aria-label={`Comment approving the request for ${r.finding.message}`}
                        />
                      </ActionForm>
                      <ActionForm action={rejectException} submit="Reject" className="row-flex" danger fields={{ requestId: r.id }}>
                        <input
                          name="comment"
                          maxLength={2000}
                          required
                          placeholder="Why (required)"
                          aria-label={`Why the request for ${r.finding.message} is rejected`}
                        />
                      </ActionForm>
                    </div>
                  )}
                </td>
              </tr>
            )}
          </DataTable>
        )}
      </Panel>
      <section className="panel" aria-labelledby="expiring-h" style={{ marginTop: 16 }}>
        <h2 id="expiring-h">
          Acceptances ending in the next {EXPIRING_DAYS} days ({fmtInt(expiringTotal)})
        </h2>
        <p className="muted small">
          When an acceptance ends the finding reopens; to keep it accepted, someone asks again.
          {expiringTotal > expiring.length ? (
            <>
              {" "}
              The {fmtInt(APPROVALS_SHOWN)} ending first are shown;{" "}
              <Link href="/findings?status=accepted_risk&sort=dueAt">all accepted risks</Link> are in the findings list.
            </>
          ) : null}
        </p>
        {expiring.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <DataTable
            caption="Accepted risks ending soon"
            columns={["Ends", "Finding", "Reason", "Requested · approved"]}
            rows={expiring}
            scroll
          >
            {(f) => (
              <tr key={f.id}>
                <td className="nowrap">{fmtDate(f.acceptedUntil)}</td>
                <FindingCell id={f.id} severity={f.severity} title={f.message}>
                  {f.repository.name}
                </FindingCell>
                <td className="wrap-anywhere small">{f.statusReason ?? "—"}</td>
                <RequestedApprovedCell requestedBy={f.exception?.requestedBy} approvedBy={f.exception?.decidedBy} />
              </tr>
            )}
          </DataTable>
        )}
      </section>
    </>
  );
}
