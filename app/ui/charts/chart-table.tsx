"use client";
/**
 * The text equivalent of a chart: the same numbers as a table, folded away under a summary so it does not
 * crowd the panel but is reachable by keyboard and read by screen readers.
 *
 * Its rows are drawn when the summary is opened: the page carries the numbers once, as the data the chart is
 * also given, instead of as a table of markup in the HTML and again in the RSC payload (90 days of rows were
 * about 1 KB each, twice, on the overview: issue 17's page weight).
 */
import { useState } from "react";
export interface ChartColumn {
  key: string;
  label: string;
  /** Right-aligned, formatted as a number (null shows as —). */
  numeric?: boolean;
  decimals?: number;
}

export function ChartTable({
  caption,
  columns,
  rows,
  summary = "Data table",
}: {
  caption: string;
  columns: ChartColumn[];
  rows: Record<string, string | number | null>[];
  summary?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <details className="chart-table" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {/* A scroll box a keyboard can reach and scroll. */}
      <div className="chart-table-scroll" tabIndex={0} role="region" aria-label={caption}>
        <table className="data">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col" className={c.numeric ? "num" : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(open ? rows : []).map((r, i) => (
              <tr key={i}>
                {columns.map((c) => {
                  const v = r[c.key];
                  return (
                    <td key={c.key} className={c.numeric ? "num" : undefined}>
                      {v == null
                        ? "—"
                        : c.numeric && typeof v === "number"
                          ? v.toLocaleString("en-GB", { maximumFractionDigits: c.decimals ?? 0, minimumFractionDigits: c.decimals ?? 0 })
                          : String(v)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
