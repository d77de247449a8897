/**
 * "Weighted risk": open findings weighted by severity, so one critical outweighs many lows. The weights live
 * here (not in the UI palette) so SQL rankings in lib and the colours in app/ui agree; app/ui/palette.ts
 * re-exports them. Pure data: client components import this file, so it must not pull in the database client.
 */
import type { Severity } from "../engine/types.ts";

export const SEVERITY_WEIGHTS: Record<Severity, number> = { critical: 10, high: 5, medium: 2, low: 1 };

export function weightedScore(c: Record<Severity, number>): number {
  return (
    c.critical * SEVERITY_WEIGHTS.critical +
    c.high * SEVERITY_WEIGHTS.high +
    c.medium * SEVERITY_WEIGHTS.medium +
    c.low * SEVERITY_WEIGHTS.low
  );
}
