/**
 * The GitHub client against a real HTTPS server speaking GitHub's REST API (test/support/fake-forge.ts), as
 * a GitHub Enterprise Server at https://127.0.0.1:<port>/api/v3. Loopback is reachable only because these
 * tests put it in POSTURE_GIT_ALLOWED_NETWORKS.
 */
import { describe, expect, it } from "vitest";
import { ForgeError } from "../../lib/forge/errors.ts";
import { GitHubClient } from "../../lib/forge/github.ts";
import { listedRepository, reach, startLoopbackForge } from "../support/loopback-forge.ts";

const forge = await startLoopbackForge();
const token = forge.token("posture-bot");
const client = (opts: Partial<ConstructorParameters<typeof GitHubClient>[0]> = {}) => new GitHubClient({ ...reach(forge, token), ...opts });
const SHA = "a".repeat(40);

forge.githubOwner("acme", "Organization", [
  { name: "serve", topics: ["ml-serving", "modal"], visibility: "internal" },
  { name: "train", private: true, default_branch: "trunk" },
  { name: "old", archived: true },
  { name: "forked", fork: true },
  { name: "empty", default_branch: null },
]);
forge.githubOwner("posture-bot", "User", [{ name: "mine", private: true }, { name: "public-one" }]);
forge.githubOwner("someone", "User", [{ name: "secret", private: true }, { name: "shared" }]);

const since = (mark: number) => forge.received.slice(mark);

describe("listing repositories", () => {
  it("reads every page by the Link header and normalises each repository", async () => {
    forge.pageSize = 2;
    try {
      const mark = forge.received.length;
      const repos = await client().listRepositories("acme");
      expect(repos.map((r) => r.fullName)).toEqual(["acme/serve", "acme/train", "acme/old", "acme/forked", "acme/empty"]);
      // The owner's kind, then three pages, each asked for by the link of the one before.
      expect(forge.log().slice(mark)).toEqual([
        "GET /api/v3/users/acme",
        "GET /api/v3/orgs/acme/repos?per_page=100&type=all",
        "GET /api/v3/orgs/acme/repos?page=2&per_page=100&type=all",
        "GET /api/v3/orgs/acme/repos?page=3&per_page=100&type=all",
      ]);
      for (const r of since(mark)) {
        expect(r.headers.authorization).toBe(`Bearer ${token}`);
        expect(r.headers["x-github-api-version"]).toBe("2022-11-28");
      }
      const [serve, train, old, forked, empty] = repos;
      expect(serve).toEqual(listedRepository(forge, "github", "acme/serve", { topics: ["ml-serving", "modal"], visibility: "internal" }));
      expect([train!.visibility, train!.defaultBranch, old!.archived, forked!.fork, empty!.defaultBranch]).toEqual([
        "private",
        "trunk",
        true,
        true,
        null,
      ]);
      expect(new Set(repos.map((r) => r.id)).size).toBe(5);
    } finally {
      forge.pageSize = 100;
    }
  });

  it("lists the token's own user with its private repositories, another user's public ones only", async () => {
    expect((await client().listRepositories("posture-bot")).map((r) => r.name)).toEqual(["mine", "public-one"]);
    expect((await client().listRepositories("someone")).map((r) => r.name)).toEqual(["shared"]);
    expect((await client().listRepositories("acme", { ownerKind: "org" })).length).toBe(5);
  });

  it("an owner that does not exist is not_found; a wrong token unauthorized, and neither message carries the token", async () => {
    const missing = await client()
      .listRepositories("nobody")
      .catch((e) => e);
    expect(missing).toBeInstanceOf(ForgeError);
    expect([missing.code, missing.info.status]).toEqual(["not_found", 404]);
    expect(missing.message).toMatch(/GitHub answered 404 to GET \/api\/v3\/users\/nobody: Not Found/);
    const wrong = await client({ token: "ghp_wrongwrongwrong" })
      .listRepositories("acme")
      .catch((e) => e);
    expect([wrong.code, wrong.message]).toEqual([
      "unauthorized",
      "GitHub answered 401 to GET /api/v3/users/acme: Bad credentials (the token or key is wrong, expired or revoked)",
    ]);
    expect(JSON.stringify([missing.message, wrong.message])).not.toMatch(/tok_|ghp_/);
  });

  it("an owner name that is not one is refused before any request", async () => {
    const mark = forge.received.length;
    await expect(client().listRepositories("../admin")).rejects.toMatchObject({ code: "invalid_config" });
    await expect(client().listRepositories("acme/x")).rejects.toMatchObject({ code: "invalid_config" });
    expect(forge.received.length).toBe(mark);
  });
});

