import { latestAdvisoriesNotReached } from "@/lib/repos/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { SeverityCell } from "@/app/ui/badges.tsx";
import { DataTable } from "@/app/ui/data-table.tsx";
import { fmtDateTime } from "@/app/ui/format.ts";

/**
 * Affected dependency versions the last scan did not report because no code of the repository reaches the
 * vulnerable part (an advisory's `reachable` field): an upgrade chore rather than a finding, but a lead still
 * sees every known-vulnerable version, and what would make it a finding. Text from the repository: plain React text.
 */
export async function NotReachedPanel({ repositoryId }: { repositoryId: string }) {
  const latest = await latestAdvisoriesNotReached(getDb(), repositoryId);
  if (!latest || latest.entries.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="not-reached-h">
      <h2 id="not-reached-h">
        Affected dependencies no code reaches <span className="muted small">({latest.entries.length}, not findings)</span>
      </h2>
      <p className="small muted">
        These versions are inside a published advisory, but the vulnerable part is one the code must use or turn on, and the last scan (
        {fmtDateTime(latest.finishedAt)}) found no production, example or build code that does. Code that starts to use it makes the
        advisory a finding on the next scan; upgrading clears it either way.
      </p>
      <DataTable
        className="data compact"
        columns={["Declared in", "Package", "Advisory", { label: "Severity" }, "Reached only by"]}
        rows={latest.entries}
      >
        {(n, i) => (
          <tr key={i}>
            <td className="mono small wrap-anywhere">
              {n.path}:{n.line}
            </td>
            <td className="mono small">
              {n.package} {n.declared}
            </td>
            <td className="small">
              <span className="mono">{n.advisory}</span>
              <br />
              <span className="muted">{n.summary}</span>
            </td>
            <SeverityCell severity={n.severity} />
            <td className="mono small wrap-anywhere">
              {n.reachedBy.slice(0, 4).join(", ")}
              {n.reachedBy.length > 4 ? ", …" : ""}
            </td>
          </tr>
        )}
      </DataTable>
      {latest.truncated ? <p className="muted small">Only the first {latest.entries.length} are kept with a scan.</p> : null}
    </section>
  );
}
