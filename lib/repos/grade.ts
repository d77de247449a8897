/**
 * A repository's posture grade, A (nothing open) to F, from its open findings weighted by severity.
 * The score is the dashboard's "weighted risk" (lib/dashboard/risk.ts), so the grade, the heatmap colours
 * and the risk rankings agree. A single open critical caps the grade at D: one exploitable
 * hole matters more than any number of low-severity nits.
 */
import type { Severity } from "../engine/types.ts";
import { weightedScore } from "../dashboard/risk.ts";

export { weightedScore };

export type SeverityCounts = Record<Severity, number>;
export type Grade = "A" | "B" | "C" | "D" | "F";

/** Upper bound of the weighted score for each grade (inclusive); above D's bound is F. */
export const GRADE_SCALE: { grade: Grade; maxScore: number | null; rule: string }[] = [
  { grade: "A", maxScore: 0, rule: "no open findings" },
  { grade: "B", maxScore: 10, rule: "weighted score 1–10, no critical" },
  { grade: "C", maxScore: 40, rule: "weighted score 11–40, no critical" },
  { grade: "D", maxScore: 100, rule: "weighted score 41–100, or any open critical" },
  { grade: "F", maxScore: null, rule: "weighted score above 100" },
];

export function postureGrade(c: SeverityCounts): { grade: Grade; score: number } {
  const score = weightedScore(c);
  let grade: Grade;
  if (score === 0) grade = "A";
  else if (score <= 10 && c.critical === 0) grade = "B";
  else if (score <= 40 && c.critical === 0) grade = "C";
  else if (score <= 100) grade = "D";
  else grade = "F";
  return { grade, score };
}
