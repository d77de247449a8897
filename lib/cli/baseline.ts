/**
 * `posture scan <path> --baseline <ref>`: the tree of <ref> written to a temporary directory, so that it can be
 * scanned like <path> and the two results compared (lib/engine/baseline.ts).
 *
 * The tree is written through a temporary index (read-tree + checkout-index) rather than `git worktree add`:
 * nothing is added to the repository's .git (no worktree entry left behind if the process is killed) and no
 * checkout hook can run. git runs with the hardening of lib/git/git.ts that applies to a local repository (no
 * hooks, no fsmonitor, no submodules, no LFS smudge, no prompts) and with every transport off: the ref must
 * already be in the repository; nothing is fetched.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DomainError } from "../errors.ts";
import { LOCAL_GIT_HARDENING } from "../git/git.ts";

/** The baseline cannot be had: a one-line message for stderr, exit code 2. */
export class BaselineError extends DomainError {
  constructor(message: string) {
    super("invalid_input", message);
  }
}

// The same hardening as lib/git/git.ts's clones, and no transport at all: the baseline reads a local repository.
const SAFE_CONFIG = [...LOCAL_GIT_HARDENING, "protocol.allow=never"].flatMap((c) => ["-c", c]);

const TIMEOUT_MS = 120_000;

/**
 * Not the caller's environment: GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE and the like set by a CI job or a
 * hook would point git somewhere else. HOME stays, for the user's safe.directory (CI checkouts are often
 * owned by another user).
 */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME,
    LANG: "C",
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    GIT_LFS_SKIP_SMUDGE: "1",
    GIT_PROTOCOL_FROM_USER: "0",
    ...extra,
  };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e as NodeJS.ProcessEnv;
}

function git(cwd: string, args: string[], extraEnv?: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...SAFE_CONFIG, ...args],
      { cwd, env: env(extraEnv), timeout: TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 },
      (err, stdout, stderr) => {
        if (err) reject(Object.assign(err, { stderr: String(stderr) }));
        else resolve(String(stdout));
      },
    );
  });
}

export interface BaselineTree {
  /** The commit <ref> names. */
  commit: string;
  /** The directory to scan: the tree at that commit, narrowed to the same subdirectory as the path scanned. */
  dir: string;
  remove(): Promise<void>;
}

/** Writes the tree of `ref`, in the repository `path` is in, to a temporary directory. */
export async function baselineTree(path: string, ref: string): Promise<BaselineTree> {
  // A ref starting with "-" would be read as an option by the commands below that take no --end-of-options.
  if (!ref || ref.startsWith("-") || /[\x00-\x20\x7f]/.test(ref)) throw new BaselineError(`--baseline: "${ref}" is not a git ref`);
  let top: string;
  let prefix: string;
  try {
    if (!(await stat(path)).isDirectory()) throw new BaselineError(`${path}: not a directory`);
  } catch (e) {
    throw e instanceof BaselineError ? e : new BaselineError(`${path}: no such directory`);
  }
  try {
    [top = "", prefix = ""] = (await git(path, ["rev-parse", "--show-toplevel", "--show-prefix"])).split("\n");
  } catch {
    throw new BaselineError(`--baseline: ${path} is not inside a git repository`);
  }
  let commit: string;
  try {
    commit = (await git(top, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`])).trim();
  } catch {
    throw new BaselineError(
      `--baseline: ${ref} is not a commit in this repository (in a shallow CI checkout, fetch it first, e.g. git fetch --depth=1 origin ${ref})`,
    );
  }
  const tmp = await mkdtemp(join(tmpdir(), "posture-baseline-tree-"));
  const remove = () => rm(tmp, { recursive: true, force: true });
  try {
    const tree = join(tmp, "tree");
    const index = { GIT_INDEX_FILE: join(tmp, "index") };
    await git(top, ["read-tree", commit], index);
    // The trailing slash makes --prefix a directory.
    await git(top, ["checkout-index", "--all", "--force", `--prefix=${tree}/`], index);
    // A directory added since the baseline was, at the baseline, a directory with nothing in it.
    const dir = join(tree, prefix);
    await mkdir(dir, { recursive: true });
    return { commit, dir, remove };
  } catch (e) {
    await remove();
    const stderr = String((e as { stderr?: string }).stderr ?? "")
      .trim()
      .split("\n")
      .pop();
    throw new BaselineError(`--baseline: git could not write the tree of ${ref}${stderr ? ` (${stderr})` : ""}`);
  }
}
