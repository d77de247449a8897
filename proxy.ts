import { NextResponse, type NextRequest } from "next/server";
import { clientView, expectedOrigin } from "@/lib/security/forwarded.ts";
import { buildCsp, csrfRefusal, newNonce, RETURN_TO_HEADER, securityHeaders } from "@/lib/security/headers.ts";
import { isSafeText, UNSAFE_TEXT_MESSAGE } from "@/lib/security/text.ts";

/** Every request: refuse cross-site state changes, and send a fresh-nonce CSP and the security headers. */
export function proxy(request: NextRequest) {
  // Never request.nextUrl.protocol or .host: Next.js builds them from X-Forwarded-* whoever sent those.
  const client = clientView(request.headers);
  const https = client.https;
  const refusal = csrfRefusal(request.method, request.headers, expectedOrigin(client), request.nextUrl.pathname);
  if (refusal) {
    return NextResponse.json(
      { error: { code: "cross_site_request", message: `refused: ${refusal}` } },
      { status: 403, headers: securityHeaders({ https }) },
    );
  }
  const unsafe = unsafeQueryParameter(request.nextUrl);
  if (unsafe !== null) {
    return NextResponse.json(
      { error: { code: "invalid_input", message: `${unsafe || "the path"}: ${UNSAFE_TEXT_MESSAGE}` } },
      { status: 400, headers: securityHeaders({ https }) },
    );
  }
  const nonce = newNonce();
  const csp = buildCsp(nonce, { dev: process.env.NODE_ENV !== "production", https });
  // Next.js reads the policy from the request to put the nonce on its own scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  // Where to come back to after signing in (set here, so a client cannot supply its own).
  requestHeaders.set(RETURN_TO_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  for (const [k, v] of Object.entries(securityHeaders({ https }))) response.headers.set(k, v);
  return response;
}

/**
 * The name of the first query parameter holding text no page can take (lib/security/text.ts), "" for the path
 * itself, or null. Pages parse their parameters leniently, falling back to defaults, so they are refused here
 * with a 400, before any page can carry the text into a query.
 */
function unsafeQueryParameter(url: URL): string | null {
  for (const [name, value] of url.searchParams)
    if (!isSafeText(name) || !isSafeText(value)) return isSafeText(name) ? name : "a parameter name";
  return /%00/.test(url.pathname) ? "" : null;
}

/**
 * Everything but Next's build assets, its image endpoint and the favicon, each matched exactly: a prefix
 * ("_next/static" without the slash) would also let /_next/staticx or /favicon.icox through with no headers
 * and no CSRF check.
 */
export const config = {
  matcher: [{ source: "/((?!_next/static/|_next/image$|favicon\\.ico$).*)" }],
};
