/**
 * Issue 14 §1 and §4: private repositories scanned through the real pipeline over real protocols, with stored
 * credentials. HTTPS: git's smart HTTP protocol from `git http-backend` behind an HTTPS server on 127.0.0.1
 * that demands a token (401 otherwise). SSH: Debian's sshd on a loopback port with a temporary configuration,
 * host key and authorized deploy key. 127.0.0.1 is let through with POSTURE_GIT_ALLOWED_NETWORKS, as an
 * internal forge would be. The last test greps every log line, error and stored row of every scan here for
 * the secrets.
 */
import { execFile, execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAs } from "../../lib/actions/define.ts";
import { checkAccessAction } from "../../lib/actions/credentials.ts";
import { registerRepositoryAction } from "../../lib/actions/repositories.ts";
import { checkAccess } from "../../lib/credentials/check.ts";
import { createCredential, deleteCredential } from "../../lib/credentials/service.ts";
import { KEY_DIR_PREFIX, remoteHead } from "../../lib/git/git.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { removeOrphanedCheckouts } from "../../lib/scan/checkout.ts";
import { scratch } from "../helpers.ts";
import { sshKeyPair, startSmartHttpServer, startSshServer, testTls, type SmartHttpServer, type SshServer } from "../support/git-servers.ts";
import { FakeForge } from "../support/fake-forge.ts";
import { scanOnce, usePipelineTest } from "../support/pipeline.ts";
import { ORG_WIDE } from "../../lib/findings/visibility.ts";
import { bareRepo as makeBareRepo, trustLocalForge } from "../support/forge-git.ts";

const p = usePipelineTest("private");
const { t } = p;
const files = scratch("posture-private-");
const checkouts = scratch("posture-private-work-");
const root = files.path("srv");

const TOKEN = "ghp_PrivateRepoToken0123456789abcdefABCDEF";
const OTHER_TOKEN = "glpat-OnlyForOtherRepos-0123456789";
const WRONG_TOKEN = "ghp_RevokedToken9876543210zyxwvuZYXWVU";
const basic = (user: string, token: string) => Buffer.from(`${user}:${token}`).toString("base64");

const admin = { id: "u-admin", email: "admin@example.test", name: "Admin", role: "admin" as const };
const engineer = { id: "u-eng", email: "eng@example.test", name: "Eng", role: "engineer" as const, access: ORG_WIDE };
const actor = { id: null, label: admin.email };

/** Every log line and error of every scan in this file, and the secrets to look for in them, for the final grep. */
const logs: string[] = [];
const errors: string[] = [];
const secrets: string[] = [];

async function scan(repositoryId: string, forge?: { ca: string }) {
  const { outcome, scan: row } = await scanOnce(
    p,
    repositoryId,
    {
      allowLocalRepos: false,
      workRoot: checkouts.root,
      cloneTimeoutMs: 30_000,
      forge,
      log: (msg, f) => logs.push(JSON.stringify({ msg, ...f })),
    },
    { onError: (e) => errors.push(String(e), (e as Error).stack ?? "") },
  );
  const findings = await t.db.finding.findMany({ where: { repositoryId } });
  return { outcome, row, findings };
}

/** Plain git, asynchronously: the servers answering it run in this process. */
function plainGit(args: string[], env: Record<string, string> = {}): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    // Not this process's environment: GIT_SSL_CAINFO there would override the test certificate in HOME.
    execFile(
      "git",
      args,
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_TERMINAL_PROMPT: "0", ...env } as unknown as NodeJS.ProcessEnv,
        timeout: 20_000,
      },
      (err, stdout, stderr) => resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) }),
    ),
  );
}

