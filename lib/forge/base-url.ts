/**
 * A forge's API base URL (github.com, GitHub Enterprise Server, gitlab.com, self-managed GitLab), checked with
 * the rules repository URLs go through (lib/repos/url.ts): https only, no credentials, no spelling URL parsers
 * read differently, the host normalised, and a host that is an address on this machine or a private network
 * refused unless POSTURE_GIT_ALLOWED_NETWORKS names it. What the host resolves to is checked again before
 * every request (lib/forge/http.ts).
 */
import type { BlockList } from "node:net";
import { isIP } from "node:net";
import { AddressRefusedError, allowedNetworks } from "../net/address.ts";
import { parseRepoUrl, RepoUrlError } from "../repos/url.ts";
import { ForgeError } from "./errors.ts";

export interface ForgeBase {
  /** Normalised host (lower case, punycode; IPv6 without brackets): the only host requests go to. */
  host: string;
  port: number;
  /** https://host[:port], as requests and pagination links must start. */
  origin: string;
  /** The API's path prefix, "" or e.g. "/api/v3"; no trailing slash. */
  prefix: string;
}

// Path segments of an API base: plain characters only (no percent-encoding, dot segments or empty segments).
const PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$/;

function parseBase(input: string, networks: BlockList): { host: string; port?: number; path: string } {
  const raw = input.trim();
  const m = /^https:\/\/([^/?#]*)([^?#]*)$/i.exec(raw);
  if (!m) {
    if (/^http:\/\//i.test(raw))
      throw new ForgeError("invalid_config", "the forge's URL must use https: credentials are never sent over plain http");
    throw new ForgeError("invalid_config", "the forge's URL must be https://host[/path] without a query or fragment");
  }
  if (m[1]!.includes("@")) throw new ForgeError("invalid_config", "the forge's URL cannot hold credentials: the token is given separately");
  const path = m[2]!.replace(/\/+$/, "");
  if (path.split("/").some((s) => s === "." || s === "..") || !PATH.test(path))
    throw new ForgeError("invalid_config", "the forge's URL path may only contain letters, digits and . _ ~ - between slashes");
  let parsed;
  try {
    // The authority is checked exactly as a repository URL's; the path below it is a placeholder.
    parsed = parseRepoUrl(`https://${m[1]}/_`, false, networks);
  } catch (e) {
    if (e instanceof AddressRefusedError)
      throw new ForgeError(
        "address_refused",
        `${m[1]} is an address on this machine or a private network; only forges on the public internet, or in POSTURE_GIT_ALLOWED_NETWORKS, are contacted`,
      );
    if (e instanceof RepoUrlError) throw new ForgeError("invalid_config", `the forge's URL is not accepted: ${e.message}`);
    throw e;
  }
  return { host: parsed.host!, port: parsed.port, path };
}

function base(host: string, port: number | undefined, prefix: string): ForgeBase {
  const p = port ?? 443;
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return { host, port: p, origin: `https://${h}${p === 443 ? "" : `:${p}`}`, prefix };
}

/**
 * github.com (https://github.com or https://api.github.com) is https://api.github.com; a GitHub Enterprise
 * Server given as https://ghe.example.com gets its /api/v3; a URL with a path is taken as the API's base.
 */
export function githubBase(input = "https://api.github.com", networks: BlockList = allowedNetworks()): ForgeBase {
  const { host, port, path } = parseBase(input, networks);
  if ((host === "github.com" || host === "api.github.com") && port === undefined && path === "")
    return base("api.github.com", undefined, "");
  return base(host, port, path === "" ? "/api/v3" : path);
}

/** gitlab.com or a self-managed GitLab, also one at a relative URL (https://host/gitlab): its /api/v4. */
export function gitlabBase(input = "https://gitlab.com", networks: BlockList = allowedNetworks()): ForgeBase {
  const { host, port, path } = parseBase(input, networks);
  return base(host, port, path.endsWith("/api/v4") ? path : `${path}/api/v4`);
}
