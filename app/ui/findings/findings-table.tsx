"use client";
import { rowSelectionFeature, rowSortingFeature, tableFeatures, useTable, type ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo, useState, type ReactNode } from "react";
import type { FindingRow } from "@/lib/findings/queries.ts";
import { ContextBadge, SeverityBadge, StatusBadge } from "../badges.tsx";
import { fmtDate } from "../format.ts";
import { TableBody } from "../table-body.tsx";
import { TriageForm, updatedMessage } from "./triage-form.tsx";

const features = tableFeatures({ rowSelectionFeature, rowSortingFeature });
type Col = ColumnDef<typeof features, FindingRow>;

export interface SortLink {
  href: string;
  /** The column's current sort, if it is the one the view is sorted by. */
  current: "asc" | "desc" | false;
}

/**
 * The page of findings the server rendered: sorting and paging happen on the server (through the URL), the
 * table only renders these rows and keeps the row selection for the bulk bar.
 */
/**
 * `empty` is shown instead of the table when no row is left. The table stays mounted then, so a bulk change that
 * moves every row out of the view still says what it did.
 */
export function FindingsTable({
  rows,
  sortLinks,
  canTriage,
  caption,
  empty,
}: {
  rows: FindingRow[];
  sortLinks: Partial<Record<string, SortLink>>;
  canTriage: boolean;
  caption: string;
  empty: ReactNode;
}) {
  const columns = useMemo<Col[]>(() => {
    const cols: Col[] = [
      { id: "severity", header: "Severity", cell: ({ row }) => <SeverityBadge severity={row.original.severity} /> },
      { id: "status", header: "Status", cell: ({ row }) => <StatusBadge status={row.original.status} /> },
      {
        id: "check",
        header: "Check / policy",
        enableSorting: false,
        cell: ({ row }) => (
          <>
            <Link href={`/findings/${row.original.id}`} className="mono wrap-anywhere">
              {row.original.checkId}
            </Link>
            <div className="muted small">{row.original.policyTitle ?? row.original.policyId}</div>
          </>
        ),
      },
      { id: "repository", header: "Repository", cell: ({ row }) => <span className="wrap-anywhere">{row.original.repositoryName}</span> },
      {
        id: "location",
        header: "Location",
        enableSorting: false,
        // File names come from scanned repositories: plain React text, never markup.
        cell: ({ row }) => (
          <span className="mono wrap-anywhere">
            {row.original.path}:{row.original.line}
          </span>
        ),
      },
      {
        id: "context",
        header: "Context",
        enableSorting: false,
        cell: ({ row }) => <ContextBadge context={row.original.codeContext} inList />,
      },
      {
        id: "assignee",
        header: "Assignee",
        enableSorting: false,
        cell: ({ row }) =>
          row.original.assigneeId ? (
            <span title={row.original.assigneeEmail ?? undefined}>{row.original.assigneeName || row.original.assigneeEmail}</span>
          ) : (
            <span className="muted">—</span>
          ),
      },
      {
        id: "dueAt",
        header: "Due",
        cell: ({ row }) =>
          row.original.overdue ? (
            <span className="overdue">
              <span className="date">{fmtDate(row.original.dueAt)}</span>
              <span className="small"> (overdue)</span>
            </span>
          ) : (
            <span className="date">{fmtDate(row.original.dueAt)}</span>
          ),
      },
      { id: "firstSeenAt", header: "First seen", cell: ({ row }) => <span className="date">{fmtDate(row.original.firstSeenAt)}</span> },
    ];
    if (!canTriage) return cols;
    return [
      {
        id: "select",
        enableSorting: false,
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label="Select all findings on this page"
            checked={table.getIsAllPageRowsSelected()}
            ref={(el) => {
              if (el) el.indeterminate = table.getIsSomePageRowsSelected() && !table.getIsAllPageRowsSelected();
            }}
            onChange={table.getToggleAllPageRowsSelectedHandler()}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select finding ${row.original.checkId} in ${row.original.repositoryName}`}
            checked={row.getIsSelected()}
            onChange={row.getToggleSelectedHandler()}
          />
        ),
      },
      ...cols,
    ];
  }, [canTriage]);

  const sorted = Object.entries(sortLinks).find(([, l]) => l?.current);
  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (r) => r.id,
    enableRowSelection: canTriage,
    manualSorting: true,
    state: { sorting: sorted ? [{ id: sorted[0], desc: sorted[1]!.current === "desc" }] : [] },
  });
  const selected = canTriage ? table.getSelectedRowIds() : [];
  // The rows a change moved out of the view disappear on refresh; say what happened.
  const [done, setDone] = useState<string | null>(null);

  return (
    <>
      {canTriage && (rows.length > 0 || done) ? (
        <div className="panel bulk" aria-live="polite">
          {selected.length === 0 ? (
            <p className="small">
              {done ? (
                <span role="status" className="success">
                  {done}{" "}
                </span>
              ) : null}
              <span className="muted">Select findings to assign them or change their status.</span>
            </p>
          ) : (
            <>
              <div className="small">
                <strong>{selected.length}</strong> selected{" "}
                <button type="button" className="link small" onClick={() => table.resetRowSelection(true)}>
                  clear
                </button>
              </div>
              <TriageForm
                ids={selected}
                onDone={(r) => {
                  setDone(updatedMessage(r));
                  table.resetRowSelection(true);
                }}
              />
            </>
          )}
        </div>
      ) : null}
      {rows.length === 0 ? (
        empty
      ) : (
        <div className="table-scroll">
          <table className="data findings">
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              {table.getHeaderGroups().map((hg) => (
                <tr key={hg.id}>
                  {hg.headers.map((h) => {
                    const link = sortLinks[h.column.id];
                    const sort = h.column.getIsSorted();
                    return (
                      <th
                        key={h.id}
                        scope="col"
                        className={h.column.id === "select" ? "select" : undefined}
                        aria-sort={sort === "asc" ? "ascending" : sort === "desc" ? "descending" : undefined}
                      >
                        {link ? (
                          <Link href={link.href} className="sort">
                            <table.FlexRender header={h} />
                            <span aria-hidden="true">{sort === "asc" ? " ▲" : sort === "desc" ? " ▼" : ""}</span>
                          </Link>
                        ) : (
                          <table.FlexRender header={h} />
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <TableBody
              table={table}
              rowClassName={(row) => (canTriage && row.getIsSelected() ? "selected" : undefined)}
              cellClassName={(column) => (column === "select" ? "select" : undefined)}
            />
          </table>
        </div>
      )}
    </>
  );
}
