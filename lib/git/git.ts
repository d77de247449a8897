/**
 * The git CLI, run so that nothing in a repository can act on this machine: no hooks, no submodules, no
 * prompts, no tags, one branch, depth 1, a timeout and a size cap; the checkout is the caller's to remove.
 * And so that no repository URL can make it reach this machine or its networks: it connects only to the
 * addresses checked right before (remoteFor), follows no redirect, uses no proxy and speaks only the URL's
 * protocol; what it says when it fails is mapped to a few reasons (classify), its own words kept for the log.
 *
 * A stored credential (lib/credentials) is given to one git call at a time and to nothing else: an HTTPS token
 * as an `Authorization` header in configuration passed through the environment (never argv, which `ps` shows),
 * scoped to the remote's own origin; an SSH deploy key as a 0600 file in a private temporary folder, used with
 * only that identity and only the host keys pinned with it, the folder removed when git ends. The credential
 * names the host and port it is for, and is refused for any other remote.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, lstat, rm, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AddressRefusedError, checkedAddresses, HostUnresolvedError } from "../net/address.ts";
import { localRepoPath, parseRepoUrl, RepoUrlError } from "../repos/url.ts";

export type GitFailure =
  | "not_found"
  | "auth_required"
  | "credential_rejected"
  | "access_denied"
  | "host_key_mismatch"
  | "credential_unusable"
  | "branch_not_found"
  | "redirect"
  | "timeout"
  | "too_large"
  | "local_address"
  | "invalid_url"
  | "network"
  | "git_error";

/** Failures that will not go away by retrying. */
export const PERMANENT_FAILURES: ReadonlySet<GitFailure> = new Set([
  "not_found",
  "auth_required",
  "credential_rejected",
  "access_denied",
  "host_key_mismatch",
  "credential_unusable",
  "branch_not_found",
  "redirect",
  "timeout",
  "too_large",
  "local_address",
  "invalid_url",
]);

/**
 * A credential for one git call, already decrypted (lib/credentials/use.ts). `host` and `port` are those of the
 * scope it was stored for: git.ts refuses it for a remote anywhere else.
 */
export type GitCredential =
  | { type: "http"; host: string; port: number; username: string; password: string }
  | { type: "ssh"; host: string; port: number; privateKey: string; hostKeys: readonly string[] };

/** Where temporary key folders go, so the worker's orphan sweep (lib/scan/pipeline.ts) finds a killed worker's. */
export const KEY_DIR_PREFIX = "posture-gitkey-";

