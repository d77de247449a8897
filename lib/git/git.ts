/**
 * The git CLI, run so that nothing in a repository can act on this machine: no hooks, no submodules, no
 * prompts, no tags, one branch, depth 1, a timeout and a size cap; the checkout is the caller's to remove.
 */
import { spawn } from "node:child_process";
import { lookup } from "node:dns/promises";
import { readdir, lstat } from "node:fs/promises";
import { join } from "node:path";
import { isLocalHost } from "../repos/url.ts";

export type GitFailure = "not_found" | "auth_required" | "branch_not_found" | "timeout" | "too_large" | "local_address" | "network" | "git_error";

/** Failures that will not go away by retrying. */
export const PERMANENT_FAILURES: ReadonlySet<GitFailure> = new Set(["not_found", "auth_required", "branch_not_found", "timeout", "too_large", "local_address"]);

export class GitError extends Error {
  constructor(
    readonly code: GitFailure,
    message: string,
  ) {
    super(message);
    this.name = "GitError";
  }
  get permanent(): boolean {
    return PERMANENT_FAILURES.has(this.code);
  }
}

const SAFE_CONFIG = [
  "-c", "core.hooksPath=/dev/null",
  "-c", "core.fsmonitor=false",
  "-c", "core.symlinks=true",
  "-c", "submodule.recurse=false",
  "-c", "protocol.ext.allow=never",
  "-c", "credential.helper=",
  "-c", "advice.detachedHead=false",
];

/** git sees none of the worker's own environment (database and Redis URLs, tokens): only what it needs. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: "C",
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=20",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_LFS_SKIP_SMUDGE: "1",
    GIT_PROTOCOL_FROM_USER: "0",
  };
  return env as NodeJS.ProcessEnv;
}

function classify(stderr: string): GitError {
  const s = stderr.toLowerCase();
  const line = stderr.trim().split("\n").filter(Boolean).pop() ?? "git failed";
  if (/remote branch .* not found|couldn't find remote ref|not our ref/.test(s)) return new GitError("branch_not_found", "the branch does not exist in the repository");
  if (/authentication failed|could not read username|permission denied \(publickey|terminal prompts disabled|invalid username or password|403/.test(s))
    return new GitError("auth_required", "the repository needs credentials the worker does not have (private repository or wrong URL)");
  if (/repository .* not found|not found|does not appear to be a git repository|does not exist|no such file or directory|404/.test(s))
    return new GitError("not_found", "the repository was not found at that URL");
  if (/could not resolve host|connection refused|connection timed out|network is unreachable|early eof|rpc failed|remote end hung up|temporary failure/.test(s))
    return new GitError("network", `network error talking to the git server: ${line}`);
  return new GitError("git_error", `git failed: ${line.slice(0, 300)}`);
}

interface RunOptions {
  cwd?: string;
  timeoutMs: number;
  /** Local paths and file:// (demo and tests only; see POSTURE_ALLOW_LOCAL_REPOS). */
  allowLocal?: boolean;
  /** Called periodically while git runs; throw to abort (e.g. a size cap). */
  watch?: () => Promise<void>;
}