/** Every process's argv on this machine, as `ps` would show it. */
function allArgv(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").join(" "));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** A bare repository at root/<path>.git with one vulnerable file. */
const bareRepo = (path: string, content = "def handler(x):\n    return eval(x)\n") =>
  makeBareRepo(files.path("src"), root, path, { "svc/app.py": content });

let restoreEnv: () => void = () => undefined;
let tls: ReturnType<typeof testTls>;
beforeAll(() => {
  tls = testTls(files.path("tls"));
  restoreEnv = trustLocalForge(tls.gitHome);
  bareRepo("acme/serving");
  bareRepo("acme/other");
  bareRepo("acme/moved");
  bareRepo("beta/serving");
  bareRepo("gamma/serving");
});
afterAll(() => restoreEnv());

describe("over HTTPS (git smart HTTP behind a server that demands a token)", () => {
  let forge: SmartHttpServer;
  let elsewhere: SmartHttpServer;
  beforeAll(async () => {
    elsewhere = await startSmartHttpServer({ root, tls, tokens: { [TOKEN]: "*" } });
    forge = await startSmartHttpServer({
      root,
      tls,
      tokens: { [TOKEN]: ["acme/serving", "acme/missing"], [OTHER_TOKEN]: ["beta/serving"] },
      // A redirect from the host the credential is for to another one.
      answer: (req, res) => {
        if (!req.url?.startsWith("/acme/moved.git/")) return false;
        res.writeHead(302, { location: `${elsewhere.origin}${req.url.replace("/acme/moved", "/acme/serving")}` }).end();
        return true;
      },
    });
    return async () => {
      await forge.close();
      await elsewhere.close();
    };
  });
  const url = (path: string, server = forge) => `${server.origin}/${path}.git`;

  it("control: the server refuses git without the token and serves it with one", async () => {
    const without = await plainGit(["ls-remote", url("acme/serving")]);
    expect(without).toMatchObject({ ok: false, stderr: expect.stringMatching(/could not read Username/) });
    const withToken = await plainGit([
      "-c",
      `http.extraHeader=Authorization: Basic ${basic("x", TOKEN)}`,
      "ls-remote",
      url("acme/serving"),
    ]);
    expect(withToken).toMatchObject({ ok: true, stdout: expect.stringMatching(/^[0-9a-f]{40}\tHEAD/) });
  });

  it("without a stored credential: the scan fails as no access, and check access says so", async () => {
    const repo = await registerRepository(t.db, { url: url("acme/serving"), team: "ml" }, false);
    forge.requests.length = 0;
    const s = await scan(repo.id);
    expect(s.row).toMatchObject({ status: "failed", failureCode: "auth_required" });
    expect(s.row.failureReason).toMatch(/^no access: the repository needs credentials, and no stored credential matches its URL/);
    expect(forge.requests.every((r) => r.authorization === undefined)).toBe(true);
    const check = await checkAccess(t.db, url("acme/serving"), null);
    expect(check).toMatchObject({ ok: false, verdict: "no access", credential: null });
    await t.db.repository.delete({ where: { id: repo.id } });
  });

  it("with a token stored for acme/*: registration names it, git gets it only through its environment, the scan finds the code", async () => {
    const cred = await createCredential(
      t.db,
      actor,
      { kind: "https_token", name: "acme read token", scope: `127.0.0.1:${forge.port}/acme/*`, token: TOKEN },
      undefined,
    );
    expect(cred).toMatchObject({
      kind: "https_token",
      scope: `127.0.0.1:${forge.port}/acme/*`,
      fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });

    // The check an engineer runs before registering.
    const before = await runAs(checkAccessAction, { db: t.db, user: engineer }, { url: url("acme/serving") });
    expect(before).toMatchObject({ ok: true, data: { ok: true, verdict: "access works", credential: { name: "acme read token" } } });
    expect((before as { data: { words: string } }).data.words).toMatch(
      /^Access works: git ls-remote reached the repository with "acme read token"; the default branch is at [0-9a-f]{12}\.$/,
    );

    const registered = await runAs(
      registerRepositoryAction,
      { db: t.db, user: engineer, queues: () => p.queues },
      { url: url("acme/serving"), team: "ml" },
    );
    expect(registered).toMatchObject({
      ok: true,
      data: { credential: { name: "acme read token", kind: "https_token", scope: `127.0.0.1:${forge.port}/acme/*` } },
    });
    const repositoryId = (registered as { data: { repositoryId: string } }).data.repositoryId;

    forge.requests.length = 0;
    // While git talks to the server, look at every process's argv (what `ps` shows).
    const argv = forge.holdNextAuthorized(() => allArgv());
    const s = await scan(repositoryId);
    const seen = await argv;
    expect(
      seen.some((a) => a.includes("ls-remote") || a.includes("remote-https")),
      "git was running while the server held the request",
    ).toBe(true);
    for (const a of seen) {
      expect(a).not.toContain(TOKEN);
      expect(a).not.toContain(basic("x-access-token", TOKEN));
    }

    expect(s.row).toMatchObject({ status: "succeeded", failureCode: null });
    expect(s.findings.map((f) => [f.checkId, f.path, f.line])).toEqual([["test.python.eval", "svc/app.py", 2]]);
    // Every request carried the token, as Basic auth with the GitHub-style user name.
    expect(forge.requests.length).toBeGreaterThanOrEqual(2);
    expect(new Set(forge.requests.map((r) => r.authorization))).toEqual(new Set([`Basic ${basic("x-access-token", TOKEN)}`]));
    expect(forge.requests.map((r) => r.status).every((x) => x === 200)).toBe(true);
    const row = await t.db.credential.findUniqueOrThrow({ where: { id: cred.id } });
    expect(row).toMatchObject({ lastResult: "ok", lastUsedAt: expect.any(Date) });
  });

  it("the most specific scope wins: a revoked token stored for the repository itself is used, and reported as such", async () => {
    const repo = await t.db.repository.findFirstOrThrow({ where: { url: url("acme/serving") } });
    const specific = await createCredential(t.db, actor, {
      kind: "https_token",
      name: "serving only (revoked)",
      scope: `127.0.0.1:${forge.port}/acme/serving`,
      token: WRONG_TOKEN,
    });
    const s = await scan(repo.id);
    expect(s.row).toMatchObject({
      status: "failed",
      failureCode: "credential_rejected",
      failureReason: "the git server refused the token: it has expired, been revoked or is wrong",
    });
    expect(forge.requests.at(-1)?.authorization).toBe(`Basic ${basic("x-access-token", WRONG_TOKEN)}`);
    const check = await checkAccess(t.db, url("acme/serving"), null);
    expect(check).toMatchObject({ ok: false, verdict: "token expired", credential: { name: "serving only (revoked)" } });
    expect(check.words).toBe(
      'Token expired or revoked: the git server refused "serving only (revoked)"\'s token. Store a new token (or check it is the right one).',
    );
    await deleteCredential(t.db, actor, specific.id);

    // Stored with the expiry the owner gave it: the words say it expired, and when.
    const expired = await createCredential(t.db, actor, {
      kind: "https_token",
      name: "expired",
      scope: `127.0.0.1:${forge.port}/acme/serving`,
      token: WRONG_TOKEN,
      expiresAt: "2026-01-31",
    });
    expect((await checkAccess(t.db, url("acme/serving"), null)).words).toBe(
      'Token expired: "expired"\'s token expired on 2026-01-31 and the git server refused it. Store a new token.',
    );
    await deleteCredential(t.db, actor, expired.id);
    expect((await scan(repo.id)).row.status).toMatch(/succeeded|unchanged/);
  });

  it("says no access when the token cannot read the repository (403) and not found when there is none", async () => {
    const other = await registerRepository(t.db, { url: url("acme/other"), team: "ml" }, false);
    expect((await scan(other.id)).row).toMatchObject({
      status: "failed",
      failureCode: "access_denied",
      failureReason: "no access: the git server accepted the token, but it cannot read this repository",
    });
    expect(await checkAccess(t.db, url("acme/other"), null)).toMatchObject({
      verdict: "no access",
      words: expect.stringMatching(/^No access: "acme read token"'s token was accepted but cannot read this repository/),
    });

    const missing = await registerRepository(t.db, { url: url("acme/missing"), team: "ml" }, false);
    expect((await scan(missing.id)).row).toMatchObject({ status: "failed", failureCode: "not_found" });
    expect(await checkAccess(t.db, url("acme/missing"), null)).toMatchObject({
      verdict: "not found",
      words: expect.stringMatching(/^Not found: there is no repository at this URL, or "acme read token" cannot see it/),
    });
  });

  it("never sends the token to another host: not to another port, not through a redirect, not when handed one for elsewhere", async () => {
    elsewhere.requests.length = 0;
    // Same address, another port: no credential matches, so none is sent.
    const there = await registerRepository(t.db, { url: url("acme/serving", elsewhere), team: "ml" }, false);
    expect((await scan(there.id)).row).toMatchObject({ status: "failed", failureCode: "auth_required" });
    expect(elsewhere.requests.length).toBeGreaterThan(0);
    expect(elsewhere.requests.every((r) => r.authorization === undefined)).toBe(true);

    // The credential's host answers with a redirect to another host: not followed.
    const moved = await registerRepository(t.db, { url: url("acme/moved"), team: "ml" }, false);
    const before = elsewhere.requests.length;
    expect((await scan(moved.id)).row).toMatchObject({ status: "failed", failureCode: "redirect" });
    expect(forge.requests.at(-1)).toMatchObject({
      url: "/acme/moved.git/info/refs?service=git-upload-pack",
      status: 302,
      authorization: `Basic ${basic("x-access-token", TOKEN)}`,
    });
    expect(elsewhere.requests.length, "the redirect target was never asked").toBe(before);

    // git itself refuses a credential for a remote it is not scoped to, before connecting.
    await expect(
      remoteHead(url("acme/serving", elsewhere), null, {
        timeoutMs: 10_000,
        credential: { type: "http", host: "127.0.0.1", port: forge.port, username: "x", password: TOKEN },
      }),
    ).rejects.toMatchObject({ code: "credential_unusable" });
    await expect(
      remoteHead(`ssh://git@127.0.0.1:${forge.port}/acme/serving.git`, null, {
        timeoutMs: 10_000,
        credential: { type: "http", host: "127.0.0.1", port: forge.port, username: "x", password: TOKEN },
      }),
    ).rejects.toMatchObject({ code: "credential_unusable" });
    // Never over plain http: such a URL is refused before git runs.
    await expect(
      remoteHead(`http://127.0.0.1:${forge.port}/acme/serving.git`, null, {
        timeoutMs: 10_000,
        credential: { type: "http", host: "127.0.0.1", port: forge.port, username: "x", password: TOKEN },
      }),
    ).rejects.toMatchObject({ code: "invalid_url" });
    expect(elsewhere.requests.length).toBe(before);
  });
});

describe("over SSH (Debian's sshd on a loopback port, a deploy key, the host key pinned)", () => {
  let sshd: SshServer;
  const keys = files.path("ssh-keys");
  const deploy = sshKeyPair(keys, "deploy");
  const stranger = sshKeyPair(keys, "stranger");
  const impostor = sshKeyPair(keys, "impostor-host");
  beforeAll(async () => {
    sshd = await startSshServer({ dir: files.path("sshd"), authorizedKeys: [deploy.publicKey] });
    return () => sshd.close();
  });
  const url = (path: string) => `ssh://${sshd.user}@127.0.0.1:${sshd.port}${root}/${path}.git`;
  const under = (path: string) => `127.0.0.1:${sshd.port}${root}/${path}`;
  const accepted = () => (sshd.log().match(/Accepted publickey/g) ?? []).length;
  /** An SSH key credential for every repository under `owner` on this server. */
  const storeKey = (owner: string, name: string, privateKey: string, hostKeys: string) =>
    createCredential(t.db, actor, { kind: "ssh_key", name, scope: under(owner), privateKey, hostKeys });

  it("control: sshd serves the repository to the deploy key, and to no other key", async () => {
    const ssh = (key: string) => ({
      GIT_SSH_COMMAND: `ssh -F /dev/null -i ${key} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes`,
    });
    expect(await plainGit(["ls-remote", url("acme/serving")], ssh(deploy.file))).toMatchObject({
      ok: true,
      stdout: expect.stringMatching(/^[0-9a-f]{40}\tHEAD/),
    });
    expect(await plainGit(["ls-remote", url("acme/serving")], ssh(stranger.file))).toMatchObject({
      ok: false,
      stderr: expect.stringMatching(/Permission denied \(publickey\)/),
    });
  });

  it("without a stored key: no access", async () => {
    const repo = await registerRepository(t.db, { url: url("acme/serving"), team: "ml" }, false);
    const before = accepted();
    expect((await scan(repo.id)).row).toMatchObject({ status: "failed", failureCode: "auth_required" });
    expect(accepted()).toBe(before);
    await t.db.repository.delete({ where: { id: repo.id } });
  });

  it("with the deploy key and its host key pinned: a 0600 key file only while git runs, ssh told to use only it, the scan finds the code", async () => {
    const cred = await storeKey("acme", "acme deploy key", deploy.privateKey, `[127.0.0.1]:${sshd.port} ${sshd.hostKey}\n`);
    expect(cred.fingerprint).toBe(
      execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${deploy.file}.pub`])
        .toString()
        .split(" ")[1],
    );
    const registered = await runAs(
      registerRepositoryAction,
      { db: t.db, user: engineer, queues: () => p.queues },
      { url: url("acme/serving"), team: "ml" },
    );
    expect(registered).toMatchObject({ ok: true, data: { credential: { name: "acme deploy key", kind: "ssh_key" } } });
    const repositoryId = (registered as { data: { repositoryId: string } }).data.repositoryId;

    const look = sshd.holdNextSession(() => {
      const dirs = readdirSync(checkouts.root).filter((d) => d.startsWith(KEY_DIR_PREFIX));
      return {
        dirs,
        modes: dirs.flatMap((d) => [
          statSync(join(checkouts.root, d)).mode & 0o777,
          ...readdirSync(join(checkouts.root, d)).map((f) => statSync(join(checkouts.root, d, f)).mode & 0o777),
        ]),
        key: dirs.length ? readFileSync(join(checkouts.root, dirs[0]!, "id"), "utf8") : "",
        argv: allArgv(),
      };
    });
    const s = await scan(repositoryId);
    const seen = await look;
    expect(seen.dirs).toHaveLength(1);
    expect(seen.dirs[0]).toMatch(new RegExp(`^${KEY_DIR_PREFIX}${process.pid}-`));
    expect(seen.modes).toEqual([0o700, 0o600, 0o600]);
    expect(seen.key).toBe(deploy.privateKey);
    const sshArgv = seen.argv.filter((a) => a.startsWith("ssh ") && a.includes(`${sshd.port}`));
    expect(sshArgv).toHaveLength(1);
    for (const opt of [
      "-F /dev/null",
      "StrictHostKeyChecking=yes",
      "IdentitiesOnly=yes",
      "IdentityAgent=none",
      "GlobalKnownHostsFile=/dev/null",
      `UserKnownHostsFile=${join(checkouts.root, seen.dirs[0]!, "known_hosts")}`,
    ])
      expect(sshArgv[0]).toContain(opt);
    const keyBody = deploy.privateKey.split("\n")[1]!;
    for (const a of seen.argv) expect(a).not.toContain(keyBody);

    expect(s.row).toMatchObject({ status: "succeeded" });
    expect(s.findings.map((f) => [f.checkId, f.path])).toEqual([["test.python.eval", "svc/app.py"]]);
    expect(
      readdirSync(checkouts.root).filter((d) => d.startsWith(KEY_DIR_PREFIX)),
      "the key folder is removed",
    ).toEqual([]);
    expect(await checkAccess(t.db, url("acme/serving"), null)).toMatchObject({
      ok: true,
      verdict: "access works",
      credential: { name: "acme deploy key" },
    });
  });

  it("refuses a server whose host key is not the pinned one, before offering the key", async () => {
    await storeKey("beta", "beta (wrong host key)", deploy.privateKey, impostor.publicKey);
    const repo = await registerRepository(t.db, { url: url("beta/serving"), team: "ml" }, false);
    const before = accepted();
    const s = await scan(repo.id);
    expect(s.row).toMatchObject({ status: "failed", failureCode: "host_key_mismatch" });
    expect(s.row.failureReason).toMatch(/^host key mismatch: the SSH server's host key is not the one pinned for it/);
    expect(await checkAccess(t.db, url("beta/serving"), null)).toMatchObject({
      verdict: "host key mismatch",
      words: expect.stringMatching(/^Host key mismatch: the SSH server's host key is not one pinned in "beta \(wrong host key\)"/),
    });
    expect(accepted(), "the key was never offered to that server").toBe(before);
  });

  it("says no access when the server refuses the key", async () => {
    await storeKey("gamma", "gamma (not authorized)", stranger.privateKey, sshd.hostKey);
    const repo = await registerRepository(t.db, { url: url("gamma/serving"), team: "ml" }, false);
    expect((await scan(repo.id)).row).toMatchObject({
      status: "failed",
      failureCode: "access_denied",
      failureReason: "no access: the SSH server refused the deploy key for this repository",
    });
    expect(await checkAccess(t.db, url("gamma/serving"), null)).toMatchObject({ verdict: "no access" });
    expect(readdirSync(checkouts.root).filter((d) => d.startsWith(KEY_DIR_PREFIX))).toEqual([]);
  });

  it("a killed worker's key folder is removed by the next worker's sweep", async () => {
    const dead = 2 ** 22 + 12345;
    mkdirSync(join(checkouts.root, `${KEY_DIR_PREFIX}${dead}-abc123`));
    expect(await removeOrphanedCheckouts(checkouts.root)).toContain(`${KEY_DIR_PREFIX}${dead}-abc123`);
  });
});

describe("with a GitHub App (an installation token minted per scan by the forge client)", () => {
  const APP_ID = 424242;
  const APP_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  let api: FakeForge;
  let git: SmartHttpServer;
  const minted: string[] = [];
  beforeAll(async () => {
    api = await FakeForge.start();
    api.githubApp(APP_ID, "posture-scanner", APP_KEY, [{ id: 71, account: "acme" }]);
    api.githubOwner("acme", "Organization", [{ name: "serving", private: true }]);
    // The git host takes the tokens the App's API minted, as github.com does.
    git = await startSmartHttpServer({
      root,
      tls,
      tokens: (tok) => (tok.startsWith("ghs_") && api.tokens.has(tok) ? (minted.push(tok), ["acme/serving"]) : undefined),
    });
    return async () => {
      await git.close();
      await api.close();
    };
  });
  /** The App as a credential for acme's repositories on the git host, its API at `apiUrl`. */
  const storeApp = (name: string, apiUrl: string) =>
    createCredential(t.db, actor, {
      kind: "github_app",
      name,
      scope: `127.0.0.1:${git.port}/acme/*`,
      appId: String(APP_ID),
      privateKey: APP_KEY,
      apiUrl,
    });

  it("clones with a token narrowed to the repository, minted for the scan and never stored", async () => {
    await storeApp("posture-scanner app", api.url);
    const repo = await registerRepository(t.db, { url: `${git.origin}/acme/serving.git`, team: "ml" }, false);
    const s = await scan(repo.id, { ca: api.ca });
    expect(s.row).toMatchObject({ status: "succeeded" });
    expect(s.findings).toHaveLength(1);
    // Found the installation on the scope's owner, then asked for a token for acme/serving only.
    expect(api.log()).toEqual(["GET /api/v3/orgs/acme/installation", "POST /api/v3/app/installations/71/access_tokens"]);
    expect(api.received.at(-1)?.body).toEqual({ repositories: ["serving"] });
    const tokens = new Set(minted);
    expect(tokens.size).toBe(1);
    expect(git.requests.every((r) => r.authorization === `Basic ${basic("x-access-token", [...tokens][0]!)}`)).toBe(true);
    secrets.push(...tokens, APP_KEY.split("\n")[1]!);

    // Without the App's API (wrong address for it): the scan says the credential could not be used, and why.
    await t.db.credential.deleteMany({ where: { name: "posture-scanner app" } });
    await storeApp("app, API unreachable", `https://127.0.0.1:${git.port}`);
    const failed = await scan(repo.id, { ca: api.ca });
    expect(failed.row).toMatchObject({ status: "failed", failureCode: "credential_unusable" });
    expect(failed.row.failureReason).toMatch(
      /^the credential "app, API unreachable" could not be used: GitHub did not give the app an installation token \(/,
    );
  });
});

describe("no secret anywhere", () => {
  it("in any log line, error or stored row of the scans above (scans, audit log, findings, every table)", async () => {
    expect(logs.length).toBeGreaterThan(10);
    const dump = execFileSync("pg_dump", ["--data-only", t.url], { maxBuffer: 64 * 2 ** 20 }).toString();
    expect(dump).toContain("acme read token");
    const deployKey = readFileSync(files.path("ssh-keys/deploy"), "utf8");
    secrets.push(
      TOKEN,
      WRONG_TOKEN,
      OTHER_TOKEN,
      basic("x-access-token", TOKEN),
      basic("x-access-token", WRONG_TOKEN),
      ...deployKey.split("\n").slice(1, -2),
    );
    const haystacks = { logs: logs.join("\n"), errors: errors.join("\n"), database: dump };
    for (const [where, text] of Object.entries(haystacks))
      for (const s of secrets) expect(text.includes(s), `${where} contains ${s.slice(0, 10)}…`).toBe(false);
    // The failures' git output is in the log, so the grep looked at what git said too.
    expect(haystacks.logs).toMatch(/"detail":/);
  });
});
