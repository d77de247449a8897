import "server-only";
import Link from "next/link";
import { DUE_SOON_DAYS, type RemediationParams } from "@/lib/dashboard/remediation.ts";
import { SeverityBadge } from "../badges.tsx";
import { fmtInt } from "../format.ts";
import { sla } from "./data.ts";

/** Per severity: the SLA in days, and how many open findings are overdue or due soon. */
export async function SlaPanel({ params, canManageSettings }: { params: RemediationParams; canManageSettings: boolean }) {
  const v = await sla(params);
  return (
    <section className="panel" aria-labelledby="sla-h">
      <h2 id="sla-h">SLA: due dates by severity</h2>
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
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col" className="num">
              SLA
            </th>
            <th scope="col" className="num">
              Open
            </th>
            <th scope="col" className="num">
              Overdue
            </th>
            <th scope="col" className="num">
              Due in {DUE_SOON_DAYS} d
            </th>
          </tr>
        </thead>
        <tbody>
          {v.bySeverity.map((r) => (
            <tr key={r.severity}>
              <td>
                <SeverityBadge severity={r.severity} />
              </td>
              <td className="num">{fmtInt(r.days)} days</td>
              <td className="num">{fmtInt(r.open)}</td>
              <td className={`num${r.overdue ? " error" : ""}`}>
                <strong>{fmtInt(r.overdue)}</strong>
              </td>
              <td className="num">{fmtInt(r.dueSoon)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
