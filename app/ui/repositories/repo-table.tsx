"use client";
import Link from "next/link";
import { tableFeatures, useTable, type ColumnDef } from "@tanstack/react-table";
import type { Grade } from "@/lib/repos/grade.ts";
import type { RepositoryRow, RepositorySort } from "@/lib/repos/queries.ts";
import { SEVERITY_COLORS, SEVERITY_ON, SEVERITY_ORDER } from "../palette.ts";
import { TableBody } from "../table-body.tsx";
import { GradeBadge } from "./grade.tsx";
import { ArchiveButton, RestoreButton, ScanNowButton } from "./scan-controls.tsx";
import { LiveLastScan } from "./live-scans.tsx";

export type RepoTableRow = RepositoryRow & { grade: Grade | null };

const features = tableFeatures({});

export interface SortLink {
  href: string;
  /** aria-sort of the column when it is the current sort. */
  current?: "ascending" | "descending";
}

/** Server-sorted and paginated: the table renders the current page only; headers are links that change the URL. */
export function RepositoryTable({
  rows,
  sortLinks,
  canScan,
  canArchive,
  now,
}: {
  rows: RepoTableRow[];
  sortLinks: Record<RepositorySort, SortLink>;
  canScan: boolean;
  canArchive: boolean;
  now: number;
}) {
  const sortHeader = (key: RepositorySort, label: string) => () => {
    const s = sortLinks[key];
    return (
      <Link href={s.href} className="sort-link">
        {label}
        <span aria-hidden="true">{s.current === "ascending" ? " ▲" : s.current === "descending" ? " ▼" : ""}</span>
      </Link>
    );
  };
  const columns: ColumnDef<typeof features, RepoTableRow>[] = [
    {
      id: "name",
      header: sortHeader("name", "Repository"),
      cell: ({ row }) => (
        <div className="wrap-anywhere">
          <Link href={`/repositories/${row.original.id}`}>{row.original.name}</Link>
          {row.original.archivedAt ? <span className="badge muted-badge">archived</span> : null}
          <div className="muted small mono">
            {row.original.url}
            {row.original.branch ? ` @ ${row.original.branch}` : ""}
          </div>
        </div>
      ),
    },
    {
      id: "team",
      header: sortHeader("team", "Team"),
      cell: ({ row }) => (
        <Link className="team-cell" href={`?team=${encodeURIComponent(row.original.team.id)}`}>
          {row.original.team.name}
        </Link>
      ),
    },
    {
      id: "lastScan",
      header: sortHeader("lastScan", "Last scan"),
      cell: ({ row }) => {
        const s = row.original.lastScan;
        return (
          <LiveLastScan
            repositoryId={row.original.id}
            now={now}
            last={s ? { status: s.status, at: new Date(s.finishedAt ?? s.queuedAt).toISOString(), failureReason: s.failureReason } : null}
          />
        );
      },
    },
    {
      id: "open",
      header: () => (
        <span>
          Open findings <span className="visually-hidden">(critical, high, medium, low)</span>
        </span>
      ),
      cell: ({ row }) => (
        <SeverityCounts counts={row.original.openFindings} href={`/findings?repository=${encodeURIComponent(row.original.id)}`} />
      ),
    },
    {
      id: "risk",
      header: sortHeader("risk", "Grade"),
      cell: ({ row }) => <GradeBadge grade={row.original.grade} score={row.original.risk} />,
    },
  ];
  if (canScan || canArchive) {
    columns.push({
      id: "actions",
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) =>
        row.original.archivedAt ? (
          canArchive ? (
            <div className="row-actions">
              <RestoreButton repositoryId={row.original.id} name={row.original.name} />
            </div>
          ) : null
        ) : (
          <div className="row-actions">
            {canScan ? <ScanNowButton repositoryId={row.original.id} name={row.original.name} /> : null}
            {canArchive ? <ArchiveButton repositoryId={row.original.id} name={row.original.name} /> : null}
          </div>
        ),
    });
  }
  const table = useTable({ features, columns, data: rows, getRowId: (r) => r.id });
  const ariaSort = (id: string) => (id in sortLinks ? sortLinks[id as RepositorySort].current : undefined);
  return (
    <table className="data repo-table">
      <thead>
        {table.getHeaderGroups().map((g) => (
          <tr key={g.id}>
            {g.headers.map((h) => (
              <th key={h.id} scope="col" aria-sort={ariaSort(h.column.id)} className={h.column.id === "risk" ? "center" : undefined}>
                <table.FlexRender header={h} />
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <TableBody table={table} cellClassName={(column) => (column === "risk" ? "center" : undefined)} />
    </table>
  );
}

export function SeverityCounts({ counts, href }: { counts: Record<(typeof SEVERITY_ORDER)[number], number>; href?: string }) {
  const total = SEVERITY_ORDER.reduce((n, s) => n + counts[s], 0);
  const label = `${total} open: ${SEVERITY_ORDER.map((s) => `${counts[s]} ${s}`).join(", ")}`;
  const body = (
    <span className="sev-counts" role="img" aria-label={label} title={label}>
      {SEVERITY_ORDER.map((s) => (
        <span
          key={s}
          className={counts[s] ? "sev-count" : "sev-count zero"}
          style={counts[s] ? { background: SEVERITY_COLORS[s], color: SEVERITY_ON[s] } : undefined}
        >
          {counts[s]}
        </span>
      ))}
    </span>
  );
  return href && total > 0 ? (
    <Link href={href} className="sev-link">
      {body}
    </Link>
  ) : (
    body
  );
}
