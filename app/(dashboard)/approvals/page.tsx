import type { Metadata } from "next";
import Link from "next/link";
import { EXPIRING_DAYS, expiringAcceptances, pendingExceptions } from "@/lib/findings/exceptions.ts";
import { getDb } from "@/lib/server/context.ts";
import { requirePage } from "@/lib/server/session.ts";
import { ActionForm } from "@/app/ui/action-form.tsx";
import { SeverityBadge } from "@/app/ui/badges.tsx";
import { EmptyState } from "@/app/ui/empty.tsx";
import { fmtDate } from "@/app/ui/format.ts";
import { approveException, rejectException } from "./actions.ts";

export const metadata: Metadata = { title: "Approvals · Posture" };

const decisionLabel = (d: string) => (d === "accepted_risk" ? "Accepted risk" : "False positive");

/** Issue 16 §2: accepted risks and false positives waiting for an approver, and acceptances ending soon. */
export default async function ApprovalsPage() {
  const me = await requirePage("exceptions:approve", "/approvals");
  const db = getDb();
  const now = new Date();
  const [pending, expiring] = await Promise.all([pendingExceptions(db, me.access), expiringAcceptances(db, me.access, now)]);
  return (
    <>
      <div className="page-header">
        <h1>Approvals</h1>
      </div>
      <section className="panel" aria-labelledby="pending-h">
        <h2 id="pending-h">Waiting for approval ({pending.length})</h2>
        <p className="muted small">
          A finding waiting here still counts as open and keeps its due date. Approving applies the decision; rejecting leaves the finding
          open and tells the requester why.
        </p>
        {pending.length === 0 ? (
          <EmptyState title="Nothing to approve">
            Requests for accepted risks and false positives of the severities the settings name appear here.
          </EmptyState>
        ) : (
          <div className="table-scroll">
            <table className="data">
              <caption className="visually-hidden">Requests waiting for approval</caption>
              <thead>
                <tr>
                  <th scope="col">Finding</th>
                  <th scope="col">Asked for</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Requested</th>
                  <th scope="col">Decide</th>
                </tr>
              </thead>
              <tbody>
                {pending.map((r) => (
                  <tr key={r.id}>
                    <td className="wrap-anywhere">
                      <SeverityBadge severity={r.finding.severity} />{" "}
                      <Link href={`/findings/${encodeURIComponent(r.finding.id)}`}>{r.finding.message}</Link>
                      <div className="muted small">
                        {r.finding.repository.name} · {r.finding.path}:{r.finding.line} · due {fmtDate(r.finding.dueAt)}
                      </div>
                    </td>
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
                          <ActionForm action={approveException} submit="Approve" className="row-flex">
                            <input type="hidden" name="requestId" value={r.id} />
                            <input
                              name="comment"
                              maxLength={2000}
                              placeholder="Comment (optional)"
                              aria-label={`Comment approving the request for ${r.finding.message}`}
                            />
                          </ActionForm>
                          <ActionForm action={rejectException} submit="Reject" className="row-flex" danger>
                            <input type="hidden" name="requestId" value={r.id} />
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
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="expiring-h" style={{ marginTop: 16 }}>
        <h2 id="expiring-h">
          Acceptances ending in the next {EXPIRING_DAYS} days ({expiring.length})
        </h2>
        <p className="muted small">When an acceptance ends the finding reopens; to keep it accepted, someone asks again.</p>
        {expiring.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <div className="table-scroll">
            <table className="data">
              <caption className="visually-hidden">Accepted risks ending soon</caption>
              <thead>
                <tr>
                  <th scope="col">Ends</th>
                  <th scope="col">Finding</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Requested · approved</th>
                </tr>
              </thead>
              <tbody>
                {expiring.map((f) => (
                  <tr key={f.id}>
                    <td className="nowrap">{fmtDate(f.acceptedUntil)}</td>
                    <td className="wrap-anywhere">
                      <SeverityBadge severity={f.severity} /> <Link href={`/findings/${encodeURIComponent(f.id)}`}>{f.message}</Link>
                      <div className="muted small">{f.repository.name}</div>
                    </td>
                    <td className="wrap-anywhere small">{f.statusReason ?? "—"}</td>
                    <td className="small wrap-anywhere">
                      <div>{f.exception?.requestedBy ?? "—"}</div>
                      <div className="muted">
                        {f.exception?.decidedBy ? `approved by ${f.exception.decidedBy}` : f.exception ? "no approval needed" : ""}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
