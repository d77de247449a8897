/**
 * Secret values never leave the engine. Checks name the captures that hold secrets; on top of that every
 * snippet is swept for well-known token formats, so a secret matched by some unrelated check is masked too.
 */

// Formats with a distinctive prefix or structure, so masking them in any snippet has no false positives worth caring about.
export const KNOWN_TOKEN_PATTERNS: readonly RegExp[] = [
  /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{20,255}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
  /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{8,}/g, // OpenAI / Anthropic style keys
  /\b(?:ak|as)-[A-Za-z0-9]{16,}\b/g, // Modal token id / secret
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\bhf_[A-Za-z0-9]{20,}\b/g, // Hugging Face
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z]+ )?PRIVATE KEY-----|$)/g,
];

/** Keeps a short prefix only when the value is long enough that the prefix says little about the rest. */
export function mask(secret: string): string {
  const keep = secret.length >= 16 ? 4 : 0;
  return `${secret.slice(0, keep)}****[redacted]`;
}

/** Replaces each given secret value, then every known token format, with its masked form. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first so a secret that contains another is masked whole.
  for (const s of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(mask(s));
  }
  for (const re of KNOWN_TOKEN_PATTERNS) out = out.replace(re, (m) => (m.endsWith("[redacted]") ? m : mask(m)));
  return out;
}
