import type * as Sarif from "sarif";
import { messageOutline } from "../engine/message.ts";
import type { Check, Policy } from "../engine/rulebook.ts";
import type { Finding, ScanError, Severity, Suppression } from "../engine/types.ts";

/** GitHub code scanning buckets security-severity: >= 9 critical, 7–8.9 high, 4–6.9 medium, < 4 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };
const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { critical: "error", high: "error", medium: "warning", low: "note" };

export const FINGERPRINT_KEY = "postureFingerprint/v1";

function referenceTags(references: readonly string[]): string[] {
  return references.map((r) => {
    const cwe = /^CWE-(\d+)$/.exec(r);
    return cwe ? `external/cwe/cwe-${cwe[1]}` : r;
  });
}

/** What SARIF needs of a policy: the engine's Policy fits, and so does the catalogue in the database. */
export interface SarifPolicy extends Pick<Policy, "policy" | "framework" | "level" | "references" | "why" | "remediation"> {
  checks: Pick<Check, "id" | "severity" | "message" | "policy" | "framework">[];
}

function ruleDescriptor(check: SarifPolicy["checks"][number], policy: SarifPolicy): Sarif.ReportingDescriptor {
  const refs = policy.references.join(", ");
  return {
    id: check.id,
    name: check.id.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
    shortDescription: { text: `${check.policy}: ${messageOutline(check.message)}` },
    fullDescription: { text: policy.why.trim() },
    help: {
      text: `${policy.why.trim()}\n\nRemediation: ${policy.remediation.trim()}\n\nReferences: ${refs}`,
      markdown: `**${check.policy}** (${check.framework}, level ${policy.level})\n\n${policy.why.trim()}\n\n**Remediation.** ${policy.remediation.trim()}\n\n**References:** ${refs}`,
    },
    defaultConfiguration: { level: LEVEL[check.severity] },
    properties: {
      tags: ["security", check.framework, ...referenceTags(policy.references)],
      precision: "high",
      "problem.severity": LEVEL[check.severity] === "note" ? "recommendation" : LEVEL[check.severity],
      "security-severity": SECURITY_SEVERITY[check.severity],
    },
  };
}

export interface SarifInput {
  policies: readonly SarifPolicy[];
  findings: readonly Finding[];
  suppressed?: readonly Suppression[];
  errors?: readonly ScanError[];
  toolVersion: string;
}

function location(path: string, line: number, column?: number, endLine?: number, endColumn?: number, snippet?: string): Sarif.Location {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(path), uriBaseId: "%SRCROOT%" },
      region: {
        startLine: line,
        ...(column ? { startColumn: column } : {}),
        ...(endLine ? { endLine } : {}),
        ...(endColumn ? { endColumn } : {}),
        ...(snippet ? { snippet: { text: snippet } } : {}),
      },
    },
  };
}

/** A SARIF 2.1.0 log of one run, in the shape GitHub code scanning accepts. */
export function toSarif(input: SarifInput): Sarif.Log {
  const checks = input.policies.flatMap((p) => p.checks.map((c) => ({ check: c, policy: p })));
  const index = new Map(checks.map((c, i) => [c.check.id, i]));
  const result = (ruleId: string, severity: Severity, message: string, loc: Sarif.Location, fingerprint: string): Sarif.Result => ({
    ruleId,
    ...(index.has(ruleId) ? { ruleIndex: index.get(ruleId)! } : {}),
    level: LEVEL[severity],
    message: { text: message },
    locations: [loc],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
  });
  const severityOf = new Map(checks.map((c) => [c.check.id, c.check.severity]));

  const results: Sarif.Result[] = input.findings.map((f) => {
    // GitHub code scanning shows the message and lets one filter on tags; a finding in a test or an example
    // should say so where a reviewer reads it, not only in a property bag. Context never enters the fingerprint.
    const message = f.context === "production" ? f.message : `${f.message} (in ${f.context} code)`;
    return {
      ...result(f.ruleId, f.severity, message, location(f.path, f.line, f.column, f.endLine, f.endColumn, f.snippet), f.fingerprint),
      properties: { context: f.context, tags: [`context/${f.context}`] },
      // The model file this code loads, or the code that loads this model file.
      ...(f.related?.length
        ? {
            relatedLocations: f.related.map((r, i) => ({
              id: i + 1,
              ...location(r.path, r.line),
              message: { text: `${r.message} [${r.ruleId}]` },
            })),
          }
        : {}),
    };
  });
  for (const s of input.suppressed ?? []) {
    results.push({
      ...result(s.ruleId, severityOf.get(s.ruleId) ?? "low", `Suppressed in source: ${s.reason}`, location(s.path, s.line), s.fingerprint),
      suppressions: [{ kind: "inSource", justification: s.reason }],
    });
  }
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: { name: "Posture", semanticVersion: input.toolVersion, rules: checks.map((c) => ruleDescriptor(c.check, c.policy)) },
        },
        results,
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: (input.errors ?? []).map((e) => ({
              level: "warning" as const,
              message: { text: e.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(e.path), uriBaseId: "%SRCROOT%" } } }],
            })),
          },
        ],
      },
    ],
  };
}
