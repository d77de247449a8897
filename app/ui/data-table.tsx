import type { ReactNode } from "react";

/** A column heading: its text, or its content with a class (`num` right-aligns it, like its cells). */
export type Column = string | { label: ReactNode; className?: string; title?: string };

/**
 * The dashboard's plain tables (`table.data`): a caption (visually hidden unless asked), one row of column
 * headings, one row per item drawn by `children`, and, when `empty` is given and there are no items, a muted
 * row across every column that says so. `scroll` puts it in the horizontal scroll box wide tables use.
 */
export function DataTable<T>({
  caption,
  captionClassName = "visually-hidden",
  columns,
  rows,
  children: row,
  empty,
  className = "data",
  scroll = false,
  colgroup,
}: {
  caption?: ReactNode;
  captionClassName?: string;
  columns: Column[];
  rows: readonly T[];
  children: (row: T, index: number) => ReactNode;
  empty?: ReactNode;
  className?: string;
  scroll?: boolean;
  /** `<col>` widths, for tables down a page that should line up. */
  colgroup?: ReactNode;
}) {
  const table = (
    <table className={className}>
      {caption ? <caption className={captionClassName}>{caption}</caption> : null}
      {colgroup ? <colgroup>{colgroup}</colgroup> : null}
      <thead>
        <tr>
          {columns.map((c, i) =>
            typeof c === "string" ? (
              <th key={i} scope="col">
                {c}
              </th>
            ) : (
              <th key={i} scope="col" className={c.className} title={c.title}>
                {c.label}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && empty ? (
          <tr>
            <td colSpan={columns.length} className="muted">
              {empty}
            </td>
          </tr>
        ) : null}
        {rows.map(row)}
      </tbody>
    </table>
  );
  return scroll ? <div className="table-scroll">{table}</div> : table;
}

/** A right-aligned numeric column. */
export const num = (label: ReactNode): Column => ({ label, className: "num" });

/** A column with no visible heading (the row's buttons), named for screen readers. */
export const unlabelled = (name: string): Column => ({ label: <span className="visually-hidden">{name}</span> });
