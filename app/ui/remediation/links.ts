import type { RemediationParams } from "@/lib/dashboard/remediation.ts";

/** `path`, with a query of the parameters that have a value (empty and undefined ones are dropped). */
export function hrefWith(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** A link to the remediation page with some parameters changed (others kept; the default range left out). */
export function remediationHref(p: RemediationParams, change: Partial<Record<keyof RemediationParams, string | undefined>>): string {
  return hrefWith("/remediation", {
    team: p.team,
    repository: p.repository,
    range: p.range === 90 ? undefined : String(p.range),
    more: p.more,
    ...change,
  });
}

export const findingHref = (id: string) => `/findings/${encodeURIComponent(id)}`;
