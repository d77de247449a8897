import { type AcceptedRisks, RETURNED_DAYS } from "@/lib/dashboard/remediation.ts";
import { SeverityBadge, StatusBadge } from "../badges.tsx";
import { fmtDate, fmtInt } from "../format.ts";
import { FindingCell } from "./finding-cell.tsx";
import { EmptyNote } from "./notes.tsx";

/** Acceptances that expired lately: the findings are open again and count towards the SLA. */
export function ReturnedPanel({ risks: a }: { risks: AcceptedRisks }) {
  return (
    <section className="panel" aria-labelledby="returned-h">
      <h2 id="returned-h">
        Returned to open, last {RETURNED_DAYS} days ({fmtInt(a.returnedCount)})
      </h2>
      <p className="small muted">Accepted risks whose expiry date passed: they are open again and count towards the SLA.</p>
      {a.returned.length === 0 ? (
        <EmptyNote>No acceptance has expired.</EmptyNote>
      ) : (
        <div className="table-scroll">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Expired</th>
                <th scope="col">Severity</th>
                <th scope="col">Finding</th>
                <th scope="col">Status now</th>
              </tr>
            </thead>
            <tbody>
              {a.returned.map((r) => (
                <tr key={`${r.id}-${r.expiredAt.toISOString()}`}>
                  <td className="nowrap">{fmtDate(r.expiredAt)}</td>
                  <td>
                    <SeverityBadge severity={r.severity} />
                  </td>
                  <FindingCell id={r.id} title={r.policyTitle}>
                    {r.repositoryName}
                  </FindingCell>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
