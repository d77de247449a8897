import "server-only";
import Link from "next/link";
import { DUE_SOON_DAYS, type RemediationParams } from "@/lib/dashboard/remediation.ts";
import { SeverityCell } from "../badges.tsx";
import { DataTable, num } from "../data-table.tsx";
import { fmtInt } from "../format.ts";
import { sla } from "./data.ts";
import { Panel } from "../panel.tsx";

/** Per severity: the SLA in days, and how many open findings are overdue or due soon. */
export async function SlaPanel({ params, canManageSettings }: { params: RemediationParams; canManageSettings: boolean }) {
  const v = await sla(params);
  return (
    <Panel id="sla-h" title="SLA: due dates by severity">
      <p className="small muted">
        A finding is due a set number of days after it was first detected
        {canManageSettings ? (
          <>
            {" "}
            (<Link href="/settings">change in settings</Link>)
          </>
        ) : null}
        .
      </p>
      <DataTable columns={["Severity", num("SLA"), num("Open"), num("Overdue"), num(`Due in ${DUE_SOON_DAYS} d`)]} rows={v.bySeverity}>
        {(r) => (
          <tr key={r.severity}>
            <SeverityCell severity={r.severity} />
            <td className="num">{fmtInt(r.days)} days</td>
            <td className="num">{fmtInt(r.open)}</td>
            <td className={`num${r.overdue ? " error" : ""}`}>
              <strong>{fmtInt(r.overdue)}</strong>
            </td>
            <td className="num">{fmtInt(r.dueSoon)}</td>
          </tr>
        )}
      </DataTable>
    </Panel>
  );
}
