/**
 * Which network addresses the worker may connect to: public unicast ones only, unless an operator names a
 * private network where their own git server is (POSTURE_GIT_ALLOWED_NETWORKS). Below everything that
 * connects: lib/repos/url.ts applies it to a repository URL's host at registration, lib/git/git.ts to every
 * address the host resolves to right before git connects (and then connects git to exactly those), lib/forge
 * to the forges' APIs.
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { config, type Env } from "../config.ts";

/** The host is (or resolves to) an address that may not be connected to. */
export class AddressRefusedError extends Error {
  constructor(
    message: string,
    /** For the worker's log only: the address is itself a detail of the internal network. */
    readonly refused: { address: string; kind: string }[],
  ) {
    super(message);
  }
}

/** The host name has no address (no DNS answer): not a refusal; nothing could connect either. */
export class HostUnresolvedError extends Error {}

type Range = readonly [network: string, prefix: number, kind: string];

const V4: Range[] = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared (CGNAT)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "6to4 relay"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

// IPv6 outside global unicast (2000::/3) is refused whatever it is; these name the common kinds, and the
// last ones are special ranges inside 2000::/3 (Teredo and 6to4 embed an IPv4 address that may be local).
const V6: Range[] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["::ffff:0:0", 96, "IPv4-mapped"],
  ["::", 96, "IPv4-compatible"],
  ["64:ff9b::", 96, "NAT64"],
  ["64:ff9b:1::", 48, "NAT64"],
  ["100::", 64, "discard"],
  ["fc00::", 7, "unique-local"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local"],
  ["ff00::", 8, "multicast"],
  ["2001::", 23, "IETF protocol assignment (Teredo and others)"],
  ["2001:db8::", 32, "documentation"],
  ["2002::", 16, "6to4"],
  ["3fff::", 20, "documentation"],
];

function blockList(ranges: Range[], family: "ipv4" | "ipv6") {
  const list = new BlockList();
  // Longest prefix first, so the most specific range names an address (::1 is also inside ::/96).
  const kinds = [...ranges]
    .sort((a, b) => b[1] - a[1])
    .map(([net, prefix, kind]) => {
      const one = new BlockList();
      one.addSubnet(net, prefix, family);
      list.addSubnet(net, prefix, family);
      return [one, kind] as const;
    });
  return { family, kindOf: (ip: string) => (list.check(ip, family) ? kinds.find(([l]) => l.check(ip, family))![1] : null) };
}

const NOT_PUBLIC_V4 = blockList(V4, "ipv4");
const NOT_PUBLIC_V6 = blockList(V6, "ipv6");
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet("2000::", 3, "ipv6");

/** What kind of non-public address `ip` is, or null when it is a public unicast address. */
export function nonPublicKind(ip: string): string | null {
  const family = isIP(ip);
  if (family === 4) return NOT_PUBLIC_V4.kindOf(ip);
  if (family === 6) return NOT_PUBLIC_V6.kindOf(ip) ?? (GLOBAL_UNICAST_V6.check(ip, "ipv6") ? null : "reserved");
  return "not an IP address";
}

/**
 * POSTURE_GIT_ALLOWED_NETWORKS: comma-separated CIDRs (10.20.0.0/16, fd00:1::/48) where a git server may be
 * although the addresses are not public, e.g. an internal GitLab. Empty by default; lib/config.ts checks it.
 */
export function allowedNetworks(env?: Env): BlockList {
  const list = new BlockList();
  for (const n of config(env).gitAllowedNetworks) list.addSubnet(n.address, n.prefix, n.family);
  return list;
}

/** Whether git may connect to `ip`: a public unicast address, or one inside an allowed network. */
export function addressAllowed(ip: string, networks: BlockList): boolean {
  return nonPublicKind(ip) === null || (isIP(ip) !== 0 && networks.check(ip, isIP(ip) === 4 ? "ipv4" : "ipv6"));
}

/** Refuses, without DNS, hosts that are addresses that may not be connected to, and names for this machine. */
export function refuseLiteralAddress(host: string, networks: BlockList): void {
  const isLocalName = host === "localhost" || host.endsWith(".localhost");
  const address = isLocalName ? "127.0.0.1" : isIP(host) ? host : null;
  if (address && !addressAllowed(address, networks)) {
    const kind = nonPublicKind(address)!;
    throw new AddressRefusedError(`${host} is a local or private address (${kind}); only git hosts on the public internet can be scanned`, [
      { address, kind },
    ]);
  }
}

/**
 * Every address the host resolves to, each one allowed (public, or in POSTURE_GIT_ALLOWED_NETWORKS); throws
 * AddressRefusedError when any is not (one bad address is enough: the resolver picks which one is used), and
 * HostUnresolvedError when the name does not resolve.
 */
export async function checkedAddresses(host: string, networks: BlockList = allowedNetworks()): Promise<string[]> {
  refuseLiteralAddress(host, networks);
  if (isIP(host)) return [host];
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw new HostUnresolvedError(`${host} does not resolve`);
  }
  if (addresses.length === 0) throw new HostUnresolvedError(`${host} does not resolve`);
  const refused = addresses
    .filter((a) => !addressAllowed(a, networks))
    .map((address) => ({ address, kind: nonPublicKind(address) ?? "unknown" }));
  if (refused.length)
    throw new AddressRefusedError(
      `${host} resolves to an address on this machine or a private network; only git hosts on the public internet can be scanned`,
      refused,
    );
  return addresses;
}
