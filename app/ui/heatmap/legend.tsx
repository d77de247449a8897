import { HEAT_BUCKETS } from "@/lib/dashboard/heatmap.ts";
import { SEVERITY_INK, SEVERITY_ORDER, SEVERITY_WEIGHTS } from "../palette.ts";
import { HEAT_COLORS } from "./colors.ts";

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
