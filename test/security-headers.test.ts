import { describe, expect, it } from "vitest";
import { buildCsp, csrfRefusal, newNonce, securityHeaders } from "../lib/security/headers.ts";

describe("content security policy", () => {
  it("allows scripts only from this origin or with the request's nonce, and no framing", () => {
    const csp = buildCsp("abc123", { dev: false, https: true });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("upgrade-insecure-requests");
    expect(buildCsp("n", { dev: false, https: false })).not.toContain("upgrade-insecure-requests");
  });

  it("uses a fresh, unguessable nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

describe("security headers", () => {
  it("forbid sniffing, framing and referrers, and send HSTS only over https", () => {
    const h = securityHeaders({ https: true });
    expect(h).toMatchObject({ "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer" });
    expect(h["Strict-Transport-Security"]).toMatch(/^max-age=\d+/);
    expect(securityHeaders({ https: false })["Strict-Transport-Security"]).toBeUndefined();
  });
});

describe("CSRF", () => {
  const url = new URL("https://posture.example.com/api/v1/findings");
  const h = (init: Record<string, string>) => new Headers(init);
  it("lets reads and bearer-token requests through", () => {
    expect(csrfRefusal("GET", h({ origin: "https://evil.example" }), url)).toBeNull();
    expect(csrfRefusal("POST", h({ authorization: "Bearer pst_x", origin: "https://evil.example" }), url)).toBeNull();
  });
  it("accepts same-origin state changes and refuses cross-site or unlabelled ones", () => {
    expect(csrfRefusal("POST", h({ origin: "https://posture.example.com" }), url)).toBeNull();
    expect(csrfRefusal("PATCH", h({ "sec-fetch-site": "same-origin" }), url)).toBeNull();
    expect(csrfRefusal("POST", h({ origin: "https://evil.example" }), url)).toMatch(/another site/);
    expect(csrfRefusal("DELETE", h({ origin: "http://posture.example.com" }), url)).toMatch(/another site/);
    expect(csrfRefusal("POST", h({ "sec-fetch-site": "cross-site" }), url)).toMatch(/does not say/);
    expect(csrfRefusal("POST", h({}), url)).toMatch(/does not say/);
  });
});
