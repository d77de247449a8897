/**
 * AES-256-GCM for stored credentials. The associated data binds a sealed value to the row it belongs to (its
 * id, kind and scope): a sealed token copied into another row, say one scoped to a host its author controls,
 * does not open there, so whoever can write to the database still cannot redirect a token elsewhere.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { secretKeys, type SecretKeys } from "./key.ts";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  keyId: string;
  /** base64 of iv | ciphertext | tag. */
  sealed: string;
}

export class SealError extends Error {
  constructor(
    readonly code: "unknown_key" | "corrupt",
    message: string,
  ) {
    super(message);
  }
}

export function seal(plaintext: string, aad: string, keys: SecretKeys = secretKeys()): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keys.current.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { keyId: keys.current.id, sealed: Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64") };
}

export function open(value: Sealed, aad: string, keys: SecretKeys = secretKeys()): string {
  const key = keys.byId.get(value.keyId);
  if (!key)
    throw new SealError(
      "unknown_key",
      "the credential was encrypted with a key this process does not have (POSTURE_SECRET_KEY changed without rotation: put the old key in POSTURE_SECRET_KEY_PREVIOUS)",
    );
  const raw = Buffer.from(value.sealed, "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SealError("corrupt", "the stored credential is damaged");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError("corrupt", "the stored credential is damaged or was moved from another row");
  }
}
