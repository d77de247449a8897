import { describe, expect, it } from "vitest";
import { effectivePolicy, severityCounts, verdict } from "../../lib/connections/policy.ts";
import {
  changeComment,
  changeStatusDescription,
  inertMarkdown,
  pushStatusDescription,
  type RenderedFinding,
} from "../../lib/changes/render.ts";

const f = (severity: RenderedFinding["severity"], path = "app.py", message = "eval of x"): RenderedFinding => ({
  severity,
  checkId: `test.${severity}`,
  path,
  line: 3,
  message,
});

describe("policy modes", () => {
  it("monitor posts nothing; comment posts a passing status and a comment; block fails at or above its severity", () => {
    const introduced = severityCounts([f("high"), f("low")]);
    expect(verdict({ mode: "monitor", blockAt: "low" }, introduced)).toEqual({
      post: false,
      comment: false,
      state: "success",
      blocking: 0,
    });
    expect(verdict({ mode: "comment", blockAt: "low" }, introduced)).toEqual({ post: true, comment: true, state: "success", blocking: 0 });
    expect(verdict({ mode: "block", blockAt: "critical" }, introduced)).toMatchObject({ state: "success", blocking: 0 });
    expect(verdict({ mode: "block", blockAt: "high" }, introduced)).toMatchObject({ state: "failure", blocking: 1 });
    expect(verdict({ mode: "block", blockAt: "low" }, introduced)).toMatchObject({ state: "failure", blocking: 2 });
  });

  it("a repository's override wins part by part over the organisation's policy", () => {
    const org = { mode: "comment" as const, blockAt: "high" as const };
    expect(effectivePolicy(org, null)).toEqual({ mode: "comment", blockAt: "high", source: "organisation" });
    expect(effectivePolicy(org, { mode: "block", blockAt: null })).toEqual({ mode: "block", blockAt: "high", source: "repository" });
    expect(effectivePolicy(org, { mode: null, blockAt: "critical" })).toEqual({
      mode: "comment",
      blockAt: "critical",
      source: "repository",
    });
  });
});

describe("what is written on the forge", () => {
  it("status lines give counts and stay within GitHub's 140 characters", () => {
    const p = { mode: "block" as const, blockAt: "high" as const };
    const c = severityCounts([f("critical"), f("medium"), f("medium")]);
    expect(changeStatusDescription(p, verdict(p, c), c, 1)).toBe("Blocked: 1 new finding at or above high (1 critical, 2 medium), 1 fixed");
    const none = severityCounts([]);
    expect(changeStatusDescription(p, verdict(p, none), none, 0)).toBe("No new findings");
    expect(pushStatusDescription(severityCounts([f("high"), f("low")]), { introduced: 1, fixed: 0 })).toBe(
      "2 open findings (1 high, 1 low); 1 new, 0 fixed by this push",
    );
    const many = { critical: 123456789, high: 123456789, medium: 123456789, low: 123456789 };
    expect(changeStatusDescription(p, verdict(p, many), many, 123456789).length).toBeLessThanOrEqual(140);
  });

  it("text from the scanned code cannot mention, link, reference or inject markup", () => {
    const hostile = "@octocat see #1 !2 [x](https://evil.example) <img src=x onerror=alert(1)> `code` | cell www.evil.example";
    const out = inertMarkdown(hostile);
    expect(out).not.toMatch(/@[A-Za-z]/);
    expect(out).not.toMatch(/#\d|!\d/);
    expect(out).not.toMatch(/<|>/);
    expect(out).not.toContain("](");
    expect(out).not.toContain("://");
    expect(out).not.toMatch(/www\./i);
    expect(out).not.toMatch(/(^|[^\\])[|`]/);
    expect(inertMarkdown("a\nb\r\n| c")).toBe("a b \\| c");
    expect(inertMarkdown("x".repeat(400), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("the comment lists the new findings worst first, with the verdict, and bounded", () => {
    const p = { mode: "block" as const, blockAt: "critical" as const };
    const introduced = [f("low", "b.py"), f("critical", "a.py", "secret @team"), ...Array.from({ length: 60 }, () => f("medium"))];
    const body = changeComment({
      policy: p,
      verdict: verdict(p, severityCounts(introduced)),
      introduced,
      fixed: 2,
      unchanged: 5,
      headSha: "a".repeat(40),
      baseRef: "main",
      link: "https://posture.example/repositories/r1/changes/c1",
    });
    const rows = body.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Severity"));
    expect(rows).toHaveLength(50);
    expect(rows[0]).toContain("critical");
    expect(rows[0]).toContain("secret @\u200bteam");
    expect(body).toContain("**Blocking:** 1 new finding at or above **critical**");
    expect(body).toContain("… and 12 more.");
    expect(body).toContain("62 new findings (1 critical, 60 medium, 1 low), 2 fixed");
    expect(body).toContain("[All results in Posture](https://posture.example/repositories/r1/changes/c1)");
  });
});
