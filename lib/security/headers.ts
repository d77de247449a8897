/**
 * The dashboard's own HTTP protections, as pure functions so they can be tested without a server:
 * a nonce-based Content-Security-Policy, the other security headers, and the CSRF origin rule.
 */
import { bearerToken, isApiTokenShaped } from "../auth/tokens.ts";

export function buildCsp(nonce: string, opts: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts loaded by a nonced script may run; nothing inline without the nonce.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    // The dev server injects CSS through <style> elements without a nonce; production serves stylesheets.
    opts.dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    // React renders style="" attributes (charts); they cannot run code, so they are allowed on their own.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${opts.dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(opts: { https: boolean }): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    // Dashboard URLs name repositories and filters: send them nowhere.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(opts.https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The HTTP API: its handlers authenticate by bearer token only and never read a cookie (lib/api/http.ts). */
export const API_PATH_PREFIX = "/api/v1/";

/**
 * The forges' webhooks (lib/hooks/receive.ts): a server-to-server POST without Origin, authenticated by the
 * connection's signature or token alone; its handler reads no cookie and no session, so there is nothing
 * ambient for a cross-site request to use.
 */
export const HOOKS_PATH_PREFIX = "/api/v1/hooks/";

/**
 * Why a state-changing request must be refused as cross-site, or null to let it through. Only a request to
 * the token-only API that carries something shaped like an API token is exempt: it has no ambient credential
 * to abuse, and its handler refuses a token that is not valid. Anywhere else (server actions, the dashboard's
 * own routes) an Authorization header changes nothing here, and lib/server/session.ts ignores the session
 * cookie of any request that carries one.
 */
export function csrfRefusal(method: string, headers: Headers, expected: string | null, pathname: string): string | null {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return null;
  if (pathname.startsWith(API_PATH_PREFIX) && isApiTokenShaped(bearerToken(headers.get("authorization")))) return null;
  if (method.toUpperCase() === "POST" && (pathname === `${HOOKS_PATH_PREFIX}github` || pathname === `${HOOKS_PATH_PREFIX}gitlab`))
    return null;
  if (!expected) return "the request's Host header is not valid";
  const origin = headers.get("origin");
  if (origin) return origin === expected ? null : "the request comes from another site";
  // Browsers that send no Origin still send Sec-Fetch-Site on every request they make.
  const site = headers.get("sec-fetch-site");
  if (site === "same-origin") return null;
  return "the request does not say where it comes from";
}

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Request header carrying the page's own path, for the sign-in redirect to come back to. */
export const RETURN_TO_HEADER = "x-posture-return-to";
