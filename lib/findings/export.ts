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

/**
 * Where a repository lives, as the absolute URI SARIF's versionControlProvenance wants: https and ssh URLs
 * as registered (any user:password part dropped), scp-like git@host:path as ssh://, local paths as file://.
 */
export function repositoryUri(url: string): string {
  const scp = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(url);
  if (scp && !/^[A-Za-z]:[\\/]/.test(url)) return `ssh://${scp[1] ?? ""}${scp[2]}/${scp[3]!.replace(/^\/+/, "")}`;
  if (url.startsWith("/")) return `file://${encodeURI(url)}`;
  try {
    const u = new URL(url);
    if (u.protocol === "https:" || u.protocol === "http:") u.username = u.password = "";
    else if (u.password) u.password = "";
    return u.href;
  } catch {
    return `file://${encodeURI(url)}`;
  }
}

/** A run's automationDetails.id: GitHub takes what is before the last slash as the category, one per repository. */
function automationId(repo: { name: string; id: string }, scanId: string | null): string {
  const name = repo.name.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 80) || "repository";
  return `posture/${name}-${repo.id}/${scanId ?? "never-scanned"}`;
}

const SUPPRESSED = new Set(["false_positive", "accepted_risk"]);

export interface SarifExportOptions {
  /** Fixed findings are no longer in the code: left out unless asked for. */
  includeFixed?: boolean;
  /** The dashboard's origin, for each result's link to its finding page. */
  baseUrl?: string;
}

/**
 * Findings as SARIF 2.1.0, one run per repository, each with its own versionControlProvenance (URI, the
 * commit of its last completed scan, its branch when one is set) and automationDetails.id, so GitHub code
 * scanning and DefectDojo file each result under the right repository. False positives and accepted risks
 * are results with an external, accepted suppression whose justification is the triage reason.
 */
export async function findingsToSarif(db: Db, findings: Finding[], toolVersion: string, opts: SarifExportOptions = {}): Promise<Sarif.Log> {
  const policies = await cataloguePolicies(db);
  const titles = new Map(policies.map((p) => [p.id, p.policy]));
  const shown = findings.filter((f) => opts.includeFixed || f.status !== "fixed");
  const repositoryIds = [...new Set(shown.map((f) => f.repositoryId))];
  const repos = await db.repository.findMany({
    where: { id: { in: repositoryIds } },
    select: {
      id: true,
      name: true,
      url: true,
      branch: true,
      scans: {
        where: { status: { in: ["succeeded", "unchanged"] } },
        orderBy: { queuedAt: "desc" },
        take: 1,
        select: { id: true, commitSha: true },
      },
    },
  });
  repos.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const byRepo = new Map<string, Finding[]>();
  for (const f of shown) byRepo.set(f.repositoryId, [...(byRepo.get(f.repositoryId) ?? []), f]);

  const runs: Sarif.Run[] = repos.map((repo) => {
    const list = byRepo.get(repo.id) ?? [];
    const used = new Set(list.map((f) => f.checkId));
    // Only the rules this run's results use: an org-wide export would otherwise repeat the whole rulebook per repository.
    const runPolicies = policies.map((p) => ({ ...p, checks: p.checks.filter((c) => used.has(c.id)) })).filter((p) => p.checks.length > 0);
    const run = toSarif({
      policies: runPolicies,
      findings: list.map((f) => toEngineFinding(f, titles.get(f.policyId) ?? f.policyId)),
      toolVersion,
    }).runs[0]!;
    run.results = (run.results ?? []).map((r, i) => {
      const f = list[i]!;
      const url = opts.baseUrl ? `${opts.baseUrl}/findings/${f.id}` : undefined;
      return {
        ...r,
        ...(SUPPRESSED.has(f.status)
          ? { suppressions: [{ kind: "external" as const, status: "accepted" as const, justification: f.statusReason ?? "" }] }
          : {}),
        ...(f.status === "fixed" ? { baselineState: "absent" as const } : {}),
        properties: {
          ...r.properties,
          status: f.status,
          ...(f.acceptedUntil ? { acceptedUntil: f.acceptedUntil.toISOString() } : {}),
          ...(url ? { url } : {}),
        },
      };
    });
    const last = repo.scans[0];
    run.automationDetails = { id: automationId(repo, last?.id ?? null), description: { text: `Posture findings of ${repo.name}` } };
    run.versionControlProvenance = [
      {
        repositoryUri: repositoryUri(repo.url),
        ...(last?.commitSha ? { revisionId: last.commitSha } : {}),
        ...(repo.branch ? { branch: repo.branch } : {}),
        mappedTo: { uriBaseId: "%SRCROOT%" },
      },
    ];
    run.originalUriBaseIds = { "%SRCROOT%": { description: { text: `The root of ${repo.name}'s checkout` } } };
    return run;
  });
  return { $schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs };
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

export const CSV_COLUMNS = [
  "id",
  "repository",
  "path",
  "line",
  "severity",
  "status",
  "policy",
  "check",
  "framework",
  "message",
  "first_seen",
  "due",
  "assignee",
  "fingerprint",
  "context",
  "reason",
  "accepted_until",
  "url",
  "requested_by",
  "approved_by",
  "exception",
] as const;

/** Who asked for a finding's exception and who approved it (lib/findings/exceptions.ts), as exports show them. */
export interface ExportException {
  requestedBy: string;
  decidedBy: string | null;
  state: string;
  needsApproval: boolean;
}

/** "pending", "approved", or "not required" (a severity the settings let through without an approver). */
function exceptionCell(x: ExportException | null | undefined): string {
  if (!x) return "";
  if (x.state === "approved" && !x.needsApproval) return "not required";
  return x.state;
}

/**
 * One line per finding. `reason` is the triage reason (false positive, accepted risk), `accepted_until` the
 * accepted risk's expiry, `url` the finding's page on this dashboard (absolute when `baseUrl` is given);
 * `requested_by`, `approved_by` and `exception` say who asked for the false positive or accepted risk (pending
 * or in force), who approved it, and where it stands.
 */
export function findingsToCsv(
  rows: (Finding & { repository: Pick<Repository, "name">; assignee: { email: string } | null; exception?: ExportException | null })[],
  opts: { baseUrl?: string } = {},
): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const f of rows) {
    lines.push(
      [
        f.id,
        f.repository.name,
        f.path,
        f.line,
        f.severity,
        f.status,
        f.policyId,
        f.checkId,
        frameworkFromDb(f.framework),
        f.message,
        f.firstSeenAt,
        f.dueAt,
        f.assignee?.email ?? "",
        f.fingerprint,
        f.codeContext,
        f.statusReason ?? "",
        f.acceptedUntil,
        `${opts.baseUrl ?? ""}/findings/${f.id}`,
        f.exception?.requestedBy ?? "",
        f.exception?.decidedBy ?? "",
        exceptionCell(f.exception),
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