describe("rate limits", () => {
  it("waits for the reset when a 403 says no requests remain, then goes on", async () => {
    const reset = Math.ceil(Date.now() / 1000) + 1;
    forge.once((r) => r.query.page === "2", {
      status: 403,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      body: { message: "API rate limit exceeded for posture-bot." },
    });
    forge.pageSize = 2;
    try {
      const mark = forge.received.length;
      const started = Date.now();
      const repos = await client().listRepositories("acme", { ownerKind: "org" });
      expect(repos).toHaveLength(5);
      const pages = since(mark).map((r) => r.query.page ?? "1");
      expect(pages).toEqual(["1", "2", "2", "3"]);
      // The retry came after the reset, not before.
      expect(since(mark)[2]!.at).toBeGreaterThanOrEqual(reset * 1000 - 5);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      forge.pageSize = 100;
    }
  });

  it("honours Retry-After on a 429 and on a secondary-rate-limit 403", async () => {
    forge.once((r) => r.path.endsWith("/orgs/acme/repos"), {
      status: 429,
      headers: { "retry-after": "1" },
      body: { message: "Too many requests" },
    });
    forge.once((r) => r.path.endsWith("/orgs/acme/repos"), {
      status: 403,
      headers: { "retry-after": "1" },
      body: { message: "You have exceeded a secondary rate limit." },
    });
    const mark = forge.received.length;
    expect(await client().listRepositories("acme", { ownerKind: "org" })).toHaveLength(5);
    const at = since(mark).map((r) => r.at);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(950);
  });

  it("a limit lifting later than the wait allowed fails at once with when it lifts; a 403 without rate-limit headers is forbidden", async () => {
    const reset = Math.ceil(Date.now() / 1000) + 3600;
    forge.once((r) => r.path.endsWith("/orgs/acme/repos"), {
      status: 403,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      body: { message: "API rate limit exceeded" },
    });
    const mark = forge.received.length;
    const started = Date.now();
    const e = await client({ maxRateLimitWaitMs: 5_000 })
      .listRepositories("acme", { ownerKind: "org" })
      .catch((x) => x);
    expect(e).toBeInstanceOf(ForgeError);
    expect(e.code).toBe("rate_limited");
    expect(e.info.retryAt.getTime()).toBeGreaterThanOrEqual(reset * 1000 - 1000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(forge.received.length - mark).toBe(1);
    forge.once((r) => r.path.endsWith("/orgs/acme/repos"), {
      status: 403,
      body: { message: "Resource not accessible by personal access token" },
    });
    await expect(client().listRepositories("acme", { ownerKind: "org" })).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringMatching(/Resource not accessible/),
    });
  });

  it("a page that uses up the limit makes the next request wait for the reset instead of being refused", async () => {
    const own = forge.token("rationed");
    forge.githubOwner("rationed", "User", [{ name: "a" }, { name: "b" }, { name: "c" }]);
    forge.rate = { limit: 2, windowSeconds: 1 };
    forge.pageSize = 1;
    try {
      const mark = forge.received.length;
      const repos = await client({ token: own }).listRepositories("rationed", { ownerKind: "user" });
      expect(repos.map((r) => r.name)).toEqual(["a", "b", "c"]);
      // /user (whose repositories?), then 3 pages: the second answer said 0 remaining, so the client waited
      // for the window to reset instead of asking (and being refused with 403).
      const got = since(mark);
      expect(got.map((r) => r.path)).toEqual(["/api/v3/user", "/api/v3/user/repos", "/api/v3/user/repos", "/api/v3/user/repos"]);
      expect(got[2]!.at).toBeGreaterThanOrEqual(Math.ceil(got[0]!.at / 1000 + 1) * 1000);
    } finally {
      forge.rate = { limit: 5000, windowSeconds: 3600 };
      forge.pageSize = 100;
    }
  });
});

