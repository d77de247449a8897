import Link from "next/link";
import type { AcceptedRisks, RemediationParams } from "@/lib/dashboard/remediation.ts";
import { DAY_MS } from "@/lib/time.ts";
import { SeverityCell } from "../badges.tsx";
import { DataTable } from "../data-table.tsx";
import { fmtDate, fmtInt } from "../format.ts";
import { FindingCell, RequestedApprovedCell } from "./finding-cell.tsx";
import { hrefWith } from "./links.ts";
import { ActionNote, EmptyNote } from "./notes.tsx";
import { Panel } from "../panel.tsx";

/** Accepted risks still in force, soonest expiry first, with who asked and who approved. */
export function AcceptedPanel({ risks: a, params, now }: { risks: AcceptedRisks; params: RemediationParams; now: number }) {
  return (
    <Panel id="accepted-h" title={`Accepted risks (${fmtInt(a.activeCount)})`}>
      <p className="small muted">Soonest expiry first. When an acceptance expires the finding returns to open.</p>
      {a.active.length === 0 ? (
        <EmptyNote>No accepted risks.</EmptyNote>
      ) : (
        <DataTable columns={["Expires", "Severity", "Finding", "Reason", "Requested · approved"]} rows={a.active} scroll>
          {(r) => {
            const expired = r.acceptedUntil != null && r.acceptedUntil.getTime() <= now;
            return (
              <tr key={r.id}>
                <td className="nowrap">
                  {fmtDate(r.acceptedUntil)}
                  <div className={`small${expired ? " error" : " muted"}`}>
                    {expired
                      ? "expired: returns to open shortly"
                      : r.acceptedUntil
                        ? `in ${fmtInt(Math.ceil((r.acceptedUntil.getTime() - now) / DAY_MS))} d`
                        : "no expiry"}
                  </div>
                </td>
                <SeverityCell severity={r.severity} />
                <FindingCell id={r.id} title={r.policyTitle}>
                  {r.repositoryName}
                </FindingCell>
                <td className="wrap-anywhere small">{r.reason ?? "—"}</td>
                <RequestedApprovedCell requestedBy={r.requestedBy} approvedBy={r.approvedBy} />
              </tr>
            );
          }}
        </DataTable>
      )}
      {a.activeCount > a.active.length ? (
        <ActionNote>
          <Link href={hrefWith("/findings", { status: "accepted_risk", team: params.team, repository: params.repository })}>
            All {fmtInt(a.activeCount)} accepted risks
          </Link>
        </ActionNote>
      ) : null}
    </Panel>
  );
}
