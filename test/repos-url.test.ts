import { mkdirSync, symlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AddressRefusedError, allowedNetworks, checkedAddresses, HostUnresolvedError, nonPublicKind } from "../lib/net/address.ts";
import { localReposRoot, parseRepoUrl } from "../lib/repos/url.ts";
import { scratch } from "./helpers.ts";

describe("repository URLs", () => {
  it("accepts https, ssh and scp-like URLs and derives one identity for spellings of the same repository", () => {
    const a = parseRepoUrl("https://GitHub.com/pytorch/serve.git", false);
    const b = parseRepoUrl("https://github.com/pytorch/serve/", false);
    const c = parseRepoUrl("https://github.com./pytorch/serve", false);
    expect(a.key).toBe(b.key);
    expect(c.key).toBe(b.key);
    // git is given the host as it was checked: lower case, no trailing dot.
    expect(a).toMatchObject({ kind: "https", name: "serve", url: "https://github.com/pytorch/serve.git", host: "github.com" });
    expect(c.url).toBe("https://github.com/pytorch/serve");
    expect(parseRepoUrl("ssh://git@github.com/bentoml/BentoML.git", false)).toMatchObject({
      kind: "ssh",
      name: "BentoML",
      url: "ssh://git@github.com/bentoml/BentoML.git",
    });
    expect(parseRepoUrl("ssh://git@gitlab.example.com:2222/ml/serving.git", false)).toMatchObject({
      url: "ssh://git@gitlab.example.com:2222/ml/serving.git",
      port: 2222,
      key: "ssh://gitlab.example.com:2222/ml/serving",
    });
    expect(parseRepoUrl("git@github.com:bentoml/BentoML.git", false)).toMatchObject({
      kind: "scp",
      name: "BentoML",
      key: "ssh://github.com/bentoml/BentoML",
      url: "git@github.com:bentoml/BentoML.git",
    });
    expect(parseRepoUrl("https://8.8.8.8/o/r", false).host).toBe("8.8.8.8");
  });

  it("normalises an internationalised host name to the punycode git connects to", () => {
    expect(parseRepoUrl("https://Bücher.example/o/r", false)).toMatchObject({
      host: "xn--bcher-kva.example",
      url: "https://xn--bcher-kva.example/o/r",
    });
    expect(parseRepoUrl("git@bücher.example:o/r", false).url).toBe("git@xn--bcher-kva.example:o/r");
  });

  it.each([
    ["", /empty/],
    ["ftp://example.com/repo", /unsupported scheme ftp/],
    ["http://example.com/repo", /unsupported scheme http/],
    ["https://user:token@github.com/o/r", /credentials/],
    ["https://github.com/", /no repository path/],
    ["https://github.com/o/r?x=1", /query/],
    ["https://[::1/o/r", /malformed/],
    ["--upload-pack=touch", /cannot start with '-'/],
    ["https://github.com/o/r\nx", /control characters/],
    ["justwords", /not a repository URL/],
    ["a b", /spaces/],
    ["https://127.0.0.1:6379/o/r", /local or private address/],
    ["https://localhost/o/r", /local or private address/],
    ["https://10.0.0.5/o/r", /local or private address/],
    ["git@192.168.1.2:o/r", /local or private address/],
    ["/srv/repos/x", /local repositories are not allowed/],
    ["file:///srv/repos/x", /local repositories are not allowed/],
  ])("refuses %j with a clear reason", (input, reason) => {
    expect(() => parseRepoUrl(input, false)).toThrow(reason);
  });

  // Issue 15: spellings the address check read one way and git or libcurl another.
  it.each([
    // The WHATWG parser sees host 192.0.2.1 (the backslash ends the authority); libcurl connects to 127.0.0.1.
    ["https://192.0.2.1\\@127.0.0.1:3400/x", /backslash/],
    ["https://93.184.215.14\\@127.0.0.1:3400/x", /backslash/],
    ["https://github.com\\.evil.example/o/r", /backslash/],
    // git percent-decodes ssh:// hosts: 127.0.0.1 and localhost.
    ["ssh://git@%31%32%37.0.0.1:3400/x", /percent-encoded/],
    ["ssh://git@localhos%74:3400/x", /percent-encoded/],
    ["https://%6cocalhost/o/r", /percent-encoded/],
    ["ssh://%2doProxyCommand=x@example.com/x", /percent-encoded/],
    ["git@%31%32%37.0.0.1:o/r", /percent-encoded/],
    ["https://github.com\u00a0/o/r", /spaces/],
    ["https://github.com\t/o/r", /control characters/],
    ["https://evil.example#@github.com/o/r", /query or fragment/],
    ["https://github.com@127.0.0.1/o/r", /credentials/],
    ["ssh://a@b@github.com/o/r", /more than one '@'/],
    ["ssh://-oProxyCommand=x@github.com/o/r", /not a valid user name/],
    ["git@-oProxyCommand=x:o/r", /not a valid host name/],
    ["https://-x.example/o/r", /not a valid host name/],
    ["https://exa_mple.com/o/r", /not a valid host name/],
    ["https://github.com:99999/o/r", /port/],
  ])("refuses %j, which parsers read differently", (input, reason) => {
    expect(() => parseRepoUrl(input, false)).toThrow(reason);
  });

  it.each([
    ["https://100.64.0.1/o/r", "shared (CGNAT)"],
    ["https://100.127.255.254/o/r", "shared (CGNAT)"],
    ["https://[::127.0.0.1]/o/r", "IPv4-compatible"],
    ["https://[64:ff9b::7f00:1]/o/r", "NAT64"],
    ["https://[fec0::1]/o/r", "site-local"],
    ["https://[::ffff:127.0.0.1]:6379/x", "IPv4-mapped"],
    ["https://[::ffff:7f00:1]/x", "IPv4-mapped"],
    ["https://[::1]/x", "loopback"],
    ["https://[::]/x", "unspecified"],
    ["https://0.0.0.0/x", "unspecified"],
    ["https://[fd00::1]/x", "unique-local"],
    ["https://[fe80::1]/x", "link-local"],
    ["https://169.254.169.254/latest", "link-local"],
    ["https://[2002:7f00:1::]/x", "6to4"],
    ["https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x", "IETF protocol assignment (Teredo and others)"],
    ["https://224.0.0.1/x", "multicast"],
    ["https://255.255.255.255/x", "reserved"],
    ["ssh://git@127.1:6379/x", "loopback"],
    ["git@2130706433:org/repo", "loopback"],
    ["git@0x7f.1:org/repo", "loopback"],
    ["ssh://git@0/x", "unspecified"],
    ["https://LOCALHOST./x", "loopback"],
    ["https://ci.localhost/x", "loopback"],
  ])("refuses %s: a %s address", (input, kind) => {
    let err: unknown;
    try {
      parseRepoUrl(input, false);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AddressRefusedError);
    expect((err as Error).message).toContain(`(${kind})`);
  });

  it("tells public addresses from every other kind", () => {
    for (const ip of ["8.8.8.8", "140.82.112.3", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"])
      expect(nonPublicKind(ip), ip).toBeNull();
    expect(nonPublicKind("172.31.255.255")).toBe("private");
    expect(nonPublicKind("172.32.0.1")).toBeNull();
    expect(nonPublicKind("198.18.0.1")).toBe("benchmarking");
    // IPv6 outside global unicast is refused even where no range names it.
    expect(nonPublicKind("4000::1")).toBe("reserved");
  });

  it("lets an operator allow their internal git server's network, and nothing more", () => {
    const networks = allowedNetworks({ POSTURE_GIT_ALLOWED_NETWORKS: "10.20.0.0/16, fd00:1::/48" });
    expect(parseRepoUrl("https://10.20.3.4/ml/serving", false, networks).host).toBe("10.20.3.4");
    expect(parseRepoUrl("https://[fd00:1::5]/ml/serving", false, networks).url).toBe("https://[fd00:1::5]/ml/serving");
    expect(() => parseRepoUrl("https://10.21.0.1/ml/serving", false, networks)).toThrow(/private/);
    expect(() => parseRepoUrl("https://127.0.0.1/ml/serving", false, networks)).toThrow(/loopback/);
    expect(() => allowedNetworks({ POSTURE_GIT_ALLOWED_NETWORKS: "10.0.0.0" })).toThrow(/not a network/);
    expect(() => allowedNetworks({ POSTURE_GIT_ALLOWED_NETWORKS: "10.0.0.0/33" })).toThrow(/not a network/);
  });

  it("checks what a host name resolves to, every address of it", async () => {
    // This machine's name resolves to a loopback address (/etc/hosts).
    const name = hostname();
    await expect(checkedAddresses(name)).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(checkedAddresses(name)).rejects.toThrow(/resolves to an address on this machine or a private network/);
    expect(await checkedAddresses(name, allowedNetworks({ POSTURE_GIT_ALLOWED_NETWORKS: "127.0.0.0/8" }))).toContain("127.0.0.1");
    await expect(checkedAddresses("localhost")).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(checkedAddresses("no-such-host.invalid")).rejects.toBeInstanceOf(HostUnresolvedError);
    expect(await checkedAddresses("8.8.8.8")).toEqual(["8.8.8.8"]);
  });
});

describe("local repositories", () => {
  const s = scratch("posture-local-root-");
  const root = join(s.root, "repos");
  const saved = process.env.POSTURE_LOCAL_REPOS_ROOT;
  beforeEach(() => {
    mkdirSync(join(root, "demo"), { recursive: true });
    mkdirSync(s.path("elsewhere/secret"), { recursive: true });
    process.env.POSTURE_LOCAL_REPOS_ROOT = root;
  });
  afterEach(() => {
    process.env.POSTURE_LOCAL_REPOS_ROOT = saved;
  });

  it("takes local paths and file:// inside the root, only when local repositories are allowed", () => {
    expect(parseRepoUrl(`${root}/demo.git`, true)).toMatchObject({
      kind: "local",
      url: `${root}/demo.git`,
      key: `file://${root}/demo`,
      name: "demo",
    });
    expect(parseRepoUrl(`file://${root}/demo`, true).key).toBe(`file://${root}/demo`);
    // Not created yet: checked again, fully resolved, before each clone.
    expect(parseRepoUrl(`${root}/later/one`, true).kind).toBe("local");
    expect(() => parseRepoUrl(`${root}/demo`, false)).toThrow(/local repositories are not allowed/);
  });

  it.each([
    ["/etc", "a folder outside the root"],
    ["/", "the file system root"],
    ["ROOT", "the root itself"],
    ["ROOT/../elsewhere/secret", "a path out of the root with .."],
    ["file://ROOT/../elsewhere/secret", "a file:// URL out of the root with .."],
    ["file:///etc/passwd", "a file:// URL outside the root"],
    ["ROOT/link/secret", "a symlink inside the root to a folder outside it"],
  ])("refuses %s (%s)", (input, _what) => {
    try {
      symlinkSync(s.path("elsewhere"), join(root, "link"));
    } catch {
      /* made by an earlier case */
    }
    expect(() => parseRepoUrl(input.replace("ROOT", root), true)).toThrow(/must be inside the folder set by POSTURE_LOCAL_REPOS_ROOT/);
  });

  it("refuses a file:// URL naming a host, and takes the demo's folder as the root by default", () => {
    expect(() => parseRepoUrl(`file://server${root}/demo`, true)).toThrow(/cannot name a host/);
    expect(localReposRoot({ POSTURE_DATA_DIR: s.path("data") })).toBe(s.path("data/demo-repos"));
  });

  it("still refuses local and private hosts when local repositories are allowed", () => {
    expect(() => parseRepoUrl("https://127.0.0.1:8443/o/r", true)).toThrow(/local or private address/);
  });
});
