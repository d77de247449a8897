import { renameSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncConnection } from "../../lib/connections/sync.ts";
import { ConnectionError, createConnection, updateConnection } from "../../lib/connections/service.ts";
import { createCredential } from "../../lib/credentials/service.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { runScan } from "../../lib/scan/pipeline.ts";
import { scratch } from "../helpers.ts";
import { connectToForge, ownerTokenCredential, startTokenForge, type TokenForge } from "../support/token-forge.ts";
import { usePipelineTest } from "../support/pipeline.ts";

const p = usePipelineTest("conn-sync");
const { t } = p;
const files = scratch("posture-conn-sync-");
const actor = { id: null, label: "lead@example.test" };

let forge: TokenForge;
let http: { ca: string };
let credentialId: string;

beforeAll(async () => {
  forge = await startTokenForge(files, "acme-bot");
  http = forge.http;
  forge.bareRepo("acme/serving", { "app.py": "import modal\n\ndef handler(x):\n    return eval(x)\n" });
  forge.bareRepo("acme/training", { "train.py": "import torch\nloss.backward()\noptimizer.step()\n" });
  forge.bareRepo("acme/website", { "index.py": "x = 1\n" });
  forge.bareRepo("acme/handmade", { "svc.py": "x = 2\n" });
  forge.api.githubOwner("acme", "Organization", [
    { name: "serving", private: true, topics: ["ml", "serving"] },
    { name: "training", private: true, topics: ["ml"] },
    { name: "website", private: true },
    { name: "handmade", private: true },
    { name: "old-api", archived: true },
    { name: "someones-fork", fork: true },
  ]);
  credentialId = (await ownerTokenCredential(t.db, actor, forge, { owner: "acme", name: "acme token" })).id;
  return () => forge.close();
});
afterAll(() => forge?.restoreEnv());

const scanAll = async () => {
  const queued = await t.db.scan.findMany({ where: { status: "queued" }, select: { id: true } });
  for (const s of queued)
    await runScan(
      { db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: false, workRoot: files.root, cloneTimeoutMs: 30_000 },
      s.id,
      { number: 1, max: 1 },
    );
  return queued.length;
};