function runGit(args: string[], opts: RunOptions): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const protocol = ["-c", `protocol.file.allow=${opts.allowLocal ? "always" : "never"}`];
    const child = spawn("git", [...SAFE_CONFIG, ...protocol, ...args], { cwd: opts.cwd, env: gitEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let failure: GitError | undefined;
    const kill = (err: GitError) => {
      failure ??= err;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    };
    child.stdout.on("data", (d: Buffer) => {
      if (stdout.length < 1_000_000) stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 100_000) stderr += d.toString();
    });
    const timer = setTimeout(() => kill(new GitError("timeout", `git did not finish within ${Math.round(opts.timeoutMs / 1000)} s`)), opts.timeoutMs);
    const watcher = opts.watch
      ? setInterval(() => {
          opts.watch!().catch((e) => kill(e instanceof GitError ? e : new GitError("git_error", String(e))));
        }, 250)
      : undefined;
    child.on("error", (e) => {
      clearTimeout(timer);
      if (watcher) clearInterval(watcher);
      reject(new GitError("git_error", `cannot run git: ${e.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (watcher) clearInterval(watcher);
      if (failure) reject(failure);
      else if (code === 0) resolvePromise(stdout);
      else reject(classify(stderr));
    });
  });
}

function hostOf(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    try {
      return new URL(url).hostname || undefined;
    } catch {
      return undefined;
    }
  }
  return /^[^@/\s]+@([^:/\s]+):/.exec(url)?.[1];
}

/**
 * Registration refuses local and private addresses written out, but a public-looking name can resolve to
 * one (localtest.me, *.nip.io, an internal DNS entry): look at what the host resolves to right before git
 * connects. (A resolver that answers differently a moment later is not covered; egress rules are.)
 */
async function refuseLocalAddress(url: string, allowLocal: boolean | undefined): Promise<void> {
  if (allowLocal) return;
  const host = hostOf(url);
  // Local paths and file:// are refused by git itself (protocol.file.allow=never).
  if (!host) return;
  const refuse = () => new GitError("local_address", `${host} is a local or private address; local repositories are not allowed`);
  if (isLocalHost(host)) throw refuse();
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host.replace(/^\[|\]$/g, ""), { all: true, verbatim: true });
  } catch {
    return; // unresolvable here (e.g. an ssh config alias): git reports what it finds
  }
  if (addresses.some((a) => isLocalHost(a.address))) throw refuse();
}

/** The commit the remote branch (or default branch) points at, without cloning. */
export async function remoteHead(url: string, branch: string | null, opts: { timeoutMs: number; allowLocal?: boolean }): Promise<string> {
  await refuseLocalAddress(url, opts.allowLocal);
  const ref = branch ? `refs/heads/${branch}` : "HEAD";
  const out = await runGit(["ls-remote", "--", url, ref], opts);
  const sha = out.split("\n").find((l) => l.trim())?.split(/\s+/)[0];
  if (!sha) throw branch ? new GitError("branch_not_found", "the branch does not exist in the repository") : new GitError("not_found", "the repository has no commits");
  return sha;
}

export async function directorySize(dir: string, cap = Number.POSITIVE_INFINITY): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else {
        try {
          total += (await lstat(p)).size;
        } catch {
          /* vanished while git works */
        }
        if (total > cap) return total;
      }
    }
  }
  return total;
}

export interface CloneOptions {
  timeoutMs: number;
  maxBytes: number;
  allowLocal?: boolean;
}

/** Shallow, single-branch clone into `dest` (which must not exist); returns the checked-out commit. */
export async function shallowClone(url: string, branch: string | null, dest: string, opts: CloneOptions): Promise<string> {
  await refuseLocalAddress(url, opts.allowLocal);
  const started = Date.now();
  const args = ["clone", "--depth", "1", "--single-branch", "--no-tags", "--no-recurse-submodules", "--quiet"];
  if (branch) args.push("--branch", branch);
  args.push("--", url, dest);
  await runGit(args, {
    timeoutMs: opts.timeoutMs,
    allowLocal: opts.allowLocal,
    watch: async () => {
      if ((await directorySize(dest, opts.maxBytes)) > opts.maxBytes) throw new GitError("too_large", `the repository is larger than the ${Math.round(opts.maxBytes / 2 ** 20)} MB limit`);
    },
  });
  // The watcher samples; a fast clone can overshoot between samples.
  if ((await directorySize(dest, opts.maxBytes)) > opts.maxBytes) throw new GitError("too_large", `the repository is larger than the ${Math.round(opts.maxBytes / 2 ** 20)} MB limit`);
  const remaining = Math.max(1000, opts.timeoutMs - (Date.now() - started));
  return (await runGit(["rev-parse", "HEAD"], { cwd: dest, timeoutMs: remaining, allowLocal: opts.allowLocal })).trim();
}
