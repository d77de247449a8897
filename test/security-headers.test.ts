import { createRequire } from "node:module";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { clientView, expectedOrigin } from "../lib/security/forwarded.ts";
import { buildCsp, csrfRefusal, newNonce, securityHeaders } from "../lib/security/headers.ts";
import { config, proxy } from "../proxy.ts";

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
  const origin = "https://posture.example.com";
  const api = "/api/v1/findings";
  const token = `pst_${"a".repeat(43)}`;
  const h = (init: Record<string, string>) => new Headers(init);
  it("lets reads, and API requests carrying an API token, through", () => {
    expect(csrfRefusal("GET", h({ origin: "https://evil.example" }), origin, "/")).toBeNull();
    expect(csrfRefusal("POST", h({ authorization: `Bearer ${token}`, origin: "https://evil.example" }), origin, api)).toBeNull();
  });
  it("lets the forges' webhook POSTs through (their signature is checked by the handler), and nothing else under /api/v1/hooks", () => {
    expect(csrfRefusal("POST", h({}), origin, "/api/v1/hooks/github")).toBeNull();
    expect(csrfRefusal("POST", h({ "user-agent": "GitLab/17.0" }), origin, "/api/v1/hooks/gitlab")).toBeNull();
    expect(csrfRefusal("DELETE", h({}), origin, "/api/v1/hooks/github")).toMatch(/does not say/);
    expect(csrfRefusal("POST", h({}), origin, "/api/v1/hooks/github/x")).toMatch(/does not say/);
    expect(csrfRefusal("POST", h({}), origin, "/api/v1/hooks")).toMatch(/does not say/);
  });
  it("accepts same-origin state changes and refuses cross-site or unlabelled ones", () => {
    expect(csrfRefusal("POST", h({ origin }), origin, "/")).toBeNull();
    expect(csrfRefusal("PATCH", h({ "sec-fetch-site": "same-origin" }), origin, "/")).toBeNull();
    expect(csrfRefusal("POST", h({ origin: "https://evil.example" }), origin, "/")).toMatch(/another site/);
    expect(csrfRefusal("DELETE", h({ origin: "http://posture.example.com" }), origin, "/")).toMatch(/another site/);
    expect(csrfRefusal("POST", h({ "sec-fetch-site": "cross-site" }), origin, "/")).toMatch(/does not say/);
    expect(csrfRefusal("POST", h({}), origin, "/")).toMatch(/does not say/);
    expect(csrfRefusal("POST", h({ origin }), null, "/")).toMatch(/Host/);
  });
  it("issue 15 §5: a bearer header is no exemption outside the API, and junk is none inside it", () => {
    // The attack: any "Bearer <junk>" skipped the Origin check on a cookie-authenticated server action.
    for (const authorization of ["Bearer junk", "Bearer x", `Bearer ${token}`, "bearer pst_nope"]) {
      expect([authorization, csrfRefusal("POST", h({ authorization, origin: "https://evil.example" }), origin, "/login")]).toEqual([
        authorization,
        "the request comes from another site",
      ]);
      expect(csrfRefusal("POST", h({ authorization }), origin, "/admin/tokens")).toMatch(/does not say/);
    }
    for (const authorization of ["Bearer junk", "Bearer pst_nope", `Bearer ${token}x`, `Basic ${token}`]) {
      expect([authorization, csrfRefusal("PATCH", h({ authorization, origin: "https://evil.example" }), origin, api)]).toEqual([
        authorization,
        "the request comes from another site",
      ]);
    }
    // A path that merely starts like the API's is not the API.
    expect(csrfRefusal("POST", h({ authorization: `Bearer ${token}`, origin: "https://evil.example" }), origin, "/api/v1x")).toMatch(
      /another site/,
    );
  });
});

