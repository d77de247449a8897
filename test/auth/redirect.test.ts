/** Issue 15 §2: the sign-in redirect (`/login?next=`) never leaves this origin, whatever the spelling. */
import { describe, expect, it } from "vitest";
import { safeNextPath } from "../../lib/auth/guard.ts";

const ORIGIN = "http://127.0.0.1:3000";
/**
 * Where a browser lands when sent to `next`: the router normalises the path and then navigates to it as a
 * URL again, so `/.//evil.example` becomes `//evil.example`, a reference to another host.
 */
const lands = (next: string) => {
  const once = new URL(next, `${ORIGIN}/login`);
  return new URL(once.pathname + once.search + once.hash, `${ORIGIN}/login`).origin;
};

describe("safeNextPath", () => {
  // Each of these reaches another host in a browser: the first three are the issue's, the rest their relatives.
  const offsite = [
    "/.//evil.example",
    "/..//evil.example",
    "/./\\evil.example",
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/./../..//evil.example",
    "/a/../..//evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "/%2f%2fevil.example",
    "/%2F/evil.example",
    "/%5cevil.example",
    "/%5C%5Cevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/ /evil.example",
    "/\u0000/evil.example",
    "/%09/evil.example",
    "/%00",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
  ];

  it("refuses every variant that a browser would resolve to another origin, or that is not already normal", () => {
    for (const next of offsite) {
      expect([next, safeNextPath(next)]).toEqual([next, "/"]);
    }
    // The attack as it was: what the old check let through does land elsewhere.
    for (const next of offsite.slice(0, 3)) expect(lands(next)).not.toBe(ORIGIN);
  });

  it("refuses values that are not one string", () => {
    for (const next of [undefined, null, 42, ["/a", "/b"], { toString: () => "/x" }, `/${"a".repeat(2001)}`])
      expect(safeNextPath(next)).toBe("/");
  });

  it("keeps this site's own paths, as the proxy records them, exactly", () => {
    for (const next of [
      "/",
      "/findings",
      "/findings?severity=critical,high&status=open",
      "/findings/cm123",
      "/repositories/x?tab=scans#history",
      "/heatmap?columns=repositories",
      "/findings?q=a%20b",
      "/r%C3%A9po",
    ]) {
      expect(safeNextPath(next)).toBe(next);
      expect(lands(safeNextPath(next))).toBe(ORIGIN);
    }
  });

  it("whatever it is given, the result lands on this origin", () => {
    const pieces = ["/", "\\", ".", "..", "%2e", "%2f", "%5c", "evil.example", "@", ":", "?", "#", "\t", " "];
    let checked = 0;
    for (const a of pieces)
      for (const b of pieces)
        for (const c of pieces) {
          const out = safeNextPath(`/${a}${b}${c}`);
          expect([`/${a}${b}${c}`, lands(out)]).toEqual([`/${a}${b}${c}`, ORIGIN]);
          expect(out.startsWith("/") && !out.startsWith("//")).toBe(true);
          checked++;
        }
    expect(checked).toBe(pieces.length ** 3);
  });
});
