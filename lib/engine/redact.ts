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

// Words that stand for a credential in docs, templates and tests. Matched whole, case-insensitive, with `-`, `_`,
// `.` or spaces between parts ("change-me"; "YOUR_HF_TOKEN" is FAKE_WORD's).
const PLACEHOLDER_WORD =
  /^(?:test(?:ing)?|dummy|fake|mock|foo|bar|baz|none|null|nil|undefined|empty|unused|unset|not[-_ .]?set|not[-_ .]?needed|n\/?a|changeme|change[-_ .]me|replace[-_ .]?me|fill[-_ .]?me(?:[-_ .]?in)?|placeholder|example|sample|secret|password|passwd|token|api[-_ .]?key|key|redacted|hidden|todo|tbd|xxx+|\*+|\.+|-+|0+|1234(?:5678?)?)$/i;
// Parts that make any value a stand-in: a filler run, an instruction to fill it in, an angle-bracket slot.
const PLACEHOLDER_PART = /x{4}|X{4}|\*{3}|\.{3}|•{3}|changeme|change[-_ ]me|replace[-_ ]?me|placeholder|redacted|<[^<>\s]+>/i;
// An announced fake inside a one-word value ("sk-test-secret", "your-api-key"). Only between non-alphanumerics:
// random token bodies hold words between digits ("Q3EXAMPLE7"); and never in a value with spaces: a real key file
// or JSON blob may name an example.com or a test project.
const FAKE_WORD =
  /(?:^|[^A-Za-z0-9])(?:fake|dummy|mock|sample|example|test|your|insert|enter|paste|replace|foo(?:bar)?)(?:[^A-Za-z0-9]|$)/i;
// A reference to the value rather than the value: $VAR, ${VAR}, $(cmd), ${{ secrets.X }}, {{ .Values.x }}, {name},
// %s, %(name)s, [token], or a secret manager's address. A hash such as bcrypt's "$2b$12$..." is a value.
const PLACEHOLDER_REFERENCE =
  /^(?:\$[A-Za-z_{(]|`|\{\{|%\(|%[sd]$|\{[A-Za-z_][A-Za-z0-9_.]*\}$|\[[A-Za-z][A-Za-z0-9 _.-]*\]$)|\$\{|\{\{|^(?:arn:aws:|vault:|sm:\/\/|awssm:|projects\/[^/]+\/secrets\/)/;

/**
 * Whether a captured secret stands for a credential rather than being one: empty, a reference or template, a filler
 * run (`xxxx`, `****`), an announced fake (`changeme`, `dummy`, `sk-test-...`) or an instruction
 * (`<your-key>`, `YOUR_HF_TOKEN`). Every check that names secret captures (`redact`) is a credential check, and a
 * match whose secrets are all placeholders is dropped (finalizeFile): this is the one definition they all share.
 * A `NAME=value` capture (a compose or bentofile env entry) is judged by its value.
 */
export function isPlaceholderSecret(secret: string): boolean {
  let v = secret.trim();
  const assignment = /^[A-Za-z_][A-Za-z0-9_]*=(.*)$/s.exec(v);
  if (assignment) v = assignment[1]!.trim();
  const quoted = /^(["'])([\s\S]*)\1$/.exec(v);
  if (quoted) v = quoted[2]!.trim();
  // An Authorization value is judged by its credential: "Bearer <token>", "Basic changeme".
  const scheme = /^(?:Bearer|Basic|Token|Bot)\s+(\S+)$/i.exec(v);
  if (scheme) v = scheme[1]!;
  if (v === "") return true;
  return PLACEHOLDER_WORD.test(v) || PLACEHOLDER_REFERENCE.test(v) || PLACEHOLDER_PART.test(v) || (!/\s/.test(v) && FAKE_WORD.test(v));
}
