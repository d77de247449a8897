/** One set of colours for severities and statuses, used by badges, charts and the heatmap alike. */

/** Fills (charts, chips, heatmap): each severity's chip text (SEVERITY_ON) reads on it at 4.5:1 or better. */
export const SEVERITY_COLORS = { critical: "#b42318", high: "#c2410c", medium: "#d9a400", low: "#4a6aa5" } as const;
/** Text on a severity fill. */
export const SEVERITY_ON = { critical: "#fff", high: "#fff", medium: "#1d2330", low: "#fff" } as const;
/** A severity as coloured text on the page's light backgrounds (badges, legends): the same hues, dark enough to read. */
export const SEVERITY_INK = { critical: "#b42318", high: "#b54708", medium: "#8a6100", low: "#3d5a94" } as const;
export const SEVERITY_ORDER = ["critical", "high", "medium", "low"] as const;
export type SeverityName = (typeof SEVERITY_ORDER)[number];
/** Weights for "weighted risk" and heatmap colouring: one critical outweighs many lows (defined in lib so SQL uses them too). */
export { SEVERITY_WEIGHTS } from "@/lib/dashboard/risk.ts";

/** Dark enough to read as badge text on white and on a hovered row (4.5:1). */
export const STATUS_COLORS = {
  open: "#b42318",
  reopened: "#a61e4d",
  in_progress: "#1864ab",
  fixed: "#237a36",
  false_positive: "#5f6b7a",
  accepted_risk: "#6741d9",
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
export const FRAMEWORK_LABELS = {
  modal: "Modal",
  torchserve: "TorchServe",
  bentoml: "BentoML",
  ray_serve: "Ray Serve",
  training_monitor: "Training monitor",
  ml_serving: "ML serving",
} as const;

/** The one display name of a framework, from the rulebook's spelling (ray-serve) or the database's (ray_serve). */
export function frameworkLabel(framework: string): string {
  return FRAMEWORK_LABELS[framework.replace(/-/g, "_") as keyof typeof FRAMEWORK_LABELS] ?? framework;
}
