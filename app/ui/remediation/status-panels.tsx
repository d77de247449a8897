import "server-only";
import Link from "next/link";
import { REPOSITORIES_SHOWN, REPOSITORIES_SHOWN_MORE, type RemediationParams } from "@/lib/dashboard/remediation.ts";
import { FINDING_STATUSES } from "@/lib/findings/status.ts";
import { EmptyState } from "../empty.tsx";
import { fmtInt } from "../format.ts";
import { statusRows } from "./data.ts";
import { remediationHref } from "./links.ts";
import { StatusTable } from "./status-table.tsx";
import { ActionNote } from "./notes.tsx";
import { Panel } from "../panel.tsx";

/** Status by team (unless one repository is chosen) and by repository, the ones with most open findings first. */
export async function StatusPanels({ params }: { params: RemediationParams }) {
  const limit = params.more ? REPOSITORIES_SHOWN_MORE : REPOSITORIES_SHOWN;
  const b = await statusRows(params, limit);
  if (!b.repositoryCount) {
    return (
      <section className="panel">
        <EmptyState title="No findings here" action={{ href: "/repositories", label: "Repositories" }}>
          No repository in this selection has findings yet. Scans record findings as they run; register a repository or pick another team.
        </EmptyState>
      </section>
    );
  }
  const statuses = FINDING_STATUSES;
  return (
    <div className="stack">
      {!params.repository ? (
        <Panel id="by-team-h" title="Status by team">
          <StatusTable
            rows={b.teams.map((r) => ({ ...r, href: remediationHref(params, { team: r.id, repository: undefined, more: undefined }) }))}
            kind="team"
            statuses={statuses}
          />
        </Panel>
      ) : null}
      <section className="panel" aria-labelledby="by-repo-h">
        <h2 id="by-repo-h">
          {params.repository ? "Status" : `Status by repository: the ${b.repositories.length} with the most open findings`}
        </h2>
        <StatusTable
          rows={b.repositories.map((r) => ({ ...r, href: remediationHref(params, { repository: r.id, more: undefined }) }))}
          kind="repository"
          statuses={statuses}
        />
        {!params.repository && b.repositoryCount > b.repositories.length ? (
          <ActionNote>
            {params.more ? null : (
              <Link href={remediationHref(params, { more: "1" })}>
                Show {Math.min(REPOSITORIES_SHOWN_MORE, b.repositoryCount)} of {fmtInt(b.repositoryCount)} repositories
              </Link>
            )}
            {params.more ? (
              <span className="muted">
                Showing the top {b.repositories.length} of {fmtInt(b.repositoryCount)}.{" "}
              </span>
            ) : null}
            {params.more ? <Link href={remediationHref(params, { more: undefined })}>Show fewer</Link> : null}
            {" · "}
            <Link href="/repositories">All repositories</Link>
          </ActionNote>
        ) : null}
      </section>
    </div>
  );
}
