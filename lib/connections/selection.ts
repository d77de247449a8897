/**
 * Which of an organisation's repositories a connection registers, and with which team. Pure: no database.
 *
 * Selection: every repository, less the archived ones and forks (each unless asked for), then only those with
 * one of the listed topics (when topics are listed), then only those whose name matches the pattern (when one
 * is given: globs separated by commas, matched against the name and the full owner/name, case-insensitive;
 * a leading "!" excludes).
 *
 * Teams: the first rule that matches, in the order given (by topic: the repository has the topic; by prefix:
 * its name starts with it), else the default team.
 */
import picomatch from "picomatch";
import { z } from "zod";
import type { ForgeRepository } from "../forge/types.ts";

const teamName = z.string().trim().min(1, "a team is required").max(120);
const topic = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,49}$/, "a topic is letters, digits, . _ - (at most 50)");

export const teamRule = z.object({
  by: z.enum(["topic", "prefix"]),
  value: z.string().trim().min(1, "a rule needs a topic or a prefix").max(100),
  team: teamName,
});
export type TeamRule = z.infer<typeof teamRule>;

export const selectionInput = z.object({
  skipArchived: z.boolean().default(true),
  skipForks: z.boolean().default(true),
  topics: z.array(topic).max(50).default([]),
  namePattern: z
    .string()
    .trim()
    .max(500)
    .nullish()
    .transform((v) => v || null)
    .refine((v) => v === null || patternProblem(v) === null, {
      message: "not a list of name patterns such as ml-*, *-serving, !*-archive",
    }),
  teamRules: z.array(teamRule).max(100).default([]),
  defaultTeam: teamName,
});
export type Selection = z.infer<typeof selectionInput>;

function patternProblem(pattern: string): string | null {
  const parts = pattern
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 50) return "empty";
  for (const p of parts) {
    if (!/^!?[A-Za-z0-9_.*?/\-[\]{}]{1,200}$/.test(p)) return p;
    try {
      picomatch(p.replace(/^!/, ""), { nocase: true });
    } catch {
      return p;
    }
  }
  return null;
}

/** The name pattern as a predicate on a repository (true for every repository when there is none). */
function nameMatcher(pattern: string | null): (r: Pick<ForgeRepository, "name" | "fullName">) => boolean {
  if (!pattern) return () => true;
  const parts = pattern
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const include = parts.filter((p) => !p.startsWith("!")).map((p) => picomatch(p, { nocase: true, dot: true }));
  const exclude = parts.filter((p) => p.startsWith("!")).map((p) => picomatch(p.slice(1), { nocase: true, dot: true }));
  const hit = (ms: picomatch.Matcher[], r: Pick<ForgeRepository, "name" | "fullName">) => ms.some((m) => m(r.name) || m(r.fullName));
  return (r) => (include.length === 0 || hit(include, r)) && !hit(exclude, r);
}

export type SkipReason = "archived" | "fork" | "topic" | "name" | "empty";

export const SKIP_REASON_LABELS: Record<SkipReason, string> = {
  archived: "archived on the forge",
  fork: "a fork",
  topic: "none of the topics",
  name: "name does not match",
  empty: "no commits yet",
};

/** Why a repository is not selected, or null when it is. */
export function skipReason(
  r: ForgeRepository,
  s: Pick<Selection, "skipArchived" | "skipForks" | "topics" | "namePattern">,
  matches = nameMatcher(s.namePattern),
): SkipReason | null {
  if (r.archived && s.skipArchived) return "archived";
  if (r.fork && s.skipForks) return "fork";
  if (s.topics.length && !r.topics.some((t) => s.topics.includes(t.toLowerCase()))) return "topic";
  if (!matches(r)) return "name";
  // Nothing to clone yet; a later sync registers it once it has a branch.
  if (r.defaultBranch === null) return "empty";
  return null;
}

export function selectRepositories(
  repos: readonly ForgeRepository[],
  s: Selection,
): { selected: ForgeRepository[]; skipped: { repository: ForgeRepository; reason: SkipReason }[] } {
  const selected: ForgeRepository[] = [];
  const skipped: { repository: ForgeRepository; reason: SkipReason }[] = [];
  const matches = nameMatcher(s.namePattern);
  for (const r of repos) {
    const reason = skipReason(r, s, matches);
    if (reason) skipped.push({ repository: r, reason });
    else selected.push(r);
  }
  return { selected, skipped };
}

export function teamFor(r: Pick<ForgeRepository, "name" | "topics">, s: Pick<Selection, "teamRules" | "defaultTeam">): string {
  const topics = r.topics.map((t) => t.toLowerCase());
  const name = r.name.toLowerCase();
  for (const rule of s.teamRules) {
    if (rule.by === "topic" ? topics.includes(rule.value.toLowerCase()) : name.startsWith(rule.value.toLowerCase())) return rule.team;
  }
  return s.defaultTeam;
}

/**
 * Team rules as an admin writes them in a form, one a line: `topic:<topic> = <team>` or `prefix:<prefix> = <team>`.
 * Blank lines and # comments are ignored.
 */
export function parseTeamRules(text: string): { rules: TeamRule[]; error: string | null } {
  const rules: TeamRule[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(topic|prefix)\s*:\s*(.+?)\s*=\s*(.+)$/i.exec(line);
    const parsed = m ? teamRule.safeParse({ by: m[1]!.toLowerCase(), value: m[2], team: m[3] }) : null;
    if (!parsed?.success)
      return { rules: [], error: `team rules, line ${i + 1}: write topic:<topic> = <team> or prefix:<prefix> = <team>` };
    rules.push(parsed.data);
  }
  if (rules.length > 100) return { rules: [], error: "at most 100 team rules" };
  return { rules, error: null };
}

export function formatTeamRules(rules: readonly TeamRule[]): string {
  return rules.map((r) => `${r.by}:${r.value} = ${r.team}`).join("\n");
}
