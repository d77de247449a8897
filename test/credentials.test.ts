/**
 * Issue 14 §1, the parts without a git server: the secret key, sealing, scopes and which credential matches,
 * what an admin may paste, and that the database, the audit log and every read hold no secret.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runAs } from "../lib/actions/define.ts";
import { keyEnvironment } from "../lib/cli/credentials.ts";
import { run } from "../lib/cli/main.ts";
import { createCredentialAction, deleteCredentialAction } from "../lib/actions/credentials.ts";
import { checkSecretKey, secretKeys, SecretKeyError } from "../lib/credentials/key.ts";
import { parseHostKeys } from "../lib/credentials/material.ts";
import { listCredentials, matchingCredential } from "../lib/credentials/queries.ts";
import { formatScope, parseScope, ScopeError } from "../lib/credentials/scope.ts";
import { open, seal, SealError } from "../lib/credentials/seal.ts";
import { createCredential, CredentialError, deleteCredential, openCredential, rotateCredentials } from "../lib/credentials/service.ts";
import { scratch } from "./helpers.ts";
import { sshKeyPair } from "./support/git-servers.ts";
import { useTestDatabase } from "./support/db.ts";
import { ORG_WIDE } from "../lib/findings/visibility.ts";

const KEY = "a-test-key-that-is-long-enough-0123456789";
const OTHER = "another-test-key-that-is-long-enough-9876543210";
const keys = secretKeys({ POSTURE_SECRET_KEY: KEY });
const files = scratch("posture-cred-");

describe("POSTURE_SECRET_KEY", () => {
  it("is required, and a short one is refused by name", () => {
    expect(() => checkSecretKey({})).toThrow(SecretKeyError);
    expect(() => checkSecretKey({})).toThrow(/POSTURE_SECRET_KEY is not set/);
    expect(() => checkSecretKey({ POSTURE_SECRET_KEY: "   " })).toThrow(/POSTURE_SECRET_KEY is not set/);
    expect(() => checkSecretKey({ POSTURE_SECRET_KEY: "short" })).toThrow(/POSTURE_SECRET_KEY is too short \(5 characters; at least 32\)/);
    expect(() => checkSecretKey({ POSTURE_SECRET_KEY: KEY, POSTURE_SECRET_KEY_PREVIOUS: "old" })).toThrow(
      /POSTURE_SECRET_KEY_PREVIOUS is too short/,
    );
    expect(() => checkSecretKey({ POSTURE_SECRET_KEY: KEY })).not.toThrow();
  });

  /** Runs `args` with node (tsx loaded) in a bare environment plus `env`; what it exits with and writes to stderr. */
  function startUp(args: string[], env: Record<string, string> = {}): { code: number; stderr: string } {
    try {
      execFileSync(process.execPath, ["--import", "tsx", ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as unknown as NodeJS.ProcessEnv,
        stdio: "pipe",
        timeout: 30_000,
      });
      return { code: 0, stderr: "" };
    } catch (e) {
      const err = e as { status: number; stderr: Buffer };
      return { code: err.status, stderr: err.stderr.toString() };
    }
  }

  it("stops the worker process at start with that message", () => {
    const r = startUp(["worker/index.ts"], { POSTURE_SECRET_KEY: "too-short", DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "posture worker: POSTURE_SECRET_KEY is too short (9 characters; at least 32): set it to a random value, e.g. `openssl rand -base64 32` (README: private repositories)",
    );
  });

  it("stops the web app at start (its start-up check) with that message", () => {
    const r = startUp(["-e", 'import("./lib/server/startup.ts").then((m) => m.checkSettingsOrExit())']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^posture: POSTURE_SECRET_KEY is not set: it encrypts the stored git credentials/);
  });
});

