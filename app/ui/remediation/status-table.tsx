"use client";
/**
 * The status-by-team and status-by-repository tables, drawn in the browser from ids, names and counts: as a
 * server component every row's six links, labels and bar segments were sent twice (HTML and RSC payload),
 * about 2 KB a row, which put the remediation page over issue 17's 150 KB.
 */
import Link from "next/link";
import type { StatusRow } from "@/lib/dashboard/remediation.ts";
import { DataTable } from "../data-table.tsx";
import { fmtInt } from "../format.ts";
import { STATUS_COLORS, STATUS_LABELS, type StatusName } from "../palette.ts";
import { hrefWith } from "./links.ts";

export type StatusTableRow = StatusRow & { teamName?: string; href: string };

function StatusBar({ row, statuses }: { row: StatusTableRow; statuses: readonly StatusName[] }) {
  if (!row.total) return null;
  return (
    <div className="status-bar" aria-hidden="true">
      {statuses.map((s) =>
        row.counts[s] ? (
          // No title per segment: the bar is aria-hidden and the same numbers are the row's cells.
          <span key={s} style={{ width: `${Math.round((row.counts[s] / row.total) * 1000) / 10}%`, background: STATUS_COLORS[s] }} />
        ) : null,
      )}
    </div>
  );
}

export function StatusTable({
  rows,
  kind,
  statuses,
}: {
  rows: StatusTableRow[];
  kind: "team" | "repository";
  /** The statuses in display order (lib/findings/status.ts's list, which a client component cannot import). */
  statuses: readonly StatusName[];
}) {
  const statusColumns = statuses.map((s) => ({
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
            <Link href={r.href}>{r.name}</Link>
            {kind === "repository" ? <div className="muted small">{r.teamName}</div> : null}
          </td>
          {statuses.map((s) => (
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
            <StatusBar row={r} statuses={statuses} />
          </td>
        </tr>
      )}
    </DataTable>
  );
}
