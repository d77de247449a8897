import { z } from "zod";
import type { Db, Framework, Severity } from "../db/client.ts";
import { SEVERITIES } from "../engine/types.ts";
import { OPEN_STATUSES } from "../findings/status.ts";
import { repositoryAccessWhere, type AccessScope } from "../findings/visibility.ts";
import { lenient, pageParam } from "../url-params.ts";

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
  /** Who disabled it, when and why (its last check.disable audit entry); null while enabled. */
  disabled: { reason: string | null; by: string; at: Date } | null;
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

/** The catalogue with open counts per check (of the reader's repositories): two queries (policies with checks, one grouped count). */
export async function rulesCatalogue(db: Db, access: AccessScope): Promise<RulePolicy[]> {
  const [policies, counts, disables] = await Promise.all([
    db.policy.findMany({ orderBy: [{ framework: "asc" }, { title: "asc" }], include: { checks: { orderBy: { id: "asc" } } } }),
    db.finding.groupBy({
      by: ["checkId"],
      where: { status: { in: [...OPEN_STATUSES] }, ...(access.all ? {} : { repository: repositoryAccessWhere(access) }) },
      _count: { _all: true },
    }),
    // The reason lives in the audit log with the change it explains (disabled checks are few).
    db.auditLog.findMany({
      where: {
        action: "check.disable",
        targetType: "check",
        targetId: { in: (await db.check.findMany({ where: { enabled: false }, select: { id: true } })).map((c) => c.id) },
      },
      orderBy: { createdAt: "desc" },
      select: { targetId: true, actorLabel: true, after: true, createdAt: true },
    }),
  ]);
  const open = new Map(counts.map((c) => [c.checkId, c._count._all]));
  const lastDisable = new Map<string, RuleCheck["disabled"]>();
  for (const d of disables) {
    if (!d.targetId || lastDisable.has(d.targetId)) continue;
    const reason = (d.after as { reason?: unknown } | null)?.reason;
    lastDisable.set(d.targetId, { reason: typeof reason === "string" && reason ? reason : null, by: d.actorLabel, at: d.createdAt });
  }
  return policies.map((p) => {
    const checks = p.checks.map((c) => ({
      id: c.id,
      severity: c.severity,
      message: c.message,
      enabled: c.enabled,
      active: c.active,
      updatedAt: c.updatedAt,
      open: open.get(c.id) ?? 0,
      disabled: c.enabled ? null : (lastDisable.get(c.id) ?? { reason: null, by: "unknown", at: c.updatedAt }),
    }));
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

/** The rules page's search, as it appears in the URL: text, framework (database spelling), severity. */
export const rulesParams = z.object({
  q: lenient(z.string().trim().max(200), ""),
  framework: lenient(z.enum(["modal", "torchserve", "bentoml", "ray_serve", "training_monitor", "ml_serving"]).optional(), undefined),
  severity: lenient(z.enum(SEVERITIES).optional(), undefined),
  state: lenient(z.enum(["enabled", "disabled"]).optional(), undefined),
  page: pageParam,
});
export type RulesParams = z.infer<typeof rulesParams>;

/**
 * The policies with the checks that match: text in a policy's title, why or remediation keeps all its
 * checks; otherwise a check matches on its id or message. Severity and state filter checks; a policy with
 * none left is left out.
 */
export function filterCatalogue(policies: RulePolicy[], p: RulesParams): RulePolicy[] {
  const q = p.q.toLowerCase();
  const has = (s: string) => s.toLowerCase().includes(q);
  return policies
    .filter((pol) => !p.framework || pol.framework === p.framework)
    .map((pol) => {
      const policyHit = !q || has(pol.title) || has(pol.why) || has(pol.remediation) || pol.references.some(has);
      const checks = pol.checks.filter(
        (c) =>
          (policyHit || has(c.id) || has(c.message)) &&
          (!p.severity || c.severity === p.severity) &&
          (!p.state || (p.state === "enabled") === c.enabled),
      );
      return { ...pol, checks };
    })
    .filter((pol) => pol.checks.length > 0);
}

/**
 * About how many checks a page of the catalogue shows: a check's row (its message, counts and toggle) is close to
 * 3 KB of HTML and RSC payload, so the whole rulebook on one page was over 500 KB (issue 17: 150 KB a page).
 */
export const RULES_PAGE_CHECKS = 40;

/**
 * The filtered catalogue cut into pages of whole policies, in order: a page takes policies until the next would
 * carry it past `target` checks (a policy larger than that is a page of its own). Always at least one page.
 */
export function cataloguePages(policies: RulePolicy[], target = RULES_PAGE_CHECKS): RulePolicy[][] {
  const pages: RulePolicy[][] = [[]];
  let count = 0;
  for (const p of policies) {
    if (count > 0 && count + p.checks.length > target) {
      pages.push([]);
      count = 0;
    }
    pages.at(-1)!.push(p);
    count += p.checks.length;
  }
  return pages;
}
