/**
 * What Posture does on the forge with a change scan's result, by policy mode:
 *  - monitor: records the result in Posture only; nothing is posted to the forge;
 *  - comment: posts a commit status (always passing: it informs) and the change's one comment;
 *  - block:   as comment, but the status fails when the change introduces a finding at or above the
 *             policy's severity, so branch protection can require it.
 * A connection sets the mode for its organisation; a repository may override the mode, the severity, or both.
 * Pure: no database.
 */
import { z } from "zod";
import type { CommitState } from "../forge/types.ts";
import { SEVERITIES, SEVERITY_RANK, type Severity } from "../engine/types.ts";

export const POLICY_MODES = ["monitor", "comment", "block"] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

export const POLICY_MODE_LABELS: Record<PolicyMode, string> = {
  monitor: "Monitor (record only)",
  comment: "Comment (status and comment, never failing)",
  block: "Block (failing status at or above a severity)",
};

/** A policy as a sentence: its mode, and in block mode the severity from which a change fails. */
export function policyText(p: Policy): string {
  return `${POLICY_MODE_LABELS[p.mode]}${p.mode === "block" ? `, at ${p.blockAt}${p.blockAt === "critical" ? "" : " and above"}` : ""}`;
}

export interface Policy {
  mode: PolicyMode;
  /** In block mode: the least severe finding that fails the status. */
  blockAt: Severity;
}

export interface PolicyOverride {
  mode: PolicyMode | null;
  blockAt: Severity | null;
}

export interface EffectivePolicy extends Policy {
  /** Where the mode came from: the organisation's connection or the repository's own override. */
  source: "organisation" | "repository";
}

export const policyInput = z.object({
  mode: z.enum(POLICY_MODES, { message: `a policy mode is one of ${POLICY_MODES.join(", ")}` }),
  blockAt: z.enum(SEVERITIES, { message: `a severity is one of ${SEVERITIES.join(", ")}` }),
});

/** A repository's override: each part may be "" or absent (the organisation's applies). */
export const policyOverrideInput = z.object({
  mode: z.preprocess((v) => (v === "" || v === "inherit" ? null : v), z.enum(POLICY_MODES).nullable().default(null)),
  blockAt: z.preprocess((v) => (v === "" || v === "inherit" ? null : v), z.enum(SEVERITIES).nullable().default(null)),
});

export function effectivePolicy(org: Policy, override?: PolicyOverride | null): EffectivePolicy {
  const mode = override?.mode ?? org.mode;
  const blockAt = override?.blockAt ?? org.blockAt;
  return { mode, blockAt, source: override?.mode || override?.blockAt ? "repository" : "organisation" };
}

/** A connected repository's policy: its connection's, with the repository's own override. */
export function repositoryPolicy(
  connection: { policyMode: PolicyMode; blockAt: Severity },
  link: { policyMode: PolicyMode | null; blockAt: Severity | null },
): EffectivePolicy {
  return effectivePolicy({ mode: connection.policyMode, blockAt: connection.blockAt }, { mode: link.policyMode, blockAt: link.blockAt });
}

export type SeverityCounts = Record<Severity, number>;

export function severityCounts(findings: readonly { severity: Severity }[]): SeverityCounts {
  const c: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

export interface Verdict {
  /** Whether anything goes to the forge at all. */
  post: boolean;
  /** Whether the change's comment is written. */
  comment: boolean;
  state: CommitState;
  /** The introduced findings at or above the blocking severity (block mode; 0 otherwise). */
  blocking: number;
}

/** The forge-side outcome of a change that introduced findings with these counts. */
export function verdict(policy: Policy, introduced: SeverityCounts): Verdict {
  if (policy.mode === "monitor") return { post: false, comment: false, state: "success", blocking: 0 };
  const blocking =
    policy.mode === "block"
      ? SEVERITIES.filter((s) => SEVERITY_RANK[s] >= SEVERITY_RANK[policy.blockAt]).reduce((n, s) => n + introduced[s], 0)
      : 0;
  return { post: true, comment: true, state: blocking > 0 ? "failure" : "success", blocking };
}
