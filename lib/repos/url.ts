import { realpathSync } from "node:fs";
import type { BlockList } from "node:net";
import { isIP } from "node:net";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { domainToASCII } from "node:url";
import { config, type Env } from "../config.ts";
import { demoReposDir } from "../demo/dir.ts";
import { allowedNetworks, refuseLiteralAddress } from "../net/address.ts";
import { DomainError } from "../errors.ts";

/** The URL is not one Posture accepts. A host that is a refused address is an AddressRefusedError instead. */
export class RepoUrlError extends DomainError {
  constructor(message: string) {
    super("invalid_url", message);
  }
}

export interface ParsedRepoUrl {
  /**
   * What git is given: for https and ssh, rebuilt from the parts checked (host normalised), so git and libcurl
   * cannot read a different host out of it than the one checked; for local repositories, the path.
   */
  url: string;
  /** Identity for duplicate detection: host lower-cased, no trailing slash or ".git". */
  key: string;
  kind: "https" | "ssh" | "scp" | "local";
  /** Last path segment without ".git": a default display name. */
  name: string;
  /** https, ssh, scp: lower case, IDNA (punycode), no trailing dot; an IPv6 address without brackets. */
  host?: string;
  port?: number;
}

export function localReposAllowed(env?: Env): boolean {
  return config(env).allowLocalRepos;
}

/**
 * The path with symlinks resolved in the part that exists; a part that does not exist yet has none. (A
 * repository registered before it is created is checked again, fully resolved, before every clone.)
 */
function realPath(p: string): string {
  const missing: string[] = [];
  let head = resolve(p);
  for (;;) {
    try {
      return join(realpathSync(head), ...missing);
    } catch {
      const parent = dirname(head);
      if (parent === head) return resolve(p);
      missing.unshift(basename(head));
      head = parent;
    }
  }
}

/** The one folder local repositories may be in, symlinks resolved: POSTURE_LOCAL_REPOS_ROOT, by default the demo's. */
export function localReposRoot(env?: Env): string {
  return realPath(config(env).localReposRoot ?? demoReposDir(env));
}

/**
 * The real path of a local repository (symlinks resolved), which must lie inside localReposRoot(): git is given
 * this path, so a link swapped in after the check leads nowhere else.
 */
export function localRepoPath(path: string, env?: Env): string {
  const root = localReposRoot(env);
  const real = realPath(path);
  if (!real.startsWith(root + sep))
    throw new RepoUrlError(
      "local repositories must be inside the folder set by POSTURE_LOCAL_REPOS_ROOT (by default the demo's repositories)",
    );
  return real;
}

function baseName(path: string): string {
  const seg = path.replace(/\/+$/, "").split("/").pop() ?? "";
  return seg.replace(/\.git$/, "") || "repository";
}

