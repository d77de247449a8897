/**
 * The key stored credentials are encrypted with: POSTURE_SECRET_KEY, read from the environment and never
 * stored. Rotation: the new key goes in POSTURE_SECRET_KEY, the old one in POSTURE_SECRET_KEY_PREVIOUS
 * (comma-separated if several), then `posture credentials rotate` re-encrypts every credential with the new
 * one; after that the old key can be dropped. Each sealed value names the key that sealed it (keyId), so a
 * value sealed with a key this process does not have fails with that reason rather than as a bad tag.
 */
import { createHash, hkdfSync } from "node:crypto";
import { DomainError } from "../errors.ts";

export const SECRET_KEY_ENV = "POSTURE_SECRET_KEY";
export const PREVIOUS_KEYS_ENV = "POSTURE_SECRET_KEY_PREVIOUS";
/** Characters, not bytes: `openssl rand -base64 32` prints 44. A short value is a typo or a placeholder. */
export const MIN_KEY_CHARS = 32;

export class SecretKeyError extends DomainError {
  constructor(message: string) {
    super("not_configured", message);
  }
}

export interface SecretKey {
  /** Names the key in sealed values; derived from the key, so it says nothing about it. */
  id: string;
  /** AES-256 key. */
  bytes: Buffer;
}

function derive(raw: string, name: string): SecretKey {
  const value = raw.trim();
  if (value.length < MIN_KEY_CHARS)
    throw new SecretKeyError(
      `${name} is ${value.length ? `too short (${value.length} characters; at least ${MIN_KEY_CHARS})` : "empty"}: set it to a random value, e.g. \`openssl rand -base64 32\` (README: private repositories)`,
    );
  // The operator's string is a passphrase-like value of any alphabet: HKDF turns it into exactly 32 bytes.
  const bytes = Buffer.from(
    hkdfSync("sha256", Buffer.from(value, "utf8"), Buffer.from("posture"), Buffer.from("posture credentials v1"), 32),
  );
  const id = createHash("sha256").update("posture key id\0").update(bytes).digest("hex").slice(0, 16);
  return { id, bytes };
}

export interface SecretKeys {
  current: SecretKey;
  /** Every key this process can open values with, the current one included, by id. */
  byId: Map<string, SecretKey>;
}

/** The configured keys; throws SecretKeyError naming the variable when one is missing or short. */
export function secretKeys(env: Record<string, string | undefined> = process.env): SecretKeys {
  const raw = env[SECRET_KEY_ENV];
  if (raw === undefined || raw.trim() === "")
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} is not set: it encrypts the stored git credentials. Set it to a random value, e.g. \`openssl rand -base64 32\` (./bin/start generates one into .posture/secret-key)`,
    );
  const current = derive(raw, SECRET_KEY_ENV);
  const byId = new Map([[current.id, current]]);
  for (const old of (env[PREVIOUS_KEYS_ENV] ?? "").split(",").filter((s) => s.trim())) {
    const k = derive(old, PREVIOUS_KEYS_ENV);
    if (!byId.has(k.id)) byId.set(k.id, k);
  }
  return { current, byId };
}

/** For start-up: throws SecretKeyError when the key is missing or too short. */
export function checkSecretKey(env: Record<string, string | undefined> = process.env): void {
  secretKeys(env);
}
