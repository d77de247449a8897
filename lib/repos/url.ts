import { isAbsolute, resolve } from "node:path";
import { isIP } from "node:net";

export class RepoUrlError extends Error {}

export interface ParsedRepoUrl {
  /** What git clones. */
  url: string;
  /** Identity for duplicate detection: host lower-cased, no trailing slash or ".git". */
  key: string;
  kind: "https" | "ssh" | "scp" | "local";
  /** Last path segment without ".git": a default display name. */
  name: string;
}

export function localReposAllowed(env = process.env): boolean {
  return env.POSTURE_ALLOW_LOCAL_REPOS === "1";
}

/** Also used by lib/git at clone time, on the addresses a host name resolves to. */
export function isLocalHost(host: string): boolean {
  let h = host.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "");
  // git and ssh accept IPv4 spellings the URL parser leaves alone in ssh:// and scp-like URLs (127.1,
  // 2130706433, 0x7f.1): normalise them the way the WHATWG parser does for https.
  if (isIP(h) === 0 && /^[0-9a-fx.]+$/.test(h)) {
    try {
      h = new URL(`http://${h}/`).hostname;
    } catch {
      /* not an address */
    }
  }
  // IPv4-mapped IPv6 (::ffff:127.0.0.1, or its hex form ::ffff:7f00:1) reaches the IPv4 address.
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(h);
  if (mapped) {
    const hi = parseInt(mapped[2] ?? "0", 16);
    const lo = parseInt(mapped[3] ?? "0", 16);
    h = mapped[1] ?? `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  if (h === "localhost" || h.endsWith(".localhost") || h === "0.0.0.0") return true;
  if (isIP(h) === 4) return h.startsWith("127.") || h.startsWith("10.") || h.startsWith("169.254.") || h.startsWith("192.168.") || /^172\.(1[6-9]|2\d|3[01])\./.test(h);
  if (isIP(h) === 6) return h === "::1" || h.startsWith("fe80:") || h.startsWith("fc") || h.startsWith("fd") || h === "::";
  return false;
}

function baseName(path: string): string {
  const seg = path.replace(/\/+$/, "").split("/").pop() ?? "";
  return seg.replace(/\.git$/, "") || "repository";
}

function stripGit(path: string): string {
  return path.replace(/\/+$/, "").replace(/\.git$/, "");
}

/**
 * Accepts https://, ssh:// and scp-like git@host:path URLs; local paths and file:// only when local repositories
 * are allowed (demo and tests). Rejects credentials in URLs, options smuggled as URLs, and hosts on this machine
 * or private networks unless local repositories are allowed.
 */
export function parseRepoUrl(input: string, allowLocal = localReposAllowed()): ParsedRepoUrl {
  const raw = input.trim();
  if (!raw) throw new RepoUrlError("the URL is empty");
  if (raw.length > 2048) throw new RepoUrlError("the URL is too long");
  if (/[\s\x00-\x1f\x7f]/.test(raw)) throw new RepoUrlError("the URL contains spaces or control characters");
  if (raw.startsWith("-")) throw new RepoUrlError("the URL cannot start with '-'");

  const scp = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(raw);
  if (scp) {
    const [, , host, path] = scp as unknown as [string, string, string, string];
    if (!allowLocal && isLocalHost(host)) throw new RepoUrlError(`${host} is a local or private address`);
    if (path.includes("..")) throw new RepoUrlError("the repository path cannot contain '..'");
    return { url: raw, key: `ssh://${host.toLowerCase()}/${stripGit(path.replace(/^\/+/, ""))}`, kind: "scp", name: baseName(path) };
  }

  if (/^(https|ssh|file):\/\//i.test(raw)) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new RepoUrlError("the URL is malformed");
    }
    const scheme = u.protocol.slice(0, -1).toLowerCase();
    if (scheme === "file") {
      if (!allowLocal) throw new RepoUrlError("local repositories are not allowed (set POSTURE_ALLOW_LOCAL_REPOS=1 for demos and tests)");
      const path = decodeURIComponent(u.pathname);
      return { url: `file://${path}`, key: `file://${stripGit(path)}`, kind: "local", name: baseName(path) };
    }
    if (!u.hostname) throw new RepoUrlError("the URL has no host");
    if (scheme === "https" && (u.username || u.password)) throw new RepoUrlError("credentials in the URL are not accepted; use a deploy key or a credential helper on the worker");
    if (u.password) throw new RepoUrlError("passwords in the URL are not accepted");
    if (u.search || u.hash) throw new RepoUrlError("the URL cannot have a query or fragment");
    if (!allowLocal && isLocalHost(u.hostname)) throw new RepoUrlError(`${u.hostname} is a local or private address`);
    const path = stripGit(u.pathname);
    if (path.replace(/\//g, "") === "") throw new RepoUrlError("the URL has no repository path");
    const port = u.port ? `:${u.port}` : "";
    return { url: raw.replace(/\/+$/, ""), key: `${scheme === "https" ? "https" : "ssh"}://${u.hostname.toLowerCase()}${port}${path}`, kind: scheme as "https" | "ssh", name: baseName(u.pathname) };
  }

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw new RepoUrlError(`unsupported scheme ${raw.split(":")[0]}: use https://, ssh:// or git@host:path`);
  if (isAbsolute(raw) || raw.startsWith(".")) {
    if (!allowLocal) throw new RepoUrlError("local repositories are not allowed (set POSTURE_ALLOW_LOCAL_REPOS=1 for demos and tests)");
    const path = resolve(raw);
    return { url: path, key: `file://${stripGit(path)}`, kind: "local", name: baseName(path) };
  }
  throw new RepoUrlError("not a repository URL: use https://host/org/repo, ssh://git@host/org/repo or git@host:org/repo");
}
