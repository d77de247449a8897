import { existsSync, lstatSync, readdirSync, type Dirent } from "node:fs";
import { join } from "node:path";
import type { ScanError, SkipReason } from "./types.ts";

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
  /** Stop collecting after this many target files; the rest count as skipped. */
  maxFiles: number;
  isTarget: (relPath: string) => boolean;
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
}

/** Lists the files to scan below `root` without following symbolic links. Never throws for entries below the root. */
export function walk(root: string, opts: WalkOptions): WalkResult {
  const result: WalkResult = { files: [], skipped: {}, errors: [] };
  const skip = (reason: SkipReason) => (result.skipped[reason] = (result.skipped[reason] ?? 0) + 1);

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
      if (entry.isSymbolicLink()) {
        skip("symlink");
      } else if (entry.isDirectory()) {
        // A virtualenv can have any name; pyvenv.cfg gives it away.
        if (IGNORED_DIRECTORIES.has(entry.name) || existsSync(join(absDir, entry.name, "pyvenv.cfg"))) skip("ignored-directory");
        else stack.push(rel);
      } else if (!entry.isFile()) {
        skip("special-file");
      } else if (!opts.isTarget(rel)) {
        skip("not-a-target");
      } else {
        let size: number;
        try {
          size = lstatSync(join(absDir, entry.name)).size;
        } catch (e) {
          result.errors.push({ path: rel, message: `cannot stat file (${(e as NodeJS.ErrnoException).code ?? "error"})` });
          continue;
        }
        if (size > opts.maxFileBytes) skip("too-large");
        else if (result.files.length >= opts.maxFiles) skip("file-limit");
        else result.files.push({ abs: join(absDir, entry.name), rel, size });
      }
    }
  }
  result.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return result;
}
