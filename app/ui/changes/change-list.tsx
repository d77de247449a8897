import Link from "next/link";
import { changeScans } from "@/lib/changes/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { SeverityBadge } from "../badges.tsx";
import { DataTable } from "../data-table.tsx";
import { EmptyState } from "../empty.tsx";
import { fmtAgo } from "../format.ts";

const STATUS: Record<string, string> = {
  queued: "queued",
  running: "scanning",
  succeeded: "scanned",
  failed: "failed",
  superseded: "superseded",
};

/** The repository's recent pull and merge requests as change scans: what each introduces, worst first. */
export async function ChangeList({ repositoryId }: { repositoryId: string }) {
  const changes = await changeScans(getDb(), repositoryId, { take: 10, findings: 5 });
  const now = Date.now();
  return (
    <section className="panel" aria-labelledby="changes-h">
      <h2 id="changes-h">
        Recent changes <span className="muted small">(pull and merge requests, head against base)</span>
      </h2>
      {changes.length === 0 ? (
        <EmptyState title="No change scanned yet">
          A pull or merge request is scanned when its forge&apos;s webhook reports it (a repository from a connected organisation).
        </EmptyState>
      ) : (
        <DataTable caption="Change scans" columns={["Change", "Result", "New findings"]} rows={changes}>
          {(c) => (
            <tr key={c.id}>
              <td className="wrap-anywhere">
                <Link href={`/repositories/${repositoryId}/changes/${c.id}`}>
                  #{c.number} {c.title}
                </Link>
                <div className="muted small mono">
                  {c.headRef} @ {c.headSha.slice(0, 12)} → {c.baseRef} · {fmtAgo(c.queuedAt, now)}
                </div>
              </td>
              <td className="small">
                {c.status === "succeeded" ? `${c.introduced} new, ${c.fixed} fixed` : STATUS[c.status]}
                {c.status === "failed" && c.failureReason ? <div className="error">{c.failureReason}</div> : null}
                {c.forgeResult ? <div className="muted">{c.forgeResult}</div> : null}
              </td>
              <td className="small">
                {c.newFindings.length === 0 ? (
                  <span className="muted">{c.status === "succeeded" ? "none" : "—"}</span>
                ) : (
                  <ul className="plain">
                    {c.newFindings.map((f) => (
                      <li key={f.fingerprint} className="wrap-anywhere">
                        <SeverityBadge severity={f.severity} /> {f.message}{" "}
                        <span className="muted mono">
                          {f.path}:{f.line}
                        </span>
                      </li>
                    ))}
                    {c.introduced > c.newFindings.length ? <li className="muted">and {c.introduced - c.newFindings.length} more</li> : null}
                  </ul>
                )}
              </td>
            </tr>
          )}
        </DataTable>
      )}
    </section>
  );
}
