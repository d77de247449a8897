import type { Db, Framework, Severity } from "../db/client.ts";
import { OPEN_STATUSES } from "../findings/queries.ts";

export interface RuleCheck {
  id: string;
  severity: Severity;
  message: string;
  enabled: boolean;
  /** False once the rulebook no longer has the check. */
  active: boolean;
  updatedAt: Date;
  /** Open findings; for a disabled check these are hidden from every other view, not deleted. */
  open: number;
}

export interface RulePolicy {
  id: string;
  title: string;
  framework: Framework;
  level: string;
  references: string[];
  why: string;
  remediation: string;
  open: number;
  checks: RuleCheck[];
}

/** The catalogue with open counts per check: two queries (policies with checks, one grouped count). */
export async function rulesCatalogue(db: Db): Promise<RulePolicy[]> {
  const [policies, counts] = await Promise.all([
    db.policy.findMany({ orderBy: [{ framework: "asc" }, { title: "asc" }], include: { checks: { orderBy: { id: "asc" } } } }),
    db.finding.groupBy({ by: ["checkId"], where: { status: { in: [...OPEN_STATUSES] } }, _count: { _all: true } }),
  ]);
  const open = new Map(counts.map((c) => [c.checkId, c._count._all]));
  return policies.map((p) => {
    const checks = p.checks.map((c) => ({ id: c.id, severity: c.severity, message: c.message, enabled: c.enabled, active: c.active, updatedAt: c.updatedAt, open: open.get(c.id) ?? 0 }));
    return {
      id: p.id,
      title: p.title,
      framework: p.framework,
      level: p.level,
      references: p.references,
      why: p.why,
      remediation: p.remediation,
      // The policy total counts what the rest of the dashboard shows: enabled checks only.
      open: checks.reduce((n, c) => n + (c.enabled ? c.open : 0), 0),
      checks,
    };
  });
}

/** CWE-… and OWASP … references become links; anything else is shown as text. */
export function referenceLink(ref: string): string | null {
  const cwe = /^CWE-(\d{1,5})$/i.exec(ref.trim());
  if (cwe) return `https://cwe.mitre.org/data/definitions/${cwe[1]}.html`;
  if (/^https:\/\/[^\s]+$/.test(ref.trim())) return ref.trim();
  return null;
}
