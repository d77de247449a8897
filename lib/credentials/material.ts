/**
 * Checks what an admin pastes before it is stored, and the fingerprints that tell stored credentials apart
 * without showing them: a token's is a short sha256 prefix (`printf %s "$TOKEN" | sha256sum`), a deploy key's
 * the OpenSSH SHA256 fingerprint GitHub and GitLab show next to it, a GitHub App key's the SHA256 GitHub shows
 * on the app's page. No message here ever quotes the secret.
 */
import { execFile } from "node:child_process";
import { createHash, createPublicKey } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DomainError } from "../errors.ts";
import { readPemPrivateKey } from "../security/private-key.ts";

export class MaterialError extends DomainError {
  declare readonly field: string;
  constructor(message: string, field: string) {
    super("invalid_input", message, { field });
  }
}

export function tokenFingerprint(token: string): string {
  return `sha256:${createHash("sha256").update(token, "utf8").digest("hex").slice(0, 16)}`;
}

function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

const KEY_TYPES = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

/** The key type a public key blob names (its first length-prefixed string), or null when it is not one. */
function blobType(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const n = blob.readUInt32BE(0);
  if (n < 1 || n > 64 || blob.length < 4 + n) return null;
  return blob.subarray(4, 4 + n).toString("latin1");
}

/**
 * Host keys as `ssh-keyscan` prints them or as a known_hosts file has them (host names ignored: the credential's
 * scope says which host they are for), or bare `type base64` lines. Returns `type base64` lines.
 */
export function parseHostKeys(text: string): string[] {
  const out = new Set<string>();
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const l = line.trim();
    if (!l || l.startsWith("#")) continue;
    if (l.startsWith("@"))
      throw new MaterialError(
        `host keys, line ${i + 1}: markers such as @cert-authority are not supported; paste the server's own keys`,
        "hostKeys",
      );
    const tokens = l.split(/\s+/);
    const at = tokens.findIndex((t) => KEY_TYPES.test(t));
    const b64 = at === -1 ? undefined : tokens[at + 1];
    if (at === -1 || at > 1 || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
      throw new MaterialError(
        `host keys, line ${i + 1}: not a host key line (expected what ssh-keyscan prints, e.g. "github.com ssh-ed25519 AAAA…")`,
        "hostKeys",
      );
    if (blobType(Buffer.from(b64, "base64")) !== tokens[at])
      throw new MaterialError(`host keys, line ${i + 1}: the key does not decode as a ${tokens[at]} key`, "hostKeys");
    out.add(`${tokens[at]} ${b64}`);
  }
  if (out.size === 0)
    throw new MaterialError(
      "pin the server's host key: paste its line as ssh-keyscan prints it, checked against the forge's published fingerprints",
      "hostKeys",
    );
  if (out.size > 50) throw new MaterialError("at most 50 host keys", "hostKeys");
  return [...out];
}

export function hostKeyFingerprints(lines: readonly string[]): string[] {
  return lines.map((l) => sshFingerprint(Buffer.from(l.split(" ")[1]!, "base64")));
}

function sshKeygen(args: string[]): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      "ssh-keygen",
      args,
      { timeout: 10_000, env: { PATH: process.env.PATH, LANG: "C" } as unknown as NodeJS.ProcessEnv },
      (err, stdout) => resolve({ ok: !err, stdout: String(stdout) }),
    );
  });
}

/** PEM says so in a header; the OpenSSH format names its cipher ("none" when unprotected) after its magic. */
function hasPassphrase(pem: string): boolean {
  if (/ENCRYPTED/.test(pem)) return true;
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----\n([\s\S]+?)\n-----END/.exec(pem);
  if (!m) return false;
  const raw = Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
  const magic = "openssh-key-v1\0";
  if (raw.subarray(0, magic.length).toString("latin1") !== magic) return false;
  const n = raw.readUInt32BE(magic.length);
  return raw.subarray(magic.length + 4, magic.length + 4 + n).toString("latin1") !== "none";
}

/**
 * A deploy key: ssh must be able to read it without a passphrase (the worker cannot type one). Its public key
 * is derived with ssh-keygen from a 0600 copy in a private folder that is removed at once.
 */
export async function sshPrivateKeyFingerprint(
  privateKey: string,
): Promise<{ fingerprint: string; publicKey: string; normalised: string }> {
  const normalised = `${privateKey.replace(/\r\n?/g, "\n").trim()}\n`;
  if (!/^-----BEGIN ([A-Z]+ )?PRIVATE KEY-----\n[\s\S]+\n-----END ([A-Z]+ )?PRIVATE KEY-----\n$/.test(normalised))
    throw new MaterialError("paste the whole private key, from -----BEGIN … PRIVATE KEY----- to -----END … PRIVATE KEY-----", "privateKey");
  const dir = await mkdtemp(join(tmpdir(), "posture-keycheck-"));
  try {
    const file = join(dir, "key");
    await writeFile(file, normalised, { mode: 0o600, flag: "wx" });
    // -P "": a key with a passphrase fails here instead of prompting.
    const r = await sshKeygen(["-y", "-P", "", "-f", file]);
    if (!r.ok)
      throw new MaterialError(
        hasPassphrase(normalised)
          ? "the key has a passphrase: the worker cannot type one; give it a deploy key made without (ssh-keygen -t ed25519 -N '')"
          : "this is not a private key ssh can read",
        "privateKey",
      );
    const [type, b64] = r.stdout.trim().split(/\s+/);
    if (!type || !b64) throw new MaterialError("this is not a private key ssh can read", "privateKey");
    return { fingerprint: sshFingerprint(Buffer.from(b64, "base64")), publicKey: `${type} ${b64}`, normalised };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A GitHub App's private key (the .pem GitHub downloads): RSA, readable without a passphrase. */
export function githubAppKeyFingerprint(privateKey: string): { fingerprint: string; normalised: string } {
  const normalised = `${privateKey.replace(/\r\n?/g, "\n").trim()}\n`;
  const key = readPemPrivateKey(normalised);
  if (!key)
    throw new MaterialError(
      "paste the app's private key as GitHub downloads it (-----BEGIN RSA PRIVATE KEY----- …), without a passphrase",
      "privateKey",
    );
  if (key.asymmetricKeyType !== "rsa") throw new MaterialError("a GitHub App's private key is an RSA key", "privateKey");
  const der = createPublicKey(key).export({ type: "spki", format: "der" });
  return { fingerprint: `SHA256:${createHash("sha256").update(der).digest("base64")}`, normalised };
}