describe("connecting an organisation", () => {
  it("refuses a credential that is not for the forge's host, and one that cannot call an API", async () => {
    const other = await createCredential(t.db, actor, {
      kind: "https_token",
      name: "other host",
      scope: "git.elsewhere.example/acme/*",
      token: "ghp_x0123456789",
    });
    const elsewhere = connectToForge(t.db, actor, forge, {
      name: "x",
      forge: "github",
      owner: "acme",
      credentialId: other.id,
      defaultTeam: "p",
    });
    await expect(elsewhere).rejects.toThrow(ConnectionError);
    await expect(elsewhere).rejects.toThrow(
      /scoped to git\.elsewhere\.example, not to 127\.0\.0\.1:\d+: a credential is only ever sent to the host it is for/,
    );
    await expect(
      createConnection(
        t.db,
        actor,
        { name: "x", forge: "github", baseUrl: "http://127.0.0.1:1", owner: "acme", credentialId, defaultTeam: "p" },
        { http },
      ),
    ).rejects.toThrow(/must use https/);
  });

  it("registers the selected repositories with their teams, adopts one registered by hand, clones them with the token and records their frameworks", async () => {
    const handmade = await registerRepository(t.db, { url: `${forge.origin}/acme/handmade.git`, team: "Handmade" }, false);
    const { connection, webhookSecret } = await connectToForge(t.db, actor, forge, {
      name: "acme",
      forge: "github",
      owner: "acme",
      credentialId,
      defaultTeam: "Platform",
      teamRules: [
        { by: "topic", value: "serving", team: "Serving" },
        { by: "prefix", value: "train", team: "ML" },
      ],
    });
    expect(webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const r = await syncConnection(t.db, p.queues, connection.id, { http });
    expect(r).toMatchObject({ ok: true, stats: { listed: 6, selected: 4, registered: 3, adopted: 1, archived: 0, skipped: 2, failed: 0 } });
    const repos = await t.db.repository.findMany({ include: { team: true, forge: true }, orderBy: { name: "asc" } });
    expect(repos.map((x) => [x.name, x.team.name, x.url, x.forge?.fullName])).toEqual([
      ["acme/serving", "Serving", `${forge.origin}/acme/serving.git`, "acme/serving"],
      ["acme/training", "ML", `${forge.origin}/acme/training.git`, "acme/training"],
      ["acme/website", "Platform", `${forge.origin}/acme/website.git`, "acme/website"],
      [handmade.name, "Handmade", handmade.url, "acme/handmade"],
    ]);
    // Listed page by page with the token, never anywhere else.
    expect(forge.api.log()).toContain("GET /api/v3/orgs/acme/repos?per_page=100&type=all");
    expect(forge.api.received.every((x) => x.headers.authorization === `Bearer ${forge.token}` || x.path === "/api/v3/users/acme")).toBe(
      true,
    );

    expect(await scanAll()).toBe(3);
    const scanned = await t.db.repository.findMany({
      where: { forge: { isNot: null } },
      include: { scans: true },
      orderBy: { name: "asc" },
    });
    expect(scanned.map((x) => [x.name, x.scans.map((s) => s.status), x.frameworks])).toEqual([
      ["acme/serving", ["succeeded"], ["modal"]],
      ["acme/training", ["succeeded"], ["training_monitor"]],
      ["acme/website", ["succeeded"], []],
      [handmade.name, [], []],
    ]);
    expect((await t.db.scan.findFirstOrThrow({ where: { repository: { name: "acme/serving" } } })).frameworks).toEqual(["modal"]);
    expect(await t.db.finding.count({ where: { repository: { name: "acme/serving" } } })).toBe(1);
    // git got the token from the stored credential, over HTTPS, and nothing without it went through.
    expect(
      forge.git.requests.filter((x) => !x.url.startsWith("/api/")).every((x) => x.status === 200 && x.authorization?.startsWith("Basic ")),
    ).toBe(true);
    expect(await t.db.auditLog.count({ where: { action: "connection.sync", targetId: connection.id } })).toBe(1);
  });

  it("follows a rename by the forge's id, archives what was deleted or archived there (findings kept), and restores it when it comes back", async () => {
    const c = await t.db.forgeConnection.findUniqueOrThrow({ where: { name: "acme" } });
    const serving = await t.db.repository.findFirstOrThrow({ where: { name: "acme/serving" } });
    const seeds = forge.api.githubRepos("acme");
    seeds.find((x) => x.name === "serving")!.name = "serving-v2";
    renameSync(join(forge.root, "acme/serving.git"), join(forge.root, "acme/serving-v2.git"));
    seeds.find((x) => x.name === "training")!.archived = true;
    seeds.splice(
      seeds.findIndex((x) => x.name === "website"),
      1,
    );

    const r = await syncConnection(t.db, p.queues, c.id, { http });
    expect(r.stats).toMatchObject({ listed: 5, renamed: 1, archived: 2, registered: 0 });
    const renamed = await t.db.repository.findUniqueOrThrow({ where: { id: serving.id }, include: { forge: true } });
    expect([renamed.name, renamed.url, renamed.forge?.fullName, renamed.archivedAt]).toEqual([
      "acme/serving-v2",
      `${forge.origin}/acme/serving-v2.git`,
      "acme/serving-v2",
      null,
    ]);
    expect(await t.db.finding.count({ where: { repositoryId: serving.id } })).toBe(1);
    const archived = await t.db.repository.findMany({
      where: { archivedAt: { not: null } },
      include: { forge: true },
      orderBy: { name: "asc" },
    });
    expect(archived.map((x) => [x.name, x.forge?.archivedBySync])).toEqual([
      ["acme/training", true],
      ["acme/website", true],
    ]);
    // The renamed repository still scans, at its new URL.
    await p.queues.scans.drain();
    const { enqueueScan } = await import("../../lib/scan/enqueue.ts");
    await enqueueScan(t.db, p.queues, serving.id, "manual");
    await scanAll();
    expect((await t.db.scan.findFirstOrThrow({ where: { repositoryId: serving.id }, orderBy: { queuedAt: "desc" } })).status).toBe(
      "unchanged",
    );

    seeds.find((x) => x.name === "training")!.archived = false;
    const back = await syncConnection(t.db, p.queues, c.id, { http });
    expect(back.stats).toMatchObject({ restored: 1, archived: 0 });
    const training = await t.db.repository.findFirstOrThrow({
      where: { name: "acme/training" },
      include: { forge: true, scans: { orderBy: { queuedAt: "desc" } } },
    });
    expect([training.archivedAt, training.forge?.archivedBySync, training.scans[0]?.status]).toEqual([null, false, "queued"]);
  });

  it("a filter that no longer selects a repository archives it; a person's archival is never undone", async () => {
    const c = await t.db.forgeConnection.findUniqueOrThrow({ where: { name: "acme" } });
    const summary = await updateConnection(t.db, actor, {
      connectionId: c.id,
      defaultTeam: "Platform",
      namePattern: "!handmade",
      skipArchived: true,
      skipForks: true,
      teamRules: [{ by: "topic", value: "serving", team: "Serving" }],
    });
    expect(summary.namePattern).toBe("!handmade");
    const r = await syncConnection(t.db, p.queues, c.id, { http });
    expect(r.stats).toMatchObject({ archived: 1 });
    expect(r.notes).toContain("acme/handmade: archived (name does not match)");
    // A person archives the training repository; the sync must leave it archived.
    const training = await t.db.repository.findFirstOrThrow({ where: { name: "acme/training" } });
    await t.db.repository.update({ where: { id: training.id }, data: { archivedAt: new Date() } });
    const again = await syncConnection(t.db, p.queues, c.id, { http });
    expect(again.stats.restored).toBe(0);
    expect((await t.db.repository.findUniqueOrThrow({ where: { id: training.id } })).archivedAt).not.toBeNull();
  });

  it("a listing of nothing archives nothing; a refused token is recorded as the sync's result", async () => {
    const c = await t.db.forgeConnection.findUniqueOrThrow({ where: { name: "acme" } });
    const active = await t.db.repository.count({ where: { archivedAt: null } });
    const seeds = forge.api.githubRepos("acme");
    const saved = seeds.splice(0, seeds.length);
    const r = await syncConnection(t.db, p.queues, c.id, { http });
    expect(r.message).toBe("the forge listed no repositories: nothing was archived (check the credential's access)");
    expect(await t.db.repository.count({ where: { archivedAt: null } })).toBe(active);
    seeds.push(...saved);

    forge.api.tokens.delete(forge.token);
    const refused = await syncConnection(t.db, p.queues, c.id, { http });
    expect(refused.ok).toBe(false);
    const row = await t.db.forgeConnection.findUniqueOrThrow({ where: { id: c.id } });
    expect([row.lastSyncResult, row.lastSyncMessage]).toEqual([
      "unauthorized",
      expect.stringMatching(
        /^GitHub answered 401 to GET \/api\/v3\/users\/acme: Bad credentials \(the token or key is wrong, expired or revoked\)$/,
      ),
    ]);
    expect(row.lastSyncMessage).not.toContain(forge.token);
    forge.api.tokens.set(forge.token, "acme-bot");
  });
});
