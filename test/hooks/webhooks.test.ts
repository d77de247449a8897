import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncConnection } from "../../lib/connections/sync.ts";
import { HOOK_LIMITS, receiveHook, readBody, type HookAnswer } from "../../lib/hooks/receive.ts";
import { githubSignature } from "../../lib/hooks/verify.ts";
import { startWorker, type RunningWorker } from "../../lib/worker/processors.ts";
import { scratch } from "../helpers.ts";
import type { TestRepo } from "../support/git.ts";
import { connectToForge, ownerTokenCredential, startTokenForge, type TokenForge } from "../support/token-forge.ts";
import { usePipelineTest } from "../support/pipeline.ts";
import { REDIS_URL } from "../support/queue.ts";

const p = usePipelineTest("hooks");
const { t } = p;
const files = scratch("posture-hooks-");
const actor = { id: null, label: "lead@example.test" };
const PUBLIC = "https://posture.example.com";

let forge: TokenForge;
let worker: RunningWorker;
let redis: Redis;
let gh: { id: string; secret: string };
let gl: { id: string; secret: string };
const src: Record<string, TestRepo> = {};

/** A repository on the forge pushed from a working copy the test keeps committing to. */
function bareRepo(path: string, content: Record<string, string>) {
  const r = forge.bareRepo(path, content);
  r.git("remote", "add", "origin", join(forge.root, `${path}.git`));
  src[path] = r;
  return r;
}
const push = (path: string, branch = "main") => src[path]!.git("push", "-q", "-f", "origin", `HEAD:refs/heads/${branch}`);

