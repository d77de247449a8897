import { NextResponse, type NextRequest } from "next/server";
import { buildCsp, csrfRefusal, newNonce, securityHeaders } from "@/lib/security/headers.ts";

/** Every request: refuse cross-site state changes, and send a fresh-nonce CSP and the security headers. */
export function proxy(request: NextRequest) {
  const https = request.nextUrl.protocol === "https:" || (process.env.POSTURE_TRUSTED_PROXY === "1" && request.headers.get("x-forwarded-proto") === "https");
  const refusal = csrfRefusal(request.method, request.headers, request.nextUrl);
  if (refusal) {
    return NextResponse.json({ error: { code: "cross_site_request", message: `refused: ${refusal}` } }, { status: 403, headers: securityHeaders({ https }) });
  }
  const nonce = newNonce();
  const csp = buildCsp(nonce, { dev: process.env.NODE_ENV !== "production", https });
  // Next.js reads the policy from the request to put the nonce on its own scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  for (const [k, v] of Object.entries(securityHeaders({ https }))) response.headers.set(k, v);
  return response;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