describe("sealing (AES-256-GCM)", () => {
  it("opens what it sealed, only with the same associated data and a key it has", () => {
    const s = seal("ghp_secret", "row-1", keys);
    expect(s.sealed).not.toContain("ghp_secret");
    expect(Buffer.from(s.sealed, "base64").toString("latin1")).not.toContain("ghp_secret");
    expect(open(s, "row-1", keys)).toBe("ghp_secret");
    // Another row's associated data: a sealed token copied into a row scoped elsewhere does not open.
    expect(() => open(s, "row-2", keys)).toThrow(SealError);
    // A flipped bit fails the tag.
    const raw = Buffer.from(s.sealed, "base64");
    raw.writeUInt8(raw.readUInt8(20) ^ 1, 20);
    expect(() => open({ ...s, sealed: raw.toString("base64") }, "row-1", keys)).toThrow(/damaged/);
    // Another key: named as such, not as damage.
    expect(() => open(s, "row-1", secretKeys({ POSTURE_SECRET_KEY: OTHER }))).toThrow(/encrypted with a key this process does not have/);
    // Two seals of one value differ (random IV).
    expect(seal("ghp_secret", "row-1", keys).sealed).not.toBe(s.sealed);
  });
});

describe("scopes", () => {
  it("parse hosts as repository URLs do, with an optional port and path prefix", () => {
    expect(parseScope("github.com/acme/*", "https")).toEqual({ transport: "https", host: "github.com", port: 443, pathPrefix: "acme" });
    expect(parseScope("GitHub.COM./Acme/Serving.git", "https")).toEqual({
      transport: "https",
      host: "github.com",
      port: 443,
      pathPrefix: "acme/serving",
    });
    expect(parseScope("https://gitlab.example.com:8443/ml/", "https")).toMatchObject({
      host: "gitlab.example.com",
      port: 8443,
      pathPrefix: "ml",
    });
    expect(parseScope("git@github.com:acme/infra", "ssh")).toMatchObject({ host: "github.com", port: 22, pathPrefix: "acme/infra" });
    expect(parseScope("github.com", "ssh")).toMatchObject({ port: 22, pathPrefix: "" });
    expect(parseScope("127.0.0.1:2222/*", "ssh")).toMatchObject({ host: "127.0.0.1", port: 2222, pathPrefix: "" });
    expect(formatScope(parseScope("gitlab.example.com:8443/ml", "https"))).toBe("gitlab.example.com:8443/ml/*");
    expect(formatScope(parseScope("github.com", "https"))).toBe("github.com/*");
    for (const bad of ["", "github.com/a*b", "github.com/../x", "http\\x", "exa mple.com/x"])
      expect(() => parseScope(bad, "https"), bad).toThrow(ScopeError);
  });
});

