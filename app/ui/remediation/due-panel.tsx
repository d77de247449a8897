import "server-only";
import type { RemediationParams } from "@/lib/dashboard/remediation.ts";
import { DAY_MS } from "@/lib/time.ts";
import { SeverityCell } from "../badges.tsx";
import { DataTable } from "../data-table.tsx";
import { fmtDate, fmtInt } from "../format.ts";
import { sla } from "./data.ts";
import { FindingCell } from "./finding-cell.tsx";
import { EmptyNote } from "./notes.tsx";
import { Panel } from "../panel.tsx";

/** "3 d overdue", "due today", "in 12 d": whole days, rounded towards the due date. */
function dueText(due: Date, now: number): { text: string; overdue: boolean } {
  const ms = due.getTime() - now;
  if (ms < 0) {
    const late = Math.floor(-ms / DAY_MS);
    return { text: late === 0 ? "overdue today" : `${fmtInt(late)} d overdue`, overdue: true };
  }
  const days = Math.floor(ms / DAY_MS);
  return { text: days === 0 ? "due today" : `in ${fmtInt(days)} d`, overdue: false };
}

/** The open findings due next, overdue ones first, with who has them. */
export async function DuePanel({ params }: { params: RemediationParams }) {
  const v = await sla(params);
  const now = Date.now();
  return (
    <Panel id="due-h" title="Next due: open findings by due date, overdue first">
      {v.due.length === 0 ? (
        <EmptyNote>Nothing open: nothing is due.</EmptyNote>
      ) : (
        <DataTable columns={["Due", "Severity", "Finding", "Assignee"]} rows={v.due} scroll>
          {(f) => {
            const d = dueText(f.dueAt, now);
            return (
              <tr key={f.id}>
                <td className={d.overdue ? "error nowrap" : "nowrap"}>
                  {fmtDate(f.dueAt)}
                  <div className="small">{d.text}</div>
                </td>
                <SeverityCell severity={f.severity} />
                <FindingCell id={f.id} title={f.policyTitle}>
                  {f.repositoryName} · {f.path}:{f.line}
                </FindingCell>
                <td>{f.assigneeName ?? <span className="muted">unassigned</span>}</td>
              </tr>
            );
          }}
        </DataTable>
      )}
    </Panel>
  );
}
