import { SEVERITY_WEIGHTS } from "@/lib/dashboard/risk.ts";
import { GRADE_SCALE, type Grade } from "@/lib/repos/grade.ts";
import { SEVERITY_INK, SEVERITY_ORDER } from "../palette.ts";

export const GRADE_COLORS: Record<Grade, string> = { A: "#2b8a3e", B: "#5c940d", C: "#d9a400", D: "#e8590c", F: "#b42318" };

const weightText = SEVERITY_ORDER.map((s) => `${s} ×${SEVERITY_WEIGHTS[s]}`).join(", ");

/** A grade, or a dash before the first completed scan (no scan, no verdict). */
export function GradeBadge({ grade, score }: { grade: Grade | null; score: number }) {
  if (!grade) {
    return (
      <span className="grade none" title="Not graded: no completed scan yet">
        —<span className="visually-hidden">not graded, no completed scan yet</span>
      </span>
    );
  }
  return (
    <span
      className="grade"
      style={{ background: GRADE_COLORS[grade] }}
      // The scale is explained once, in GradeLegend: repeated on each of 50 rows it was a tenth of the page.
      title={`Grade ${grade}: weighted score ${score} (${weightText})`}
    >
      {grade}
      <span className="visually-hidden">, weighted score {score}</span>
    </span>
  );
}

export function GradeLegend() {
  return (
    <details className="legend">
      <summary>How grades work</summary>
      <p className="small">
        Open findings are weighted by severity —{" "}
        {SEVERITY_ORDER.map((s, i) => (
          <span key={s}>
            {i > 0 ? ", " : null}
            <span style={{ color: SEVERITY_INK[s], fontWeight: 600 }}>{s}</span> ×{SEVERITY_WEIGHTS[s]}
          </span>
        ))}{" "}
        — and the sum sets the grade. Findings of checks disabled org-wide do not count, nor (unless Settings say so) findings in test,
        docs, build or vendored code.
      </p>
      <ul className="grade-scale">
        {GRADE_SCALE.map((g) => (
          <li key={g.grade}>
            <span className="grade" style={{ background: GRADE_COLORS[g.grade] }}>
              {g.grade}
            </span>{" "}
            {g.rule}
          </li>
        ))}
      </ul>
    </details>
  );
}
