import { describe, expect, it } from "vitest";
import { HookPayloadError, parseHookEvent } from "../../lib/hooks/events.ts";
import { deliveryId, githubSignature, verifyGithubSignature, verifyGitlabToken } from "../../lib/hooks/verify.ts";

const SHA = "1".repeat(40);
const SHA2 = "2".repeat(40);

describe("webhook verification", () => {
  const body = Buffer.from('{"zen":"Keep it logically awesome."}');

  it("accepts GitHub's HMAC-SHA256 of the exact body, and nothing else", () => {
    const sig = githubSignature("s3cret", body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyGithubSignature("s3cret", body, sig)).toBe(true);
    expect(verifyGithubSignature("s3cret", body, sig.toUpperCase().replace("SHA256", "sha256"))).toBe(true);
    expect(verifyGithubSignature("other", body, sig)).toBe(false);
    expect(verifyGithubSignature("s3cret", Buffer.concat([body, Buffer.from(" ")]), sig)).toBe(false);
    expect(verifyGithubSignature("s3cret", body, null)).toBe(false);
    expect(verifyGithubSignature("s3cret", body, "sha1=abc")).toBe(false);
    expect(verifyGithubSignature("s3cret", body, `sha256=${"0".repeat(64)}`)).toBe(false);
    expect(verifyGithubSignature("s3cret", body, sig.slice(0, -2))).toBe(false);
  });

  it("accepts GitLab's token only when it is the secret", () => {
    expect(verifyGitlabToken("s3cret", "s3cret")).toBe(true);
    expect(verifyGitlabToken("s3cret", "s3cre")).toBe(false);
    expect(verifyGitlabToken("s3cret", "")).toBe(false);
    expect(verifyGitlabToken("s3cret", null)).toBe(false);
  });

  it("reads delivery ids the forges send, and refuses odd ones", () => {
    expect(deliveryId("github", new Headers({ "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958" }))).toBe(
      "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    );
    expect(deliveryId("gitlab", new Headers({ "idempotency-key": "k-1", "x-gitlab-event-uuid": "u-1" }))).toBe("k-1");
    expect(deliveryId("gitlab", new Headers({ "x-gitlab-event-uuid": "u-1" }))).toBe("u-1");
    expect(deliveryId("github", new Headers({ "x-github-delivery": "a b" }))).toBeNull();
    expect(deliveryId("github", new Headers())).toBeNull();
  });
});

describe("webhook events", () => {
  it("reads a GitHub push to a branch, a tag push and a deleted branch", () => {
    const push = (o: object) =>
      parseHookEvent("github", "push", {
        ref: "refs/heads/main",
        after: SHA,
        repository: { id: 42, full_name: "acme/svc", default_branch: "main" },
        ...o,
      });
    expect(push({})).toEqual({ kind: "push", repositoryId: "42", fullName: "acme/svc", branch: "main", sha: SHA, defaultBranch: "main" });
    expect(push({ ref: "refs/tags/v1" })).toMatchObject({ branch: null });
    expect(push({ deleted: true, after: "0".repeat(40) })).toMatchObject({ sha: null });
  });

  it("reads a GitHub pull request, from a fork too, and which actions scan", () => {
    const pr = (action: string) =>
      parseHookEvent("github", "pull_request", {
        action,
        number: 7,
        pull_request: {
          title: "Add handler",
          html_url: "https://github.com/acme/svc/pull/7",
          draft: false,
          head: { ref: "feature", sha: SHA, repo: { id: 99, full_name: "someone/svc", clone_url: "https://github.com/someone/svc.git" } },
          base: { ref: "main", sha: SHA2 },
        },
        repository: { id: 42, full_name: "acme/svc" },
      });
    expect(pr("synchronize")).toEqual({
      kind: "change",
      repositoryId: "42",
      fullName: "acme/svc",
      number: 7,
      title: "Add handler",
      url: "https://github.com/acme/svc/pull/7",
      action: "scan",
      draft: false,
      head: { ref: "feature", sha: SHA, repositoryId: "99", cloneUrl: "https://github.com/someone/svc.git" },
      base: { ref: "main", sha: SHA2 },
    });
    expect(["opened", "reopened", "ready_for_review", "closed", "labeled"].map((a) => (pr(a) as { action: string }).action)).toEqual([
      "scan",
      "scan",
      "scan",
      "closed",
      "ignored",
    ]);
  });

  it("reads GitLab's push and merge request hooks", () => {
    expect(
      parseHookEvent("gitlab", "Push Hook", {
        object_kind: "push",
        ref: "refs/heads/dev",
        after: SHA,
        project: { id: 5, path_with_namespace: "ml/svc", default_branch: "main" },
      }),
    ).toEqual({ kind: "push", repositoryId: "5", fullName: "ml/svc", branch: "dev", sha: SHA, defaultBranch: "main" });
    const mr = parseHookEvent("gitlab", "Merge Request Hook", {
      object_kind: "merge_request",
      project: { id: 5, path_with_namespace: "ml/svc" },
      object_attributes: {
        iid: 3,
        title: "MR",
        action: "update",
        source_branch: "f",
        target_branch: "main",
        source_project_id: 5,
        last_commit: { id: SHA },
        work_in_progress: true,
      },
    });
    expect(mr).toMatchObject({
      kind: "change",
      number: 3,
      action: "scan",
      draft: true,
      head: { ref: "f", sha: SHA, repositoryId: "5" },
      base: { ref: "main", sha: null },
    });
  });

  it("names the missing field of a payload that is not what its event says, and leaves other events alone", () => {
    expect(() => parseHookEvent("github", "push", { ref: "refs/heads/main", repository: { id: 1, full_name: "a/b" } })).toThrow(
      HookPayloadError,
    );
    expect(() => parseHookEvent("github", "push", { ref: "refs/heads/main", repository: { id: 1, full_name: "a/b" } })).toThrow(/after/);
    expect(parseHookEvent("github", "ping", {})).toEqual({ kind: "ping" });
    expect(parseHookEvent("github", "issues", {})).toEqual({ kind: "unsupported", name: "issues" });
    expect(parseHookEvent("gitlab", "Tag Push Hook", {})).toEqual({ kind: "unsupported", name: "Tag Push Hook" });
  });
});