function stripGit(path: string): string {
  return path.replace(/\/+$/, "").replace(/\.git$/, "");
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * One spelling per host, the one that is checked and the one git gets: lower case, IDNA to punycode, one
 * trailing dot dropped, IPv4 in dotted decimal (the WHATWG host parser turns 127.1, 2130706433 and 0x7f.1
 * into 127.0.0.1; git, ssh and libcurl may read those spellings the same way, so they must be checked as
 * that), IPv6 compressed. Anything that is not then a plain host name or address is refused.
 */
function normaliseHost(raw: string): string {
  if (raw.startsWith("[")) {
    const inner = raw.endsWith("]") ? raw.slice(1, -1) : "";
    if (isIP(inner) !== 6) throw new RepoUrlError("the URL is malformed (its IPv6 address)");
    return new URL(`http://[${inner}]/`).hostname.slice(1, -1);
  }
  const ascii = domainToASCII(raw.toLowerCase());
  const host = ascii.endsWith(".") ? ascii.slice(0, -1) : ascii;
  if (isIP(host) === 4) return host;
  if (!host || host.length > 253 || !host.split(".").every((l) => LABEL.test(l))) throw new RepoUrlError(`${raw} is not a valid host name`);
  return host;
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * Accepts https://, ssh:// and scp-like git@host:path URLs; local paths and file:// only when local repositories
 * are allowed (demo and tests), and only inside localReposRoot(). Refuses credentials in URLs, options smuggled
 * as URLs, spellings that URL parsers read differently (backslashes, percent-encoding, whitespace and control
 * characters in the scheme or authority), and hosts that are addresses on this machine or private networks.
 * A host name is only parsed here; what it resolves to is checked by checkedAddresses() (lib/net/address.ts).
 */
export function parseRepoUrl(input: string, allowLocal = localReposAllowed(), networks: BlockList = allowedNetworks()): ParsedRepoUrl {
  const raw = input.trim();
  if (!raw) throw new RepoUrlError("the URL is empty");
  if (raw.length > 2048) throw new RepoUrlError("the URL is too long");
  if (/[\s\x00-\x1f\x7f]/.test(raw)) throw new RepoUrlError("the URL contains spaces or control characters");
  if (raw.startsWith("-")) throw new RepoUrlError("the URL cannot start with '-'");
  // The WHATWG parser reads a backslash as a slash, libcurl and git as part of the user name: the host each
  // sees differs (https://192.0.2.1\@127.0.0.1/). No repository URL needs one.
  if (raw.includes("\\")) throw new RepoUrlError("the URL cannot contain a backslash");

  const scp = /^([^@/:]+)@([^/:]+):(?!\/\/)(.+)$/.exec(raw);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    const [, user, rawHost, path] = scp as unknown as [string, string, string, string];
    if (/%/.test(user + rawHost)) throw new RepoUrlError("percent-encoded characters are not accepted in the host or user name");
    if (!/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(user)) throw new RepoUrlError(`${user} is not a valid user name`);
    const host = normaliseHost(rawHost);
    refuseLiteralAddress(host, networks);
    if (path.includes("..")) throw new RepoUrlError("the repository path cannot contain '..'");
    return {
      url: `${user}@${host}:${path}`,
      key: `ssh://${host}/${stripGit(path.replace(/^\/+/, ""))}`,
      kind: "scp",
      name: baseName(path),
      host,
    };
  }

  if (/^file:\/\//i.test(raw)) {
    if (!allowLocal) throw new RepoUrlError("local repositories are not allowed (set POSTURE_ALLOW_LOCAL_REPOS=1 for demos and tests)");
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new RepoUrlError("the URL is malformed");
    }
    if (u.host && u.host !== "localhost") throw new RepoUrlError("a file:// URL cannot name a host");
    const path = decodeURIComponent(u.pathname);
    localRepoPath(path);
    return { url: `file://${path}`, key: `file://${stripGit(path)}`, kind: "local", name: baseName(path) };
  }

  const net = /^(https|ssh):\/\/([^/]*)(.*)$/i.exec(raw);
  if (net) {
    const scheme = net[1]!.toLowerCase() as "https" | "ssh";
    const authority = net[2]!;
    const rest = net[3]!;
    if (/[?#]/.test(authority) || /[?#]/.test(rest)) throw new RepoUrlError("the URL cannot have a query or fragment");
    if (authority.includes("%")) throw new RepoUrlError("percent-encoded characters are not accepted in the host or user name");
    const at = authority.lastIndexOf("@");
    const userinfo = at === -1 ? "" : authority.slice(0, at);
    const hostport = authority.slice(at + 1);
    if (userinfo.includes("@")) throw new RepoUrlError("the URL cannot have more than one '@'");
    if (scheme === "https" && at !== -1)
      throw new RepoUrlError(
        "credentials in the URL are not accepted: an admin or security lead stores a token for the host under Credentials",
      );
    if (userinfo.includes(":")) throw new RepoUrlError("passwords in the URL are not accepted");
    if (at !== -1 && !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(userinfo))
      throw new RepoUrlError(`${userinfo || "(empty)"} is not a valid user name`);
    const hp = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(hostport);
    if (!hp) throw new RepoUrlError("the URL is malformed");
    if (!hp[1]) throw new RepoUrlError("the URL has no host");
    const host = normaliseHost(hp[1]);
    const port = hp[2] === undefined ? undefined : Number(hp[2]);
    if (port !== undefined && (port < 1 || port > 65535)) throw new RepoUrlError("the URL's port is not valid");
    refuseLiteralAddress(host, networks);
    // https paths as every HTTP client sends them (dot segments resolved, unsafe characters encoded).
    const path = scheme === "https" ? new URL(`https://h${rest.startsWith("/") ? rest : `/${rest}`}`).pathname : rest;
    if (stripGit(path).replace(/\//g, "") === "") throw new RepoUrlError("the URL has no repository path");
    const origin = `${urlHost(host)}${port === undefined ? "" : `:${port}`}`;
    return {
      url: `${scheme}://${at === -1 ? "" : `${userinfo}@`}${origin}${path.replace(/\/+$/, "")}`,
      key: `${scheme}://${origin}${stripGit(path)}`,
      kind: scheme,
      name: baseName(path),
      host,
      port,
    };
  }

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw))
    throw new RepoUrlError(`unsupported scheme ${raw.split(":")[0]}: use https://, ssh:// or git@host:path`);
  if (isAbsolute(raw) || raw.startsWith(".")) {
    if (!allowLocal) throw new RepoUrlError("local repositories are not allowed (set POSTURE_ALLOW_LOCAL_REPOS=1 for demos and tests)");
    const path = resolve(raw);
    localRepoPath(path);
    return { url: path, key: `file://${stripGit(path)}`, kind: "local", name: baseName(path) };
  }
  throw new RepoUrlError("not a repository URL: use https://host/org/repo, ssh://git@host/org/repo or git@host:org/repo");
}
