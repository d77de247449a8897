/**
 * CVSS v3.0/v3.1 base scores from a vector string (FIRST's specification, section 7), for advisories that give a
 * vector but no rating (an OSV record's `severity: [{type: CVSS_V3, score: "CVSS:3.1/AV:N/..."}]`). v4 vectors are
 * not scored here: their score needs FIRST's lookup tables, and an import asks for a rating instead.
 */
import type { Severity } from "./types.ts";

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

/** Rounds up to one decimal the way v3.1 does (avoiding 0.1-step floating-point artefacts); v3.0 rounds the same. */
function roundUp(x: number): number {
  const i = Math.round(x * 100_000);
  return i % 10_000 === 0 ? i / 100_000 : (Math.floor(i / 10_000) + 1) / 10;
}

/** The base score of a v3 vector, or undefined when it is not one (missing or unknown metrics). */
export function cvss3BaseScore(vector: string): number | undefined {
  const parts = vector.trim().split("/");
  if (!/^CVSS:3\.[01]$/.test(parts[0] ?? "")) return undefined;
  const m = new Map<string, string>();
  for (const p of parts.slice(1)) {
    const [k, v] = p.split(":");
    if (!k || !v || m.has(k)) return undefined;
    m.set(k, v);
  }
  const pick = <T extends Record<string, number>>(table: T, key: string) =>
    m.get(key)! in table ? table[m.get(key)! as keyof T] : undefined;
  const scope = m.get("S");
  if (scope !== "U" && scope !== "C") return undefined;
  const av = pick(WEIGHTS.AV, "AV");
  const ac = pick(WEIGHTS.AC, "AC");
  const ui = pick(WEIGHTS.UI, "UI");
  const pr = pick(scope === "C" ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 }, "PR");
  const [c, i, a] = ["C", "I", "A"].map((k) => pick(WEIGHTS.CIA, k));
  if ([av, ac, ui, pr, c, i, a].some((x) => x === undefined)) return undefined;
  const iss = 1 - (1 - c!) * (1 - i!) * (1 - a!);
  const impact = scope === "U" ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av! * ac! * pr! * ui!;
  if (impact <= 0) return 0;
  return roundUp(Math.min(scope === "U" ? impact + exploitability : 1.08 * (impact + exploitability), 10));
}

/** The qualitative rating of a score (v3.1 table 14); none (0.0) is undefined. */
export function severityOfScore(score: number): Severity | undefined {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  if (score > 0) return "low";
  return undefined;
}
