import "server-only";
import Link from "next/link";
import {
  REPOSITORIES_SHOWN,
  REPOSITORIES_SHOWN_MORE,
  type RemediationParams,
  type StatusRow,
  scopeOf,
  statusBreakdown,
} from "@/lib/dashboard/remediation.ts";
import { FINDING_STATUSES } from "@/lib/findings/status.ts";
import { getDb } from "@/lib/server/context.ts";
import { DataTable } from "../data-table.tsx";
import { EmptyState } from "../empty.tsx";
import { fmtInt } from "../format.ts";
import { STATUS_COLORS, STATUS_LABELS } from "../palette.ts";
import { visible } from "./data.ts";
import { hrefWith, remediationHref } from "./links.ts";
import { ActionNote } from "./notes.tsx";
import { Panel } from "../panel.tsx";

function StatusBar({ row }: { row: StatusRow }) {
  if (!row.total) return null;
  return (
    <div className="status-bar" aria-hidden="true">
      {FINDING_STATUSES.map((s) =>
        row.counts[s] ? (
          <span
            key={s}
            style={{ width: `${(row.counts[s] / row.total) * 100}%`, background: STATUS_COLORS[s] }}
            title={`${STATUS_LABELS[s]}: ${row.counts[s]}`}
          />
        ) : null,
      )}
    </div>
  );
}

function StatusTable({
  rows,
  kind,
  params,
}: {
  rows: (StatusRow & { teamName?: string })[];
  kind: "team" | "repository";
  params: RemediationParams;
}) {
  const statusColumns = FINDING_STATUSES.map((s) => ({
    className: "num",
    label: (
      <>
        <span className="status-dot" style={{ background: STATUS_COLORS[s] }} aria-hidden="true" />
        {STATUS_LABELS[s]}
      </>
    ),
  }));
  return (
    <DataTable
      className="data status-table"
      columns={[
        kind === "team" ? "Team" : "Repository",
        ...statusColumns,
        { label: <span className="visually-hidden">Share by status</span>, className: "bar-col" },
      ]}
      rows={rows}
      scroll
    >
      {(r) => (
        <tr key={r.id}>
          <td className="wrap-anywhere">
            {kind === "team" ? (
              <Link href={remediationHref(params, { team: r.id, repository: undefined, more: undefined })}>{r.name}</Link>
            ) : (
              <>
                <Link href={remediationHref(params, { repository: r.id, more: undefined })}>{r.name}</Link>
                <div className="muted small">{r.teamName}</div>
              </>
            )}
          </td>
          {FINDING_STATUSES.map((s) => (
            <td key={s} className="num">
              {r.counts[s] ? (
                <Link
                  href={hrefWith("/findings", { [kind]: r.id, status: s })}
                  aria-label={`${fmtInt(r.counts[s])} ${STATUS_LABELS[s].toLowerCase()} in ${r.name}`}
                >
                  {fmtInt(r.counts[s])}
                </Link>
              ) : (
                <span className="muted">0</span>
              )}
            </td>
          ))}
          <td className="bar-col">
            <StatusBar row={r} />
          </td>
        </tr>
      )}
    </DataTable>
  );
}

/** Status by team (unless one repository is chosen) and by repository, the ones with most open findings first. */
export async function StatusPanels({ params }: { params: RemediationParams }) {
  const limit = params.more ? REPOSITORIES_SHOWN_MORE : REPOSITORIES_SHOWN;
  const b = await statusBreakdown(getDb(), { ...scopeOf(params), limit, visibility: await visible() });
  if (!b.repositoryCount) {
    return (
      <section className="panel">
        <EmptyState title="No findings here" action={{ href: "/repositories", label: "Repositories" }}>
          No repository in this selection has findings yet. Scans record findings as they run; register a repository or pick another team.
        </EmptyState>
      </section>
    );
  }
  return (
    <div className="stack">
      {!params.repository ? (
        <Panel id="by-team-h" title="Status by team">
          <StatusTable rows={b.teams} kind="team" params={params} />
        </Panel>
      ) : null}
      <section className="panel" aria-labelledby="by-repo-h">
        <h2 id="by-repo-h">
          {params.repository ? "Status" : `Status by repository: the ${b.repositories.length} with the most open findings`}
        </h2>
        <StatusTable rows={b.repositories} kind="repository" params={params} />
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
