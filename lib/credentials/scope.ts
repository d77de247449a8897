/**
 * Where a credential may be used: one host (and port) over one transport, and a path prefix on it, written
 * `github.com/acme/*` (every repository under acme), `gitlab.example.com:8443/ml/serving` (that group or
 * repository and what is below it) or `github.com` (the whole host). The host is spelled exactly as the
 * repository URL rules spell it (lib/repos/url.ts), so a credential and a repository agree on what "the same
 * host" is; a repository matches when its host and port are equal and its path starts with the prefix, segment
 * by segment, ignoring case. The most specific scope (most segments) wins.
 */
import { BlockList } from "node:net";
import { parseRepoUrl, RepoUrlError, type ParsedRepoUrl } from "../repos/url.ts";
import { DomainError } from "../errors.ts";

export type Target = NonNullable<ReturnType<typeof repositoryTarget>>;
export type Transport = "https" | "ssh";
export const DEFAULT_PORT: Record<Transport, number> = { https: 443, ssh: 22 };

export interface Scope {
  transport: Transport;
  /** Normalised as lib/repos/url.ts does: lower case, IDNA, no trailing dot; IPv6 without brackets. */
  host: string;
  /** Always set: the transport's default when the scope names none. */
  port: number;
  /** Lower-case segments joined by "/"; "" for the whole host. */
  pathPrefix: string;
}

export class ScopeError extends DomainError {
  constructor(message: string) {
    super("invalid_input", message, { field: "scope" });
  }
}

// Scopes are parsed, not connected to: the address rules are for git's connections (a scope on an internal
// host is harmless until a repository there is allowed and registered).
export const ANY_NETWORK = (() => {
  const b = new BlockList();
  b.addSubnet("0.0.0.0", 0, "ipv4");
  b.addSubnet("::", 0, "ipv6");
  return b;
})();

const SEGMENT = /^[A-Za-z0-9._~+-]+$/;

function segments(path: string): string[] {
  return path
    .split("/")
    .filter(Boolean)
    .map((s) => s.toLowerCase());
}

/** `host[:port][/path][/*]`, optionally written as a URL (`https://host/path`, `git@host:path`). */
export function parseScope(input: string, transport: Transport): Scope {
  let raw = input.trim();
  if (!raw) throw new ScopeError("give the scope: a host and optionally a path, e.g. github.com/acme/*");
  if (raw.length > 500) throw new ScopeError("the scope is too long");
  raw = raw.replace(/^(https|ssh):\/\//i, "");
  const scp = /^[A-Za-z0-9._-]+@([^/:]+):(?!\d+(\/|$))(.*)$/.exec(raw);
  if (scp) raw = `${scp[1]}/${scp[3]}`;
  else raw = raw.replace(/^[A-Za-z0-9._-]+@/, "");
  const slash = raw.indexOf("/");
  const hostport = slash === -1 ? raw : raw.slice(0, slash);
  let path = slash === -1 ? "" : raw.slice(slash + 1);
  path = path
    .replace(/\/?\*$/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  if (path.includes("*")) throw new ScopeError("a scope is a prefix: only a trailing /* is accepted, e.g. github.com/acme/*");
  const segs = path.split("/").filter(Boolean);
  for (const s of segs) {
    if (s === "." || s === ".." || !SEGMENT.test(s)) throw new ScopeError(`"${s}" is not a path segment a scope can have`);
  }
  let parsed: ParsedRepoUrl;
  try {
    parsed = parseRepoUrl(`https://${hostport}/scope`, false, ANY_NETWORK);
  } catch (e) {
    if (e instanceof RepoUrlError) throw new ScopeError(`the scope's host is not valid: ${e.message}`);
    throw e;
  }
  const port = parsed.port ?? DEFAULT_PORT[transport];
  return { transport, host: parsed.host!, port, pathPrefix: segments(segs.join("/")).join("/") };
}

export function formatScope(s: Pick<Scope, "transport" | "host" | "port" | "pathPrefix">): string {
  const host = s.host.includes(":") ? `[${s.host}]` : s.host;
  const origin = s.port === DEFAULT_PORT[s.transport] ? host : `${host}:${s.port}`;
  return s.pathPrefix ? `${origin}/${s.pathPrefix}/*` : `${origin}/*`;
}

/** Where a repository URL points, in scope terms; null for local repositories (never given a credential). */
export function repositoryTarget(url: ParsedRepoUrl | string): { transport: Transport; host: string; port: number; path: string[] } | null {
  if (typeof url === "string") {
    try {
      // Only remote URLs can match; whether git may connect there is decided where it connects.
      url = parseRepoUrl(url, false, ANY_NETWORK);
    } catch {
      return null;
    }
  }
  if (url.kind === "local" || !url.host) return null;
  const transport: Transport = url.kind === "https" ? "https" : "ssh";
  // The key is the URL rebuilt from its checked parts, without user, ".git" or trailing slash.
  const afterOrigin = url.key.replace(/^[a-z]+:\/\/(\[[^\]]*\]|[^/]*)/, "");
  return { transport, host: url.host, port: url.port ?? DEFAULT_PORT[transport], path: segments(afterOrigin) };
}

/** How specific a scope is for a target (segments matched), or -1 when it does not apply. */
export function scopeMatch(scope: Scope, target: Target): number {
  if (scope.transport !== target.transport || scope.host !== target.host || scope.port !== target.port) return -1;
  const prefix = scope.pathPrefix ? scope.pathPrefix.split("/") : [];
  if (prefix.length > target.path.length) return -1;
  return prefix.every((s, i) => target.path[i] === s) ? prefix.length : -1;
}
