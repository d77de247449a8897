import type { ArtifactStats } from "./artifacts/scan.ts";

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** "ml-serving" holds the framework-neutral checks: risks of any serving stack (containers, Kubernetes, web apps). */
export const FRAMEWORKS = ["modal", "torchserve", "bentoml", "ray-serve", "training-monitor", "ml-serving"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** Higher is worse; used for --fail-on and sorting. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/**
 * What the code around a finding is for, from its path and content: production code is what ships; the others
 * are read, run in CI or copied, but do not serve.
 */
export const CODE_CONTEXTS = ["production", "example", "test", "docs", "build", "vendored"] as const;
export type CodeContext = (typeof CODE_CONTEXTS)[number];

export interface Finding {
  ruleId: string;
  policy: string;
  framework: Framework;
  severity: Severity;
  /** Relative to the scan root, "/" separators. */
  path: string;
  /** 1-based lines and columns, end inclusive of the last character's line. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** Source of the match, secrets redacted. */
  snippet: string;
  fingerprint: string;
  context: CodeContext;
  /**
   * Set when the code suppresses this finding (`# posture: ignore[...]`) but the organisation does not honour
   * suppressions of its severity (ScanOptions.refuseSuppressions): the finding stays open and says so.
   */
  refusedSuppression?: { reason: string | null; line: number };
  /**
   * Findings this one is linked with: for code that loads a model file, the findings in that file; for a model
   * file, the code that loads it (lib/engine/artifact-links.ts).
   */
  related?: RelatedFinding[];
}

export interface RelatedFinding {
  /** loads: this finding's code loads the file the related finding is in; loaded-by: the other way round. */
  link: "loads" | "loaded-by";
  ruleId: string;
  path: string;
  line: number;
  severity: Severity;
  message: string;
  fingerprint: string;
}

export interface Suppression {
  ruleId: string;
  path: string;
  /** The suppressed finding's line (1-based). */
  line: number;
  /** "(no reason given)" when the comment gives none (then noReason is set). */
  reason: string;
  fingerprint: string;
  /** The line of the `posture: ignore[...]` comment: the finding's own line or the one above it. */
  commentLine: number;
  /** The suppressed finding's severity where it is. */
  severity: Severity;
  noReason?: true;
}

export interface ScanError {
  path: string;
  message: string;
}

export type SkipReason =
  | "ignored-directory"
  | "symlink"
  | "too-large"
  | "binary"
  | "minified"
  | "not-a-target"
  | "special-file"
  | "file-limit"
  /** The repository's .posture.yaml excludes it (the entry's reason is the detail). */
  | "excluded"
  /** A Git LFS pointer where a model file would be: the model itself is not in the repository. */
  | "lfs-pointer";

/** One skipped file or directory (a skipped directory is one entry, not one per file in it). */
export interface SkippedFile {
  path: string;
  reason: SkipReason;
  /** Why, in the repository's words: the .posture.yaml reason of an exclusion. */
  detail?: string;
}

export interface ScanStats {
  /** Files read and matched against at least one check. */
  files: number;
  bytes: number;
  skipped: Partial<Record<SkipReason, number>>;
  suppressed: number;
  durationMs: number;
  /**
   * Severities whose suppressions this scan did not honour (ScanOptions.refuseSuppressions), and how many
   * suppressions it refused; absent when no severity is refused.
   */
  refusedSuppressions?: { severities: Severity[]; count: number };
  /** Number of checks that were active for this scan. */
  rules: number;
  /**
   * ast-grep parses: one per (pattern check, file) it selected, one per file for all data-flow checks together,
   * one for the syntax check of files only pattern checks read. Set by scanDirectory.
   */
  parses?: { total: number; files: number; maxPerFile: number; dataFlowFiles: number };
  /** Model files read by the artifact checks, by format (lib/engine/artifacts/). */
  artifacts?: ArtifactStats;
}

/** What a repository's .posture.yaml asked for, so a reader of the results sees what was not scanned and why. */
export interface RepoConfigSummary {
  exclusions: { path: string; reason: string }[];
  contextOverrides: { path: string; context: CodeContext }[];
  disabledChecks: { check: string; paths: string[]; reason: string }[];
}

export interface ScanResult {
  /** Set when the scanned root has a .posture.yaml (even an invalid one: then empty, and the problem is in errors). */
  repoConfig?: RepoConfigSummary;
  findings: Finding[];
  suppressed: Suppression[];
  stats: ScanStats;
  errors: ScanError[];
  /**
   * What was not scanned and why, in path order, at most MAX_SKIPPED_LISTED entries (skippedFilesOmitted counts the
   * rest). Files no check looks at ("not-a-target") are only counted, in stats.skipped.
   */
  skippedFiles: SkippedFile[];
  skippedFilesOmitted: number;
  /**
   * Advisories an installed version is affected by but that no code of the repository reaches
   * (lib/engine/reachability.ts): not findings, listed so the version is still seen. Path order.
   */
  advisoriesNotReached: AdvisoryNotReached[];
}

export interface AdvisoryNotReached {
  /** The manifest and line of the declaration. */
  path: string;
  line: number;
  package: string;
  /** The pinned version, or the declaration as written. */
  declared: string;
  advisory: string;
  severity: Severity;
  summary: string;
  /** What would reach it: the advisory's uses and mentions. */
  reachedBy: string[];
  /** The Python files that were looked at. */
  filesLooked: number;
}

/** Where a finding is and what it says: the part stored, exported and shown alike. */
export type FindingLocation = Pick<Finding, "path" | "line" | "column" | "endLine" | "endColumn" | "message" | "snippet">;

export function findingLocation(f: FindingLocation): FindingLocation {
  return {
    path: f.path,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    message: f.message,
    snippet: f.snippet,
  };
}
