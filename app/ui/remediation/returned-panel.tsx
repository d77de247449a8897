import { type AcceptedRisks, RETURNED_DAYS } from "@/lib/dashboard/remediation.ts";
import { SeverityCell, StatusBadge } from "../badges.tsx";
import { DataTable } from "../data-table.tsx";
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
        <DataTable columns={["Expired", "Severity", "Finding", "Status now"]} rows={a.returned} scroll>
          {(r) => (
            <tr key={`${r.id}-${r.expiredAt.toISOString()}`}>
              <td className="nowrap">{fmtDate(r.expiredAt)}</td>
              <SeverityCell severity={r.severity} />
              <FindingCell id={r.id} title={r.policyTitle}>
                {r.repositoryName}
              </FindingCell>
              <td>
                <StatusBadge status={r.status} />
              </td>
            </tr>
          )}
        </DataTable>
      )}
    </section>
  );
}
