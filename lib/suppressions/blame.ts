/**
 * Who wrote each suppression (issue 16 §3): `git blame` of the scanned commit, in the pipeline's checkout. Best
 * effort and bounded: a few files, a time budget, and nothing when blame fails or cannot know. A line git
 * attributes to a shallow clone's cut-off commit is unknown, not that commit's author: the cut-off only means
 * "at or before here".
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { blameLines } from "../git/git.ts";

export interface BlameAuthor {
  name: string;
  email: string;
  at: Date;
}

export interface BlameLimits {
  /** Files blamed at most (each one git call with every wanted line). */
  maxFiles: number;
  /** For all of them together. */
  timeoutMs: number;
}

export const DEFAULT_BLAME_LIMITS: BlameLimits = { maxFiles: 200, timeoutMs: 20_000 };

/**
 * Line → author, from `git blame --porcelain` output of one file (several -L ranges). Lines of a boundary
 * commit, or of one of `cutOff` (a shallow clone's cut-off commits), are left out.
 */
export function parsePorcelain(text: string, cutOff: ReadonlySet<string> = new Set()): Map<number, BlameAuthor> {
  const commits = new Map<string, { name?: string; email?: string; time?: number; boundary?: boolean }>();
  const out = new Map<number, BlameAuthor>();
  let current: { sha: string; line: number } | undefined;
  for (const l of text.split("\n")) {
    const header = /^([0-9a-f]{40}|[0-9a-f]{64}) \d+ (\d+)(?: \d+)?$/.exec(l);
    if (header) {
      current = { sha: header[1]!, line: Number(header[2]) };
      if (!commits.has(current.sha)) commits.set(current.sha, {});
      continue;
    }
    if (!current) continue;
    const c = commits.get(current.sha)!;
    if (l.startsWith("author ")) c.name = l.slice(7);
    else if (l.startsWith("author-mail ")) c.email = l.slice(12).replace(/^<|>$/g, "");
    else if (l.startsWith("author-time ")) c.time = Number(l.slice(12));
    else if (l === "boundary") c.boundary = true;
    else if (l.startsWith("\t")) {
      if (!c.boundary && !cutOff.has(current.sha) && c.name !== undefined && c.time !== undefined && Number.isFinite(c.time))
        out.set(current.line, { name: c.name, email: c.email ?? "", at: new Date(c.time * 1000) });
      current = undefined;
    }
  }
  return out;
}

export const blameKey = (path: string, line: number) => `${path}\0${line}`;

/**
 * Authors of the given lines at `commit`, keyed by blameKey. Files past the limit, or once the time budget is
 * spent, are left out; a file git cannot blame (not in the commit, binary) is skipped.
 */
export async function blameAuthors(
  dest: string,
  commit: string,
  targets: readonly { path: string; line: number }[],
  limits: BlameLimits = DEFAULT_BLAME_LIMITS,
): Promise<Map<string, BlameAuthor>> {
  const byPath = new Map<string, Set<number>>();
  for (const t of targets) if (t.line >= 1) (byPath.get(t.path) ?? byPath.set(t.path, new Set()).get(t.path)!).add(t.line);
  const out = new Map<string, BlameAuthor>();
  const cutOff = shallowCommits(dest);
  const deadline = Date.now() + limits.timeoutMs;
  for (const [path, lines] of [...byPath].slice(0, limits.maxFiles)) {
    const left = deadline - Date.now();
    if (left < 200) break;
    try {
      const text = await blameLines(
        dest,
        commit,
        path,
        [...lines].sort((a, b) => a - b),
        left,
      );
      for (const [line, author] of parsePorcelain(text, cutOff)) if (lines.has(line)) out.set(blameKey(path, line), author);
    } catch {
      // best effort: without blame the suppression is listed without its author
    }
  }
  return out;
}

/** The commits where a shallow clone's history stops (none in a complete clone). */
function shallowCommits(dest: string): Set<string> {
  try {
    return new Set(
      readFileSync(join(dest, ".git", "shallow"), "utf8")
        .split("\n")
        .filter(Boolean),
    );
  } catch {
    return new Set();
  }
}