describe("stored credentials", () => {
  const t = useTestDatabase("creds");
  const actor = { id: null, label: "lead@example.test" };
  const deploy = sshKeyPair(files.path("keys"), "deploy");
  const hostKey = sshKeyPair(files.path("keys"), "host").publicKey.split(" ").slice(0, 2).join(" ");

  it("match by transport, host, port and path prefix: the most specific wins", async () => {
    const token = (name: string, scope: string, token: string) =>
      createCredential(t.db, actor, { kind: "https_token", name, scope, token }, keys);
    const host = await token("whole host", "git.example.com", "tok-host-aaaaaaaa");
    const org = await token("acme", "git.example.com/acme/*", "tok-acme-bbbbbbbb");
    const repo = await token("acme/payments", "git.example.com/acme/payments", "tok-pay-cccccccc");
    const ssh = await createCredential(
      t.db,
      actor,
      {
        kind: "ssh_key",
        name: "acme ssh",
        scope: "git.example.com/acme",
        privateKey: deploy.privateKey,
        hostKeys: `git.example.com ${hostKey}\n`,
      },
      keys,
    );
    const other = await token("port 8443", "git.example.com:8443/acme", "tok-port-dddddddd");
    const m = async (url: string) => (await matchingCredential(t.db, url))?.name ?? null;
    expect(await m("https://git.example.com/acme/payments.git")).toBe(repo.name);
    expect(await m("https://git.example.com/ACME/Payments")).toBe(repo.name);
    expect(await m("https://git.example.com/acme/payments-v2.git")).toBe(org.name);
    expect(await m("https://git.example.com/acme/sub/group/x")).toBe(org.name);
    expect(await m("https://git.example.com/other/x")).toBe(host.name);
    expect(await m("https://git.example.com:8443/acme/x")).toBe(other.name);
    expect(await m("https://git.example.com:9443/acme/x")).toBe(null);
    expect(await m("https://git.example.com.evil.test/acme/x")).toBe(null);
    expect(await m("https://evil.test/git.example.com/acme/x")).toBe(null);
    // ssh URLs get the ssh credential, never a token; an https credential is never used for ssh and back.
    expect(await m("git@git.example.com:acme/payments.git")).toBe(ssh.name);
    expect(await m("ssh://git@git.example.com/acme/x")).toBe(ssh.name);
    expect(await m("ssh://git@git.example.com:2222/acme/x")).toBe(null);
    expect(await m("git@git.example.com:other/x")).toBe(null);
    expect(await m(files.root)).toBe(null);
  });

  it("refuse a second credential for one scope, and say which field is wrong without quoting the secret", async () => {
    await expect(
      createCredential(t.db, actor, { kind: "https_token", name: "dup", scope: "git.example.com/acme/*", token: "tok-dup-eeeeeeee" }, keys),
    ).rejects.toThrow(/a credential for git.example.com\/acme\/\* over https already exists/);
    await expect(
      createCredential(t.db, actor, { kind: "https_token", name: "acme", scope: "x.example.com", token: "tok-dup-ffffffff" }, keys),
    ).rejects.toThrow(/a credential named "acme" already exists/);
    const bad = [
      [{ kind: "https_token", name: "t", scope: "x.example.com", token: "has space in-it-123" }, "token"],
      [
        { kind: "ssh_key", name: "s", scope: "x.example.com", privateKey: "ssh-ed25519 AAAA not-a-private-key", hostKeys: hostKey },
        "privateKey",
      ],
      [
        {
          kind: "ssh_key",
          name: "s",
          scope: "x.example.com",
          privateKey: deploy.privateKey,
          hostKeys: "x.example.com ssh-ed25519 AAAAnotakey",
        },
        "hostKeys",
      ],
      [{ kind: "ssh_key", name: "s", scope: "x.example.com", privateKey: deploy.privateKey, hostKeys: "# only a comment" }, "hostKeys"],
      [{ kind: "github_app", name: "g", scope: "github.com/acme", appId: "12", privateKey: deploy.privateKey }, "privateKey"],
      [{ kind: "github_app", name: "g", scope: "github.com/acme", appId: "12", privateKey: "x" }, "privateKey"],
      [{ kind: "github_app", name: "g", scope: "github.com", appId: "12", privateKey: "x" }, "scope"],
      [{ kind: "github_app", name: "g", scope: "github.com/acme", appId: "0x12", privateKey: "x" }, "appId"],
    ] as const;
    for (const [input, field] of bad) {
      const e = await createCredential(t.db, actor, input, keys).catch((x: unknown) => x);
      expect(e, JSON.stringify(input).slice(0, 80)).toBeInstanceOf(CredentialError);
      expect((e as CredentialError).field).toBe(field);
      expect((e as Error).message).not.toContain("has space");
      expect((e as Error).message).not.toContain("PRIVATE KEY-----\n");
    }
  });

  it("refuse a deploy key with a passphrase, which the worker could not type", async () => {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "a passphrase", "-f", files.path("keys/locked")], { stdio: "ignore" });
    const locked = execFileSync("cat", [files.path("keys/locked")]).toString();
    await expect(
      createCredential(
        t.db,
        actor,
        { kind: "ssh_key", name: "locked", scope: "x.example.com", privateKey: locked, hostKeys: hostKey },
        keys,
      ),
    ).rejects.toThrow(/the key has a passphrase/);
  });

  it("show only name, kind, scope, fingerprint and use; the stored row and the audit log hold no secret", async () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const app = await createCredential(
      t.db,
      actor,
      { kind: "github_app", name: "acme app", scope: "github.com/acme/*", appId: "123456", installationId: "4815162342", privateKey },
      keys,
    );
    expect(app.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}=$/);
    const list = await listCredentials(t.db);
    const ssh = list.find((c) => c.name === "acme ssh")!;
    // The fingerprint a forge shows for the deploy key.
    expect(ssh.fingerprint).toBe(
      execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${deploy.file}.pub`])
        .toString()
        .split(" ")[1],
    );
    expect(Object.keys(list[0]!).sort()).toEqual([
      "createdAt",
      "createdBy",
      "expiresAt",
      "fingerprint",
      "id",
      "kind",
      "lastResult",
      "lastUsedAt",
      "name",
      "scope",
    ]);

    const dump = execFileSync("pg_dump", ["--data-only", t.url]).toString();
    const secrets = [
      "tok-host-aaaaaaaa",
      "tok-acme-bbbbbbbb",
      "tok-pay-cccccccc",
      "tok-port-dddddddd",
      privateKey.split("\n")[1]!,
      deploy.privateKey.split("\n")[1]!,
      "4815162342",
      hostKey.split(" ")[1]!,
    ];
    for (const s of secrets) expect(dump.includes(s), `the database holds ${s.slice(0, 12)}…`).toBe(false);
    const audit = await t.db.auditLog.findMany({ where: { targetType: "credential" } });
    expect(audit.map((a) => a.action)).toContain("credential.create");
    expect(audit.find((a) => a.targetId === app.id)?.after).toEqual({
      name: "acme app",
      kind: "github_app",
      scope: "github.com/acme/*",
      fingerprint: app.fingerprint,
    });
    // What is sealed opens, with the row it belongs to.
    const row = await t.db.credential.findUniqueOrThrow({ where: { id: app.id } });
    expect(openCredential(row, keys)).toMatchObject({ kind: "github_app", appId: "123456", installationId: "4815162342", owner: "acme" });
  });

  it("re-seal every credential under a new key; an old key is still read until then, an unknown one is named", async () => {
    const next = secretKeys({ POSTURE_SECRET_KEY: OTHER, POSTURE_SECRET_KEY_PREVIOUS: KEY });
    const before = await t.db.credential.findMany();
    expect(() => openCredential(before[0]!, secretKeys({ POSTURE_SECRET_KEY: OTHER }))).toThrow(
      /POSTURE_SECRET_KEY changed without rotation/,
    );
    const r = await rotateCredentials(t.db, actor, next);
    expect(r).toEqual({ resealed: before.length, current: 0, unreadable: [] });
    const after = await t.db.credential.findMany();
    expect(new Set(after.map((a) => a.keyId))).toEqual(new Set([next.current.id]));
    for (const row of after)
      expect(openCredential(row, secretKeys({ POSTURE_SECRET_KEY: OTHER }))).toEqual(
        openCredential(before.find((b) => b.id === row.id)!, keys),
      );
    expect(await rotateCredentials(t.db, actor, next)).toEqual({ resealed: 0, current: before.length, unreadable: [] });
    expect((await t.db.auditLog.findFirst({ where: { action: "credential.rotate" } }))?.after).toEqual({
      resealed: before.length,
      keyId: next.current.id,
    });
  });

  it("are added and deleted through permission-checked actions, audited, the secret never in the result", async () => {
    const lead = { id: "u-lead", email: "lead@example.test", name: "Lead", role: "security_lead" as const, access: ORG_WIDE };
    const engineer = { ...lead, id: "u-eng", role: "engineer" as const };
    const input = {
      kind: "https_token",
      name: "via action",
      scope: "gitlab.example.com/ml",
      token: "glpat-action-secret-1234",
      username: "",
      expiresAt: "",
    };
    expect(await runAs(createCredentialAction, { db: t.db, user: engineer }, input)).toEqual({
      ok: false,
      error: "the engineer role cannot do this",
    });
    const r = await runAs(createCredentialAction, { db: t.db, user: lead }, input);
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r)).not.toContain("glpat-action-secret-1234");
    const id = (r as { data: { id: string } }).data.id;
    const d = await runAs(deleteCredentialAction, { db: t.db, user: lead }, { credentialId: id });
    expect(d).toEqual({ ok: true, data: { name: "via action" } });
    expect(await runAs(deleteCredentialAction, { db: t.db, user: lead }, { credentialId: id })).toMatchObject({
      ok: false,
      error: "it no longer exists (reload the page)",
    });
    const log = await t.db.auditLog.findMany({ where: { targetId: id }, orderBy: { createdAt: "asc" } });
    expect(log.map((l) => [l.action, l.actorLabel])).toEqual([
      ["credential.create", "lead@example.test"],
      ["credential.delete", "lead@example.test"],
    ]);
    expect(JSON.stringify(log)).not.toContain("glpat-action-secret-1234");
    expect(await deleteCredential(t.db, actor, id)).toBe(null);
  });

  it("posture credentials list and rotate: the re-encryption step of a key rotation, from the command line", async () => {
    const saved = {
      DATABASE_URL: process.env.DATABASE_URL,
      POSTURE_SECRET_KEY: process.env.POSTURE_SECRET_KEY,
      POSTURE_SECRET_KEY_PREVIOUS: process.env.POSTURE_SECRET_KEY_PREVIOUS,
    };
    const out = { stdout: "", stderr: "" };
    const io = { stdout: (x: string) => void (out.stdout += x), stderr: (x: string) => void (out.stderr += x), isTTY: false };
    try {
      process.env.DATABASE_URL = t.url;
      const n = await t.db.credential.count();
      // The rows are sealed with OTHER since the rotation above: back to KEY, OTHER being the previous key.
      Object.assign(process.env, { POSTURE_SECRET_KEY: KEY, POSTURE_SECRET_KEY_PREVIOUS: OTHER });
      expect(await run(["credentials", "rotate"], io)).toBe(0);
      expect(out.stdout).toBe(`re-encrypted ${n} credential(s) with the current key; 0 already were\n`);
      expect(new Set((await t.db.credential.findMany()).map((c) => c.keyId))).toEqual(new Set([keys.current.id]));

      out.stdout = "";
      expect(await run(["credentials", "list"], io)).toBe(0);
      expect(out.stdout).toContain("acme/payments\tHTTPS token\tgit.example.com/acme/payments/*\tsha256:");
      for (const secret of ["tok-pay-cccccccc", deploy.privateKey.split("\n")[1]!]) expect(out.stdout).not.toContain(secret);

      // A key that opens none of them: nothing changes, and the command says which ones and fails.
      Object.assign(process.env, { POSTURE_SECRET_KEY: "a-third-key-that-is-long-enough-000000000" });
      delete process.env.POSTURE_SECRET_KEY_PREVIOUS;
      out.stdout = "";
      expect(await run(["credentials", "rotate"], io)).toBe(1);
      expect(out.stderr).toMatch(
        /^not readable with any configured key \(set the key that encrypted them in POSTURE_SECRET_KEY_PREVIOUS\): /,
      );
      expect(new Set((await t.db.credential.findMany()).map((c) => c.keyId))).toEqual(new Set([keys.current.id]));
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    // ./bin/start's key file stands in for an unset POSTURE_SECRET_KEY.
    const file = files.write("secret-key", `${KEY}\n`);
    expect(keyEnvironment({}, file).POSTURE_SECRET_KEY).toBe(KEY);
    expect(keyEnvironment({ POSTURE_SECRET_KEY: OTHER }, file).POSTURE_SECRET_KEY).toBe(OTHER);
  });

  it("host keys are read from ssh-keyscan or known_hosts lines, host names ignored", () => {
    const [type, b64] = hostKey.split(" ");
    expect(parseHostKeys(`# github.com:22 SSH-2.0-babeld\ngithub.com ${type} ${b64}\n|1|abc=|def= ${type} ${b64}\n`)).toEqual([
      `${type} ${b64}`,
    ]);
    expect(() => parseHostKeys(`@cert-authority *.example.com ${type} ${b64}`)).toThrow(/not supported/);
  });
});
