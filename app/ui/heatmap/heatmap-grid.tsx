"use client";
import { useRef, useState } from "react";
import { weightedScore } from "@/lib/dashboard/risk.ts";
import { frameworkLabel, SEVERITY_ORDER } from "../palette.ts";
import "./heatmap.css";

export interface GridPolicy {
  id: string;
  title: string;
  framework: string;
  level: string;
}

export interface GridColumn {
  id: string;
  name: string;
  weight: number;
  total: number;
  /** Where the column's name links (a repository's page; a team's repositories). */
  href: string;
}

/**
 * One cell, as numbers: [policy index, column index, critical, high, medium, low, colour bucket]. A page of
 * 25 columns × 30 policies is hundreds of cells; as objects with their labels they were most of the page's
 * weight, so the server sends this and the labels are made here.
 */
export type GridCell = readonly [number, number, number, number, number, number, number];

function breakdown(c: GridCell): string {
  const parts = SEVERITY_ORDER.map((s, i) => [s, c[2 + i]!] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

const TIP_ID = "heat-cell-tip";

const cellTotal = (c: GridCell) => c[2] + c[3] + c[4] + c[5];

export function HeatmapGrid({
  policies,
  columns,
  cells,
  group,
  columnKind,
  cellQuery,
}: {
  policies: GridPolicy[];
  columns: GridColumn[];
  cells: GridCell[];
  group: boolean;
  columnKind: "repositories" | "teams";
  /** The findings filter a cell adds to its policy and column (statuses, severities), as a query string. */
  cellQuery: string;
}) {
  const byKey = new Map(cells.map((c) => [c[0] * columns.length + c[1], c]));
  const rowTotals = new Map<number, number>();
  for (const c of cells) rowTotals.set(c[0], (rowTotals.get(c[0]) ?? 0) + cellTotal(c));
  const groups: { framework: string; rows: number[] }[] = [];
  policies.forEach((p, i) => {
    const last = groups.at(-1);
    if (last && (!group || last.framework === p.framework)) last.rows.push(i);
    else groups.push({ framework: p.framework, rows: [i] });
  });
  const colSpan = columns.length + 2;
  const param = columnKind === "teams" ? "team" : "repository";
  const cellHref = (policyId: string, columnId: string) =>
    `/findings?policy=${encodeURIComponent(policyId)}&${param}=${encodeURIComponent(columnId)}${cellQuery ? `&${cellQuery}` : ""}`;
  // Few columns are wide enough for their names across; many get them turned upright, whole either way.
  const dense = columns.length > 10;
  // Which cell the tooltip describes: the link under the pointer or with the focus.
  const [tip, setTip] = useState<{ text: string; x: number; y: number } | null>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const describe = (target: EventTarget | null) => {
    const a = target instanceof Element ? target.closest("td.cell > a") : null;
    const td = a?.parentElement as HTMLTableCellElement | undefined;
    const pi = Number(td?.parentElement?.dataset.p);
    const c = td ? byKey.get(pi * columns.length + (td.cellIndex - 2)) : undefined;
    if (!a || !td || !c || !wrap.current) return setTip(null);
    const box = wrap.current.getBoundingClientRect();
    const cell = td.getBoundingClientRect();
    const weight = weightedScore({ critical: c[2], high: c[3], medium: c[4], low: c[5] });
    a.setAttribute("aria-describedby", TIP_ID);
    setTip({
      text: `${policies[pi]!.title} × ${columns[c[1]]!.name}: ${cellTotal(c)} open${breakdown(c)}, weighted ${weight}`,
      x: cell.left - box.left + cell.width / 2,
      y: cell.bottom - box.top + wrap.current.scrollTop,
    });
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: hover and focus of the cells' links, delegated; the links are the controls
    <div
      className="heatmap-scroll"
      ref={wrap}
      onPointerOver={(e) => describe(e.target)}
      onFocus={(e) => describe(e.target)}
      onPointerLeave={() => setTip(null)}
      onBlur={() => setTip(null)}
    >
      <div id={TIP_ID} role="tooltip" className="heat-tip" hidden={!tip} style={tip ? { left: tip.x, top: tip.y } : undefined}>
        {tip?.text}
      </div>
      <table className={`heatmap${dense ? " dense" : ""}`}>
        <caption className="visually-hidden">
          Open findings per policy (rows) and {columnKind === "teams" ? "team" : "repository"} (columns); each cell links to those findings.
          Total is the policy&apos;s findings across the columns shown.
        </caption>
        <colgroup>
          <col className="policy-col" />
          <col className="total-col" />
          {columns.map((col) => (
            <col key={col.id} />
          ))}
        </colgroup>
        <thead>
          <tr>
            <th scope="col" className="policy-head">
              Policy
            </th>
            <th scope="col" className="num total-head">
              Total
            </th>
            {columns.map((col, i) => (
              <th key={col.id} scope="col" className="col-head">
                <a href={col.href} aria-describedby={`col-tip-${i}`}>
                  <span className="col-name">{col.name}</span>
                </a>
                <span className="col-tip" role="tooltip" id={`col-tip-${i}`}>
                  {`${col.name}: ${col.total} open, weighted ${col.weight}`}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        {groups.map((g) => (
          <tbody key={`${g.framework}-${policies[g.rows[0]!]!.id}`}>
            {group ? (
              <tr className="group-row">
                <th scope="rowgroup" colSpan={colSpan}>
                  {frameworkLabel(g.framework)}
                </th>
              </tr>
            ) : null}
            {g.rows.map((pi) => {
              const p = policies[pi]!;
              return (
                <tr key={p.id} data-p={pi}>
                  <th scope="row" className="policy-name" title={`${p.title} (${p.level})`}>
                    {group ? null : <span className="muted small">{frameworkLabel(p.framework)} · </span>}
                    {p.title}
                  </th>
                  <td className="num total">{rowTotals.get(pi) ?? 0}</td>
                  {columns.map((col, ci) => {
                    const c = byKey.get(pi * columns.length + ci);
                    // An empty cell is read with its row and column headers ("blank"): no text of its own.
                    if (!c) return <td key={col.id} className="cell" />;
                    const b = c[6];
                    const total = cellTotal(c);
                    // The row and column headers name the cell (scope="row"/"col"); the one tooltip below adds the
                    // breakdown on hover and focus. A label or title on each of hundreds of cells was a third of the page.
                    return (
                      <td key={col.id} className={`cell h${b}`}>
                        <a href={cellHref(p.id, col.id)}>{total}</a>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        ))}
      </table>
    </div>
  );
}
