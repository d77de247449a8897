/**
 * What a change did to a repository's findings: the findings of two scans (a baseline, say a pull request's
 * base, and a head) compared by fingerprint (lib/engine/fingerprint.ts). A fingerprint ignores line numbers,
 * so code moving within a file is neither introduced nor fixed; a renamed file or an edited match is both
 * (the old finding fixed, a new one introduced), as for the lifecycle of a branch's findings.
 *
 * Pure: the CLI's `scan --baseline` and the server's change scans of pull requests share it.
 */
export interface Fingerprinted {
  fingerprint: string;
}

export interface FindingChange<F extends Fingerprinted> {
  /** In the head and not in the baseline, in the head's order. */
  introduced: F[];
  /** In the baseline and not in the head, in the baseline's order (as they were at the baseline). */
  fixed: F[];
  /** In both, as they are in the head (lines may have moved). */
  unchanged: F[];
}

export function compareFindings<F extends Fingerprinted>(baseline: readonly F[], head: readonly F[]): FindingChange<F> {
  const before = new Set(baseline.map((f) => f.fingerprint));
  const after = new Set(head.map((f) => f.fingerprint));
  return {
    introduced: head.filter((f) => !before.has(f.fingerprint)),
    fixed: baseline.filter((f) => !after.has(f.fingerprint)),
    unchanged: head.filter((f) => before.has(f.fingerprint)),
  };
}
