/**
 * GitHub App authentication against the fake forge, which checks the App's JWT with the App's public key the
 * way GitHub does (signature, issuer, expiry no more than 10 minutes after issue) before minting an
 * installation token; the token then works as GitHub's does.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForgeError } from "../../lib/forge/errors.ts";
import { appBotLogin, appJwt, installationToken } from "../../lib/forge/github-app.ts";
import { GitHubClient } from "../../lib/forge/github.ts";
import { FakeForge } from "../support/fake-forge.ts";

// As GitHub hands out an App's key: PKCS#1 PEM ("BEGIN RSA PRIVATE KEY").
const rsa = (bits = 2048) =>
  generateKeyPairSync("rsa", { modulusLength: bits }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const KEY = rsa();
const APP_ID = 424242;

let forge: FakeForge;
const app = (extra: Partial<Parameters<typeof installationToken>[0]> = {}) => ({
  apiBase: forge.url,
  appId: APP_ID,
  privateKeyPem: KEY,
  ca: forge.ca,
  ...extra,
});

beforeAll(async () => {
  process.env.POSTURE_GIT_ALLOWED_NETWORKS = "127.0.0.1/32";
  forge = await FakeForge.start();
  forge.githubApp(APP_ID, "posture-scanner", KEY, [
    { id: 71, account: "acme" },
    { id: 72, account: "dana" },
  ]);
  forge.githubOwner("acme", "Organization", [{ name: "serve", private: true }, { name: "train" }]);
  forge.githubOwner("dana", "User", [{ name: "notebook", private: true }]);
});
afterAll(async () => {
  await forge.close();
  delete process.env.POSTURE_GIT_ALLOWED_NETWORKS;
});

describe("the App's JWT", () => {
  it("is RS256 with the issuer, issued a minute back and expiring within GitHub's 10 minutes", () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const [h, p, sig] = appJwt(APP_ID, KEY, now).split(".");
    expect(JSON.parse(Buffer.from(h!, "base64url").toString())).toEqual({ alg: "RS256", typ: "JWT" });
    expect(JSON.parse(Buffer.from(p!, "base64url").toString())).toEqual({
      iat: now / 1000 - 60,
      exp: now / 1000 + 540,
      iss: String(APP_ID),
    });
    expect(Buffer.from(sig!, "base64url")).toHaveLength(256);
  });

  it("refuses a key that is not an RSA private key of 2048 bits or more, without echoing it", () => {
    const junk = "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n";
    const e = (() => {
      try {
        appJwt(APP_ID, junk);
      } catch (x) {
        return x as ForgeError;
      }
    })();
    expect(e).toBeInstanceOf(ForgeError);
    expect(e!.code).toBe("invalid_config");
    expect(e!.message).not.toContain("bm90IGEga2V5");
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => appJwt(APP_ID, ec)).toThrow(/RSA key of at least 2048 bits/);
    expect(() => appJwt(APP_ID, rsa(1024))).toThrow(/RSA key of at least 2048 bits/);
    expect(() => appJwt("1; drop", KEY)).toThrow(/App id/);
  });
});

describe("installationToken", () => {
  it("exchanges the JWT for an installation token, found by owner, that then lists the installation's repositories", async () => {
    const mark = forge.received.length;
    const t = await installationToken(app({ owner: "acme" }));
    expect(t.installationId).toBe(71);
    expect(t.token).toMatch(/^ghs_/);
    expect(t.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const got = forge.received.slice(mark);
    expect(got.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/v3/orgs/acme/installation",
      "POST /api/v3/app/installations/71/access_tokens",
    ]);
    // Both with the JWT, which the fake verified with the App's public key.
    for (const r of got) expect(String(r.headers.authorization)).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);

    const gh = new GitHubClient({ baseUrl: forge.url, token: t.token, ca: forge.ca });
    expect((await gh.listRepositories("", { ownerKind: "installation" })).map((r) => [r.fullName, r.visibility])).toEqual([
      ["acme/serve", "private"],
      ["acme/train", "public"],
    ]);
    // The App comments as its bot; an installation token has no /user.
    expect(await appBotLogin(app())).toBe("posture-scanner[bot]");
    await expect(gh.currentUser()).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a user's installation is found after the organisation lookup says 404; a given id needs no lookup", async () => {
    const mark = forge.received.length;
    expect((await installationToken(app({ owner: "dana" }))).installationId).toBe(72);
    expect(forge.log().slice(mark)).toEqual([
      "GET /api/v3/orgs/dana/installation",
      "GET /api/v3/users/dana/installation",
      "POST /api/v3/app/installations/72/access_tokens",
    ]);
    const mark2 = forge.received.length;
    expect((await installationToken(app({ installationId: 71, repositories: ["serve"] }))).installationId).toBe(71);
    expect(forge.received.slice(mark2).map((r) => [r.path, r.body])).toEqual([
      ["/api/v3/app/installations/71/access_tokens", { repositories: ["serve"] }],
    ]);
  });

  it("an owner without the App installed is not_found, naming the owner", async () => {
    forge.githubOwner("other", "Organization", []);
    await expect(installationToken(app({ owner: "other" }))).rejects.toMatchObject({
      code: "not_found",
      message: "the GitHub App is not installed on other",
    });
  });

  it("a JWT signed with another key, or for another App, is refused by the forge: unauthorized", async () => {
    const wrongKey = await installationToken(app({ installationId: 71, privateKeyPem: rsa() })).catch((e) => e);
    expect(wrongKey).toBeInstanceOf(ForgeError);
    expect([wrongKey.code, wrongKey.message]).toEqual([
      "unauthorized",
      "GitHub answered 401 to POST /api/v3/app/installations/71/access_tokens: A JSON web token could not be decoded (the token or key is wrong, expired or revoked)",
    ]);
    await expect(installationToken(app({ installationId: 71, appId: 999 }))).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("needs an installation id or an owner", async () => {
    await expect(installationToken(app())).rejects.toMatchObject({ code: "invalid_config" });
    await expect(installationToken(app({ installationId: -1 }))).rejects.toMatchObject({ code: "invalid_config" });
  });
});
