import { type ScanOptions, scanDirectory } from "../../lib/engine/scan.ts";
import { scratch } from "../helpers.ts";

/** A scratch directory (removed after the test file) holding these files, by path relative to its root. */
export function scratchTree(files: Record<string, string | Buffer>, prefix?: string) {
  const s = scratch(prefix);
  for (const [rel, content] of Object.entries(files)) s.write(rel, content);
  return s;
}

/** The engine's scan of a scratch tree of these files. */
export function scanTree(files: Record<string, string | Buffer>, opts: ScanOptions) {
  return scanDirectory(scratchTree(files).root, opts);
}
