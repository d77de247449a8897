/**
 * What Posture writes on the forge: a commit status's one line and a pull request's comment. Everything a
 * finding says (its message, path, snippet) comes from the scanned code, which the author of a pull request
 * controls: in a comment it is escaped so it stays text (no markup, no links, no images, no @mentions that
 * would notify someone, no HTML), and bounded. Pure.
 */
import { SEVERITIES, type Severity } from "../engine/types.ts";
import type { Policy, SeverityCounts, Verdict } from "../connections/policy.ts";

export interface RenderedFinding {
  severity: Severity;
  checkId: string;
  path: string;
  line: number;
  message: string;
}

/** The status's name on the forge: one per commit, replaced on each post. */
export const STATUS_CONTEXT = "posture";
/** The pull request's one comment (lib/forge upsertComment). */
export const COMMENT_MARKER = "change-scan";
/** New findings a comment lists; the rest are counted and linked. */
export const COMMENT_FINDINGS = 50;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "1 critical, 2 high" (severities with none left out); "" when all are 0. */
export function countsText(c: SeverityCounts): string {
  return SEVERITIES.filter((s) => c[s] > 0)
    .map((s) => `${c[s]} ${s}`)
    .join(", ");
}

const total = (c: SeverityCounts) => SEVERITIES.reduce((n, s) => n + c[s], 0);

/** A change scan's status line (at most 140 characters: what GitHub keeps). */
export function changeStatusDescription(policy: Policy, v: Verdict, introduced: SeverityCounts, fixed: number): string {
  const n = total(introduced);
  const fixedText = fixed ? `, ${fixed} fixed` : "";
  if (v.state === "failure")
    return cut(`Blocked: ${plural(v.blocking, "new finding")} at or above ${policy.blockAt} (${countsText(introduced)})${fixedText}`);
  if (n === 0) return cut(`No new findings${fixedText}`);
  return cut(`${plural(n, "new finding")} (${countsText(introduced)})${fixedText}`);
}

/** A push scan's status line: what is open on the branch at that commit, and what the commit changed. */
export function pushStatusDescription(
  open: SeverityCounts,
  change: { introduced: number; fixed: number },
  v?: Verdict,
  policy?: Policy,
): string {
  const openText = total(open) ? `${plural(total(open), "open finding")} (${countsText(open)})` : "No open findings";
  const delta = change.introduced || change.fixed ? `; ${change.introduced} new, ${change.fixed} fixed by this push` : "";
  if (v?.state === "failure" && policy)
    return cut(`Blocked: ${plural(v.blocking, "new finding")} at or above ${policy.blockAt}; ${openText}`);
  return cut(`${openText}${delta}`);
}

function cut(s: string, max = 140): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Text from the scanned repository, made inert for GitHub- and GitLab-flavoured Markdown: one line, bounded,
 * HTML special characters as entities, every Markdown punctuation character backslash-escaped, and a zero-width
 * space after each reference sigil (@ # ! $ % ~ & ^) and inside "://" and "www." so nobody is notified, nothing
 * is referenced and no URL becomes a link.
 */
export function inertMarkdown(text: string, max = 300): string {
  let s = text
    .replace(/[\x00-\x1f\x7f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return (
    s
      // References (users, issues, merge requests, snippets, labels, epics) and autolinks are found in the
      // rendered text, after escapes are gone: a zero-width space breaks them there.
      .replace(/[@#!$%~&^]/g, "$&\u200b")
      .replace(/:\/\//g, ":\u200b//")
      .replace(/www\./gi, (w) => `${w.slice(0, 3)}\u200b.`)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/[\\`*_{}[\]()#+\-.!|~"'$%:=^]/g, (c) => `\\${c}`)
  );
}

export interface CommentInput {
  policy: Policy;
  verdict: Verdict;
  introduced: readonly RenderedFinding[];
  /** All introduced findings by severity, when \`introduced\` holds only some of them (a stored, bounded list). */
  introducedCounts?: SeverityCounts;
  fixed: number;
  unchanged: number;
  headSha: string;
  baseRef: string;
  /** The change scan's page in Posture (absent when no public URL is configured). */
  link?: string;
}

const SEVERITY_ICON: Record<Severity, string> = { critical: "🟥", high: "🟧", medium: "🟨", low: "⬜" };

/** The pull request's comment: counts, the verdict, and the new findings worst first. */
export function changeComment(c: CommentInput): string {
  const listed: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of c.introduced) listed[f.severity]++;
  const counts = c.introducedCounts ?? listed;
  const n = total(counts);
  const lines: string[] = [];
  const head = c.headSha.slice(0, 12);
  lines.push(
    `### Posture: ${n ? `${plural(n, "new finding")} (${countsText(counts)})` : "no new findings"}${c.fixed ? `, ${c.fixed} fixed` : ""}`,
  );
  lines.push("");
  if (c.verdict.state === "failure")
    lines.push(`**Blocking:** ${plural(c.verdict.blocking, "new finding")} at or above **${c.policy.blockAt}** (policy: block).`);
  else if (c.policy.mode === "block") lines.push(`Nothing at or above **${c.policy.blockAt}** is introduced (policy: block).`);
  lines.push(`Commit \`${head}\` compared with ${inertMarkdown(c.baseRef, 100)} by finding fingerprint: ${c.unchanged} unchanged.`);
  if (c.introduced.length) {
    const order = [...c.introduced].sort(
      (a, b) =>
        SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line),
    );
    lines.push("", "| Severity | Check | Where | Finding |", "|---|---|---|---|");
    const shown = order.slice(0, COMMENT_FINDINGS);
    for (const f of shown) {
      lines.push(
        `| ${SEVERITY_ICON[f.severity]} ${f.severity} | ${inertMarkdown(f.checkId, 120)} | ${inertMarkdown(f.path, 200)}:${f.line} | ${inertMarkdown(f.message, 300)} |`,
      );
    }
    if (n > shown.length) lines.push("", `… and ${n - shown.length} more.`);
  }
  if (c.link) lines.push("", `[All results in Posture](${c.link})`);
  lines.push("", "<sub>This comment is updated in place on every push to the change.</sub>");
  return lines.join("\n");
}