let delivery = 0;
async function deliver(
  forgeKind: "github" | "gitlab",
  event: string,
  body: unknown,
  o: { secret?: string; id?: string; raw?: string } = {},
): Promise<HookAnswer> {
  const raw = o.raw ?? JSON.stringify(body);
  const headers = new Headers({ "content-type": "application/json" });
  const secret = o.secret ?? (forgeKind === "github" ? gh.secret : gl.secret);
  if (forgeKind === "github") {
    headers.set("x-github-event", event);
    headers.set("x-github-delivery", o.id ?? `d-${++delivery}`);
    headers.set("x-hub-signature-256", githubSignature(secret, raw));
  } else {
    headers.set("x-gitlab-event", event);
    headers.set("x-gitlab-event-uuid", o.id ?? `g-${++delivery}`);
    headers.set("x-gitlab-token", secret);
  }
  return receiveHook({ db: t.db, queues: p.queues, redis, prefix: p.prefix }, forgeKind, { headers, body: Buffer.from(raw), ip: null });
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const ghRepo = (name: string) => forge.api.githubRepos("acme").find((r) => r.name === name)!;
const pushEvent = (name: string, sha: string, ref = "refs/heads/main") => ({
  ref,
  after: sha,
  repository: { id: ghRepo(name).id, full_name: `acme/${name}`, default_branch: "main" },
});
const prEvent = (name: string, number: number, action: string, headSha: string) => ({
  action,
  number,
  pull_request: {
    title: "Add a handler",
    html_url: `${forge.origin}/acme/${name}/pull/${number}`,
    head: { ref: "feature", sha: headSha, repo: { id: ghRepo(name).id, full_name: `acme/${name}` } },
    base: { ref: "main" },
  },
  repository: { id: ghRepo(name).id, full_name: `acme/${name}` },
});

beforeAll(async () => {
  forge = await startTokenForge(files, "acme-bot");
  const { http } = forge;
  bareRepo("acme/svc", { "app.py": "def handler(x):\n    return eval(x)\n" });
  bareRepo("acme/quiet", { "app.py": "x = 1\n" });
  bareRepo("ml/model", { "serve.py": "def f(y):\n    return eval(y)\n" });
  forge.api.githubOwner("acme", "Organization", [
    { name: "svc", private: true },
    { name: "quiet", private: true },
    { name: "unregistered", private: true },
  ]);
  forge.api.gitlabNamespace("ml", "group", [{ path: "ml/model" }]);
  const ghCred = await ownerTokenCredential(t.db, actor, forge, { owner: "acme", name: "acme token" });
  const glCred = await ownerTokenCredential(t.db, actor, forge, { owner: "ml", name: "ml token" });
  const a = await connectToForge(t.db, actor, forge, {
    name: "acme",
    forge: "github",
    owner: "acme",
    credentialId: ghCred.id,
    defaultTeam: "Platform",
    namePattern: "!unregistered",
    policyMode: "block",
    blockAt: "high",
  });
  const b = await connectToForge(t.db, actor, forge, {
    name: "ml",
    forge: "gitlab",
    owner: "ml",
    credentialId: glCred.id,
    defaultTeam: "ML",
  });
  gh = { id: a.connection.id, secret: a.webhookSecret };
  gl = { id: b.connection.id, secret: b.webhookSecret };
  redis = new Redis(REDIS_URL);
  worker = await startWorker({
    db: t.db,
    databaseUrl: t.url,
    rulebook: p.rulebook,
    prefix: p.prefix,
    concurrency: 2,
    allowLocalRepos: false,
    workRoot: files.root,
    cloneTimeoutMs: 30_000,
    forge: http,
    publicUrl: PUBLIC,
    reconcileEveryMs: 0,
  });
  await syncConnection(t.db, p.queues, gh.id, { http });
  await syncConnection(t.db, p.queues, gl.id, { http });
  // The first scans, from registration.
  await until("the first scans", async () => (await t.db.scan.count({ where: { status: "succeeded" } })) === 3);
  return async () => {
    await worker.close();
    redis.disconnect();
    await forge.close();
  };
});
afterAll(() => forge?.restoreEnv());

describe("webhook deliveries", () => {
  it("refuse a bad or missing signature with 401 and no detail, and a body over the limit", async () => {
    const body = pushEvent("svc", "a".repeat(40));
    const unauthorized = { status: 401, body: { error: { code: "unauthorized", message: "unauthorized" } } };
    expect(await deliver("github", "push", body, { secret: "not the secret" })).toEqual(unauthorized);
    expect(await deliver("github", "push", body, { secret: gl.secret })).toEqual(unauthorized);
    expect(await deliver("gitlab", "Push Hook", body, { secret: gh.secret })).toEqual(unauthorized);
    // Signed, then changed in transit.
    const raw = JSON.stringify(body);
    const headers = new Headers({
      "x-github-event": "push",
      "x-github-delivery": "tampered",
      "x-hub-signature-256": githubSignature(gh.secret, raw),
    });
    expect(
      await receiveHook({ db: t.db, queues: p.queues, redis, prefix: p.prefix }, "github", {
        headers,
        body: Buffer.from(raw.replace("main", "evil")),
        ip: null,
      }),
    ).toEqual(unauthorized);
    expect(await t.db.webhookDelivery.count()).toBe(0);
    const big = new Blob([new Uint8Array(200)]).stream();
    expect(await readBody(big, null, 100)).toBeNull();
    expect(await readBody(null, "101", 100)).toBeNull();
  });

  it("answer 202 and ignore a repository the connection did not register, an unsupported event and another branch", async () => {
    const unknown = {
      ref: "refs/heads/main",
      after: "b".repeat(40),
      repository: { id: ghRepo("unregistered").id, full_name: "acme/unregistered" },
    };
    expect(await deliver("github", "push", unknown)).toEqual({ status: 202, body: { outcome: "ignored: unknown repository" } });
    expect(await deliver("github", "issues", { action: "opened" })).toEqual({
      status: 202,
      body: { outcome: "ignored: Posture does not act on issues events" },
    });
    expect(await deliver("github", "push", pushEvent("svc", "c".repeat(40), "refs/heads/dev"))).toEqual({
      status: 202,
      body: { outcome: "ignored: not the tracked branch (main)" },
    });
    expect(await deliver("github", "ping", { zen: "hi" })).toEqual({ status: 200, body: { outcome: "pong" } });
    expect(await deliver("github", "push", { ref: "refs/heads/main" })).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_payload" } },
    });
    expect(await deliver("github", "push", null, { raw: "{not json" })).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_json" } },
    });
  });

  it("a push to the tracked branch scans that commit once and posts its status; a redelivery does nothing again", async () => {
    const repo = await t.db.repository.findFirstOrThrow({ where: { name: "acme/svc" } });
    src["acme/svc"]!.write("more.py", "def g(z):\n    return eval(z)\n");
    const sha = src["acme/svc"]!.commit("second handler");
    push("acme/svc");
    const first = await deliver("github", "push", pushEvent("svc", sha), { id: "push-1" });
    expect(first).toEqual({ status: 202, body: { outcome: `push ${sha.slice(0, 12)}: scan queued` } });
    const status = await until("the push's status", async () => forge.api.statuses.find((s) => s.sha === sha));
    expect(status).toMatchObject({
      forge: "github",
      repo: "acme/svc",
      login: "acme-bot",
      body: { state: "failure", context: "posture", target_url: `${PUBLIC}/repositories/${repo.id}` },
    });
    expect(status.body.description).toBe("Blocked: 1 new finding at or above high; 2 open findings (2 high)");
    const scan = await t.db.scan.findFirstOrThrow({ where: { repositoryId: repo.id, requestedSha: sha } });
    expect(scan).toMatchObject({ trigger: "push", commitSha: sha, status: "succeeded", findingsNew: 1 });
    await until("the scan's forge result", async () =>
      (await t.db.scan.findUniqueOrThrow({ where: { id: scan.id } })).forgeResult?.startsWith("status failure posted"),
    );

    // The same delivery again (a redelivery or a replay): answered with what was done, nothing queued.
    expect(await deliver("github", "push", pushEvent("svc", sha), { id: "push-1" })).toEqual({
      status: 200,
      body: { outcome: `push ${sha.slice(0, 12)}: scan queued`, duplicate: true },
    });
    // Another delivery of a push of the same commit: not scanned again, its status posted from that scan.
    expect(await deliver("github", "push", pushEvent("svc", sha), { id: "push-2" })).toEqual({
      status: 202,
      body: { outcome: `push ${sha.slice(0, 12)}: already scanned` },
    });
    await until("the second status", async () => forge.api.statuses.filter((s) => s.sha === sha).length === 2);
    expect(await t.db.scan.count({ where: { repositoryId: repo.id, commitSha: sha } })).toBe(1);
  });

  it("a pull request introducing a finding at or above the policy's severity fails its status; one comment, updated in place on the next push; the branch's findings untouched", async () => {
    const repo = await t.db.repository.findFirstOrThrow({ where: { name: "acme/svc" } });
    const findingsBefore = await t.db.finding.findMany({ where: { repositoryId: repo.id }, orderBy: { id: "asc" } });
    const eventsBefore = await t.db.findingEvent.count({ where: { repositoryId: repo.id } });
    const w = src["acme/svc"]!;
    w.git("checkout", "-q", "-b", "feature");
    w.write("keys.py", 'API_TOKEN = "sk-live-0123456789abcdef"\n').remove("more.py");
    const head1 = w.commit("add a key, drop the second handler");
    push("acme/svc", "feature");
    expect(await deliver("github", "pull_request", prEvent("svc", 7, "opened", head1))).toEqual({
      status: 202,
      body: { outcome: `change 7 at ${head1.slice(0, 12)}: scan queued` },
    });
    const s1 = await until("the change's status", async () => forge.api.statuses.find((s) => s.sha === head1));
    expect(s1.body).toMatchObject({
      state: "failure",
      context: "posture",
      description: "Blocked: 1 new finding at or above high (1 critical), 1 fixed",
    });
    const cs1 = await t.db.changeScan.findFirstOrThrow({ where: { repositoryId: repo.id, headSha: head1 } });
    expect(s1.body.target_url).toBe(`${PUBLIC}/repositories/${repo.id}/changes/${cs1.id}`);
    expect(cs1).toMatchObject({
      status: "succeeded",
      number: 7,
      headRef: "feature",
      baseRef: "main",
      introduced: 1,
      fixed: 1,
      unchanged: 1,
      policyMode: "block",
      blockAt: "high",
    });
    const comments = () => forge.api.comments.get("acme/svc#7") ?? [];
    await until("the comment", async () => comments().length === 1);
    expect(comments()[0]!.body).toContain("<!-- posture:change-scan -->");
    expect(comments()[0]!.body).toContain("**Blocking:** 1 new finding at or above **high**");
    expect(comments()[0]!.body).toContain("test\\.python\\.secret");
    expect(comments()[0]!.body).not.toContain("sk-live-0123456789abcdef");
    const commentId = comments()[0]!.id;

    // A second push to the change: a new change scan, the same comment updated.
    w.write("keys.py", 'API_TOKEN = "sk-live-0123456789abcdef"\nOTHER_KEY = "sk-live-fedcba9876543210"\n');
    const head2 = w.commit("another key");
    push("acme/svc", "feature");
    expect(await deliver("github", "pull_request", prEvent("svc", 7, "synchronize", head2))).toMatchObject({ status: 202 });
    const s2 = await until("the second push's status", async () => forge.api.statuses.find((s) => s.sha === head2));
    expect(s2.body).toMatchObject({ state: "failure", description: "Blocked: 2 new findings at or above high (2 critical), 1 fixed" });
    await until("the comment updated", async () => comments()[0]!.body.includes("2 new findings"));
    expect(comments().map((c) => c.id)).toEqual([commentId]);
    expect(forge.api.log().filter((l) => l.startsWith("POST /api/v3/repos/acme/svc/issues/7/comments"))).toHaveLength(1);
    expect(forge.api.log().filter((l) => l.startsWith(`PATCH /api/v3/repos/acme/svc/issues/comments/${commentId}`))).toHaveLength(1);
    // The same head again: no second change scan.
    expect(await deliver("github", "pull_request", prEvent("svc", 7, "synchronize", head2))).toEqual({
      status: 202,
      body: { outcome: `change 7 at ${head2.slice(0, 12)}: already scanned` },
    });

    expect(await t.db.finding.findMany({ where: { repositoryId: repo.id }, orderBy: { id: "asc" } })).toEqual(findingsBefore);
    expect(await t.db.findingEvent.count({ where: { repositoryId: repo.id } })).toBe(eventsBefore);
    w.git("checkout", "-q", "main");
  });

  it("monitor mode records the change scan and posts nothing", async () => {
    const repo = await t.db.repository.findFirstOrThrow({ where: { name: "acme/quiet" }, include: { forge: true } });
    await t.db.forgeRepository.update({ where: { id: repo.forge!.id }, data: { policyMode: "monitor" } });
    // The org does not honour suppressions of high findings (issue 16 §3): the change's comment hides nothing.
    await t.db.settings.upsert({
      where: { id: 1 },
      create: { id: 1, refuseSuppressions: ["high"] },
      update: { refuseSuppressions: ["high"] },
    });
    const w = src["acme/quiet"]!;
    w.git("checkout", "-q", "-b", "feature");
    w.write("app.py", "x = eval(input())  # posture: ignore[test.python.eval] trusted input\n");
    const head = w.commit("eval");
    push("acme/quiet", "feature");
    await deliver("github", "pull_request", prEvent("quiet", 3, "opened", head));
    const cs = await until("the change scan", async () =>
      t.db.changeScan.findFirst({ where: { repositoryId: repo.id, headSha: head, forgeResult: { not: null } } }),
    );
    expect(cs).toMatchObject({
      status: "succeeded",
      introduced: 1,
      policyMode: "monitor",
      forgeResult: "recorded only: the policy is monitor",
    });
    expect(forge.api.statuses.some((s) => s.sha === head)).toBe(false);
    expect(forge.api.comments.get("acme/quiet#3")).toBeUndefined();
    await t.db.settings.update({ where: { id: 1 }, data: { refuseSuppressions: [] } });
  });

  it("GitLab: X-Gitlab-Token, a push and a merge request, statuses and the note on GitLab's API", async () => {
    const project = await t.db.forgeRepository.findFirstOrThrow({ where: { connectionId: gl.id } });
    const w = src["ml/model"]!;
    w.write("other.py", "def h(q):\n    return eval(q)\n");
    const sha = w.commit("second");
    push("ml/model");
    const hook = {
      object_kind: "push",
      ref: "refs/heads/main",
      after: sha,
      project: { id: Number(project.forgeId), path_with_namespace: "ml/model", default_branch: "main" },
    };
    expect(await deliver("gitlab", "Push Hook", hook)).toEqual({ status: 202, body: { outcome: `push ${sha.slice(0, 12)}: scan queued` } });
    const status = await until("GitLab's status", async () => forge.api.statuses.find((s) => s.sha === sha));
    expect(status).toMatchObject({
      forge: "gitlab",
      repo: "ml/model",
      body: { state: "success", name: "posture", description: "2 open findings (2 high); 1 new, 0 fixed by this push" },
    });

    w.git("checkout", "-q", "-b", "mr");
    w.write("cfg.py", 'SECRET_KEY = "hunter2hunter2"\n');
    const head = w.commit("key");
    push("ml/model", "mr");
    const mr = {
      object_kind: "merge_request",
      project: { id: Number(project.forgeId), path_with_namespace: "ml/model" },
      object_attributes: {
        iid: 4,
        title: "MR",
        action: "open",
        source_branch: "mr",
        target_branch: "main",
        source_project_id: Number(project.forgeId),
        last_commit: { id: head },
      },
    };
    expect(await deliver("gitlab", "Merge Request Hook", mr)).toMatchObject({ status: 202 });
    const s = await until("the MR's status", async () => forge.api.statuses.find((x) => x.sha === head));
    expect(s.body).toMatchObject({ state: "success", description: "1 new finding (1 critical)" });
    await until("the MR note", async () => (forge.api.notes.get("ml/model!4") ?? []).length === 1);
    expect(forge.api.notes.get("ml/model!4")![0]!.body).toContain("1 new finding (1 critical)");
  });

  it("forgets delivery ids after a month, and only those", async () => {
    const { pruneDeliveries } = await import("../../lib/hooks/receive.ts");
    const before = await t.db.webhookDelivery.count();
    expect(before).toBeGreaterThan(0);
    await t.db.webhookDelivery.create({
      data: { id: "github:old", connectionId: gh.id, event: "push", outcome: "x", receivedAt: new Date(Date.now() - 31 * 86_400_000) },
    });
    expect(await pruneDeliveries(t.db)).toBe(1);
    expect(await t.db.webhookDelivery.count()).toBe(before);
  });

  it("rate-limits deliveries per client address before verifying them", async () => {
    const saved = HOOK_LIMITS.perAddress;
    HOOK_LIMITS.perAddress = 2;
    try {
      const headers = new Headers({ "x-github-event": "ping", "x-github-delivery": "rl", "x-hub-signature-256": "sha256=00" });
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push(
          (
            await receiveHook({ db: t.db, queues: p.queues, redis, prefix: `${p.prefix}:rl` }, "github", {
              headers,
              body: Buffer.from("{}"),
              ip: "203.0.113.9",
            })
          ).status,
        );
      expect(answers).toEqual([401, 401, 429]);
    } finally {
      HOOK_LIMITS.perAddress = saved;
    }
  });
});
