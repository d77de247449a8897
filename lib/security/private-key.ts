import { createPrivateKey, type KeyObject } from "node:crypto";

/**
 * A PEM private key as node:crypto reads it, or null when it is not one (or is encrypted with a passphrase).
 * Null rather than node's error, whose text may quote the key: each caller says what is wrong in its own words.
 */
export function readPemPrivateKey(pem: string): KeyObject | null {
  try {
    return createPrivateKey({ key: pem, format: "pem" });
  } catch {
    return null;
  }
}
