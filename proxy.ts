import { NextResponse, type NextRequest } from "next/server";
import { buildCsp, csrfRefusal, newNonce, RETURN_TO_HEADER, securityHeaders } from "@/lib/security/headers.ts";

/** Every request: refuse cross-site state changes, and send a fresh-nonce CSP and the security headers. */
export function proxy(request: NextRequest) {
  const https = request.nextUrl.protocol === "https:" || (process.env.POSTURE_TRUSTED_PROXY === "1" && request.headers.get("x-forwarded-proto") === "https");
  // The origin the browser used is the Host header's (nextUrl is normalised, e.g. 127.0.0.1 becomes localhost).
  const trusted = process.env.POSTURE_TRUSTED_PROXY === "1";
  const host = (trusted && request.headers.get("x-forwarded-host")) || request.headers.get("host") || request.nextUrl.host;
  const refusal = csrfRefusal(request.method, request.headers, new URL(`${https ? "https:" : request.nextUrl.protocol}//${host}`));
  if (refusal) {
    return NextResponse.json({ error: { code: "cross_site_request", message: `refused: ${refusal}` } }, { status: 403, headers: securityHeaders({ https }) });
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

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
