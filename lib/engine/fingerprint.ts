import { createHash } from "node:crypto";

/**
 * Finding fingerprints.
 *
 * A finding is identified by what matched and where it lives logically, never by its line number:
 *
 *   key = ruleId ␀ path ␀ scope ␀ normalize(redacted match text) ␀ occurrence
 *   fingerprint = first 32 hex digits of sha256(key)
 *
 * - scope is the chain of enclosing definitions (Python `class Handler > def handle`) or YAML keys
 *   (`services > api > securityContext`); empty for plain-text formats.
 * - normalize collapses every run of whitespace to one space, so re-indenting or re-wrapping a call
 *   keeps its identity.
 * - occurrence numbers identical (ruleId, path, scope, text) matches in file order, so two identical
 *   matches in one file get different fingerprints.
 *
 * Consequences: inserting or deleting lines anywhere, or editing unrelated code, changes nothing. Moving a
 * match into another function, renaming the file, or editing the matched text itself yields a new finding
 * (the old one is reported fixed). Inserting a second identical match *above* an existing one in the same
 * scope swaps their occurrence numbers; the set of fingerprints stays the same, which is what matters
 * for tracking open findings.
 *
 * An advisory finding (lib/engine/advisories.ts) has no scope and "package advisory-id" as its text, and its
 * path is the manifest's: bumping the version within the affected range keeps it, leaving the range fixes it.
 */
export function normalizeMatchText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export interface FingerprintInput {
  ruleId: string;
  path: string;
  scope: string;
  text: string;
}

/** Assigns fingerprints to matches of one file, given in file order. */
export function fingerprintAll(matches: readonly FingerprintInput[]): string[] {
  const seen = new Map<string, number>();
  return matches.map((m) => {
    const base = [m.ruleId, m.path, m.scope, normalizeMatchText(m.text)].join("\0");
    const occurrence = seen.get(base) ?? 0;
    seen.set(base, occurrence + 1);
    return createHash("sha256").update(`${base}\0${occurrence}`).digest("hex").slice(0, 32);
  });
}
