import Link from "next/link";
import type { Heatmap, HeatmapCell } from "@/lib/dashboard/heatmap.ts";
import { HEAT_BUCKETS, heatBucket } from "@/lib/dashboard/heatmap.ts";
import { frameworkLabel, SEVERITY_INK, SEVERITY_ORDER, SEVERITY_WEIGHTS } from "../palette.ts";

/** Sequential scale for the weighted count, lightest to darkest; index = heatBucket(weight). */
// The two darkest carry white numbers at 4.5:1 or better.
export const HEAT_COLORS = ["#ffffff", "#fde7df", "#fbc3b0", "#f49378", "#c8452b", "#a61d12"] as const;
const DARK_FROM = 4;

function breakdown(c: Pick<HeatmapCell, "critical" | "high" | "medium" | "low">): string {
  const parts = SEVERITY_ORDER.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

export function HeatmapGrid({
  data,
  group,
  cellHref,
  columnHref,
  columnKind,
}: {
  data: Heatmap;
  group: boolean;
  cellHref: (policyId: string, columnId: string) => string;
  columnHref: (columnId: string) => string;
  columnKind: "repositories" | "teams";
}) {
  const cells = new Map(data.cells.map((c) => [`${c.policyId}\u0000${c.columnId}`, c]));
  const rowTotals = new Map<string, number>();
  for (const c of data.cells) rowTotals.set(c.policyId, (rowTotals.get(c.policyId) ?? 0) + c.total);
  const groups: { framework: string; policies: Heatmap["policies"] }[] = [];
  for (const p of data.policies) {
    const last = groups.at(-1);
    if (group && last && last.framework === p.framework) last.policies.push(p);
    else if (group || !last) groups.push({ framework: p.framework, policies: [p] });
    else last.policies.push(p);
  }
  const colSpan = data.columns.length + 2;
  // Few columns are wide enough for their names across; many get them turned upright, whole either way.
  const dense = data.columns.length > 10;
  return (
    <div className="heatmap-scroll">
      <table className={`heatmap${dense ? " dense" : ""}`}>
        <caption className="visually-hidden">
          Open findings per policy (rows) and {columnKind === "teams" ? "team" : "repository"} (columns); each cell links to those findings.
          Total is the policy&apos;s findings across the columns shown.
        </caption>
        <colgroup>
          <col className="policy-col" />
          <col className="total-col" />
          {data.columns.map((col) => (
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
            {data.columns.map((col, i) => (
              <th key={col.id} scope="col" className="col-head">
                <Link href={columnHref(col.id)} aria-describedby={`col-tip-${i}`}>
                  <span className="col-name">{col.name}</span>
                </Link>
                <span className="col-tip" role="tooltip" id={`col-tip-${i}`}>
                  {col.name}: {col.total} open, weighted {col.weight}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        {groups.map((g) => (
          <tbody key={`${g.framework}-${g.policies[0]!.id}`}>
            {group ? (
              <tr className="group-row">
                <th scope="rowgroup" colSpan={colSpan}>
                  {frameworkLabel(g.framework)}
                </th>
              </tr>
            ) : null}
            {g.policies.map((p) => (
              <tr key={p.id}>
                <th scope="row" className="policy-name" title={`${p.title} (${p.level})`}>
                  {group ? null : <span className="muted small">{frameworkLabel(p.framework)} · </span>}
                  {p.title}
                </th>
                <td className="num total">{rowTotals.get(p.id) ?? 0}</td>
                {data.columns.map((col) => {
                  const c = cells.get(`${p.id}\u0000${col.id}`);
                  if (!c) {
                    return (
                      <td key={col.id} className="cell empty-cell">
                        <span className="visually-hidden">
                          {p.title} × {col.name}: 0 open
                        </span>
                      </td>
                    );
                  }
                  const b = heatBucket(c.weight);
                  const label = `${p.title} × ${col.name}: ${c.total} open${breakdown(c)}, weighted ${c.weight}`;
                  return (
                    <td key={col.id} className="cell" style={{ background: HEAT_COLORS[b], color: b >= DARK_FROM ? "#fff" : undefined }}>
                      <Link href={cellHref(p.id, col.id)} aria-label={label} title={label}>
                        {c.total}
                      </Link>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

export function HeatLegend() {
  const edges = [...HEAT_BUCKETS];
  const ranges = edges.map((e, i) => (i + 1 < edges.length ? `${e}–${edges[i + 1]! - 1}` : `${e}+`));
  return (
    <div className="heat-legend" role="group" aria-label="Colour scale">
      <span className="small muted">Weighted open findings:</span>
      <span className="swatch" style={{ background: HEAT_COLORS[0] }} aria-hidden="true" />
      <span className="small">0</span>
      {ranges.map((r, i) => (
        <span key={r} className="row-flex small">
          <span className="swatch" style={{ background: HEAT_COLORS[i + 1] }} aria-hidden="true" />
          {r}
        </span>
      ))}
      <span className="small muted">
        weights:{" "}
        {SEVERITY_ORDER.map((s, i) => (
          <span key={s}>
            {i ? ", " : ""}
            <span style={{ color: SEVERITY_INK[s], fontWeight: 600 }}>{s}</span> ×{SEVERITY_WEIGHTS[s]}
          </span>
        ))}
        . The number in a cell is its count of findings.
      </span>
    </div>
  );
}