describe("commit status", () => {
  it("posts a status with the context, description and link", async () => {
    await client().setCommitStatus({
      repo: "acme/serve",
      sha: SHA,
      state: "failure",
      context: "posture",
      description: "2 new findings (1 critical)",
      targetUrl: "https://posture.example/changes/1",
    });
    expect(forge.statuses.at(-1)).toEqual({
      forge: "github",
      repo: "acme/serve",
      sha: SHA,
      login: "posture-bot",
      body: {
        state: "failure",
        context: "posture",
        description: "2 new findings (1 critical)",
        target_url: "https://posture.example/changes/1",
      },
    });
  });

  it("shortens a long description to GitHub's 140 characters and refuses a short sha or a bad repository", async () => {
    await client().setCommitStatus({ repo: "acme/serve", sha: SHA, state: "success", context: "posture", description: "x".repeat(500) });
    expect(String(forge.statuses.at(-1)!.body.description)).toHaveLength(140);
    const mark = forge.received.length;
    await expect(
      client().setCommitStatus({ repo: "acme/serve", sha: "abc123", state: "success", context: "posture", description: "" }),
    ).rejects.toMatchObject({ code: "invalid_config", message: expect.stringMatching(/^sha: /) });
    await expect(
      client().setCommitStatus({ repo: "acme/../x", sha: SHA, state: "success", context: "posture", description: "" }),
    ).rejects.toMatchObject({ code: "invalid_config" });
    expect(forge.received.length).toBe(mark);
  });
});

describe("the pull request's one comment", () => {
  const comment = (body: string) => ({ repo: "acme/serve", number: 7, marker: "change-scan", body, author: "posture-bot" });

  it("is created once, then updated in place, never a second; someone else's comment quoting the marker is left alone", async () => {
    const planted = forge.githubComment("acme/serve", 7, "mallory", "<!-- posture:change-scan -->\nAll clear!");
    const first = await client().upsertComment(comment("1 new finding"));
    expect(first.created).toBe(true);
    const second = await client().upsertComment(comment("2 new findings"));
    expect(second).toMatchObject({ id: first.id, created: false });
    const third = await client().upsertComment(comment("no new findings"));
    expect(third.id).toBe(first.id);

    const list = forge.comments.get("acme/serve#7")!;
    expect(list.map((c) => [c.user.login, c.body])).toEqual([
      ["mallory", "<!-- posture:change-scan -->\nAll clear!"],
      ["posture-bot", "<!-- posture:change-scan -->\nno new findings"],
    ]);
    expect(list[0]!.id).toBe(planted);
    expect(forge.log().filter((l) => /comments/.test(l) && !l.startsWith("GET"))).toEqual([
      "POST /api/v3/repos/acme/serve/issues/7/comments",
      `PATCH /api/v3/repos/acme/serve/issues/comments/${first.id}`,
      `PATCH /api/v3/repos/acme/serve/issues/comments/${first.id}`,
    ]);
  });

  it("finds its comment on a later page and keeps other markers apart", async () => {
    for (let i = 0; i < 5; i++) forge.githubComment("acme/serve", 8, "reviewer", `looks good ${i}`);
    forge.pageSize = 2;
    try {
      const a = await client().upsertComment({ ...comment("A"), number: 8 });
      const b = await client().upsertComment({ ...comment("B"), number: 8, marker: "other" });
      const a2 = await client().upsertComment({ ...comment("A2"), number: 8 });
      expect(b.id).not.toBe(a.id);
      expect([a2.id, a2.created]).toEqual([a.id, false]);
      expect(
        forge.comments
          .get("acme/serve#8")!
          .filter((c) => c.user.login === "posture-bot")
          .map((c) => c.body),
      ).toEqual(["<!-- posture:change-scan -->\nA2", "<!-- posture:other -->\nB"]);
    } finally {
      forge.pageSize = 100;
    }
  });

  it("currentUser is the token's login (what author should be)", async () => {
    expect(await client().currentUser()).toBe("posture-bot");
  });
});