export class GitError extends Error {
  constructor(
    readonly code: GitFailure,
    /** Shown to people (the scan's failure reason): never git's own output, which can describe internal hosts. */
    message: string,
    /** For the worker's log only: git's stderr, or what was refused. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = "GitError";
  }
  get permanent(): boolean {
    return PERMANENT_FAILURES.has(this.code);
  }
}

/** Configuration every git command runs with: no hooks, fsmonitor, submodules or credential helpers of the machine's. */
export const LOCAL_GIT_HARDENING = [
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "core.symlinks=true",
  "submodule.recurse=false",
  "credential.helper=",
];

const SAFE_CONFIG = [
  ...LOCAL_GIT_HARDENING,
  "advice.detachedHead=false",
  // A redirect is a second, unchecked destination (an allowed host answering 302 to an internal URL).
  "http.followRedirects=false",
  "http.proxy=",
  // Resolution entries from the worker's own git config are cleared; the remote's checked addresses follow.
  "http.curloptResolve=",
  // Every transport off; the one the URL was checked for is turned back on per call.
  "protocol.allow=never",
].flatMap((c) => ["-c", c]);

const SSH = "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=20";

/**
 * git sees none of the worker's own environment (database and Redis URLs, tokens, http_proxy and the like):
 * only what it needs, plus `extra` (a credential's configuration).
 */
function gitEnv(sshCommand = SSH, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    ...extra,
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: "C",
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GIT_SSH_COMMAND: sshCommand,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_LFS_SKIP_SMUDGE: "1",
    GIT_PROTOCOL_FROM_USER: "0",
  };
  return env as NodeJS.ProcessEnv;
}

/**
 * git's stderr mapped to a few reasons a person can act on. Connection failures share one reason whatever
 * happened (refused, reset, TLS handshake, not speaking git): telling them apart would let anyone who can
 * register a URL map which ports answer where the worker is.
 */
export function classify(stderr: string, used?: GitCredential["type"]): GitError {
  const s = stderr.toLowerCase();
  const detail = stderr.trim().slice(-2000);
  if (/remote branch .* not found|couldn't find remote ref|not our ref/.test(s))
    return new GitError("branch_not_found", "the branch does not exist in the repository", detail);
  if (/returned error: 30\d/.test(s))
    return new GitError(
      "redirect",
      "the git server answered with a redirect, which is not followed: register the URL it redirects to",
      detail,
    );
  if (
    /host key verification failed|remote host identification has changed|host key is known for .* and you have requested strict checking|host key for .* has changed/.test(
      s,
    )
  )
    return new GitError(
      "host_key_mismatch",
      "host key mismatch: the SSH server's host key is not the one pinned for it (the server changed its key, or it is not the real server)",
      detail,
    );
  if (used === "http") {
    // A 401 makes git ask for a user name, which it cannot: the token itself was refused.
    if (
      /authentication failed|could not read username|could not read password|terminal prompts disabled|invalid username or password|returned error: 401/.test(
        s,
      )
    )
      return new GitError("credential_rejected", "the git server refused the token: it has expired, been revoked or is wrong", detail);
    if (/returned error: 403/.test(s))
      return new GitError("access_denied", "no access: the git server accepted the token, but it cannot read this repository", detail);
  }
  if (used === "ssh" && /permission denied \(publickey|permission to .* denied|denied to deploy key|access denied/.test(s))
    return new GitError("access_denied", "no access: the SSH server refused the deploy key for this repository", detail);
  if (
    /authentication failed|could not read username|permission denied \(publickey|terminal prompts disabled|invalid username or password|returned error: 40[13]/.test(
      s,
    )
  )
    return new GitError(
      "auth_required",
      "no access: the repository needs credentials, and no stored credential matches its URL (an admin or security lead adds one under Credentials)",
      detail,
    );
  if (/not found|returned error: 404|does not appear to be a git repository|does not exist|no such file or directory/.test(s))
    return new GitError("not_found", "the repository was not found at that URL", detail);
  if (/could not resolve host|could not resolve hostname|name or service not known|temporary failure in name resolution/.test(s))
    return new GitError("network", "the git server's host name could not be resolved", detail);
  if (
    /unable to access|connection|timed out|unreachable|no route|ssl|tls|certificate|handshake|early eof|rpc failed|hung up|unexpected disconnect|protocol error|invalid server response|not valid: is this a git repository|ssh:/.test(
      s,
    )
  )
    return new GitError(
      "network",
      "could not fetch from the git server: it could not be reached, or did not answer as a git server",
      detail,
    );
  return new GitError("git_error", "git could not fetch the repository", detail);
}

/** Where git connects, decided once the URL has been checked: only there, over the transport the URL names. */
export interface Remote {
  url: string;
  config: string[];
  sshCommand?: string;
  /** For network remotes: what a credential must be scoped to. */
  target?: { transport: "https" | "ssh"; host: string; port: number };
  /** ssh: the checked address ssh is pinned to (none when the host is an address). */
  sshAddress?: string;
}

interface RunOptions {
  cwd?: string;
  timeoutMs: number;
  remote?: Remote;
  credential?: GitCredential;
  /** Where a deploy key's temporary folder goes (default: the OS temp directory). */
  tmpRoot?: string;
  /** Called periodically while git runs; throw to abort (e.g. a size cap). */
  watch?: () => Promise<void>;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The host key lines ssh may accept, filed under one alias ssh is told to look up, whatever the port. */
const PINNED_ALIAS = "posture-pinned-host";

/**
 * What one git call needs for its credential: environment entries, an ssh command, and a folder to remove.
 * Refuses a credential for a remote other than the one it is scoped to, and any credential for a local
 * repository or over a transport it is not for.
 */
async function credentialSetup(
  remote: Remote | undefined,
  credential: GitCredential,
  tmpRoot: string,
): Promise<{ env: Record<string, string>; sshCommand?: string; dir?: string }> {
  const t = remote?.target;
  const wanted = credential.type === "http" ? "https" : "ssh";
  if (!t || t.transport !== wanted || t.host !== credential.host || t.port !== credential.port)
    throw new GitError(
      "credential_unusable",
      "the credential is not scoped to this repository's host, port and protocol, so it was not used",
      `credential for ${wanted}://${credential.host}:${credential.port}`,
    );
  const host = isIP(t.host) === 6 ? `[${t.host}]` : t.host;
  if (credential.type === "http") {
    const origin = `https://${host}${t.port === 443 ? "" : `:${t.port}`}/`;
    const basic = Buffer.from(`${credential.username}:${credential.password}`, "utf8").toString("base64");
    // http.<url>.extraHeader: git sends it only to this origin; the environment keeps it out of argv.
    return {
      env: { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: `http.${origin}.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` },
    };
  }
  const dir = await mkdtemp(join(tmpRoot, `${KEY_DIR_PREFIX}${process.pid}-`));
  try {
    const key = join(dir, "id");
    const knownHosts = join(dir, "known_hosts");
    await writeFile(key, `${credential.privateKey.replace(/\r\n?/g, "\n").trim()}\n`, { mode: 0o600, flag: "wx" });
    await writeFile(knownHosts, credential.hostKeys.map((k) => `${PINNED_ALIAS} ${k}\n`).join(""), { mode: 0o600, flag: "wx" });
    const opts = [
      // Nothing from ~/.ssh/config (a ProxyCommand there would be a second route), no agent, no other key.
      "-F /dev/null",
      "-o BatchMode=yes",
      "-o ConnectTimeout=20",
      "-o StrictHostKeyChecking=yes",
      `-o UserKnownHostsFile=${quote(knownHosts)}`,
      "-o GlobalKnownHostsFile=/dev/null",
      `-o HostKeyAlias=${PINNED_ALIAS}`,
      "-o UpdateHostKeys=no",
      "-o CheckHostIP=no",
      `-o IdentityFile=${quote(key)}`,
      "-o IdentitiesOnly=yes",
      "-o IdentityAgent=none",
      "-o PreferredAuthentications=publickey",
      "-o PasswordAuthentication=no",
      "-o KbdInteractiveAuthentication=no",
      ...(remote.sshAddress ? [`-o HostName=${remote.sshAddress}`] : []),
    ];
    return { env: {}, sshCommand: `ssh ${opts.join(" ")}`, dir };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function runGit(args: string[], opts: RunOptions): Promise<string> {
  const setup = opts.credential ? await credentialSetup(opts.remote, opts.credential, opts.tmpRoot ?? tmpdir()) : undefined;
  try {
    return await spawnGit(args, opts, setup);
  } finally {
    if (setup?.dir) await rm(setup.dir, { recursive: true, force: true });
  }
}

function spawnGit(
  args: string[],
  opts: RunOptions,
  setup: { env: Record<string, string>; sshCommand?: string } | undefined,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const env = gitEnv(setup?.sshCommand ?? opts.remote?.sshCommand, setup?.env);
    const child = spawn("git", [...SAFE_CONFIG, ...(opts.remote?.config ?? []), ...args], {
      cwd: opts.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
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
    const timer = setTimeout(
      () => kill(new GitError("timeout", `git did not finish within ${Math.round(opts.timeoutMs / 1000)} s`)),
      opts.timeoutMs,
    );
    const watcher = opts.watch
      ? setInterval(() => {
          opts.watch!().catch((e) =>
            kill(e instanceof GitError ? e : new GitError("git_error", "git could not fetch the repository", String(e))),
          );
        }, 250)
      : undefined;
    child.on("error", (e) => {
      clearTimeout(timer);
      if (watcher) clearInterval(watcher);
      reject(new GitError("git_error", "git could not be run on the worker", e.message));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (watcher) clearInterval(watcher);
      if (failure) reject(failure);
      else if (code === 0) resolvePromise(stdout);
      else reject(classify(stderr, opts.credential?.type));
    });
  });
}

/**
 * Checks the stored URL again with today's rules (it may predate them), resolves its host and checks every
 * address, and pins git to those addresses: libcurl's resolver is given them for https, and ssh connects to
 * the address checked while its host key stays filed under the name. A name resolving to something else by
 * the time git runs (DNS rebinding) changes nothing. Local repositories must still lie under their root,
 * symlinks resolved; git is given that real path.
 */
export async function remoteFor(storedUrl: string, allowLocal: boolean | undefined): Promise<Remote> {
  let parsed;
  try {
    parsed = parseRepoUrl(storedUrl, allowLocal);
    if (parsed.kind === "local") {
      const path = localRepoPath(parsed.url.replace(/^file:\/\//, ""));
      return { url: path, config: ["-c", "protocol.file.allow=always"] };
    }
  } catch (e) {
    if (e instanceof AddressRefusedError) throw new GitError("local_address", e.message, JSON.stringify(e.refused));
    if (e instanceof RepoUrlError) throw new GitError("invalid_url", `the repository URL is not accepted: ${e.message}`);
    throw e;
  }
  const host = parsed.host!;
  let addresses: string[];
  try {
    addresses = await checkedAddresses(host);
  } catch (e) {
    if (e instanceof AddressRefusedError) throw new GitError("local_address", e.message, JSON.stringify(e.refused));
    if (e instanceof HostUnresolvedError) throw new GitError("network", "the git server's host name could not be resolved", e.message);
    throw e;
  }
  if (parsed.kind === "https") {
    const pin = isIP(host)
      ? []
      : ["-c", `http.curloptResolve=${host}:${parsed.port ?? 443}:${addresses.map((a) => (isIP(a) === 6 ? `[${a}]` : a)).join(",")}`];
    return {
      url: parsed.url,
      config: ["-c", "protocol.https.allow=always", ...pin],
      target: { transport: "https", host, port: parsed.port ?? 443 },
    };
  }
  const pin = isIP(host) ? "" : ` -o HostName=${addresses[0]} -o HostKeyAlias=${host} -o CheckHostIP=no`;
  return {
    url: parsed.url,
    config: ["-c", "protocol.ssh.allow=always"],
    sshCommand: `${SSH}${pin}`,
    target: { transport: "ssh", host, port: parsed.port ?? 22 },
    sshAddress: isIP(host) ? undefined : addresses[0],
  };
}

export interface RemoteOptions {
  timeoutMs: number;
  allowLocal?: boolean;
  /** A stored credential for this repository (lib/credentials/use.ts); none for public repositories. */
  credential?: GitCredential;
  /** Where a deploy key's temporary folder goes (default: the OS temp directory). */
  tmpRoot?: string;
}

/** The commit the remote branch (or default branch) points at, without cloning. */
export async function remoteHead(url: string, branch: string | null, opts: RemoteOptions): Promise<string> {
  const remote = await remoteFor(url, opts.allowLocal);
  const ref = branch ? `refs/heads/${branch}` : "HEAD";
  const out = await runGit(["ls-remote", "--", remote.url, ref], {
    timeoutMs: opts.timeoutMs,
    remote,
    credential: opts.credential,
    tmpRoot: opts.tmpRoot,
  });
  const sha = out
    .split("\n")
    .find((l) => l.trim())
    ?.split(/\s+/)[0];
  if (!sha)
    throw branch
      ? new GitError("branch_not_found", "the branch does not exist in the repository")
      : new GitError("not_found", "the repository has no commits");
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

export interface CloneOptions extends RemoteOptions {
  maxBytes: number;
}

/** The size limit of a clone or fetch into `dest`, checked while git runs and after it. */
async function refuseOverSize(dest: string, maxBytes: number): Promise<void> {
  if ((await directorySize(dest, maxBytes)) > maxBytes)
    throw new GitError("too_large", `the repository is larger than the ${Math.round(maxBytes / 2 ** 20)} MB limit`);
}

/** How a clone or fetch from `remote` into `dest` runs: the caller's time limit and credential, the size limit watched. */
function transferOptions(remote: Remote, dest: string, opts: CloneOptions, cwd?: string): RunOptions {
  return {
    cwd,
    timeoutMs: opts.timeoutMs,
    remote,
    credential: opts.credential,
    tmpRoot: opts.tmpRoot,
    watch: () => refuseOverSize(dest, opts.maxBytes),
  };
}

/** Shallow, single-branch clone into `dest` (which must not exist); returns the checked-out commit. */
export async function shallowClone(url: string, branch: string | null, dest: string, opts: CloneOptions): Promise<string> {
  const remote = await remoteFor(url, opts.allowLocal);
  const started = Date.now();
  const args = ["clone", "--depth", "1", "--single-branch", "--no-tags", "--no-recurse-submodules", "--quiet"];
  if (branch) args.push("--branch", branch);
  args.push("--", remote.url, dest);
  await runGit(args, transferOptions(remote, dest, opts));
  // The watcher samples; a fast clone can overshoot between samples.
  await refuseOverSize(dest, opts.maxBytes);
  const remaining = Math.max(1000, opts.timeoutMs - (Date.now() - started));
  return (await runGit(["rev-parse", "HEAD"], { cwd: dest, timeoutMs: remaining })).trim();
}

/**
 * Moves a shallow clone to one exact commit of the same remote: a push scan scans the pushed commit, not whatever
 * the branch points at by the time the worker clones (forges serve a reachable commit by its id; git's protocol
 * v2 asks for it as any other object). Returns the commit checked out; throws GitError("not_found") when the
 * remote does not serve it (rewritten away, or a server that refuses objects by id).
 */
export async function checkoutCommit(url: string, dest: string, sha: string, opts: CloneOptions): Promise<string> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new GitError("invalid_url", "not a commit id");
  const remote = await remoteFor(url, opts.allowLocal);
  const started = Date.now();
  const left = () => Math.max(1000, opts.timeoutMs - (Date.now() - started));
  try {
    await runGit(
      ["fetch", "--depth", "1", "--no-tags", "--no-recurse-submodules", "--quiet", "--", remote.url, sha],
      transferOptions(remote, dest, opts, dest),
    );
  } catch (e) {
    if (e instanceof GitError && (e.code === "git_error" || e.code === "branch_not_found"))
      throw new GitError("not_found", "the remote does not serve that commit", e.detail);
    throw e;
  }
  await runGit(["checkout", "--quiet", "--detach", "FETCH_HEAD"], { cwd: dest, timeoutMs: left() });
  return (await runGit(["rev-parse", "HEAD"], { cwd: dest, timeoutMs: left() })).trim();
}

/**
 * Deepens a shallow clone by `commits` more commits of history (issue 16 §3: `git blame` of a depth-1 clone
 * attributes every line to the one commit it has). Same remote, addresses, credential, time and size limits as
 * the clone; the caller treats a failure as "no history".
 */
export async function deepen(url: string, dest: string, commits: number, opts: CloneOptions): Promise<void> {
  const remote = await remoteFor(url, opts.allowLocal);
  await runGit(
    ["fetch", `--deepen=${Math.max(1, Math.floor(commits))}`, "--no-tags", "--no-recurse-submodules", "--quiet", "--", remote.url],
    transferOptions(remote, dest, opts, dest),
  );
}

/** Who last changed each of `lines` (1-based) of `path` at `commit`: `git blame --porcelain` of a checkout, offline. */
export async function blameLines(dest: string, commit: string, path: string, lines: readonly number[], timeoutMs: number): Promise<string> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) throw new GitError("invalid_url", "not a commit id");
  const ranges = [...new Set(lines)].flatMap((n) => ["-L", `${n},${n}`]);
  // --root: a repository's first commit wrote its lines; a shallow clone's cut-off commit looks the same, and the
  // caller tells them apart by the clone's list of shallow commits.
  return runGit(["blame", "--porcelain", "--root", ...ranges, commit, "--", path], { cwd: dest, timeoutMs });
}