describe("forwarded headers (issue 15 §5)", () => {
  const forged = {
    host: "127.0.0.1:3000",
    "x-forwarded-proto": "https",
    "x-forwarded-host": "evil.example",
    "x-forwarded-for": "203.0.113.9",
  };
  it("believes none of them without POSTURE_TRUSTED_PROXY=1", () => {
    const c = clientView(new Headers(forged), {});
    expect(c).toEqual({ ip: null, https: false, host: "127.0.0.1:3000" });
    expect(expectedOrigin(c)).toBe("http://127.0.0.1:3000");
    // Serving https directly is the operator's word, not the client's.
    expect(clientView(new Headers(forged), { POSTURE_SECURE_COOKIES: "1" }).https).toBe(true);
  });
  it("behind a trusted proxy, believes the value that proxy wrote: the last in each list", () => {
    const appended = {
      ...forged,
      "x-forwarded-for": "198.51.100.1, 203.0.113.9",
      "x-forwarded-proto": "http, https",
      "x-forwarded-host": "evil.example, posture.example.com",
    };
    expect(clientView(new Headers(appended), { POSTURE_TRUSTED_PROXY: "1" })).toEqual({
      ip: "203.0.113.9",
      https: true,
      host: "posture.example.com",
    });
    expect(expectedOrigin({ ip: null, https: true, host: "posture.example.com" })).toBe("https://posture.example.com");
  });
  it("refuses a Host that is not a host", () => {
    for (const host of ["evil.example/x", "a@b", "a b", "", "[::1"])
      expect([host, expectedOrigin({ ip: null, https: false, host })]).toEqual([host, null]);
    expect(expectedOrigin({ ip: null, https: false, host: "[::1]:3000" })).toBe("http://[::1]:3000");
    expect(expectedOrigin({ ip: null, https: false, host: "Posture.Example:80" })).toBe("http://posture.example");
  });

  // Next.js builds request.nextUrl from X-Forwarded-Proto whoever sent it: this is the request it hands the proxy.
  const asNextBuildsIt = (headers: Record<string, string>, method = "GET", path = "/login") =>
    new NextRequest(`https://127.0.0.1:3000${path}`, { method, headers });
  it("an untrusted X-Forwarded-Proto changes neither HSTS, upgrade-insecure-requests nor the expected CSRF origin", () => {
    const saved = { ...process.env };
    try {
      delete process.env.POSTURE_TRUSTED_PROXY;
      delete process.env.POSTURE_SECURE_COOKIES;
      const res = proxy(asNextBuildsIt(forged));
      expect(res.headers.get("strict-transport-security")).toBeNull();
      expect(res.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
      // The page's real origin is http://127.0.0.1:3000: a form posted from there is accepted, an https one is not.
      expect(proxy(asNextBuildsIt({ ...forged, origin: "http://127.0.0.1:3000" }, "POST")).status).not.toBe(403);
      expect(proxy(asNextBuildsIt({ ...forged, origin: "https://127.0.0.1:3000" }, "POST")).status).toBe(403);
      expect(proxy(asNextBuildsIt({ ...forged, origin: "https://evil.example" }, "POST")).status).toBe(403);

      process.env.POSTURE_TRUSTED_PROXY = "1";
      const behind = proxy(asNextBuildsIt({ ...forged, "x-forwarded-host": "posture.example.com" }));
      expect(behind.headers.get("strict-transport-security")).toMatch(/^max-age=/);
      expect(behind.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    } finally {
      process.env = saved;
    }
  });
});

describe("the proxy's matcher (issue 15 §5)", () => {
  // Compiled and applied exactly as Next.js does it.
  const require = createRequire(import.meta.url);
  const { getMiddlewareMatchers } = require("next/dist/build/analysis/get-page-static-info.js") as {
    getMiddlewareMatchers: (m: unknown, c: unknown) => unknown[];
  };
  const { getMiddlewareRouteMatcher } = require("next/dist/shared/lib/router/utils/middleware-route-matcher.js") as {
    getMiddlewareRouteMatcher: (m: unknown[]) => (p: string, req: unknown, q: unknown) => boolean;
  };
  const runsOn = getMiddlewareRouteMatcher(getMiddlewareMatchers(config.matcher, { basePath: "" }));
  const covered = (p: string) => runsOn(p, { headers: {} }, {});

  it("skips exactly Next's assets, its image endpoint and the favicon", () => {
    for (const p of ["/_next/static/chunks/app.js", "/_next/static/css/a.css", "/_next/image", "/favicon.ico"])
      expect([p, covered(p)]).toEqual([p, false]);
  });
  it("covers everything else, including paths that only start like those", () => {
    for (const p of [
      "/",
      "/login",
      "/findings",
      "/api/v1/findings",
      "/favicon.icox",
      "/favicon.ico/x",
      "/_next/imagex",
      "/_next/image/x",
      "/_next/staticx",
      "/_next/staticx/a.js",
      "/_next/static",
      "/favicon-ico",
    ]) {
      expect([p, covered(p)]).toEqual([p, true]);
    }
  });
});
