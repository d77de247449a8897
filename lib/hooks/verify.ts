/**
 * Who sent a webhook: each connection has a secret of its own (lib/connections/service.ts), which the forge
 * uses to sign (GitHub) or to send back (GitLab) with every delivery.
 *  - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body keyed with the secret>`.
 *  - GitLab: `X-Gitlab-Token: <the secret>`.
 * Both are compared in constant time (timingSafeEqual over fixed-length digests), so the time an answer takes
 * says nothing about how much of a guess was right. Pure: no database.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type HookForge = "github" | "gitlab";

/** A new webhook secret: 32 random bytes, as text a forge's form accepts. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** The header value GitHub would send for `body` signed with `secret` (tests and the e2e sign with it too). */
export function githubSignature(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** Whether `header` is GitHub's signature of `body` with `secret`. */
export function verifyGithubSignature(secret: string, body: Uint8Array, header: string | null): boolean {
  const m = SIGNATURE.exec(header?.trim() ?? "");
  const expected = createHmac("sha256", secret).update(body).digest();
  // A missing or malformed header still costs one comparison, against a value that cannot match.
  const given = m ? Buffer.from(m[1]!, "hex") : Buffer.alloc(expected.length);
  return timingSafeEqual(expected, given) && m !== null;
}

/** Whether `header` is the GitLab token `secret` (compared as digests: equal length whatever was sent). */
export function verifyGitlabToken(secret: string, header: string | null): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(secret), digest(header ?? "")) && header !== null && header.length > 0;
}

export function verifyDelivery(forge: HookForge, secret: string, body: Uint8Array, headers: Headers): boolean {
  return forge === "github"
    ? verifyGithubSignature(secret, body, headers.get("x-hub-signature-256"))
    : verifyGitlabToken(secret, headers.get("x-gitlab-token"));
}

/**
 * The forge's id of one delivery, for deduplication: GitHub's X-GitHub-Delivery (kept on a redelivery); GitLab's
 * Idempotency-Key (kept when GitLab retries; 17.4 and later), else its X-Gitlab-Event-UUID.
 */
export function deliveryId(forge: HookForge, headers: Headers): string | null {
  const raw =
    forge === "github" ? headers.get("x-github-delivery") : (headers.get("idempotency-key") ?? headers.get("x-gitlab-event-uuid"));
  const v = raw?.trim() ?? "";
  return /^[A-Za-z0-9._:-]{1,128}$/.test(v) ? v : null;
}

/** The event's name as the forge puts it in a header. */
export function eventName(forge: HookForge, headers: Headers): string {
  const v = (forge === "github" ? headers.get("x-github-event") : headers.get("x-gitlab-event")) ?? "";
  return v.trim().slice(0, 64);
}
