import { existsSync, lstatSync, readdirSync, type Dirent } from "node:fs";
import { join } from "node:path";
import type { ScanError, SkippedFile, SkipReason } from "./types.ts";

/** Directories that hold other people's code or tool state, never the repository's own service code. */
export const IGNORED_DIRECTORIES = new Set([
  ".git",
  ".hg",
  ".svn",
  "node_modules",
  "__pycache__",
  ".venv",
  "venv",
  ".tox",
  ".nox",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  "site-packages",
  ".eggs",
]);

export interface WalkOptions {
  /** Files larger than this are skipped as too large. */
  maxFileBytes: number;
  /** Files the size cap does not apply to: model artifacts, which are streamed within limits of their own. */
  streamed?: (relPath: string) => boolean;
  /** Stop collecting after this many target files; the rest count as skipped. */
  maxFiles: number;
  isTarget: (relPath: string) => boolean;
  /** The reason the repository excludes a path (a directory or a file), if it does. */
  excluded?: (relPath: string) => string | undefined;
  /** Files to hand back in `noticed` whether or not a check reads them (CI configuration, for code contexts). */
  notice?: (relPath: string) => boolean;
}

/** A scan result names at most this many skipped files; more only bloats a report nobody reads to the end. */
export const MAX_SKIPPED_LISTED = 500;

/** Skipped files by name, up to MAX_SKIPPED_LISTED, and how many more there were. */
export class SkippedList {
  readonly files: SkippedFile[] = [];
  omitted = 0;
  add(path: string, reason: SkipReason, detail?: string) {
    if (this.files.length < MAX_SKIPPED_LISTED) this.files.push(detail === undefined ? { path, reason } : { path, reason, detail });
    else this.omitted++;
  }
  sorted(): SkippedFile[] {
    return [...this.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

export interface WalkedFile {
  abs: string;
  rel: string;
  size: number;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: Partial<Record<SkipReason, number>>;
  errors: ScanError[];
  /** Every skip but "not-a-target" (files no check reads are only counted). */
  listed: SkippedList;
  noticed: WalkedFile[];
}

/** Lists the files to scan below `root` without following symbolic links. Never throws for entries below the root. */
export function walk(root: string, opts: WalkOptions): WalkResult {
  const result: WalkResult = { files: [], skipped: {}, errors: [], listed: new SkippedList(), noticed: [] };
  const skip = (reason: SkipReason, rel?: string, detail?: string) => {
    result.skipped[reason] = (result.skipped[reason] ?? 0) + 1;
    if (rel !== undefined) result.listed.add(rel, reason, detail);
  };

  // Iterative so a very deep tree cannot exhaust the call stack.
  const stack: string[] = [""];
  while (stack.length > 0) {
    const relDir = stack.pop()!;
    const absDir = relDir ? join(root, relDir) : root;
    let entries: Dirent[];
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      if (relDir === "") throw e;
      result.errors.push({ path: relDir, message: `cannot list directory (${(e as NodeJS.ErrnoException).code ?? "error"})` });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let why: string | undefined;
      if (entry.isSymbolicLink()) {
        skip("symlink", rel);
      } else if (entry.isDirectory()) {
        if ((why = opts.excluded?.(rel)) !== undefined) skip("excluded", rel, why);
        // A virtualenv can have any name; pyvenv.cfg gives it away.
        else if (IGNORED_DIRECTORIES.has(entry.name) || existsSync(join(absDir, entry.name, "pyvenv.cfg"))) skip("ignored-directory", rel);
        else stack.push(rel);
      } else if (!entry.isFile()) {
        skip("special-file", rel);
      } else if (!opts.isTarget(rel)) {
        if (opts.notice?.(rel) && opts.excluded?.(rel) === undefined) result.noticed.push({ abs: join(absDir, entry.name), rel, size: 0 });
        skip("not-a-target");
      } else if ((why = opts.excluded?.(rel)) !== undefined) {
        skip("excluded", rel, why);
      } else {
        let size: number;
        try {
          size = lstatSync(join(absDir, entry.name)).size;
        } catch (e) {
          result.errors.push({ path: rel, message: `cannot stat file (${(e as NodeJS.ErrnoException).code ?? "error"})` });
          continue;
        }
        if (size > opts.maxFileBytes && !opts.streamed?.(rel)) skip("too-large", rel);
        else if (result.files.length >= opts.maxFiles) skip("file-limit", rel);
        else result.files.push({ abs: join(absDir, entry.name), rel, size });
        if (opts.notice?.(rel) && size <= opts.maxFileBytes) result.noticed.push({ abs: join(absDir, entry.name), rel, size });
      }
    }
  }
  result.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return result;
}
