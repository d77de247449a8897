/**
 * Exports each repository of bench/detection/repos.yaml, at its pinned commit, from the git directory the fetch
 * tool brought (<mirrors>/<owner>+<name>/repo) into bench/detection/.corpus/<owner>__<name>/ (git-ignored).
 *
 *   node --import tsx bench/detection/prepare.ts [--mirrors DIR] [owner/name ...]
 *
 * A repository whose mirror or commit is missing is skipped with a message saying so; the others still run.
 * Blobs a partial mirror lacks (files of 4 MiB and more) are left out, as bench/prepare-corpus.sh does.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BenchDataError, corpusDirName, readRepos, type RepoEntry } from "./score.ts";

export const HERE = import.meta.dirname;
export const CORPUS = join(HERE, ".corpus");
export const REPOS_FILE = join(HERE, "repos.yaml");
export const DEFAULT_MIRRORS = "/work/.mirror";

/** Written beside the exported tree, not inside it, so the scan never sees it. */
export const commitMarker = (repo: string): string => join(CORPUS, `${corpusDirName(repo)}.commit`);

function git(gitDir: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync("git", [`--git-dir=${gitDir}`, ...args], {
    encoding: "utf8",
    input: opts.input,
    env: opts.env ?? process.env,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

export function mirrorOf(mirrors: string, repo: string): string | null {
  const [owner, name] = repo.split("/");
  for (const candidate of [join(mirrors, `${owner}+${name}`, "repo"), join(mirrors, `${owner}+${name}`)]) {
    if (existsSync(join(candidate, "HEAD"))) return candidate;
  }
  return null;
}

/** Returns a line for the log: what was exported, or why not. */
function prepare(entry: RepoEntry, mirrors: string): string {
  const gitDir = mirrorOf(mirrors, entry.repo);
  if (!gitDir) return `skip ${entry.repo}: no mirror under ${mirrors} (fetch github:${entry.repo} first)`;
  try {
    git(gitDir, ["cat-file", "-e", `${entry.commit}^{commit}`]);
  } catch {
    return `skip ${entry.repo}: commit ${entry.commit} is not in ${gitDir} (fetch again, or pin the mirror's commit)`;
  }
  const out = join(CORPUS, corpusDirName(entry.repo));
  rmSync(out, { recursive: true, force: true });
  rmSync(commitMarker(entry.repo), { force: true });
  mkdirSync(out, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), "posture-detection-"));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(tmp, "index") };
    git(gitDir, ["read-tree", entry.commit], { env });
    const blobs = git(gitDir, ["ls-tree", "-r", entry.commit])
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\t") as [string, string])
      .map(([meta, path]) => ({ type: meta.split(" ")[1], sha: meta.split(" ")[2]!, path }))
      .filter((b) => b.type === "blob");
    const status = git(gitDir, ["cat-file", "--batch-check"], { input: `${blobs.map((b) => b.sha).join("\n")}\n` }).split("\n");
    const missing = blobs.filter((_, i) => status[i]?.endsWith(" missing")).map((b) => b.path);
    if (missing.length) git(gitDir, ["update-index", "--force-remove", "-z", "--stdin"], { env, input: `${missing.join("\0")}\0` });
    git(gitDir, [`--work-tree=${out}`, "checkout-index", "-a", `--prefix=${out}/`], { env });
    writeFileSync(commitMarker(entry.repo), `${entry.commit}\n`);
    return `ok   ${entry.repo} @ ${entry.commit.slice(0, 12)}: ${blobs.length - missing.length} files${missing.length ? `, ${missing.length} missing from the mirror left out` : ""}`;
  } catch (e) {
    return `skip ${entry.repo}: export failed (${((e as { stderr?: string }).stderr || (e as Error).message).trim().split("\n")[0]})`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function main(): number {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { mirrors: { type: "string" } } });
  const mirrors = values.mirrors ?? process.env.POSTURE_MIRRORS ?? DEFAULT_MIRRORS;
  let entries: RepoEntry[];
  try {
    entries = readRepos(REPOS_FILE);
  } catch (e) {
    if (e instanceof BenchDataError || (e as NodeJS.ErrnoException).code === "ENOENT") {
      console.error(`prepare: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
  const unknown = positionals.filter((p) => !entries.some((e) => e.repo === p));
  if (unknown.length) {
    console.error(`prepare: not in repos.yaml: ${unknown.join(", ")}`);
    return 2;
  }
  mkdirSync(CORPUS, { recursive: true });
  let skipped = 0;
  for (const entry of entries.filter((e) => positionals.length === 0 || positionals.includes(e.repo))) {
    const msg = prepare(entry, mirrors);
    if (msg.startsWith("skip")) skipped++;
    console.log(msg);
  }
  return skipped ? 1 : 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) process.exitCode = main();
