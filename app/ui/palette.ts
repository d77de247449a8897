/** One set of colours for severities and statuses, used by badges, charts and the heatmap alike. */
export const SEVERITY_COLORS = { critical: "#b42318", high: "#e8590c", medium: "#d9a400", low: "#5b7bb2" } as const;
export const SEVERITY_ORDER = ["critical", "high", "medium", "low"] as const;
export type SeverityName = (typeof SEVERITY_ORDER)[number];
/** Weights for "weighted risk" and heatmap colouring: one critical outweighs many lows (defined in lib so SQL uses them too). */
export { SEVERITY_WEIGHTS } from "@/lib/dashboard/risk.ts";

export const STATUS_COLORS = {
  open: "#b42318",
  reopened: "#c2255c",
  in_progress: "#1c7ed6",
  fixed: "#2b8a3e",
  false_positive: "#868e96",
  accepted_risk: "#7048e8",
} as const;
export type StatusName = keyof typeof STATUS_COLORS;
export const STATUS_LABELS: Record<StatusName, string> = {
  open: "Open",
  reopened: "Reopened",
  in_progress: "In progress",
  fixed: "Fixed",
  false_positive: "False positive",
  accepted_risk: "Accepted risk",
};
export const FRAMEWORK_LABELS = { modal: "Modal", torchserve: "TorchServe", bentoml: "BentoML", ray_serve: "Ray Serve", training_monitor: "Training monitor", ml_serving: "ML serving" } as const;

/** The one display name of a framework, from the rulebook's spelling (ray-serve) or the database's (ray_serve). */
export function frameworkLabel(framework: string): string {
  return FRAMEWORK_LABELS[framework.replace(/-/g, "_") as keyof typeof FRAMEWORK_LABELS] ?? framework;
}
