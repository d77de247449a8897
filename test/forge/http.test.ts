/**
 * The rules every forge request follows (lib/forge/http.ts, lib/forge/base-url.ts), against real listeners:
 * only the configured origin, only checked addresses, no redirect elsewhere, bounded in time and size, and
 * an answer that is not what was asked for is a clear error rather than a crash or a wrong result.
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { githubBase, gitlabBase } from "../../lib/forge/base-url.ts";
import { ForgeError } from "../../lib/forge/errors.ts";
import { GitHubClient } from "../../lib/forge/github.ts";
import { GitLabClient } from "../../lib/forge/gitlab.ts";
import { nextLink } from "../../lib/forge/http.ts";
import { allowedNetworks } from "../../lib/net/address.ts";
import { FakeForge } from "../support/fake-forge.ts";

let forge: FakeForge;
/** Another host the forge's answers point at: it must never be contacted. */
let elsewhere: FakeForge;
let token: string;
const client = (opts: Partial<ConstructorParameters<typeof GitHubClient>[0]> = {}) =>
  new GitHubClient({ baseUrl: forge.url, token, ca: forge.ca, ...opts });
const error = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a ForgeError");
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(ForgeError);
      return e as ForgeError;
    },
  );
const listing = (r: { path: string }) => r.path.endsWith("/orgs/acme/repos");

beforeAll(async () => {
  // Both loopback addresses are allowed: the refusals below are by origin, not by address.
  process.env.POSTURE_GIT_ALLOWED_NETWORKS = "127.0.0.0/8";
  forge = await FakeForge.start("127.0.0.1");
  elsewhere = await FakeForge.start("127.0.0.2");
  token = forge.token("posture-bot");
  elsewhere.tokens.set(token, "posture-bot");
  forge.githubOwner("acme", "Organization", [{ name: "serve" }, { name: "train" }]);
  elsewhere.githubOwner("acme", "Organization", [{ name: "planted" }]);
});
afterAll(async () => {
  await forge.close();
  await elsewhere.close();
  delete process.env.POSTURE_GIT_ALLOWED_NETWORKS;
});

describe("redirects", () => {
  it("a redirect to another host is refused, and that host is never contacted", async () => {
    const target = `${elsewhere.url}/api/v3/orgs/acme/repos?per_page=100`;
    forge.once(listing, { status: 302, headers: { location: target } });
    const e = await error(client().listRepositories("acme", { ownerKind: "org" }));
    expect(e.code).toBe("redirect");
    expect(e.message).toBe(
      `GitHub answered with a redirect to ${new URL(elsewhere.url).host}, which is not followed: requests go only to ${forge.url}`,
    );
    expect(elsewhere.received).toEqual([]);
  });

  it("nor to the same host on another port or over http", async () => {
    for (const location of [`https://127.0.0.1:1/api/v3/x`, `http://127.0.0.1:${new URL(forge.url).port}/api/v3/x`]) {
      forge.once(listing, { status: 307, headers: { location } });
      expect((await error(client().listRepositories("acme", { ownerKind: "org" }))).code).toBe("redirect");
    }
  });

  it("a same-origin redirect of a read is followed (GitHub moves a renamed repository's URLs); of a write, refused", async () => {
    forge.once(listing, { status: 301, headers: { location: "/api/v3/orgs/acme/repos?per_page=100&type=all&moved=1" } });
    const mark = forge.received.length;
    expect(await client().listRepositories("acme", { ownerKind: "org" })).toHaveLength(2);
    expect(forge.received.slice(mark).map((r) => r.query.moved ?? "-")).toEqual(["-", "1"]);
    forge.once((r) => r.method === "POST", { status: 307, headers: { location: "/api/v3/repos/acme/serve/statuses/other" } });
    const e = await error(
      client().setCommitStatus({ repo: "acme/serve", sha: "c".repeat(40), state: "success", context: "posture", description: "" }),
    );
    expect([e.code, e.message]).toEqual([
      "redirect",
      `GitHub redirected POST /api/v3/repos/acme/serve/statuses/${"c".repeat(40)}, which is not followed`,
    ]);
  });

  it("a pagination link to another host is refused without contacting it", async () => {
    forge.once(listing, { status: 200, headers: { link: `<${elsewhere.url}/api/v3/orgs/acme/repos?page=2>; rel="next"` }, body: [] });
    expect((await error(client().listRepositories("acme", { ownerKind: "org" }))).code).toBe("redirect");
    expect(elsewhere.received).toEqual([]);
  });
});

