import type { Db, Finding, Repository } from "../db/client.ts";
import { frameworkFromDb } from "../catalogue.ts";
import { findingLocation, type Finding as EngineFinding } from "../engine/types.ts";
import { toSarif, type SarifPolicy } from "../report/sarif.ts";
import type * as Sarif from "sarif";

/** Policies as the SARIF writer wants them, from the catalogue in the database. */
export async function cataloguePolicies(db: Db): Promise<(SarifPolicy & { id: string })[]> {
  const policies = await db.policy.findMany({ include: { checks: { orderBy: { id: "asc" } } }, orderBy: { id: "asc" } });
  return policies.map((p) => {
    const framework = frameworkFromDb(p.framework);
    return {
      id: p.id,
      policy: p.title,
      framework,
      level: p.level as SarifPolicy["level"],
      references: p.references,
      why: p.why,
      remediation: p.remediation,
      checks: p.checks.map((c) => ({ id: c.id, severity: c.severity, message: c.message, policy: p.title, framework })),
    };
  });
}

function toEngineFinding(f: Finding, policyTitle: string): EngineFinding {
  return {
    ruleId: f.checkId,
    policy: policyTitle,
    framework: frameworkFromDb(f.framework),
    severity: f.severity,
    ...findingLocation(f),
    fingerprint: f.fingerprint,
    context: f.codeContext,
  };
}

export async function findingsToSarif(db: Db, findings: Finding[], toolVersion: string): Promise<Sarif.Log> {
  const policies = await cataloguePolicies(db);
  const titles = new Map(policies.map((p) => [p.id, p.policy]));
  return toSarif({ policies, findings: findings.map((f) => toEngineFinding(f, titles.get(f.policyId) ?? f.policyId)), toolVersion });
}

/**
 * A CSV cell. File names, messages and snippets come from scanned repositories: a cell that a spreadsheet
 * would read as a formula is prefixed with a quote (CWE-1236). Spreadsheets trim leading whitespace before
 * deciding, so " =1+1" is a formula too, and a leading tab or carriage return is guarded whatever follows.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  if (/^[\t\r]|^\s*[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = ["id", "repository", "path", "line", "severity", "status", "policy", "check", "framework", "message", "first_seen", "due", "assignee", "fingerprint", "context"] as const;

export function findingsToCsv(rows: (Finding & { repository: Pick<Repository, "name">; assignee: { email: string } | null })[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const f of rows) {
    lines.push(
      [f.id, f.repository.name, f.path, f.line, f.severity, f.status, f.policyId, f.checkId, frameworkFromDb(f.framework), f.message, f.firstSeenAt, f.dueAt, f.assignee?.email ?? "", f.fingerprint, f.codeContext].map(csvCell).join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
