/**
 * The GitLab client against a real HTTPS server speaking GitLab's REST API v4 (test/support/fake-forge.ts),
 * as a self-managed GitLab at https://127.0.0.1:<port>.
 */
import { describe, expect, it } from "vitest";
import { ForgeError } from "../../lib/forge/errors.ts";
import { GitLabClient } from "../../lib/forge/gitlab.ts";
import { listedRepository, reach, startLoopbackForge } from "../support/loopback-forge.ts";

const forge = await startLoopbackForge();
const token = forge.token("project_123_bot");
const client = (opts: Partial<ConstructorParameters<typeof GitLabClient>[0]> = {}) => new GitLabClient({ ...reach(forge, token), ...opts });
const SHA = "b".repeat(40);

forge.gitlabNamespace("ml", "group", [
  { path: "ml/serve", topics: ["bentoml"], visibility: "internal" },
  { path: "ml/platform/ray", default_branch: "develop" },
  { path: "ml/old", archived: true, visibility: "public" },
  { path: "ml/fork", fork: true },
  { path: "ml/platform/empty", default_branch: null },
]);
forge.gitlabNamespace("ml/platform", "group");
forge.gitlabNamespace("elsewhere", "group", [{ path: "elsewhere/not-ours" }]);
forge.gitlabNamespace("dana", "user", [{ path: "dana/notebook" }]);

describe("listing a group's projects", () => {
  for (const pagination of ["x-next-page", "link"] as const) {
    it(`reads every page by ${pagination === "link" ? "the Link header" : "X-Next-Page alone"}, subgroups included`, async () => {
      forge.pageSize = 2;
      forge.gitlabPagination = pagination;
      try {
        const mark = forge.received.length;
        const repos = await client().listRepositories("ml");
        expect(repos.map((r) => r.fullName)).toEqual(["ml/serve", "ml/platform/ray", "ml/old", "ml/fork", "ml/platform/empty"]);
        const got = forge.received.slice(mark);
        expect(got.map((r) => `${r.segments.slice(2).join(" ")} ${r.query.page ?? "1"}`)).toEqual([
          "namespaces ml 1",
          "groups ml projects 1",
          "groups ml projects 2",
          "groups ml projects 3",
        ]);
        expect(got[1]!.query).toMatchObject({ include_subgroups: "true", with_shared: "false", per_page: "100" });
        for (const r of got) expect(r.headers["private-token"]).toBe(token);
      } finally {
        forge.pageSize = 100;
        forge.gitlabPagination = "both";
      }
    });
  }

  it("normalises each project", async () => {
    const repos = await client().listRepositories("ml", { ownerKind: "group" });
    const byName = Object.fromEntries(repos.map((r) => [r.fullName, r]));
    expect(byName["ml/serve"]).toEqual(listedRepository(forge, "gitlab", "ml/serve", { topics: ["bentoml"], visibility: "internal" }));
    expect([
      byName["ml/platform/ray"]!.defaultBranch,
      byName["ml/old"]!.archived,
      byName["ml/old"]!.visibility,
      byName["ml/fork"]!.fork,
      byName["ml/platform/empty"]!.defaultBranch,
    ]).toEqual(["develop", true, "public", true, null]);
  });

  it("a subgroup by its full path, a user's projects, and a missing namespace", async () => {
    expect((await client().listRepositories("ml/platform")).map((r) => r.fullName)).toEqual(["ml/platform/ray", "ml/platform/empty"]);
    expect((await client().listRepositories("dana")).map((r) => r.fullName)).toEqual(["dana/notebook"]);
    const missing = await client()
      .listRepositories("ghost")
      .catch((e) => e);
    expect(missing).toBeInstanceOf(ForgeError);
    expect([missing.code, missing.message]).toEqual([
      "not_found",
      "GitLab answered 404 to GET /api/v4/namespaces/ghost: 404 Namespace Not Found (it does not exist, or the token cannot see it)",
    ]);
  });

  it("waits out a 429's Retry-After", async () => {
    forge.once((r) => r.path.endsWith("/projects"), {
      status: 429,
      headers: { "retry-after": "1", "ratelimit-remaining": "0" },
      body: { message: "Retry later" },
    });
    const mark = forge.received.length;
    expect(await client().listRepositories("ml", { ownerKind: "group" })).toHaveLength(5);
    const at = forge.received.slice(mark).map((r) => r.at);
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
  });

  it("a wrong token is unauthorized", async () => {
    await expect(client({ token: "glpat-nope" }).listRepositories("ml", { ownerKind: "group" })).rejects.toMatchObject({
      code: "unauthorized",
      info: { status: 401 },
    });
  });
});

describe("commit status", () => {
  it("posts GitLab's state words under the context's name, by project path or id", async () => {
    await client().setCommitStatus({
      repo: "ml/platform/ray",
      sha: SHA,
      state: "failure",
      context: "posture",
      description: "1 new critical finding",
      targetUrl: "https://posture.example/c/9",
    });
    expect(forge.statuses.at(-1)).toEqual({
      forge: "gitlab",
      repo: "ml/platform/ray",
      sha: SHA,
      login: "project_123_bot",
      body: { state: "failed", name: "posture", description: "1 new critical finding", target_url: "https://posture.example/c/9" },
    });
    expect(forge.received.at(-1)!.segments).toEqual(["api", "v4", "projects", "ml/platform/ray", "statuses", SHA]);
    const [project] = await client().listRepositories("ml/platform", { ownerKind: "group" });
    await client().setCommitStatus({ repo: project!.id, sha: SHA, state: "pending", context: "posture", description: "scanning" });
    expect(forge.statuses.at(-1)!.body.state).toBe("pending");
  });

  it("posting the state a status already has is not an error (GitLab refuses the transition)", async () => {
    const input = { repo: "ml/serve", sha: SHA, state: "success" as const, context: "posture", description: "no new findings" };
    await client().setCommitStatus(input);
    const before = forge.statuses.length;
    await client().setCommitStatus(input);
    expect(forge.received.at(-1)!.method).toBe("POST");
    expect(forge.statuses.length).toBe(before);
    await expect(client().setCommitStatus({ ...input, repo: "ml/missing" })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("the merge request's one note", () => {
  const note = (body: string) => ({ repo: "ml/serve", number: 3, marker: "change-scan", body, author: "project_123_bot" });

  it("is created once, then updated in place; a system note or someone else's quoting the marker is left alone", async () => {
    forge.gitlabNote("ml/serve", 3, "mallory", "<!-- posture:change-scan --> nothing to see");
    forge.gitlabNote("ml/serve", 3, "project_123_bot", "<!-- posture:change-scan --> mentioned in a commit", true);
    const first = await client().upsertComment(note("1 new finding"));
    const second = await client().upsertComment(note("0 new findings"));
    expect(first.created).toBe(true);
    expect([second.id, second.created]).toEqual([first.id, false]);
    const notes = forge.notes.get("ml/serve!3")!;
    expect(notes.map((n) => [n.author.username, n.system, n.body])).toEqual([
      ["mallory", false, "<!-- posture:change-scan --> nothing to see"],
      ["project_123_bot", true, "<!-- posture:change-scan --> mentioned in a commit"],
      ["project_123_bot", false, "<!-- posture:change-scan -->\n0 new findings"],
    ]);
    expect(
      forge
        .log()
        .filter((l) => /notes/.test(l) && !l.startsWith("GET"))
        .map((l) => l.split(" ")[0]),
    ).toEqual(["POST", "PUT"]);
  });

  it("currentUser is the token's username", async () => {
    expect(await client().currentUser()).toBe("project_123_bot");
  });
});