describe("answers that are not what was asked for", () => {
  it("not JSON: a clear bad_response, saying what came instead", async () => {
    forge.once(listing, { status: 200, headers: { "content-type": "text/html" }, raw: "<html><body>Sign in to the proxy</body></html>" });
    const e = await error(client().listRepositories("acme", { ownerKind: "org" }));
    expect([e.code, e.message]).toEqual([
      "bad_response",
      "GitHub answered /api/v3/orgs/acme/repos with something that is not JSON (text/html): is the URL the forge's?",
    ]);
  });

  it("JSON of the wrong shape: bad_response naming the field", async () => {
    forge.once(listing, {
      status: 200,
      body: [{ id: 1, name: "x", full_name: "acme/x", clone_url: "u", ssh_url: "s", html_url: "h", fork: "no", private: false }],
    });
    const e = await error(client().listRepositories("acme", { ownerKind: "org" }));
    expect(e.code).toBe("bad_response");
    expect(e.message).toMatch(/^GitHub answered \/api\/v3\/orgs\/acme\/repos in an unexpected shape \(0\.fork: /);
  });

  it("an answer larger than the cap is cut off: bad_response", async () => {
    forge.once(listing, { status: 200, raw: `[${"0,".repeat(100_000)}0]` });
    expect(await error(client({ maxBodyBytes: 50_000 }).listRepositories("acme", { ownerKind: "org" }))).toMatchObject({
      code: "bad_response",
      message: expect.stringMatching(/larger than/),
    });
  });

  it("a server error on a read is retried; on a write it is not", async () => {
    forge.once(listing, { status: 502, raw: "Bad Gateway" });
    const mark = forge.received.length;
    expect(await client().listRepositories("acme", { ownerKind: "org" })).toHaveLength(2);
    expect(forge.received.length - mark).toBe(2);
    forge.once((r) => r.method === "POST", { status: 502, raw: "Bad Gateway" });
    const before = forge.received.length;
    expect(
      (await error(client().upsertComment({ repo: "acme/serve", number: 1, marker: "m", body: "b", author: "posture-bot" }))).code,
    ).toBe("server_error");
    expect(forge.received.slice(before).filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("no answer within the timeout: timeout, in about that time", async () => {
    forge.once(listing, { hang: true });
    const started = Date.now();
    const e = await error(client({ timeoutMs: 400 }).listRepositories("acme", { ownerKind: "org" }));
    expect([e.code, e.message]).toEqual(["timeout", "GitHub did not answer GET /api/v3/orgs/acme/repos within 0.4 s"]);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe("where requests may go", () => {
  it("loopback is refused unless POSTURE_GIT_ALLOWED_NETWORKS allows it, before anything is sent", async () => {
    const saved = process.env.POSTURE_GIT_ALLOWED_NETWORKS;
    delete process.env.POSTURE_GIT_ALLOWED_NETWORKS;
    try {
      const mark = forge.received.length;
      expect(() => client()).toThrow(expect.objectContaining({ code: "address_refused" }));
      expect(() => new GitLabClient({ baseUrl: "https://localhost:8443", token })).toThrow(
        expect.objectContaining({ code: "address_refused" }),
      );
      // A name is resolved before each request, and refused when any of its addresses is not allowed.
      const named = new GitHubClient({ baseUrl: `https://${hostname()}:${new URL(forge.url).port}`, token, ca: forge.ca });
      expect(await error(named.listRepositories("acme", { ownerKind: "org" }))).toMatchObject({ code: "address_refused" });
      expect(forge.received.length).toBe(mark);
    } finally {
      process.env.POSTURE_GIT_ALLOWED_NETWORKS = saved;
    }
  });

  it("a host name is connected at the address checked, its certificate checked for the name", async () => {
    const named = new GitHubClient({
      baseUrl: `https://${hostname()}:${new URL(forge.url).port}`,
      token,
      ca: forge.ca,
      networks: allowedNetworks({ POSTURE_GIT_ALLOWED_NETWORKS: "127.0.0.1/32" }),
    });
    expect(await named.listRepositories("acme", { ownerKind: "org" })).toHaveLength(2);
    expect(forge.received.at(-1)!.headers.host).toBe(`${hostname()}:${new URL(forge.url).port}`);
  });

  it("a certificate the client does not trust is a network error saying so, not retried", async () => {
    const mark = forge.received.length;
    const e = await error(client({ ca: undefined }).listRepositories("acme", { ownerKind: "org" }));
    expect(e.code).toBe("network");
    expect(e.message).toMatch(/TLS certificate of 127\.0\.0\.1 is not trusted/);
    expect(e.info.transient).toBeUndefined();
    expect(forge.received.length).toBe(mark);
  });

  it("nothing listening is a network error, retried for a read and then given up", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const e = await error(
      new GitHubClient({ baseUrl: `https://127.0.0.1:${port}`, token, maxRetries: 1 }).listRepositories("acme", { ownerKind: "org" }),
    );
    expect([e.code, e.message]).toEqual(["network", `could not reach GitHub at https://127.0.0.1:${port} (ECONNREFUSED)`]);
  });

  it("base URLs: https only, no credentials or odd spellings; GitHub Enterprise gets /api/v3 and GitLab /api/v4", () => {
    const pub = allowedNetworks({});
    expect(githubBase(undefined, pub)).toEqual({ host: "api.github.com", port: 443, origin: "https://api.github.com", prefix: "" });
    expect(githubBase("https://GitHub.com/", pub).origin).toBe("https://api.github.com");
    expect(githubBase("https://ghe.example.com", pub)).toEqual({
      host: "ghe.example.com",
      port: 443,
      origin: "https://ghe.example.com",
      prefix: "/api/v3",
    });
    expect(githubBase("https://ghe.example.com:8443/api/v3/", pub)).toMatchObject({
      origin: "https://ghe.example.com:8443",
      prefix: "/api/v3",
    });
    expect(gitlabBase(undefined, pub)).toMatchObject({ origin: "https://gitlab.com", prefix: "/api/v4" });
    expect(gitlabBase("https://git.example.com/gitlab", pub).prefix).toBe("/gitlab/api/v4");
    expect(gitlabBase("https://git.example.com/api/v4", pub).prefix).toBe("/api/v4");
    const refused = (url: string) => {
      try {
        githubBase(url, pub);
      } catch (e) {
        return (e as ForgeError).code;
      }
      return "accepted";
    };
    expect(refused("http://ghe.example.com")).toBe("invalid_config");
    expect(refused("https://token@ghe.example.com")).toBe("invalid_config");
    expect(refused("https://ghe.example.com/api/%2e%2e/v3")).toBe("invalid_config");
    expect(refused("https://ghe.example.com/../admin")).toBe("invalid_config");
    expect(refused("https://ghe.example.com?x=1")).toBe("invalid_config");
    expect(refused("https://ghe.example.com\\@evil.example")).toBe("invalid_config");
    expect(refused("https://10.0.0.5")).toBe("address_refused");
    expect(refused("https://[::1]:8443")).toBe("address_refused");
    expect(refused("https://2130706433")).toBe("address_refused");
  });

  it("Link headers: rel=next among others, quoted or not", () => {
    expect(nextLink('<https://h/a?page=3>; rel="last", <https://h/a?page=2>; rel="next"')).toBe("https://h/a?page=2");
    expect(nextLink("<https://h/a?page=2>; rel=next")).toBe("https://h/a?page=2");
    expect(nextLink('<https://h/a?page=1>; rel="prev first"')).toBeNull();
    expect(nextLink('<https://h/a?page=9>; rel="prev next"')).toBe("https://h/a?page=9");
    expect(nextLink(undefined)).toBeNull();
  });
});
